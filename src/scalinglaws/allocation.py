"""Allocating a compute budget: the loss frontier, the compute a loss needs, and the cost of mis-allocating.

Under a Chinchilla law L(N, D) = E + A/N^alpha + B/D^beta with C = 6ND, the compute-optimal loss is itself a
power law with a floor (derived in chapters/03_chinchilla.ipynb):

    L*(C) = E + K · (C/6)^(-gamma),  gamma = alpha·beta/(alpha+beta),  K = A·G^(-alpha) + B·G^beta,

so it can be inverted in closed form. Units: N in parameters, D in tokens, C in FLOP, loss in nats/token.
Taught in chapters/03_chinchilla.ipynb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_positive, broadcast
from .compute import FLOP_PER_PARAM_TOKEN_TRAIN
from .laws import Allocation, ChinchillaLaw
from .models import model

__all__ = [
    "TABLE_2_EXPONENTS",
    "APPROACH_1_PROJECTIONS",
    "TOKENS_PER_PARAM_RULE",
    "Misallocation",
    "frontier_constants",
    "compute_for_loss",
    "fixed_ratio_allocation",
    "scaled_allocation",
    "misallocation_penalty",
]

TABLE_2_EXPONENTS: dict[str, tuple[float, float]] = {
    "Approach 1 (training curves)": (0.50, 0.50),
    "Approach 2 (IsoFLOP profiles)": (0.49, 0.51),
    "Approach 3 (parametric fit)": (0.46, 0.54),
    "Kaplan et al. 2020": (0.73, 0.27),
}
"""Hoffmann et al. 2022, Table 2: exponents (a, b) of N_opt ∝ C^a and D_opt ∝ C^b, by estimation approach."""

APPROACH_1_PROJECTIONS: tuple[tuple[float, float, float], ...] = (
    (400e6, 1.92e19, 8.0e9),
    (1e9, 1.21e20, 20.2e9),
    (10e9, 1.23e22, 205.1e9),
    (67e9, 5.76e23, 1.5e12),
    (175e9, 3.85e24, 3.7e12),
    (280e9, 9.90e24, 5.9e12),
    (520e9, 3.43e25, 11.0e12),
    (1e12, 1.27e26, 21.2e12),
    (10e12, 1.30e28, 216.2e12),
)
"""Hoffmann et al. 2022, Table 3 (Approach 1 projections) as printed: (parameters, FLOP, tokens) per row."""

TOKENS_PER_PARAM_RULE: float = model("Chinchilla").tokens_per_param
"""The "≈20 tokens per parameter" rule of thumb: Chinchilla's own D/N, 1.4T tokens / 70B parameters
(Hoffmann et al. 2022). Derived from ``scalinglaws.models``, not typed."""


def _require_chinchilla(law) -> ChinchillaLaw:
    if not isinstance(law, ChinchillaLaw):
        raise ValueError(f"law must be a ChinchillaLaw (E + A/N^alpha + B/D^beta); got {type(law).__name__} {law!r}")
    return law


def frontier_constants(law: ChinchillaLaw) -> tuple[float, float]:
    """(K, gamma) of the compute-optimal loss L*(C) = E + K·(C/6)^(-gamma), K in nats/token.

    At the optimum both reducible terms fall as (C/6)^(-alpha·beta/(alpha+beta)), so they add into one power law.
    """
    law = _require_chinchilla(law)
    gamma = law.alpha * law.beta / (law.alpha + law.beta)
    k = law.A * law.G ** (-law.alpha) + law.B * law.G ** law.beta
    return k, gamma


def compute_for_loss(law: ChinchillaLaw, loss: ArrayLike):
    """The fewest FLOP that reach ``loss`` (nats/token) under ``law``: the inverse of ``law.loss_at_compute``.

    Solved in log space from the closed form, C = 6·((loss − E)/K)^(−1/gamma), so budgets from 1e10 to 1e40
    FLOP come out without overflow. ``loss`` must exceed the irreducible loss E.
    """
    law = _require_chinchilla(law)
    target = np.asarray(as_positive("loss", loss, "nats/token"), dtype=float)
    if np.any(target <= law.E):
        bad = target[target <= law.E].flat[0]
        raise ValueError(f"loss must exceed the irreducible loss E = {law.E:g} nats/token of {law.name}; got {bad!r}")
    k, gamma = frontier_constants(law)
    log_c = math.log(FLOP_PER_PARAM_TOKEN_TRAIN) + (math.log(k) - np.log(target - law.E)) / gamma
    out = np.exp(log_c)
    return float(out) if np.ndim(loss) == 0 else out


def fixed_ratio_allocation(compute: ArrayLike, tokens_per_param: ArrayLike = TOKENS_PER_PARAM_RULE):
    """(N, D) that spend ``compute`` FLOP at a fixed ratio D/N = ``tokens_per_param``: N = sqrt(C / (6·r)).

    With the default r = 20 this is the "20 tokens per parameter" rule of thumb.
    """
    c = as_positive("compute", compute, "FLOP")
    r = as_positive("tokens_per_param", tokens_per_param, "tokens per parameter")
    broadcast(compute=c, tokens_per_param=r)
    n = np.sqrt(c / (FLOP_PER_PARAM_TOKEN_TRAIN * r))
    return n, r * n


def scaled_allocation(N: ArrayLike, D: ArrayLike, compute_factor: ArrayLike, a: float, b: float):
    """(N', D') after multiplying the budget by ``compute_factor`` when N_opt ∝ C^a and D_opt ∝ C^b.

    N' = N·f^a and D' = D·f^b; with a + b = 1 the new run costs exactly f times the old one.
    """
    n = as_positive("N", N, "parameters")
    d = as_positive("D", D, "tokens")
    f = as_positive("compute_factor", compute_factor)
    as_positive("a", a)
    as_positive("b", b)
    broadcast(N=n, D=d, compute_factor=f)
    return n * f ** a, d * f ** b


@dataclass(frozen=True)
class Misallocation:
    """A run of N parameters on D = C/(6N) tokens compared with the compute-optimal run of the same C FLOP.

    ``equivalent_compute`` is the budget (FLOP) a compute-optimal run needs to reach the same loss.
    """

    N: np.ndarray | float
    D: np.ndarray | float
    compute: np.ndarray | float
    loss: np.ndarray | float
    optimal: Allocation
    equivalent_compute: np.ndarray | float

    @property
    def delta_loss(self):
        """Loss penalty versus the compute-optimal run, in nats/token (>= 0)."""
        return self.loss - self.optimal.loss

    @property
    def wasted_fraction(self):
        """Fraction of C a compute-optimal run would not need to reach the same loss: 1 − C_eq/C, in [0, 1)."""
        return np.maximum(0.0, 1.0 - self.equivalent_compute / self.compute)  # < 0 only by float rounding

    @property
    def size_ratio(self):
        """N / N_opt: above 1 the model is too big (and undertrained), below 1 too small."""
        return self.N / self.optimal.N


def misallocation_penalty(law: ChinchillaLaw, compute: ArrayLike, N: ArrayLike) -> Misallocation:
    """What training N parameters with C FLOP (so D = C/(6N) tokens) costs versus the optimum, under ``law``.

    Returns the loss penalty in nats/token and the compute a compute-optimal run would need to match the loss.
    """
    law = _require_chinchilla(law)
    c = as_positive("compute", compute, "FLOP")
    n = as_positive("N", N, "parameters")
    broadcast(compute=c, N=n)
    d = c / (FLOP_PER_PARAM_TOKEN_TRAIN * n)
    loss = law.loss(n, d)
    return Misallocation(N=n, D=d, compute=c, loss=loss, optimal=law.optimal_allocation(c),
                         equivalent_compute=compute_for_loss(law, loss))
