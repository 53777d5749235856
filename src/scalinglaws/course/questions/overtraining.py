"""Practice questions for chapters/05_overtraining.ipynb (solutions/05_overtraining.ipynb)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.compute import FLOP_PER_PARAM_TOKEN_INFER, FLOP_PER_PARAM_TOKEN_TRAIN, format_count
from scalinglaws.fit import fit_overtraining
from scalinglaws.gadre import FIT_LOSS, Reproduction, reproduce
from scalinglaws.laws import BESIROGLU_2024, HOFFMANN_2022, HOFFMANN_2022_UNROUNDED, ChinchillaLaw
from scalinglaws.lifetime import chinchilla_optimal_for_loss, lifetime_flops, lifetime_optimal
from scalinglaws.models import model
from scalinglaws.runs import GADRE_2024_FIG1_RELATIVE_ERROR

GRID_LAW = HOFFMANN_2022_UNROUNDED
"""The law of question over-grid-search (Hoffmann et al. 2022, unrounded TeX values)."""
GRID_LOSS = 2.0
"""Target loss of question over-grid-search, nats/token."""
GRID_DEMAND = 1e13
"""Lifetime inference demand of question over-grid-search, tokens."""
EQUAL_LOSS_TOKENS = 3e12
"""Training tokens of the larger model in question over-200b (the source text's '200B trained on 3T')."""


def _llama(name: str) -> tuple[float, float]:
    m = model(name)
    return m.params, m.tokens


def _tpp() -> tuple[float, float]:
    return model("Llama 3 8B").tokens_per_param, model("Llama 3 70B").tokens_per_param


def _infer_ratio() -> float:
    return _llama("Llama 3 70B")[0] / _llama("Llama 3 8B")[0]


def _breakeven(train: float = FLOP_PER_PARAM_TOKEN_TRAIN, serve: float = FLOP_PER_PARAM_TOKEN_INFER) -> float:
    (ns, ds), (nl, dl) = _llama("Llama 3 8B"), _llama("Chinchilla")
    return train * (ns * ds - nl * dl) / (serve * (nl - ns))


def _quality_gap(law: ChinchillaLaw) -> float:
    return float(law.loss(*_llama("Llama 3 8B")) - law.loss(*_llama("Chinchilla")))


def _overtraining(law: ChinchillaLaw) -> float:
    n, d = _llama("Llama 3 8B")
    same_loss = chinchilla_optimal_for_loss(law, law.loss(n, d))
    return (d / n) / same_loss.tokens_per_param


def _overtraining_same_compute(law: ChinchillaLaw) -> float:
    n, d = _llama("Llama 3 8B")
    return (d / n) / law.tokens_per_param_at(FLOP_PER_PARAM_TOKEN_TRAIN * n * d)


def _equal_loss_params(law: ChinchillaLaw) -> float:
    target = law.loss(*_llama("Llama 3 70B"))
    room = target - law.E - law.B * EQUAL_LOSS_TOKENS ** -law.beta
    return float((law.A / room) ** (1 / law.alpha))


def _grid_answer(serve_rate: float = FLOP_PER_PARAM_TOKEN_INFER, demand: float = GRID_DEMAND) -> float:
    return lifetime_optimal(GRID_LAW, GRID_LOSS, demand * serve_rate / FLOP_PER_PARAM_TOKEN_INFER).optimum.N


def _lifetime_cases() -> list[tuple]:
    return [(8e9, 15e12, 0.0), (8e9, 15e12, 1e12), (70e9, 1.4e12, 5e14), (np.array([7e9, 70e9]), 2e12, 1e13)]


def _gap_to(other: str, law: ChinchillaLaw = BESIROGLU_2024) -> float:
    """L(Llama 3 8B) − L(other) under ``law`` (a look-alike when other is not the Chinchilla-shaped 70B)."""
    return float(law.loss(*_llama("Llama 3 8B")) - law.loss(*_llama(other)))


# --- Gadre et al.'s real runs (RedPajama): their law fitted as they fit it ----------------------------------
REAL_SET = "rpj"
"""The training set of the real-runs questions: RedPajama, the one of Gadre et al.'s Fig. 1."""


# The real-runs questions fit once: every check, hint and look-alike shares the fit.
@lru_cache(maxsize=None)
def _real() -> Reproduction:
    return reproduce(REAL_SET)


def _seven(rep: Reproduction):
    """The held-out 6.9B run (M = 20) of a reproduction."""
    return rep.held_out.take(rep.held_out.shape == "open_lm_7b")


@lru_cache(maxsize=None)
def _real_law(training_set: str = REAL_SET, runs: str = "fit", loss: str = FIT_LOSS):
    """The over-training law fitted to one training set's five fitting runs (or to all its small runs)."""
    every = reproduce(training_set).runs
    chosen = every.fit_set() if runs == "fit" else every.small()
    return fit_overtraining(chosen.N, chosen.D, chosen.loss[loss]).law


def _seven_loss(law=None) -> float:
    seven = _seven(_real())
    return float((law or _real_law()).loss(seven.N, seven.D)[0])


def _seven_measured() -> float:
    return float(_seven(_real()).loss[FIT_LOSS][0])


def _seven_error(against: str = "measured") -> float:
    predicted, measured = _seven_loss(), _seven_measured()
    return abs(predicted - measured) / (measured if against == "measured" else predicted)


def _over_trained_14b(quantity: str = "prediction") -> float:
    rep = _real()
    pick = rep.held_out.shape == "open_lm_1b"
    return float((rep.predicted_loss() if quantity == "prediction" else rep.loss_relative_error())[pick][0])


def _compute_ratio() -> float:
    """Training compute of the held-out 6.9B run over that of the largest run the law is fitted to."""
    rep = _real()
    return float(_seven(rep).C[0] / rep.runs.fit_set().C.max())


def _optimal_m(law=None, power: float = 2.0) -> float:
    law = law or _real_law()
    return float((law.b / law.a) ** (1.0 / (power * law.eta)))


REAL_FIT_STEP = ("runs = sl.load_runs('rpj').fit_set(); "
                 "law = sl.fit_overtraining(runs.N, runs.D, runs.loss['c4_val']).law")
"""The code that fits the law of the real-runs questions, as their ladders print it."""

SEVEN_STEP = "big = sl.load_runs('rpj').large(); seven = big.take(big.shape == 'open_lm_7b')"
"""The code that picks the held-out 6.9B run, as the ladders print it."""


register(
    Question(
        "over-real-eta", "number", lambda: _real_law().eta, rtol=0.005,
        prompt="Fit Gadre et al.'s law to RedPajama's five fitting runs (C4 eval loss): the exponent η.",
        hints=(
            Hint(lambda: -2 * _real_law().eta, "That is the exponent their code writes, −2η (code_params); the "
                                               "law L(C, M) = E + (a·M^η + b·M^−η)·C^−η has η itself."),
            Hint(lambda: 2 * _real_law().eta, "That is 2η, the exponent of N and D in the law's Chinchilla form; "
                                              "the exponent of compute is η."),
        ),
        lookalikes=(
            LookAlike(lambda: _real_law(runs="small").eta, "fitted to all 32 small runs, not the five"),
            LookAlike(lambda: _real_law("c4_original").eta, "fitted to the C4-trained runs"),
            LookAlike(lambda: _real_law(loss="paloma_redpajama").eta, "fitted to the RedPajama validation loss"),
        ),
        ladder=(
            "Fit the law to the five runs Gadre et al. fit (runs.fit_set()), on the C4 eval loss.",
            "sl.load_runs('rpj').fit_set() gives the five runs; sl.fit_overtraining(N, D, loss) fits the law; "
            "read law.eta.",
            REAL_FIT_STEP + "; law.eta",
        ),
        hint="sl.fit_overtraining(runs.N, runs.D, runs.loss['c4_val']) on sl.load_runs('rpj').fit_set().",
        explain=lambda: f"η = {_real_law().eta:.4f}: each tenfold of compute at fixed M cuts the reducible loss "
                        f"by a factor 10^η ≈ {10 ** _real_law().eta:.2f}.",
    ),
    Question(
        "over-real-7b-loss", "number", _seven_loss, rtol=1e-3, unit="nats/token",
        prompt="With that law, the predicted C4 eval loss of RedPajama's held-out 6.9B run (M = 20).",
        hints=(
            Hint(_seven_measured, "That is the measured loss of the 6.9B run; the question asks what the law "
                                  "fitted on small runs predicts for it."),
            Hint(lambda: _over_trained_14b(), "That is the prediction for the over-trained 1.4B run (M = 640); "
                                              "pick the open_lm_7b run."),
        ),
        lookalikes=(
            LookAlike(lambda: _seven_loss(_real_law(runs="small")), "the law fitted to all 32 small runs"),
            LookAlike(lambda: _seven_loss(_real_law("c4_original")), "the law fitted to the C4-trained runs"),
        ),
        ladder=(
            "Evaluate the fitted law at the 6.9B run's N and D: it never saw that run.",
            "The large runs are sl.load_runs('rpj').large(); the 6.9B is the one with shape 'open_lm_7b'; "
            "law.loss(N, D) predicts its loss.",
            REAL_FIT_STEP + "; " + SEVEN_STEP + "; law.loss(seven.N, seven.D)[0]",
        ),
        hint="law.loss(seven.N, seven.D) with seven the open_lm_7b run of sl.load_runs('rpj').large().",
        explain=lambda: f"{_seven_loss():.4f} nats/token, predicted from runs of at most "
                        f"{format_count(_real().runs.fit_set().N.max())} parameters; it measured "
                        f"{_seven_measured():.4f}.",
    ),
    Question(
        "over-real-7b-error", "number", _seven_error, rtol=2e-3,
        prompt="The relative error of that prediction, |predicted − measured| / measured, as a fraction.",
        hints=(
            Hint(lambda: 100 * _seven_error(), "That is the error in percent; a fraction is the percent "
                                               "divided by 100."),
            Hint(lambda: _seven_error("predicted"), "You divided by the predicted loss; a relative error is "
                                                    "measured against the truth, the measured loss."),
        ),
        lookalikes=(
            LookAlike(lambda: _over_trained_14b("error"), "the over-trained 1.4B run's error"),
            LookAlike(lambda: abs(_seven_loss() - _seven_measured()), "the absolute error in nats/token"),
        ),
        ladder=(
            "Compare the prediction with the measured C4 eval loss of the same run, as a share of the measured one.",
            "abs(predicted − measured) / measured, with measured = seven.loss['c4_val'].",
            REAL_FIT_STEP + "; " + SEVEN_STEP + "; predicted = law.loss(seven.N, seven.D)[0]; "
            "measured = seven.loss['c4_val'][0]; abs(predicted - measured) / measured",
        ),
        hint="abs(predicted − measured) / measured, with measured = seven.loss['c4_val'][0].",
        explain=lambda: f"{100 * _seven_error():.2f}%, as in their Fig. 1 "
                        f"({100 * GADRE_2024_FIG1_RELATIVE_ERROR[('loss', 'open_lm_7b', 20.0)]:.2f}%): a run of "
                        f"{_compute_ratio():.0f}× the compute of the largest fitted one, predicted to under 1%.",
    ),
    Question(
        "over-real-optimal-m", "number", _optimal_m, rtol=0.01, unit="tokens per parameter",
        prompt="The tokens per parameter M* that minimise that law's loss at a fixed compute.",
        hints=(
            Hint(20.0, "20 tokens/param is Chinchilla's rule of thumb; the question asks what this fitted law says."),
            Hint(lambda: _optimal_m(power=1.0), "Set the derivative of a·M^η + b·M^−η to zero: M^(2η) = b/a, so "
                                                "the exponent is 1/(2η), not 1/η."),
            Hint(lambda: 1 / _optimal_m(), "That is (a/b)^(1/(2η)): the minimum is at M^(2η) = b/a."),
        ),
        lookalikes=(
            LookAlike(lambda: _real_law().b / _real_law().a, "b/a without the power 1/(2η)"),
            LookAlike(lambda: _optimal_m(_real_law(runs="small")), "the law fitted to all 32 small runs"),
        ),
        ladder=(
            "At fixed compute only a·M^η + b·M^−η depends on M: find the M that minimises it.",
            "Its derivative vanishes where a·M^η = b·M^−η, i.e. M* = (b/a)^(1/(2η)); the law's "
            "optimal_tokens_per_param computes it.",
            REAL_FIT_STEP + "; (law.b / law.a) ** (1 / (2 * law.eta))",
        ),
        hint="M* = (b/a)^(1/(2η)), which law.optimal_tokens_per_param also gives.",
        explain=lambda: f"M* ≈ {_optimal_m():.1f} tokens/param for these small runs' C4 eval loss, well below "
                        "Chinchilla's 20; the law's loss is flat near its minimum, so small fits move M* a lot "
                        f"(all {len(_real().runs.small())} small runs give ≈{_optimal_m(_real_law(runs='small')):.0f}).",
    ),
)


register(
    Question(
        "over-tokens-per-param", "number", _tpp, rtol=0.01,
        prompt="Training tokens per parameter of Llama 3 8B and Llama 3 70B, as a tuple (8B, 70B).",
        hints=(
            Hint((150.0, 150.0), "≈150 tokens/param (one source text's figure for 'Llama 3') matches no Llama 3 "
                                 "model: divide each model's ≈15T training tokens by its own parameter count."),
            Hint((20.0, 20.0), "20 tokens/param is Chinchilla's rule of thumb, not what Llama 3 did."),
            Hint(lambda: _tpp()[::-1], "You swapped them: the smaller model saw the same tokens, so it has more per parameter."),
            Hint(lambda: (1 / _tpp()[0], 1 / _tpp()[1]), "That is parameters per token: divide D by N, not N by D."),
        ),
        lookalikes=(
            LookAlike(lambda: (model("Llama 3 405B").tokens / model("Llama 3 8B").params,
                               model("Llama 3 405B").tokens / model("Llama 3 70B").params),
                      "the 405B's 15.6T tokens for both models"),
        ),
        ladder=(
            "Tokens per parameter is a model's training tokens divided by its parameter count, model by model.",
            "D / N for each model, with its own N and its ≈15T training tokens (the model table holds both).",
            "(sl.model('Llama 3 8B').tokens_per_param, sl.model('Llama 3 70B').tokens_per_param)",
        ),
        hint="Tokens per parameter is D / N; both models were trained on ≈15T tokens (the paper says 'over 15T').",
        explain="8B: 15T / 8B = 1,875; 70B: 15T / 70B ≈ 214. The 405B, on 15.6T, is at ≈38.5.",
    ),
    Question(
        "over-inference-ratio", "number", _infer_ratio, rtol=0.005,
        prompt="How many times more FLOP does Llama 3 70B spend per generated token than Llama 3 8B?",
        hints=(
            Hint(8.0, "The source text rounds this to '8×'; at 2·N FLOP per token the ratio is exactly 70/8."),
            Hint(lambda: 1 / _infer_ratio(), "That is the 8B's cost relative to the 70B's; the question asks the reverse."),
            Hint(lambda: 3 * _infer_ratio(), "Both models pay the same 2 FLOP per parameter per token; the 6 of training cancels too."),
        ),
        lookalikes=(LookAlike(lambda: _infer_ratio() - 1, "the extra FLOP as a multiple of the 8B's, (N_70B − N_8B)/N_8B"),),
        ladder=(
            "Per generated token, a dense model spends FLOP in proportion to its parameter count.",
            "Each model spends 2·N FLOP per token, so the ratio is N_70B / N_8B.",
            "sl.model('Llama 3 70B').params / sl.model('Llama 3 8B').params",
        ),
        hint="Inference costs 2·N FLOP per token, so the ratio of two models is the ratio of their N.",
        explain="70/8 = 8.75× per token. Whether the 8B gives the same quality is a separate question (over-quality-gap).",
    ),
    Question(
        "over-breakeven", "number", _breakeven, rtol=0.02, unit="tokens",
        prompt="Llama 3 8B (15T tokens) vs a Chinchilla-shaped 70B (1.4T tokens): beyond how many served tokens "
               "does the 8B cost fewer lifetime FLOP?",
        hints=(
            Hint(lambda: _breakeven(train=2.0), "Training and serving cost different FLOP per token: 6·N to train "
                                                "(forward and backward), 2·N to serve (forward only)."),
            Hint(lambda: _breakeven() * 2 * (70e9 - 8e9), "That is the extra training FLOP of the 8B; divide it by the "
                                                          "FLOP the 8B saves per served token, 2·(N_70B − N_8B)."),
        ),
        lookalikes=(LookAlike(lambda: _breakeven(serve=FLOP_PER_PARAM_TOKEN_TRAIN), "serving at 6·N per token"),),
        ladder=(
            "The 8B costs more to train and less to serve: find the number of served tokens at which the two "
            "lifetime totals are equal.",
            "Set 6·N_s·D_s + 2·N_s·T = 6·N_l·D_l + 2·N_l·T and solve for T.",
            "6 * (8e9 * 15e12 - 70e9 * 1.4e12) / (2 * (70e9 - 8e9))",
        ),
        hint="Set 6·N_s·D_s + 2·N_s·T = 6·N_l·D_l + 2·N_l·T and solve for T.",
        explain="About 1.1T served tokens; beyond that, every token served by the smaller model is 8.75× cheaper. "
                "That is the lifetime argument for over-training, provided the two models are equally good (Q5).",
    ),
    Question(
        "over-quality-gap", "number", lambda: _quality_gap(BESIROGLU_2024), rtol=0.02, unit="nats/token",
        prompt="Under the Epoch refit (sl.BESIROGLU_2024), L(Llama 3 8B on 15T) − L(Chinchilla 70B on 1.4T).",
        hints=(
            Hint(lambda: _quality_gap(HOFFMANN_2022), "That is the gap under Hoffmann's rounded published fit, where "
                                                       "the two are nearly equal; use sl.BESIROGLU_2024."),
            Hint(lambda: _quality_gap(HOFFMANN_2022_UNROUNDED), "That is the gap under Hoffmann's unrounded fit; use sl.BESIROGLU_2024."),
            Hint(lambda: -_quality_gap(BESIROGLU_2024), "Check the order: 8B's loss minus the 70B's."),
        ),
        lookalikes=(LookAlike(lambda: _gap_to("Llama 3 70B"), "compared with Llama 3 70B on 15T instead of Chinchilla"),),
        ladder=(
            "Evaluate one law at both models and subtract.",
            "law.loss(N, D) with law = sl.BESIROGLU_2024: (8B, 15T) minus (70B, 1.4T).",
            "law = sl.BESIROGLU_2024; law.loss(8e9, 15e12) - law.loss(70e9, 1.4e12)",
        ),
        hint="Evaluate law.loss(N, D) for both models with law = sl.BESIROGLU_2024 and subtract.",
        explain="≈0.05 nats/token worse: under the corrected fit the 8B does not reach the 70B Chinchilla model's "
                "loss, and either way the law is extrapolated to 1,875 tokens/param, far beyond its data.",
    ),
    Question(
        "over-overtraining-factor", "number", lambda: _overtraining(HOFFMANN_2022_UNROUNDED), rtol=0.02,
        prompt="Overtraining factor of Llama 3 8B under sl.HOFFMANN_2022_UNROUNDED: its tokens/param divided by "
               "the tokens/param of the Chinchilla-optimal model with the same loss.",
        hints=(
            Hint(lambda: model("Llama 3 8B").tokens_per_param / 20, "20 tokens/param is a rule of thumb; compare "
                                                                      "with the fit's own optimum at the same loss."),
            Hint(lambda: _overtraining_same_compute(HOFFMANN_2022_UNROUNDED), "That compares with the compute-optimal "
                 "model of the same training compute, which reaches a lower loss; the question fixes the loss."),
            Hint(lambda: _overtraining(BESIROGLU_2024), "That is the Epoch refit's answer; use sl.HOFFMANN_2022_UNROUNDED."),
            Hint(lambda: _overtraining(HOFFMANN_2022), "That is the rounded fit's answer; use sl.HOFFMANN_2022_UNROUNDED."),
        ),
        lookalikes=(LookAlike(lambda: 1 / _overtraining(HOFFMANN_2022_UNROUNDED), "the inverse ratio"),),
        ladder=(
            "Compare the 8B's tokens per parameter with that of the compute-optimal model reaching the same loss.",
            "Take L = law.loss(8B, 15T); sl.chinchilla_optimal_for_loss(law, L) is the compute-optimal model of that "
            "loss; divide the two tokens-per-parameter ratios.",
            "law = sl.HOFFMANN_2022_UNROUNDED; (15e12 / 8e9) / "
            "sl.chinchilla_optimal_for_loss(law, law.loss(8e9, 15e12)).tokens_per_param",
        ),
        hint="sl.chinchilla_optimal_for_loss(law, law.loss(N, D)).tokens_per_param is the ratio to compare with.",
        explain="≈34× past this fit's optimum at equal loss (≈56 tokens/param): large, but much less than the "
                "≈94× you get against the 20 tokens/param rule of thumb. The factor depends on the fit.",
    ),
    Question(
        "over-200b", "number", lambda: _equal_loss_params(BESIROGLU_2024), rtol=0.02, unit="parameters",
        prompt="Under the Epoch refit, how many parameters must a model trained on 3T tokens have to match the "
               "loss of Llama 3 70B on 15T?",
        hints=(
            Hint(lambda: _equal_loss_params(HOFFMANN_2022), "That is the rounded Hoffmann fit's answer; use sl.BESIROGLU_2024."),
            Hint(lambda: _equal_loss_params(HOFFMANN_2022_UNROUNDED), "That is the unrounded Hoffmann fit's answer; use sl.BESIROGLU_2024."),
        ),
        lookalikes=(
            LookAlike(lambda: model("Llama 3 70B").params, "Llama 3 70B's own size (the 15T tokens kept)"),
            LookAlike(lambda: chinchilla_optimal_for_loss(BESIROGLU_2024, BESIROGLU_2024.loss(*_llama("Llama 3 70B"))).N,
                      "the compute-optimal model of that loss (its D is not 3T)"),
        ),
        ladder=(
            "Fix the data at 3T tokens and find the model size whose loss equals Llama 3 70B's on 15T.",
            "Solve E + A/N^α + B/(3e12)^β = L(70B, 15T) for N under sl.BESIROGLU_2024.",
            "law = sl.BESIROGLU_2024; room = law.loss(70e9, 15e12) - law.E - law.B * 3e12 ** -law.beta; "
            "(law.A / room) ** (1 / law.alpha)",
        ),
        hint="Solve E + A/N^α + B/(3e12)^β = L(70B, 15T) for N: N = (A / (L − E − B·(3e12)^−β))^(1/α).",
        explain="≈204B under the Epoch refit, close to the source text's '200B on 3T'; Hoffmann's fits need 520–850B.",
    ),
    Question(
        "over-implement-lifetime", "function", lifetime_flops, cases=_lifetime_cases, rtol=1e-9,
        prompt="Write lifetime(N, D, served) returning training plus serving FLOP.",
        hints=(
            Hint(lambda n, d, t: 6 * n * d + 6 * n * t, "Serving is a forward pass only: 2·N FLOP per token, not 6·N."),
            Hint(lambda n, d, t: 2 * n * d + 2 * n * t, "Training costs 6·N FLOP per token (forward 2N + backward 4N)."),
            Hint(lambda n, d, t: 6 * n * d + 0 * t, "Add the serving FLOP: 2·N per served token."),
        ),
        lookalikes=(LookAlike(lambda n, d, t: 6 * n * d + 2 * t, "2 FLOP per served token, without N"),),
        ladder=(
            "Lifetime compute is the training bill plus the serving bill.",
            "Training costs 6·N FLOP per training token; serving costs 2·N FLOP per served token.",
            "return 6 * N * D + 2 * N * served",
        ),
        hint="Training 6·N·D plus serving 2·N per served token.",
        explain="The same formula as sl.lifetime_flops (which also counts prompt tokens at 2·N each).",
    ),
    Question(
        "over-grid-search", "number", _grid_answer, rtol=0.02, unit="parameters",
        prompt="With a grid search along the iso-loss curve, the N that minimises lifetime FLOP at loss 2.0 and "
               "1e13 served tokens (sl.HOFFMANN_2022_UNROUNDED).",
        hints=(
            Hint(lambda: _grid_answer(demand=0.0), "That is the Chinchilla-optimal model of loss 2.0: you left out the serving FLOP."),
            Hint(lambda: _grid_answer(serve_rate=6.0), "Serving costs 2·N per token, not 6·N."),
        ),
        lookalikes=(LookAlike(lambda: _grid_answer(demand=GRID_DEMAND / 10), "1e12 served tokens instead of 1e13"),),
        ladder=(
            "Walk along the (N, D) pairs that reach loss 2.0 and pick the one with the smallest training-plus-"
            "serving FLOP.",
            "For N from just above the smallest model that can reach 2.0, D = sl.iso_loss_tokens(law, N, 2.0) and "
            "cost = 6·N·D + 2·N·1e13; take the N at the minimum.",
            "law = sl.HOFFMANN_2022_UNROUNDED; N = np.geomspace(1.001 * sl.min_params_for_loss(law, 2.0), 1e13, "
            "100_000); "
            "D = sl.iso_loss_tokens(law, N, 2.0); N[np.argmin(6 * N * D + 2 * N * 1e13)]",
        ),
        hint="N = np.geomspace(1.001 * sl.min_params_for_loss(law, 2.0), 1e13, 100_000); "
             "D = sl.iso_loss_tokens(law, N, 2.0); take N at the minimum of 6·N·D + 2·N·1e13.",
        explain="A dense grid finds what sl.lifetime_optimal solves exactly: a model well below the "
                "Chinchilla-optimal size, trained on several times more tokens per parameter.",
    ),
)
