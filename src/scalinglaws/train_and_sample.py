"""Train-to-test: choose model size N, training tokens D and samples per question k together.

Roberts et al. 2026 ("Test-Time Scaling Makes Overtraining Compute-Optimal", arXiv 2604.01411v1, CC BY 4.0)
jointly optimise N, D and the number of repeated samples k and find that, once inference is counted, optimal
pretraining "shift[s] radically into the overtraining regime". Read in the paper's text (§3):

- Eq. 1: minimise L(N, D, k) subject to 6·N·D <= C_train and 2·N·k <= C_inf, two budgets: a training budget
  and an inference budget C_inf "measured as the inference FLOPs per-token served" (§3.3).
- Approach 1 (§3.1, **the one implemented here**): the task loss (negative log pass@k, an NLL) as Chinchilla's
  law plus a power law in k, L(N, D, k) = E + A/N^α + B/D^β + G/k^γ. They choose the k term because the
  negative log pass@k falls as a power law in k when task difficulty is Beta-distributed (Brown et al.;
  Schaeffer et al. 2025). Approach 2 (§3.2, not implemented) models pass@k with a Beta regression on the loss.
- §3.3, inference cost correction: with C_inf = 2·N·k fixed, k = C_inf / (2N), so smaller models get more
  samples; the optimum minimises L(N, C_train/(6N), C_inf/(2N)) over N.

``train_to_test_optimal`` solves exactly that problem. Assumptions, each labelled in the chapter too:

1. *Constants.* The paper fits Approach 1 to the task NLLs of 106 checkpoints from 5M to 901M parameters (85 of
   them Porian et al. 2024's models, 21 its own over-trained ones) and prints no fitted values in its text. Here the N and D terms are a pretraining law (by default Hoffmann et al. 2022's unrounded fit, as
   in chapter 5), standing in for a task loss, and ``EXAMPLE_SAMPLES_TERM`` (G, γ) is illustrative. So the
   numbers are a toy; the direction of the effect is the lesson.
2. *k >= 1.* The paper's k = C_inf/(2N) is a real number; we also require k >= 1 (N <= C_inf/2), since fewer
   than one sample per question is no plan.
3. *Cost.* 2N FLOP per token and sample (prompt tokens and verifiers not counted), as in the paper.

``lifetime_train_to_test_optimal`` is this course's extension, tying the paper to chapter 5: one lifetime
budget C = 6·N·D + 2·N·k·(T·Q) for Q questions of T generated tokens (``lifetime.lifetime_flops`` with k·T·Q
served tokens), which also chooses how to split C between the paper's two budgets, C = C_train + T·Q·C_inf.
For each k the best (N, D) is chapter 5's ``lifetime.budget_optimal``; loss and budget are posynomials, so this
is a geometric program and the loss left is unimodal in log k.

At either optimum (k > 1) the multiplier conditions give α·A·N^(−α) = β·B·D^(−β) + γ·G·k^(−γ).

Units: N in parameters, D in tokens, k in samples per question, compute in FLOP, loss in nats.
Taught in chapters/06_inference_scaling.ipynb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


from ._validate import as_positive
from .compute import FLOP_PER_PARAM_TOKEN_INFER, FLOP_PER_PARAM_TOKEN_TRAIN
from .laws import HOFFMANN_2022_UNROUNDED, ChinchillaLaw
from .lifetime import budget_optimal, lifetime_flops, root_below
from .models import model

__all__ = [
    "SamplesTerm",
    "EXAMPLE_SAMPLES_TERM",
    "ROBERTS_2026_BUDGETS",
    "HOLDS",
    "TrainToTestPlan",
    "task_loss",
    "train_to_test_optimal",
    "lifetime_train_to_test_optimal",
]

_TRAIN = FLOP_PER_PARAM_TOKEN_TRAIN
_INFER = FLOP_PER_PARAM_TOKEN_INFER

HOLDS = ("nothing", "one_sample", "compute_optimal_training")
"""What the optimisers may hold fixed: nothing (N, D and k all chosen: the train-to-test optimum); one sample
per question (k = 1: single-pass Chinchilla, or chapter 5's lifetime optimum); or compute-optimal training
(D/N on Hoffmann et al.'s frontier for the training FLOP spent, k from what is left)."""

ROBERTS_2026_BUDGETS = {
    "inference_per_token_fig2": 2 * model("Chinchilla").params,
    "inference_per_token_table1": 2e9,
    "training_table1": 2.56e19,
}
"""Budgets Roberts et al. 2026 use, in FLOP: §4.1 sets the per-token inference budget C_inf = 140B FLOP, "approximately
the cost of a single forward pass using the 70B Chinchilla model" (2 × 70e9, for Fig. 2's extrapolation to
1e25 training FLOP); Fig. 3, §4.2 and Tables 1–2 use C_inf = 2e9 FLOP and C_train = 2.56e19 FLOP."""

_MAX_BRACKET_STEPS = 200  # e-folds of k searched; k = e^200 is far past any budget


@dataclass(frozen=True)
class SamplesTerm:
    """The k term of the loss-based train-to-test law: G · k^(−γ) nats, with G > 0 and γ > 0 (see the module).

    It falls as a power law in the number of samples k, like the negative log of Brown et al. 2024's coverage.
    """

    G: float
    gamma: float

    def __post_init__(self):
        for name in ("G", "gamma"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and not isinstance(value, bool)
                    and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite positive number; got {value!r}")

    def __call__(self, k: float) -> float:
        """G · k^(−γ) in nats for k >= 1 samples."""
        k = float(as_positive("k", k, "samples"))
        return self.G * math.exp(-self.gamma * math.log(k))


EXAMPLE_SAMPLES_TERM = SamplesTerm(G=0.5, gamma=0.5)
"""ILLUSTRATIVE (not fitted by Roberts et al. 2026 or anyone else): the k term G·k^(−γ) with G = 0.5 nats and
γ = 0.5, so one sample adds 0.5 nats and a hundred samples 0.05. Other values move the numbers, not the
direction: for any G, γ > 0 an optimum with k > 1 has α·A·N^(−α) = β·B·D^(−β) + γ·G·k^(−γ) > β·B·D^(−β), so
its N is below Chinchilla's for the same training FLOP and it over-trains."""


@dataclass(frozen=True)
class TrainToTestPlan:
    """A plan: N parameters trained on D tokens, answering with k samples per question; ``loss`` is the task
    loss L(N, D, k) in nats, ``hold`` what was held fixed while choosing (one of ``HOLDS``).

    ``served_tokens`` is T·Q, the tokens of one answer to every question served over the lifetime, for plans
    from ``lifetime_train_to_test_optimal``; it is 0 for the paper's per-token form (``train_to_test_optimal``).
    """

    N: float
    D: float
    k: float
    loss: float
    hold: str
    law: ChinchillaLaw
    served_tokens: float = 0.0

    @property
    def training_flops(self) -> float:
        """C_train = 6·N·D in FLOP."""
        return _TRAIN * self.N * self.D

    @property
    def inference_flops_per_token(self) -> float:
        """C_inf = 2·N·k, FLOP per token served (Roberts et al. 2026, §3.3)."""
        return _INFER * self.N * self.k

    @property
    def inference_flops(self) -> float:
        """2·N·k·T·Q in FLOP: every sample of every question served (0 for the per-token form)."""
        return self.inference_flops_per_token * self.served_tokens

    @property
    def training_share(self) -> float:
        """Fraction of the lifetime FLOP spent on training (1 for the per-token form)."""
        return self.training_flops / (self.training_flops + self.inference_flops)

    @property
    def tokens_per_param(self) -> float:
        """D / N."""
        return self.D / self.N

    @property
    def chinchilla_tokens_per_param(self) -> float:
        """D/N of the compute-optimal model for this plan's training FLOP (Hoffmann et al. 2022, Eq. 4)."""
        return float(self.law.tokens_per_param_at(self.training_flops))

    @property
    def overtraining_factor(self) -> float:
        """Tokens per parameter over the compute-optimal ratio at the same training FLOP (1 = Chinchilla)."""
        return self.tokens_per_param / self.chinchilla_tokens_per_param


# --- validation -------------------------------------------------------------------------------------------
def _scalar(name: str, value: Any, unit: str) -> float:
    checked = as_positive(name, value, unit)
    if not isinstance(checked, float):
        raise ValueError(f"{name} must be a single number ({unit}); got an array {value!r}")
    return checked


def _check(law: Any, term: Any, hold: Any) -> None:
    if not isinstance(law, ChinchillaLaw):
        raise ValueError(f"law must be a ChinchillaLaw, e.g. scalinglaws.HOFFMANN_2022_UNROUNDED; got {law!r}")
    if not isinstance(term, SamplesTerm):
        raise ValueError(f"term must be a SamplesTerm (G, gamma), e.g. EXAMPLE_SAMPLES_TERM; got {term!r}")
    if hold not in HOLDS:
        raise ValueError(f"hold must be one of {HOLDS}; got {hold!r}")


# --- the loss and the three optimisations -------------------------------------------------------------------
def task_loss(law: ChinchillaLaw, N: float, D: float, k: float, term: SamplesTerm = EXAMPLE_SAMPLES_TERM) -> float:
    """L(N, D, k) = E + A/N^α + B/D^β + G/k^γ in nats (the loss-based train-to-test form; see the module).

    N parameters, D training tokens, k >= 1 samples per question. Taught in chapters/06_inference_scaling.ipynb.
    """
    _check(law, term, "nothing")
    k = _scalar("k", k, "samples per question")
    if k < 1.0:
        raise ValueError(f"k must be at least 1 sample per question; got {k!r}")
    return float(law.loss(_scalar("N", N, "parameters"), _scalar("D", D, "tokens"))) + term(k)


def _at_samples(law, budget, served_per_sample, k, term):
    """(loss, N, D) of the best (N, D) for k samples per question: chapter 5's budget optimum."""
    best = budget_optimal(law, budget, served_per_sample * k).optimum
    return float(best.loss) + term(k), float(best.N), float(best.D)


def _unimodal_min(f, lo: float) -> float:
    """Minimiser over [lo, ∞) of a unimodal f: step up in e-folds until f rises, then a bounded Brent search."""
    from scipy.optimize import brentq, minimize_scalar  # imported on first use: see scalinglaws/__init__.py
    prev, x = f(lo), lo
    for _ in range(_MAX_BRACKET_STEPS):
        value = f(x + 1.0)
        if value >= prev:
            break
        prev, x = value, x + 1.0
    else:  # pragma: no cover - would need k beyond e^200
        raise ValueError("no optimum found within e^200 samples per question; check the budget and demand")
    left = max(lo, x - 1.0)
    found = minimize_scalar(f, bounds=(left, x + 1.0), method="bounded", options={"xatol": 1e-7})
    return found.x if found.fun <= f(lo) else lo


def _joint(law, budget, served, term):
    u = _unimodal_min(lambda log_k: _at_samples(law, budget, served, math.exp(log_k), term)[0], 0.0)
    k = math.exp(u)
    loss, n, d = _at_samples(law, budget, served, k, term)
    return n, d, k, loss


def _compute_optimal_training(law, budget, served, term):
    """Training on Hoffmann et al.'s frontier with C_t FLOP; the rest buys k = (C − C_t)/(2·N·T·Q) samples."""
    from scipy.optimize import brentq, minimize_scalar  # imported on first use: see scalinglaws/__init__.py

    def plan(log_ct):
        alloc = law.optimal_allocation(math.exp(log_ct))
        n, d = float(alloc.N), float(alloc.D)
        k = (budget - _TRAIN * n * d) / (_INFER * n * served)
        return n, d, k

    def spare(log_ct):  # log of the samples the rest of the budget buys; 0 at k = 1
        n, d, k = plan(log_ct)
        return math.log(k) if k > 0 else -math.inf

    hi = brentq(lambda u: spare(u) if math.isfinite(spare(u)) else -1e300, math.log(budget) - 200.0,
                math.log(budget), xtol=1e-13)
    if spare(hi) < 0.0:
        hi -= 1e-9

    def loss_at(log_ct):
        n, d, k = plan(log_ct)
        return float(law.loss(n, d)) + term(max(k, 1.0))

    # unimodal in log C_t (a geometric program after substituting the frontier's monomials)
    step = _unimodal_min(lambda v: loss_at(hi - v), 0.0)
    n, d, k = plan(hi - step)
    k = max(k, 1.0)
    return n, d, k, float(law.loss(n, d)) + term(k)


def _per_token(law, c_train, c_inf, term):
    """log N of min over N <= C_inf/2 of L(N, C_train/(6N), C_inf/(2N)) (Eq. 1 with §3.3's k = C_inf/(2N)).

    In u = log N every term is an exponential of a linear function of u, so the loss is convex in u and its
    slope, compared in logs as log(βB·D^−β + γG·k^−γ) − log(αA·N^−α), rises through zero at most once.
    """
    a, b, g = law.alpha, law.beta, term.gamma

    def slope_sign(u: float) -> float:
        log_d = math.log(c_train / _TRAIN) - u
        log_k = math.log(c_inf / _INFER) - u
        falling = math.log(a * law.A) - a * u
        rising = math.log(b * law.B * math.exp(-b * log_d) + g * term.G * math.exp(-g * log_k))
        return rising - falling

    hi = math.log(c_inf / _INFER)  # k = 1
    return root_below(slope_sign, hi)


def _plan(law, n, d, k, term, hold, served=0.0) -> TrainToTestPlan:
    return TrainToTestPlan(N=n, D=d, k=k, loss=float(law.loss(n, d)) + term(k), hold=hold, law=law,
                           served_tokens=served)


def train_to_test_optimal(law: ChinchillaLaw = HOFFMANN_2022_UNROUNDED, training_budget: float = 1e23,
                          inference_budget: float = ROBERTS_2026_BUDGETS["inference_per_token_fig2"],
                          term: SamplesTerm = EXAMPLE_SAMPLES_TERM, *, hold: str = "nothing") -> TrainToTestPlan:
    """Roberts et al. 2026's train-to-test optimum, Approach 1: Eq. 1 with §3.3's inference cost correction.

    Minimises L(N, D, k) = E + A/N^α + B/D^β + G/k^γ subject to 6·N·D = C_train and 2·N·k = C_inf, i.e. over N
    with D = C_train/(6N) and k = C_inf/(2N) >= 1.

    Parameters
    ----------
    law : the N and D terms (a ChinchillaLaw; default Hoffmann et al. 2022's unrounded fit, a stand-in).
    training_budget : C_train in FLOP (> 0).
    inference_budget : C_inf, inference FLOP per token served (> 0); the default is the paper's 140B FLOP
        (one forward pass of the 70B Chinchilla, §4.1). It must allow one sample of some model: k = C_inf/(2N).
    term : the k term G·k^(−γ) (illustrative ``EXAMPLE_SAMPLES_TERM`` by default).
    hold : "nothing" (the T² optimum); "one_sample" (k = 1: single-pass Chinchilla, with N <= C_inf/2);
        "compute_optimal_training" (Chinchilla's N and D for C_train, k = C_inf/(2N): the paper's
        inference-corrected Chinchilla optimum). Raises ValueError if that N cannot afford one sample.

    Scalar inputs only; the work is one bracketed root-find. Taught in chapters/06_inference_scaling.ipynb.
    """
    _check(law, term, hold)
    c_train = _scalar("training_budget", training_budget, "FLOP")
    c_inf = _scalar("inference_budget", inference_budget, "FLOP per token served")
    if hold == "nothing":
        n = math.exp(_per_token(law, c_train, c_inf, term))
    else:
        n = float(law.optimal_allocation(c_train).N)
        if hold == "one_sample":
            n = min(n, c_inf / _INFER)  # the loss is convex in log N: the constrained optimum is the clip
        elif n > c_inf / _INFER:
            raise ValueError(
                f"inference_budget {c_inf:.3g} FLOP per token cannot pay one sample of the compute-optimal "
                f"{n:.3g}-parameter model for training_budget {c_train:.3g} (it needs 2N = {2 * n:.3g})")
    k = 1.0 if hold == "one_sample" else max(1.0, c_inf / (_INFER * n))
    return _plan(law, n, c_train / (_TRAIN * n), k, term, hold)


# --- this course's extension: one lifetime budget for training and serving (chapter 5) -----------------------
def lifetime_train_to_test_optimal(law: ChinchillaLaw = HOFFMANN_2022_UNROUNDED, budget: float = 1e23,
                                   questions: float = 1e8, tokens_per_sample: float = 1000.0,
                                   term: SamplesTerm = EXAMPLE_SAMPLES_TERM, *,
                                   hold: str = "nothing") -> TrainToTestPlan:
    """The lowest-loss plan (N, D, k) whose training plus lifetime serving FLOP equal ``budget``.

    Minimises L(N, D, k) = E + A/N^α + B/D^β + G/k^γ subject to 6·N·D + 2·N·k·T·Q = C with k >= 1: the paper's
    problem (``train_to_test_optimal``) with the split C = C_train + T·Q·C_inf chosen too (see the module).

    Parameters
    ----------
    law : the N and D terms (a ChinchillaLaw; default Hoffmann et al. 2022's unrounded fit, as chapter 5).
    budget : C, training plus serving FLOP (a single number > 0).
    questions : Q, questions served over the model's lifetime (> 0).
    tokens_per_sample : T, generated tokens per sample (> 0).
    term : the k term G·k^(−γ) (illustrative ``EXAMPLE_SAMPLES_TERM`` by default).
    hold : "nothing" (N, D, k free); "one_sample" (k = 1: chapter 5's ``lifetime.budget_optimal``); or
        "compute_optimal_training" (D/N on Hoffmann et al.'s frontier for the training FLOP spent; the split
        between training and serving, hence N and k, free).

    Scalar inputs only, so the work is bounded (a few dozen one-dimensional solves).
    Taught in chapters/06_inference_scaling.ipynb.
    """
    _check(law, term, hold)
    c = _scalar("budget", budget, "FLOP")
    q = _scalar("questions", questions, "questions served")
    t = _scalar("tokens_per_sample", tokens_per_sample, "tokens")
    served = q * t  # tokens of one answer to every question, over the lifetime
    if hold == "one_sample":
        _, n, d = _at_samples(law, c, served, 1.0, term)
        k = 1.0
    elif hold == "compute_optimal_training":
        n, d, k, _ = _compute_optimal_training(law, c, served, term)
    else:
        n, d, k, _ = _joint(law, c, served, term)
    plan = _plan(law, n, d, k, term, hold, served)
    if not math.isclose(lifetime_flops(n, d, served * k), c, rel_tol=1e-6):  # pragma: no cover - invariant
        raise RuntimeError("internal error: the plan does not spend the budget")
    return plan
