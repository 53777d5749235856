"""Lifetime compute: train once, serve many tokens, and the model size that minimises the sum.

A model of N parameters trained on D tokens costs 6·N·D FLOP to train and 2·N FLOP for every token it
processes when served (Kaplan et al. 2020, §2.1). Prompt (prefill) tokens also cost a forward pass, ≈ 2·N FLOP
each, so they are counted at the same rate; like 6ND, this ignores the attention FLOPs that grow with context.

Sardana et al. 2024 ("Beyond Chinchilla-Optimal") ask: for a target loss ℓ and a lifetime inference demand
D_inf (tokens), which (N, D) with L(N, D) = ℓ minimises 6·N·D + 2·N·D_inf? There is no closed form; they solve
it numerically. Here the iso-loss curve is parametrised by N and the first-order condition, which has exactly
one root between the smallest model that can reach ℓ and the Chinchilla-optimal model of loss ℓ, is solved by
bracketing (Brent's method) in log space.

Units: N in parameters, D and D_inf in tokens, compute in FLOP, loss in nats/token.
Taught in chapters/05_overtraining.ipynb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_nonnegative, as_positive, broadcast
from .compute import FLOP_PER_PARAM_TOKEN_INFER, FLOP_PER_PARAM_TOKEN_TRAIN
from .laws import Allocation, ChinchillaLaw

__all__ = [
    "LifetimePlan",
    "LifetimeOptimum",
    "BudgetOptimum",
    "WorkedExample",
    "SARDANA_2024_FIG1",
    "SARDANA_2024_LAW",
    "lifetime_flops",
    "min_params_for_loss",
    "iso_loss_tokens",
    "chinchilla_optimal_for_loss",
    "lifetime_optimal",
    "budget_optimal",
    "implied_inference_tokens",
    "breakeven_inference_tokens",
]

_TRAIN = FLOP_PER_PARAM_TOKEN_TRAIN
_INFER = FLOP_PER_PARAM_TOKEN_INFER


@dataclass(frozen=True)
class WorkedExample:
    """A published example of overtraining for inference: plan a model, choose a smaller one, save compute."""

    planned_params: float
    inference_tokens: float
    chosen_params: float
    savings_flop: float
    savings_fraction: float
    source: str


SARDANA_2024_FIG1 = WorkedExample(
    planned_params=13e9, inference_tokens=2e12, chosen_params=7e9, savings_flop=1.7e22, savings_fraction=0.17,
    source="Sardana et al. 2024, arXiv 2401.00448, Fig. 1 caption",
)
"""Sardana et al. 2024, Fig. 1: a developer planning a 13B model with 2T tokens of inference demand can instead
train a 7B model on more data to the same quality and save 1.7e22 FLOP (17%) of total compute."""

SARDANA_2024_LAW = ChinchillaLaw(E=1.69, A=406.4, B=410.7, alpha=0.336, beta=0.283,
                                 name="Sardana et al. 2024 (Chinchilla constants)")
"""The Chinchilla law with the constants Sardana et al. 2024 use (their App. A; the same defaults in the authors'
code, github.com/nikhilsardana/beyond-chinchilla): α = 0.336 and β = 0.283, not the 0.34 and 0.28 printed in
Hoffmann et al.'s Eq. 10 nor the TeX source's 0.33917 and 0.28491. With them, reading the planned 13B as this
law's compute-optimal 13B model, ``SARDANA_2024_FIG1`` comes out at 6.97B and 1.69e22 FLOP saved (17.4%)."""


