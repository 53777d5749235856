"""Practice questions for chapters/03_chinchilla.ipynb (solutions/03_chinchilla.ipynb)."""
from __future__ import annotations

import numpy as np

from scalinglaws.allocation import (
    TABLE_2_EXPONENTS,
    TOKENS_PER_PARAM_RULE,
    fixed_ratio_allocation,
    misallocation_penalty,
    scaled_allocation,
)
from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.compute import format_count
from scalinglaws.laws import BESIROGLU_2024, HOFFMANN_2022, HOFFMANN_2022_UNROUNDED, KAPLAN_2020, ChinchillaLaw
from scalinglaws.models import model

GOPHER_BUDGET = model("Gopher").reported_flop
"""Gopher's training budget in FLOP as counted by Hoffmann et al. 2022 (one "Gopher unit", Table 3)."""

EXAMPLE_FRONTIER_LAW = ChinchillaLaw(E=2.05, A=300.0, B=900.0, alpha=0.32, beta=0.30, name="question example law")
"""A made-up law (not a published fit) whose compute-optimal losses question chin-read-e gives to the learner."""


def frontier_data() -> tuple[np.ndarray, np.ndarray]:
    """(C in FLOP, loss in nats/token) of compute-optimal runs at 8 budgets, 1e18 to 1e25 FLOP (question chin-read-e)."""
    compute = np.logspace(18, 25, 8)
    return compute, EXAMPLE_FRONTIER_LAW.loss_at_compute(compute)


def allocation_reference(C, E, A, B, alpha, beta) -> tuple[float, float]:
    """The package's compute-optimal (N, D) for C FLOP under L = E + A/N^alpha + B/D^beta (Eq. 4)."""
    best = ChinchillaLaw(E=E, A=A, B=B, alpha=alpha, beta=beta).optimal_allocation(C)
    return best.N, best.D


def _allocation_cases() -> list[tuple]:
    fits = [HOFFMANN_2022, HOFFMANN_2022_UNROUNDED, BESIROGLU_2024]
    cases = [(c, f.E, f.A, f.B, f.alpha, f.beta) for f in fits for c in (1e20, GOPHER_BUDGET, 1e26)]
    return cases + [(1e22, 1.5, 200.0, 3000.0, 0.5, 0.2)]  # unequal exponents: swapping a and b shows


def _law(E, A, B, alpha, beta) -> ChinchillaLaw:
    return ChinchillaLaw(E=E, A=A, B=B, alpha=alpha, beta=beta)


def _forgot_six(C, E, A, B, alpha, beta):
    law = _law(E, A, B, alpha, beta)
    return law.G * C ** law.a, C ** law.b / law.G


def _swapped_exponents(C, E, A, B, alpha, beta):
    law = _law(E, A, B, alpha, beta)
    return law.G * (C / 6) ** law.b, (C / 6) ** law.a / law.G


def _inverted_g(C, E, A, B, alpha, beta):
    law = _law(E, A, B, alpha, beta)
    return (C / 6) ** law.a / law.G, law.G * (C / 6) ** law.b


def _doubled(a: float, b: float) -> tuple[float, float]:
    chinchilla = model("Chinchilla")
    n, d = scaled_allocation(chinchilla.params, chinchilla.tokens, 2.0, a, b)
    return float(n), float(d)


def _gpt3_rule_tokens() -> float:
    return TOKENS_PER_PARAM_RULE * model("GPT-3 175B").params


def _gpt3_fraction() -> float:
    return model("GPT-3 175B").tokens / _gpt3_rule_tokens()


def _chinchilla_over_gpt3() -> float:
    return model("Chinchilla").compute / model("GPT-3 175B").compute


def _gopher_budget_waste():
    law = BESIROGLU_2024
    return misallocation_penalty(law, GOPHER_BUDGET, 4 * law.optimal_allocation(GOPHER_BUDGET).N)


_CHINCHILLA = model("Chinchilla")
_GPT3 = model("GPT-3 175B")
_E_PUBLISHED, _E_REFIT = HOFFMANN_2022.E, BESIROGLU_2024.E
_DOUBLED = _doubled(*TABLE_2_EXPONENTS["Approach 1 (training curves)"])

