"""Train-to-test: choose model size N, training tokens D and samples per question k under one budget.

Roberts et al. 2026 ("Test-Time Scaling Makes Overtraining Compute-Optimal", arXiv 2604.01411, CC BY 4.0)
jointly optimise N, D and the number of repeated samples k under one end-to-end budget, and find that the
optimum "shifts radically into the overtraining regime" (abstract). The paper has two modelling approaches:
a loss-based one that extends Chinchilla's L(N, D) with a term in k, and an accuracy-based one that models
pass@k. **This module implements the loss-based approach only**, in the following form.

What was read, and what is assumed (every assumption is labelled; see also chapters/06_inference_scaling.ipynb):

1. *Source.* Only the paper's abstract was available here (science-facts §7, [P abstract]); its body, with
   the exact equations and fitted constants, was not. The form below, L(N, D, k) = E + A/N^α + B/D^β +
   G/k^γ with a serving cost of 2·N FLOP per sample, agrees with two secondary summaries of the paper; it is
   **not** checked against the paper's equations, so no equation numbers are cited.
2. *The k term.* G·k^(−γ) is a power law in k, the form Brown et al. 2024 fitted to the negative log of
   coverage (−log c = |a|·k^b, ``sampling.CoverageLaw``). ``EXAMPLE_SAMPLES_TERM`` (G, γ) is illustrative,
   not a fit from either paper.
3. *The N and D terms.* The paper fits its loss to task losses of its own models. Here the N and D terms are
   a pretraining law (by default Hoffmann et al. 2022's, as in chapter 5): a stand-in, so the numbers are a
   toy; the direction of the effect is the lesson.
4. *The budget.* One end-to-end budget counts training and serving FLOP as chapter 5 does
   (``lifetime.lifetime_flops``): C = 6·N·D + 2·N·T·k·Q for Q questions served, each answered with k samples
   of T generated tokens (prompt tokens and verifier FLOP are not counted). k is treated as a real number
   ≥ 1 (round it to whole samples; the loss is flat near the optimum).

The optimum. Loss and budget are posynomials, so the problem is a geometric program: after choosing N and D
optimally for each k (chapter 5's ``lifetime.budget_optimal`` with k·T·Q served tokens), the loss is
unimodal in log k, and a bracketed bounded search finds it. At the optimum the multiplier conditions give
α·A·N^(−α) = β·B·D^(−β) + γ·G·k^(−γ), and the budget splits in the same proportions: training takes
β·B·D^(−β) / (α·A·N^(−α)) of it, serving the rest.

Units: N in parameters, D in tokens, k in samples per question, compute in FLOP, loss in nats.
Taught in chapters/06_inference_scaling.ipynb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy.optimize import brentq, minimize_scalar

from ._validate import as_positive
from .compute import FLOP_PER_PARAM_TOKEN_INFER, FLOP_PER_PARAM_TOKEN_TRAIN
from .laws import HOFFMANN_2022_UNROUNDED, ChinchillaLaw
from .lifetime import budget_optimal, lifetime_flops

__all__ = [
    "SamplesTerm",
    "EXAMPLE_SAMPLES_TERM",
    "HOLDS",
    "TrainToTestPlan",
    "task_loss",
    "train_to_test_optimal",
]

_TRAIN = FLOP_PER_PARAM_TOKEN_TRAIN
_INFER = FLOP_PER_PARAM_TOKEN_INFER

HOLDS = ("nothing", "one_sample", "compute_optimal_training")
"""What ``train_to_test_optimal`` may hold fixed: nothing (N, D and k all chosen: the train-to-test optimum);
one sample per question (k = 1: chapter 5's lifetime optimum); or compute-optimal training (D/N on Hoffmann
et al.'s frontier for the training FLOP spent; N and k chosen)."""

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
direction the optimum moves in."""


@dataclass(frozen=True)
class TrainToTestPlan:
    """A plan: N parameters trained on D tokens, answering each of ``questions`` questions with k samples of
    ``tokens_per_sample`` tokens, within ``budget`` FLOP. ``loss`` is the task loss L(N, D, k) in nats;
    ``hold`` says what was held fixed while choosing (one of ``HOLDS``)."""

    N: float
    D: float
    k: float
    loss: float
    budget: float
    questions: float
    tokens_per_sample: float
    hold: str
    law: ChinchillaLaw

    @property
    def training_flops(self) -> float:
        """6·N·D in FLOP."""
        return _TRAIN * self.N * self.D

    @property
    def inference_flops(self) -> float:
        """2·N·T·k·Q in FLOP: every sample of every question served."""
        return _INFER * self.N * self.tokens_per_sample * self.k * self.questions

    @property
    def training_share(self) -> float:
        """Fraction of the budget spent on training (0 to 1)."""
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


def train_to_test_optimal(law: ChinchillaLaw = HOFFMANN_2022_UNROUNDED, budget: float = 1e23,
                          questions: float = 1e8, tokens_per_sample: float = 1000.0,
                          term: SamplesTerm = EXAMPLE_SAMPLES_TERM, *, hold: str = "nothing") -> TrainToTestPlan:
    """The lowest-loss plan (N, D, k) whose training plus serving FLOP equals ``budget`` (see the module).

    Minimises L(N, D, k) = E + A/N^α + B/D^β + G/k^γ subject to 6·N·D + 2·N·T·k·Q = C, with k >= 1.

    Parameters
    ----------
    law : the N and D terms (a ChinchillaLaw; default Hoffmann et al. 2022's unrounded fit, as chapter 5).
    budget : C, training plus serving FLOP (a single number > 0).
    questions : Q, questions served over the model's lifetime (> 0).
    tokens_per_sample : T, generated tokens per sample (> 0).
    term : the k term G·k^(−γ) (illustrative ``EXAMPLE_SAMPLES_TERM`` by default).
    hold : "nothing" (N, D, k free: the train-to-test optimum), "one_sample" (k = 1: chapter 5's
        ``lifetime.budget_optimal``), or "compute_optimal_training" (D/N on Hoffmann et al.'s frontier for
        the training FLOP spent; the split between training and serving and hence N and k free).

    Every input is a scalar, so the work is bounded (a few dozen one-dimensional solves).
    Taught in chapters/06_inference_scaling.ipynb.
    """
    _check(law, term, hold)
    c = _scalar("budget", budget, "FLOP")
    q = _scalar("questions", questions, "questions served")
    t = _scalar("tokens_per_sample", tokens_per_sample, "tokens")
    served = q * t  # tokens served per sample per question, over the lifetime
    if hold == "one_sample":
        loss, n, d = _at_samples(law, c, served, 1.0, term)
        k = 1.0
    elif hold == "compute_optimal_training":
        n, d, k, loss = _compute_optimal_training(law, c, served, term)
    else:
        n, d, k, loss = _joint(law, c, served, term)
    assert math.isclose(lifetime_flops(n, d, served * k), c, rel_tol=1e-6), "the plan must spend the budget"
    return TrainToTestPlan(N=n, D=d, k=k, loss=loss, budget=c, questions=q, tokens_per_sample=t, hold=hold, law=law)