# --- results ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LifetimePlan:
    """A model to train and serve: N parameters, D training tokens, its loss, and its lifetime demand.

    ``inference_tokens`` counts every token processed when serving (generated plus prompt tokens).
    ``serving_weight`` is the cost of one inference FLOP in units of one training FLOP (1 = FLOP are FLOP).
    Fields are floats for scalar input and arrays for array input.
    """

    N: Any
    D: Any
    loss: Any
    inference_tokens: Any
    serving_weight: float = 1.0

    @property
    def training_flops(self):
        """Training compute 6·N·D in FLOP."""
        return _TRAIN * self.N * self.D

    @property
    def inference_flops(self):
        """Serving compute 2·N·D_inf in FLOP."""
        return _INFER * self.N * self.inference_tokens

    @property
    def total_flops(self):
        """Training plus serving compute in FLOP."""
        return self.training_flops + self.inference_flops

    @property
    def cost(self):
        """Training FLOP + serving_weight × serving FLOP (in training-FLOP equivalents)."""
        return self.training_flops + self.serving_weight * self.inference_flops

    @property
    def tokens_per_param(self):
        """Training tokens per parameter, D / N."""
        return self.D / self.N

    @property
    def training_share(self):
        """Fraction of the lifetime FLOP spent on training (0 to 1)."""
        return self.training_flops / self.total_flops


@dataclass(frozen=True)
class LifetimeOptimum:
    """The lifetime-optimal model for a target loss and demand, and the Chinchilla-optimal model of equal loss.

    Both plans reach the same loss and serve the same demand; ``optimum`` minimises lifetime cost,
    ``chinchilla`` minimises training compute alone (Hoffmann et al. 2022's allocation at that loss).
    """

    optimum: LifetimePlan
    chinchilla: LifetimePlan

    @property
    def overtraining_factor(self):
        """Tokens per parameter of the optimum relative to the Chinchilla-optimal ratio at the same loss (≥ 1)."""
        return self.optimum.tokens_per_param / self.chinchilla.tokens_per_param

    @property
    def params_ratio(self):
        """N of the optimum over N of the Chinchilla-optimal model (≤ 1)."""
        return self.optimum.N / self.chinchilla.N

    @property
    def savings_flops(self):
        """Lifetime cost saved against the Chinchilla-optimal model, in FLOP (training-FLOP equivalents)."""
        return self.chinchilla.cost - self.optimum.cost

    @property
    def savings_fraction(self):
        """Saved lifetime cost as a fraction of the Chinchilla-optimal model's (0 to 1)."""
        return self.savings_flops / self.chinchilla.cost


@dataclass(frozen=True)
class BudgetOptimum:
    """The lowest-loss model whose lifetime cost fits a budget, and the Chinchilla-optimal model that fits it.

    ``chinchilla`` is the compute-optimal allocation (Hoffmann et al. 2022) sized so that training it and
    serving the demand costs the whole budget: what you get by following Chinchilla and budgeting for serving.
    """

    optimum: LifetimePlan
    chinchilla: LifetimePlan
    budget: Any
    law: ChinchillaLaw

    @property
    def overtraining_factor(self):
        """Tokens per parameter of the optimum relative to the Chinchilla-optimal ratio at the optimum's loss."""
        r = np.asarray(self.optimum.loss) - self.law.E
        return _like(r, self.optimum.tokens_per_param / _chinchilla_ratio_at(self.law, r))

    @property
    def loss_gain(self):
        """How much lower the optimum's loss is than the Chinchilla-optimal model's, in nats/token (≥ 0)."""
        return self.chinchilla.loss - self.optimum.loss


# --- validation ----------------------------------------------------------------------------------------

def _serving(inference_tokens, prompt_tokens, serving_weight):
    """Validated serving inputs: generated tokens, prompt tokens (both ≥ 0) and one serving weight ≥ 0."""
    t = as_nonnegative("inference_tokens", inference_tokens, "tokens")
    p = as_nonnegative("prompt_tokens", prompt_tokens, "tokens")
    w = as_nonnegative("serving_weight", serving_weight, "training FLOP per serving FLOP")
    if np.ndim(w) != 0:
        raise ValueError(f"serving_weight must be a single number >= 0; got {serving_weight!r}")
    return t, p, w

def _check_law(law: Any) -> ChinchillaLaw:
    if not isinstance(law, ChinchillaLaw):
        raise ValueError(
            f"law must be a ChinchillaLaw (L = E + A/N^alpha + B/D^beta), e.g. scalinglaws.HOFFMANN_2022; "
            f"got {type(law).__name__} {law!r}"
        )
    return law