def _waste(factor: float, law: ChinchillaLaw = BESIROGLU_2024) -> float:
    """Wasted fraction at Gopher's budget for a model factor × N_opt (a look-alike when factor != 4)."""
    return float(misallocation_penalty(law, GOPHER_BUDGET, factor * law.optimal_allocation(GOPHER_BUDGET).N).wasted_fraction)


register(
    Question(
        "chin-double-compute", "number", lambda: _doubled(*TABLE_2_EXPONENTS["Approach 1 (training curves)"]),
        rtol=0.02, unit="(parameters, tokens)",
        prompt="Chinchilla is 70B parameters on 1.4T tokens. Under the a = b = 0.5 rule of Approaches 1–2, the "
               "budget doubles: give the new (N, D).",
        hints=(
            Hint(lambda: (2 * _CHINCHILLA.params, _CHINCHILLA.tokens),
                 "That doubles only N; Chinchilla scales N and D by √2 each."),
            Hint(lambda: (_CHINCHILLA.params, 2 * _CHINCHILLA.tokens),
                 "That doubles only D; Chinchilla scales N and D by √2 each."),
            Hint(lambda: (2 * _CHINCHILLA.params, 2 * _CHINCHILLA.tokens),
                 "Doubling both N and D quadruples C = 6ND. Two factors whose product is 2: √2 each."),
            Hint(lambda: _doubled(KAPLAN_2020.p_N, 1 - KAPLAN_2020.p_N),
                 "That is Kaplan's 2020 rule (N ∝ C^0.73), the one Chinchilla overturned."),
            Hint(lambda: _doubled(HOFFMANN_2022.a, HOFFMANN_2022.b),
                 "Those are the exponents of the rounded parametric fit (a = 0.45, Approach 3); the question asks "
                 "for the a = b = 0.5 of Approaches 1 and 2."),
        ),
        lookalikes=(
            LookAlike(lambda: (_CHINCHILLA.params * 2**0.5, _CHINCHILLA.tokens), "only N scaled by √2"),
            LookAlike(lambda: _doubled(HOFFMANN_2022_UNROUNDED.a, HOFFMANN_2022_UNROUNDED.b),
                      "the unrounded parametric fit's exponents"),
        ),
        ladder=(
            "Doubling C must be shared between N and D, by the exponents of N_opt ∝ C^a and D_opt ∝ C^b.",
            "With a = b = 0.5, doubling C multiplies N and D by 2^0.5 = √2 each (and 6ND doubles).",
            "(70e9 * 2 ** 0.5, 1.4e12 * 2 ** 0.5)",
        ),
        hint="N_opt ∝ C^a and D_opt ∝ C^b: doubling C multiplies N by 2^a and D by 2^b.",
        explain=f"2^0.5 = √2 ≈ 1.41 each: {format_count(_DOUBLED[0])} parameters on {format_count(_DOUBLED[1])} "
                "tokens, and 6ND doubles exactly.",
    ),
    Question(
        "chin-gpt3-tokens", "number", _gpt3_rule_tokens, rtol=0.02, unit="tokens",
        prompt="GPT-3 has 175B parameters. How many training tokens does the 20 tokens/parameter rule ask for?",
        hints=(
            Hint(lambda: _GPT3.tokens, "300B is what GPT-3 was trained on, not what the rule asks for."),
            Hint(lambda: float(fixed_ratio_allocation(model("GPT-3 175B").compute)[1]),
                 f"That is D for a 20:1 run costing GPT-3's compute (a smaller model of "
                 f"{format_count(float(fixed_ratio_allocation(_GPT3.compute)[0]), 2)}); the question keeps N = 175B."),
        ),
        lookalikes=(LookAlike(lambda: _GPT3.params / TOKENS_PER_PARAM_RULE, "parameters divided by 20"),),
        ladder=(
            "The rule fixes a ratio of training tokens to parameters; apply it to GPT-3's size.",
            "D = 20 × N with N = GPT-3's 175B parameters.",
            "20 * 175e9",
        ),
        hint="Tokens = 20 × parameters.",
        explain=f"20 × 175B = {format_count(_gpt3_rule_tokens())} tokens, {_gpt3_rule_tokens() / _GPT3.tokens:.1f} times "
                "GPT-3's 300B.",
    ),
    Question(
        "chin-gpt3-fraction", "number", _gpt3_fraction, rtol=0.02,
        prompt="What fraction of those rule-of-thumb tokens did GPT-3's 300B tokens provide? (a fraction, e.g. 0.5)",
        hints=(
            Hint(0.12, "≈12% is the number a widely circulated text gives; it is wrong. Compute 300B / 3.5T."),
            Hint(12.0, "≈12% is the number a widely circulated text gives; it is wrong. Compute 300B / 3.5T "
                       "(and give a fraction, not a percentage)."),
            Hint(lambda: 1 / _gpt3_fraction(), "That is how many times more data the rule asks for (3.5T / 300B); "
                                               "the fraction is its inverse."),
            Hint(lambda: 100 * _gpt3_fraction(), "That is a percentage; give the fraction (divide by 100)."),
        ),
        lookalikes=(LookAlike(lambda: 1 - _gpt3_fraction(), "the share of the rule's tokens GPT-3 did not see"),),
        ladder=(
            "Compare what GPT-3 was trained on with what the rule asks for at its size.",
            "Fraction = 300B tokens / (20 × 175B) tokens.",
            "300e9 / (20 * 175e9)",
        ),
        hint="Fraction = tokens used / tokens the rule asks for.",
        explain=f"300B / {format_count(_gpt3_rule_tokens())} ≈ {_gpt3_fraction():.3f}: GPT-3 saw under a tenth of the data "
                f"the rule asks for ({_GPT3.tokens_per_param:.2f} tokens/param).",
    ),
    Question(
        "chin-irreducible", "choice", lambda: "c",
        prompt="What does the irreducible loss E of L = E + A/N^α + B/D^β represent, and how is it estimated?",
        options={
            "a": "Human-level performance: the loss a person would get predicting the same text.",
            "b": "The loss of the best model trained so far, read off the lowest point of the data.",
            "c": "The loss the fitted law approaches as N and D grow without bound (the entropy of the text under "
                 "its tokenizer, as extrapolated): a free parameter fitted jointly with A, B, α, β to many runs.",
            "d": "Zero: with enough parameters and data a model predicts every token exactly.",
            "e": "A universal constant of natural language, the same for every dataset and tokenizer.",
        },
        hints=(
            Hint("a", "E is not human performance: humans are not measured at all. E is where the fitted curve "
                      "flattens, an extrapolation of the models' own losses."),
            Hint("b", "The best model so far still has reducible loss A/N^α + B/D^β > 0; E lies below every "
                      "observed loss and is only reached in the limit."),
            Hint("d", "Text is not deterministic: the next token is uncertain even for a perfect model, so the "
                      f"floor is above zero ({_E_PUBLISHED:g} nats/token in Hoffmann et al.'s fit)."),
            Hint("e", f"E depends on the data and the tokenizer: {_E_PUBLISHED:g} on MassiveText in Hoffmann et al.'s "
                      f"fit, {_E_REFIT:g} in Epoch's refit of the same data. Nats per token change when tokens change."),
        ),
        ladder=(
            "E is one of the fitted law's constants: ask what is left of the law when N and D grow without bound.",
            "Set A/N^α and B/D^β to zero: what remains, and where does its value come from?",
            "sl.HOFFMANN_2022.E, sl.BESIROGLU_2024.E",
        ),
        hint="E is the value of the law when both A/N^α and B/D^β have vanished.",
        explain="E is an extrapolation, estimated with the other constants; its value depends on the fit "
                f"({_E_PUBLISHED:g} vs {_E_REFIT:g} for the same data) and on the tokenizer.",
    ),
    Question(
        "chin-read-e", "number", lambda: EXAMPLE_FRONTIER_LAW.E, rtol=0.01, unit="nats/token",
        prompt="frontier_data() gives the losses of compute-optimal runs at 8 budgets. Fit L(C) = E + K·C^(−γ) "
               "and give E.",
        hints=(
            Hint(lambda: float(frontier_data()[1].min()),
                 "That is the lowest observed loss, the best run so far. E is where the fitted curve flattens, "
                 "below every observed loss."),
            Hint(0.0, "A pure power law has no floor; this one does: fit E as a free parameter."),
            Hint(lambda: HOFFMANN_2022.E, f"{_E_PUBLISHED:g} is Hoffmann et al.'s E for MassiveText; these data have "
                                          "their own floor."),
        ),
        lookalikes=(LookAlike(lambda: BESIROGLU_2024.E, "Epoch's E for MassiveText"),),
        ladder=(
            "The floor is a parameter of the curve: fit the whole curve, then read its constant term.",
            "Fit L(C) = E + K·C^(−γ) with three free parameters, starting from a guess with E below the lowest loss.",
            "curve_fit(lambda logc, E, logK, g: E + np.exp(logK - g * logc), np.log(compute), loss, "
            "p0=(1.5, 5, 0.1))[0][0]",
        ),
        hint="Fit three parameters (E, K, γ), e.g. scipy.optimize.curve_fit on log C with a starting guess "
             "E < min(loss).",
        explain="The floor is never observed: it is extrapolated by the fit, like Chinchilla's E.",
    ),
    Question(
        "chin-implement-allocation", "function", allocation_reference, cases=_allocation_cases, rtol=1e-6,
        reference=("scalinglaws.laws:ChinchillaLaw.optimal_allocation",),
        prompt="Implement optimal_allocation(C, E, A, B, alpha, beta) -> (N, D) from the closed form.",
        hints=(
            Hint(_forgot_six, "You dropped the 6: the closed form uses C/6 (C = 6ND), not C."),
            Hint(_swapped_exponents, "You swapped the exponents: N_opt ∝ (C/6)^a with a = β/(α+β), "
                                     "D_opt ∝ (C/6)^b with b = α/(α+β)."),
            Hint(_inverted_g, "G multiplies N and divides D: N_opt = G (C/6)^a, D_opt = (C/6)^b / G."),
        ),
        lookalikes=(LookAlike(lambda *args: allocation_reference(*args)[::-1], "(D, N) returned instead of (N, D)"),),
        ladder=(
            "At the optimum the N and D terms of the loss are balanced along C = 6ND; Hoffmann et al.'s Eq. 4 gives "
            "it in closed form.",
            "G = (αA/(βB))^(1/(α+β)), a = β/(α+β), b = α/(α+β); N = G·(C/6)^a, D = (C/6)^b / G. E plays no part.",
            "G = (alpha * A / (beta * B)) ** (1 / (alpha + beta)); a = beta / (alpha + beta); "
            "return G * (C / 6) ** a, (C / 6) ** (1 - a) / G",
        ),
        hint="G = (αA/(βB))^(1/(α+β)), a = β/(α+β), b = α/(α+β); N = G (C/6)^a, D = (C/6)^b / G. E plays no part.",
    ),
    Question(
        "chin-compute-ratio", "number", _chinchilla_over_gpt3, rtol=0.03,
        prompt="With C = 6ND, how many times GPT-3's training compute did Chinchilla use?",
        hints=(
            Hint(1.0, "Not the same compute: that claim circulates, but 6ND says otherwise. Compute both."),
            Hint(lambda: 1 / _chinchilla_over_gpt3(), "That is GPT-3 over Chinchilla: Chinchilla used more, not less."),
            Hint(lambda: _CHINCHILLA.params / model("GPT-3 175B").params,
                 "That is the ratio of parameters; compute depends on N × D."),
        ),
        lookalikes=(LookAlike(lambda: _CHINCHILLA.tokens / _GPT3.tokens, "the ratio of tokens"),),
        ladder=(
            "Training compute is C = 6·N·D for each model: compare the two products.",
            "Compute C for Chinchilla (70B parameters, 1.4T tokens) and for GPT-3 (175B, 300B), then divide.",
            "(6 * 70e9 * 1.4e12) / (6 * 175e9 * 300e9)",
        ),
        hint="C = 6 × N × D for each model; take the ratio.",
        explain=f"Chinchilla used ≈{_chinchilla_over_gpt3():.2f}× GPT-3's compute. The compute-matched comparison is "
                "with Gopher.",
    ),
    Question(
        "chin-gopher-ratio", "number", lambda: float(BESIROGLU_2024.tokens_per_param_at(GOPHER_BUDGET)), rtol=0.005,
        unit="tokens/param",
        prompt="Compute-optimal tokens per parameter at Gopher's budget (5.76e23 FLOP) under Epoch's refit.",
        hints=(
            Hint(lambda: float(HOFFMANN_2022.tokens_per_param_at(GOPHER_BUDGET)),
                 "That is the rounded published fit (HOFFMANN_2022); the question asks for Epoch's refit."),
            Hint(lambda: float(HOFFMANN_2022_UNROUNDED.tokens_per_param_at(GOPHER_BUDGET)),
                 "That is the unrounded published fit; the question asks for Epoch's refit (BESIROGLU_2024)."),
            Hint(lambda: TOKENS_PER_PARAM_RULE, "20 is the rule of thumb; compute the refit's own ratio D_opt/N_opt."),
            Hint(lambda: model("Gopher").tokens_per_param, "That is Gopher's own ratio, not the optimum."),
        ),
        lookalikes=(
            LookAlike(lambda: float(BESIROGLU_2024.tokens_per_param_at(1e24)), "Epoch's ratio at 1e24 FLOP"),
            LookAlike(lambda: float(BESIROGLU_2024.tokens_per_param_at(_GPT3.reported_flop)),
                      "Epoch's ratio at GPT-3's 3.14e23 FLOP"),
        ),
        ladder=(
            "Ask Epoch's refit law for its compute-optimal ratio of tokens to parameters at Gopher's budget.",
            "BESIROGLU_2024.optimal_allocation(C) gives N_opt and D_opt at C FLOP: divide D_opt by N_opt.",
            "sl.BESIROGLU_2024.tokens_per_param_at(5.76e23)",
        ),
        hint="D_opt / N_opt from BESIROGLU_2024.optimal_allocation(5.76e23).",
        explain=f"≈{float(BESIROGLU_2024.tokens_per_param_at(GOPHER_BUDGET)):.1f} tokens/param, close to the rule of "
                f"thumb, while the published fit gives ≈{float(HOFFMANN_2022.tokens_per_param_at(GOPHER_BUDGET)):.0f} "
                "at the same budget.",
    ),
    Question(
        "chin-wasted", "number", lambda: float(_gopher_budget_waste().wasted_fraction), rtol=0.005,
        prompt="At Gopher's budget under Epoch's refit, a model 4× larger than N_opt is trained: what fraction of "
               "the budget is wasted (1 − C_eq/C)?",
        hints=(
            Hint(lambda: float(_gopher_budget_waste().delta_loss),
                 "That is the loss penalty in nats/token; the question asks for a fraction of compute."),
            Hint(0.75, "The waste is not 1 − 1/4: find the compute a compute-optimal run needs to reach the same loss."),
            Hint(lambda: float(_gopher_budget_waste().equivalent_compute / GOPHER_BUDGET),
                 "That is C_eq/C, the part you needed; the waste is 1 − C_eq/C."),
        ),
        lookalikes=(
            LookAlike(lambda: _waste(0.25), "a model 4× smaller than N_opt instead of 4× larger"),
            LookAlike(lambda: _waste(4, HOFFMANN_2022), "Hoffmann's rounded law instead of Epoch's refit"),
        ),
        ladder=(
            "Find the compute a compute-optimal run needs to reach the loss of the oversized model; the rest of the "
            "budget is wasted.",
            "The oversized model has N = 4·N_opt and D = C/(6N); C_eq is the budget whose optimal loss equals its "
            "loss; waste = 1 − C_eq/C (sl.misallocation_penalty computes C_eq).",
            "law, C = sl.BESIROGLU_2024, 5.76e23; 1 - sl.misallocation_penalty(law, C, 4 * law.optimal_allocation(C).N)"
            ".equivalent_compute / C",
        ),
        hint="misallocation_penalty(law, C, N) gives the equivalent compute C_eq; waste = 1 − C_eq/C.",
        explain=f"{float(_gopher_budget_waste().wasted_fraction):.0%} of the budget: a 4× size error costs about as much "
                "as halving the compute.",
    ),
)