def _check_loss(law: ChinchillaLaw, loss: ArrayLike):
    """The target loss as float(s) above E, else a ValueError naming the law's E."""
    value = as_positive("loss", loss, "nats/token")
    arr = np.asarray(value)
    bad = arr <= law.E
    if bad.any():
        first = arr.flat[int(np.argmax(bad))].item()
        raise ValueError(
            f"loss must be above the law's irreducible loss E = {law.E:g} nats/token ({law.name}): no finite "
            f"model reaches it; got {first!r}"
        )
    return value


def _like(template, value):
    return float(value) if np.ndim(template) == 0 else np.asarray(value, dtype=float)


# --- lifetime cost and the iso-loss curve ----------------------------------------------------------------
def lifetime_flops(params: ArrayLike, tokens: ArrayLike, inference_tokens: ArrayLike, prompt_tokens: ArrayLike = 0.0):
    """Lifetime compute in FLOP: training 6·N·D plus serving 2·N per generated and per prompt token.

    Parameters
    ----------
    params : parameters N.
    tokens : training tokens D.
    inference_tokens : tokens generated over the model's lifetime (≥ 0).
    prompt_tokens : prompt (prefill) tokens processed over its lifetime (≥ 0); a forward pass costs ≈ 2·N
        FLOP per token whether it reads or writes the token, so they count at the same rate.
    """
    n = as_positive("params", params, "parameters")
    d = as_positive("tokens", tokens, "tokens")
    t = as_nonnegative("inference_tokens", inference_tokens, "tokens")
    p = as_nonnegative("prompt_tokens", prompt_tokens, "tokens")
    broadcast(params=n, tokens=d, inference_tokens=t, prompt_tokens=p)
    return _TRAIN * n * d + _INFER * n * (t + p)


def min_params_for_loss(law: ChinchillaLaw, loss: ArrayLike):
    """The smallest N that can reach ``loss`` with unlimited data: (A / (ℓ − E))^(1/α), in parameters."""
    law = _check_law(law)
    r = np.asarray(_check_loss(law, loss)) - law.E
    return _like(r, np.exp((math.log(law.A) - np.log(r)) / law.alpha))


def iso_loss_tokens(law: ChinchillaLaw, params: ArrayLike, loss: ArrayLike):
    """Training tokens D(N) = (B / (ℓ − E − A·N^−α))^(1/β) that bring an N-parameter model to ``loss``.

    This traces the iso-loss curve L(N, D) = ℓ in the (N, D) plane; N must exceed ``min_params_for_loss``.
    """
    law = _check_law(law)
    n = as_positive("params", params, "parameters")
    target = _check_loss(law, loss)
    broadcast(params=n, loss=target)
    n_arr, r = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(target, dtype=float) - law.E)
    room = r - law.A * np.exp(-law.alpha * np.log(n_arr))
    if (room <= 0).any():
        i = int(np.argmax(room <= 0))
        n_min = float(np.exp((math.log(law.A) - math.log(r.flat[i])) / law.alpha))
        raise ValueError(
            f"params must exceed {n_min:.4g}, the smallest model that reaches loss {r.flat[i] + law.E:g} "
            f"nats/token under {law.name}; got {n_arr.flat[i]!r}"
        )
    out = np.exp((math.log(law.B) - np.log(room)) / law.beta)
    return float(out) if np.ndim(n) == 0 and np.ndim(target) == 0 else out


def chinchilla_optimal_for_loss(law: ChinchillaLaw, loss: ArrayLike) -> Allocation:
    """The compute-optimal (N, D) that reaches ``loss``: the cheapest training run of loss ℓ.

    At the compute-optimal point α·A/N^α = β·B/D^β (Hoffmann et al. 2022, Eq. 4 rearranged), so the reducible
    loss ℓ − E splits β : α between the parameter and the data terms:
    N = (A (α+β) / (β (ℓ − E)))^(1/α) and D = (B (α+β) / (α (ℓ − E)))^(1/β).
    """
    law = _check_law(law)
    r = np.asarray(_check_loss(law, loss)) - law.E
    n, d = _chinchilla_nd(law, r)
    n, d = _like(r, n), _like(r, d)
    return Allocation(N=n, D=d, compute=_like(r, _TRAIN * n * d), loss=law.loss(n, d))


def _chinchilla_nd(law: ChinchillaLaw, r):
    return _nd_from_share(law, r, law.alpha / (law.alpha + law.beta))


def _nd_from_share(law: ChinchillaLaw, r, v):
    """(N, D) on the iso-loss curve of reducible loss r whose data term B·D^−β carries the share v of r."""
    n = np.exp((math.log(law.A) - np.log((1.0 - v) * r)) / law.alpha)
    d = np.exp((math.log(law.B) - np.log(v * r)) / law.beta)
    return n, d


def _chinchilla_ratio_at(law: ChinchillaLaw, r):
    n, d = _chinchilla_nd(law, r)
    return d / n


# --- the lifetime optimum (Sardana et al. 2024) ----------------------------------------------------------
def _data_share(law: ChinchillaLaw, r: float, demand: float) -> float:
    """Share v = B·D^−β / (ℓ − E) of the reducible loss carried by the data term at the lifetime optimum.

    Along the iso-loss curve, d(6ND + 2N·T)/d log N = 0 reads 3·D·(α·x/(β·y) − 1) = T with x = A·N^−α and
    y = B·D^−β = v·(ℓ − E). Its left side falls monotonically from +∞ (N at its minimum, v → 0) to 0 (the
    Chinchilla point, v = α/(α+β)), so for T > 0 there is exactly one root; it is bracketed and solved in log v.
    """
    from scipy.optimize import brentq  # imported on first use: see scalinglaws/__init__.py
    a, b = law.alpha, law.beta
    v_star = a / (a + b)
    if demand == 0.0:
        return v_star
    const = math.log(3.0) + (math.log(law.B) - math.log(r)) / b - math.log(b) - math.log(demand)

    def excess(log_v: float) -> float:  # log(3·D·(α x/(β y) − 1)) − log T, decreasing in v
        v = math.exp(log_v)
        return const - log_v / b + math.log(a - (a + b) * v) - log_v

    hi = math.log(v_star) + math.log1p(-1e-12)
    if excess(hi) >= 0.0:  # demand so small the optimum is the Chinchilla point to 12 digits
        return v_star
    lo = math.log(v_star) - 1.0
    while excess(lo) <= 0.0:
        lo -= 10.0
    return math.exp(brentq(excess, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=200))


def lifetime_optimal(law: ChinchillaLaw, loss: ArrayLike, inference_tokens: ArrayLike, *,
                     prompt_tokens: ArrayLike = 0.0, serving_weight: float = 1.0) -> LifetimeOptimum:
    """The (N, D) reaching ``loss`` at the lowest lifetime cost, and the Chinchilla-optimal model of equal loss.

    Minimises 6·N·D + serving_weight · 2·N·(inference_tokens + prompt_tokens) subject to L(N, D) = loss
    (Sardana et al. 2024, §2). With no demand the answer is the Chinchilla-optimal model for that loss.

    Parameters
    ----------
    law : a ChinchillaLaw (e.g. HOFFMANN_2022_UNROUNDED).
    loss : target loss in nats/token, above law.E.
    inference_tokens : tokens generated over the model's lifetime (≥ 0).
    prompt_tokens : prompt tokens processed over its lifetime (≥ 0), also at 2·N FLOP each.
    serving_weight : cost of one serving FLOP in training FLOP (≥ 0); 1 counts FLOP as FLOP. Sardana et al.'s
        cost version uses it for cheaper or dearer inference hardware and lower inference utilisation.

    ``loss`` and the token counts broadcast; each element is solved separately (fields become arrays).
    """
    law = _check_law(law)
    target = _check_loss(law, loss)
    t, p, w = _serving(inference_tokens, prompt_tokens, serving_weight)
    broadcast(loss=target, inference_tokens=t, prompt_tokens=p)
    r, served = np.broadcast_arrays(np.asarray(target, dtype=float) - law.E, np.asarray(t) + np.asarray(p))
    v = np.array([_data_share(law, float(ri), float(w * si)) for ri, si in zip(r.ravel(), served.ravel())])
    v = v.reshape(r.shape)
    n, d = _nd_from_share(law, r, v)
    nc, dc = _chinchilla_nd(law, r)
    scalar = all(np.ndim(x) == 0 for x in (loss, inference_tokens, prompt_tokens))
    shape = (lambda x: float(x)) if scalar else (lambda x: np.asarray(x, dtype=float))
    level = shape(r + law.E)
    optimum = LifetimePlan(shape(n), shape(d), level, shape(served), float(w))
    chinchilla = LifetimePlan(shape(nc), shape(dc), level, shape(served), float(w))
    return LifetimeOptimum(optimum=optimum, chinchilla=chinchilla)


def implied_inference_tokens(law: ChinchillaLaw, params: ArrayLike, tokens: ArrayLike):
    """The lifetime demand (tokens served) for which N parameters on D tokens is the lifetime optimum of its loss.

    It is 3·D·(α·A·N^−α / (β·B·D^−β) − 1), the first-order condition of ``lifetime_optimal`` read backwards.
    Zero means the model is Chinchilla-optimal; a negative value means it is larger than Chinchilla-optimal for
    its loss, so no inference demand makes it the cheapest way to that loss.
    """
    law = _check_law(law)
    n = as_positive("params", params, "parameters")
    d = as_positive("tokens", tokens, "tokens")
    broadcast(params=n, tokens=d)
    log_ratio = (math.log(law.alpha * law.A) - law.alpha * np.log(n)) - (math.log(law.beta * law.B) - law.beta * np.log(d))
    return 3.0 * d * np.expm1(log_ratio)


def breakeven_inference_tokens(small_params: float, small_tokens: float, large_params: float, large_tokens: float) -> float:
    """Served tokens beyond which the smaller model's lifetime FLOP fall below the larger one's.

    Solves 6·N_s·D_s + 2·N_s·T = 6·N_l·D_l + 2·N_l·T for T = 3·(N_s·D_s − N_l·D_l) / (N_l − N_s). Returns 0.0
    when the smaller model is also cheaper to train (it is cheaper at every demand). Loss is not compared here.
    """
    ns = float(as_positive("small_params", small_params, "parameters"))
    ds = float(as_positive("small_tokens", small_tokens, "tokens"))
    nl = float(as_positive("large_params", large_params, "parameters"))
    dl = float(as_positive("large_tokens", large_tokens, "tokens"))
    if not ns < nl:
        raise ValueError(f"small_params must be below large_params ({nl!r}); got {ns!r}")
    return max(0.0, (_TRAIN / _INFER) * (ns * ds - nl * dl) / (nl - ns))


# --- a fixed lifetime budget --------------------------------------------------------------------------
def _budget_log_n(law: ChinchillaLaw, budget: float, k: float) -> float:
    """log N of the lowest-loss model with 6·N·D + k·N = budget (k = serving_weight · 2 · D_inf).

    Along D = (budget − k·N)/(6N) the loss is convex in log N; its derivative, compared in logs as
    log(β·B·D^−β · budget/(budget − k·N)) − log(α·A·N^−α), rises through zero exactly once.
    """
    a, b = law.alpha, law.beta

    def slope_sign(u: float) -> float:
        n = math.exp(u)
        room = budget - k * n
        log_d = math.log(room) - u - math.log(_TRAIN)
        return (math.log(b * law.B) - b * log_d + math.log(budget) - math.log(room)) - (math.log(a * law.A) - a * u)

    hi = math.log(float(law.optimal_allocation(budget).N))
    if k > 0.0:
        hi = min(hi, math.log(budget / k) + math.log1p(-1e-12))
    return root_below(slope_sign, hi)


def root_below(slope_sign, hi: float) -> float:
    """The log-size u <= hi where an increasing ``slope_sign`` crosses zero, or hi if it is <= 0 there.

    Steps down from hi until the sign changes, then solves with Brent's method (shared by the lifetime and
    train-to-test optimisers)."""
    from scipy.optimize import brentq  # imported on first use: see scalinglaws/__init__.py
    if slope_sign(hi) <= 0.0:
        return hi
    lo = hi - 1.0
    while slope_sign(lo) >= 0.0:
        lo -= 10.0
    return brentq(slope_sign, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=200)


def _chinchilla_fitting_budget(law: ChinchillaLaw, budget: float, k: float) -> float:
    """Reducible loss r of the Chinchilla-optimal model whose 6·N·D + k·N equals the budget."""
    from scipy.optimize import brentq  # imported on first use: see scalinglaws/__init__.py

    def log_cost_gap(log_r: float) -> float:
        n, d = _chinchilla_nd(law, math.exp(log_r))
        return math.log(_TRAIN * n * d + k * n) - math.log(budget)

    lo, hi = -5.0, 5.0  # cost falls as the target loss rises
    while log_cost_gap(lo) <= 0.0:
        lo -= 10.0
    while log_cost_gap(hi) >= 0.0:
        hi += 10.0
    return math.exp(brentq(log_cost_gap, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=200))


def budget_optimal(law: ChinchillaLaw, budget: ArrayLike, inference_tokens: ArrayLike, *,
                   prompt_tokens: ArrayLike = 0.0, serving_weight: float = 1.0) -> BudgetOptimum:
    """The lowest-loss (N, D) whose lifetime cost fits ``budget``, with serving weighted by ``serving_weight``.

    Minimises L(N, D) subject to 6·N·D + serving_weight · 2·N·(inference_tokens + prompt_tokens) = budget.
    With serving_weight = 0 (or no demand) this is Chinchilla's problem: the compute-optimal allocation of a
    training budget. Compared with the Chinchilla-optimal model sized so that training plus serving costs the
    same budget.

    Parameters
    ----------
    law : a ChinchillaLaw.
    budget : lifetime compute in FLOP (training-FLOP equivalents when serving_weight ≠ 1).
    inference_tokens, prompt_tokens : tokens generated and prompt tokens processed over the lifetime (≥ 0).
    serving_weight : cost of one serving FLOP in training FLOP (≥ 0).
    """
    law = _check_law(law)
    c = as_positive("budget", budget, "FLOP")
    t, p, w = _serving(inference_tokens, prompt_tokens, serving_weight)
    broadcast(budget=c, inference_tokens=t, prompt_tokens=p)
    cs, served = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(t) + np.asarray(p))
    n = np.empty(cs.shape)
    rc = np.empty(cs.shape)
    for i, (ci, si) in enumerate(zip(cs.ravel(), served.ravel())):
        k = float(w * _INFER * si)
        n.flat[i] = math.exp(_budget_log_n(law, float(ci), k))
        rc.flat[i] = _chinchilla_fitting_budget(law, float(ci), k)
    d = (cs - w * _INFER * served * n) / (_TRAIN * n)
    nc, dc = _chinchilla_nd(law, rc)
    scalar = all(np.ndim(x) == 0 for x in (budget, inference_tokens, prompt_tokens))
    shape = (lambda x: float(x)) if scalar else (lambda x: np.asarray(x, dtype=float))
    optimum = LifetimePlan(shape(n), shape(d), shape(law.loss(n, d)), shape(served), float(w))
    chinchilla = LifetimePlan(shape(nc), shape(dc), shape(rc + law.E), shape(served), float(w))
    return BudgetOptimum(optimum=optimum, chinchilla=chinchilla, budget=shape(cs), law=law)
