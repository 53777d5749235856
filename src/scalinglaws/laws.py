"""Scaling laws: Chinchilla's parametric L(N, D) and Kaplan et al.'s power laws.

Units throughout: N in parameters, D in training tokens, C in FLOP, loss in nats/token.
Taught in chapters/02_kaplan.ipynb and chapters/03_chinchilla.ipynb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_positive, broadcast
from .compute import FLOP_PER_PARAM_TOKEN_TRAIN, PF_DAY

__all__ = [
    "Allocation",
    "ScalingLaw",
    "ChinchillaLaw",
    "KaplanLaw",
    "HOFFMANN_2022",
    "HOFFMANN_2022_UNROUNDED",
    "BESIROGLU_2024",
    "KAPLAN_2020",
    "KAPLAN_2020_C_MIN_AS_SPENT",
    "KAPLAN_2020_AT_B_CRIT",
    "KAPLAN_2020_MODEL_RANGE",
]


def _like(template, value):
    """Return ``value`` as a Python float when ``template`` is a scalar, else as an array."""
    return float(value) if np.ndim(template) == 0 else np.asarray(value, dtype=float)


@dataclass(frozen=True)
class Allocation:
    """A training allocation: N parameters, D tokens, C = 6ND FLOP, and the law's predicted loss (nats/token)."""

    N: np.ndarray | float
    D: np.ndarray | float
    compute: np.ndarray | float
    loss: np.ndarray | float

    @property
    def tokens_per_param(self):
        """D / N, training tokens per parameter."""
        return self.D / self.N


@runtime_checkable
class ScalingLaw(Protocol):
    """What chapters and widgets need from a law: a loss surface and a compute-optimal allocation."""

    name: str

    def loss(self, N: ArrayLike, D: ArrayLike):  # pragma: no cover - protocol
        """Predicted loss (nats/token) for N parameters trained on D tokens."""

    def optimal_allocation(self, compute: ArrayLike) -> Allocation:  # pragma: no cover - protocol
        """The law's recommended (N, D) for a budget in FLOP."""

    def loss_at_compute(self, compute: ArrayLike):  # pragma: no cover - protocol
        """The loss (nats/token) the law predicts for a compute-efficient run of C FLOP."""


@dataclass(frozen=True)
class ChinchillaLaw:
    """L(N, D) = E + A / N^alpha + B / D^beta (Hoffmann et al. 2022, Eq. 2).

    E is in nats/token; N counts all parameters; D counts training tokens.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    name: str = field(default="Chinchilla law", compare=False)

    def __post_init__(self):
        for attr in ("A", "B", "alpha", "beta"):
            as_positive(attr, getattr(self, attr))
        if not (isinstance(self.E, (int, float)) and math.isfinite(self.E) and self.E >= 0):
            raise ValueError(f"E must be a finite non-negative loss (nats/token); got {self.E!r}")

    # --- the loss surface -------------------------------------------------
    def loss(self, N: ArrayLike, D: ArrayLike):
        """Predicted loss in nats/token for N parameters trained on D tokens (Eq. 2)."""
        n = as_positive("N", N, "parameters")
        d = as_positive("D", D, "tokens")
        broadcast(N=n, D=d)
        return self.E + self.A * np.exp(-self.alpha * np.log(n)) + self.B * np.exp(-self.beta * np.log(d))

    def isoflop_loss(self, N: ArrayLike, compute: ArrayLike):
        """Loss along an IsoFLOP curve: N parameters trained on D = C/(6N) tokens."""
        n = as_positive("N", N, "parameters")
        c = as_positive("compute", compute, "FLOP")
        broadcast(N=n, compute=c)
        return self.loss(n, c / (FLOP_PER_PARAM_TOKEN_TRAIN * n))

    # --- the compute-optimal frontier (Eq. 4) ------------------------------
    @property
    def a(self) -> float:
        """Exponent of N_opt ∝ C^a: a = beta / (alpha + beta)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt ∝ C^b: b = alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        """Prefactor G = (alpha·A / (beta·B))^(1/(alpha+beta)) of Eq. 4, in parameters / FLOP^a."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    def optimal_allocation(self, compute: ArrayLike) -> Allocation:
        """Compute-optimal (N, D) for a training budget in FLOP (Hoffmann et al. 2022, Eq. 4).

        N_opt = G (C/6)^a and D_opt = G^-1 (C/6)^b, so that 6·N_opt·D_opt = C.
        Taught in chapters/03_chinchilla.ipynb.
        """
        c = as_positive("compute", compute, "FLOP")
        log_c6 = np.log(c) - math.log(FLOP_PER_PARAM_TOKEN_TRAIN)  # no underflow for tiny c
        log_g = math.log(self.G)
        n = _like(c, np.exp(log_g + self.a * log_c6))
        d = _like(c, np.exp(-log_g + self.b * log_c6))
        return Allocation(N=n, D=d, compute=c, loss=self.loss(n, d))

    def loss_at_compute(self, compute: ArrayLike):
        """The lowest loss (nats/token) reachable with C FLOP under this law."""
        return self.optimal_allocation(compute).loss

    def tokens_per_param_at(self, compute: ArrayLike):
        """Compute-optimal tokens per parameter D_opt/N_opt at a budget of C FLOP."""
        return self.optimal_allocation(compute).tokens_per_param


HOFFMANN_2022 = ChinchillaLaw(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28, name="Hoffmann et al. 2022 (Eq. 10, rounded)")
"""Hoffmann et al. 2022, Eq. 10 as printed in the paper body (rounded)."""

HOFFMANN_2022_UNROUNDED = ChinchillaLaw(
    E=1.6934, A=406.40, B=410.70, alpha=0.33917, beta=0.28491, name="Hoffmann et al. 2022 (TeX source, unrounded)"
)
"""Hoffmann et al. 2022, the unrounded values in the paper's TeX source (as used by Besiroglu et al. 2024)."""

BESIROGLU_2024 = ChinchillaLaw(E=1.82, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658, name="Besiroglu et al. 2024 (Epoch refit)")
"""Besiroglu, Erdil, Barnett, You 2024 ("Chinchilla scaling: a replication attempt"), headline refit."""


@dataclass(frozen=True)
class KaplanLaw:
    """Kaplan et al. 2020 power laws (N = non-embedding parameters, D tokens, loss in nats/token on WebText2).

    Two constant sets are kept apart, as in the paper:
    - single-variable laws, Eqs. 1.1–1.3: ``alpha_N, N_c``, ``alpha_D, D_c``, ``alpha_C, C_c`` (PF-days);
    - the joint law L(N, D), Eq. 1.5, whose own fit (Table 2) is ``joint_alpha_N, joint_alpha_D,
      joint_N_c, joint_D_c``. The joint law has no irreducible-loss term.
    The compute-efficient allocation is N_opt = N_e · (C_min / PF-day)^p_N (Eq. 1.7 / Table 6); Table 6 also
    gives D_opt = D_e · (C_min / PF-day)^(1 - p_N) tokens, kept as ``D_e`` to check the readings against.

    C_min is not the compute a run spends. It is the compute the run would need at a batch size far below the
    critical batch size B_crit; a run at batch size B spends C = C_min·(1 + B/B_crit) (§5.1, Eq. 5.5), so
    training at B = B_crit spends about 2·C_min. ``compute_per_c_min`` (C / C_min, at least 1) says how a
    budget of C FLOP spent is turned into C_min: 2 for training at B_crit (the reading Hoffmann et al. 2022,
    App. D.4, compared against), 1 for reading the budget itself as C_min.
    """

    alpha_N: float = 0.076
    N_c: float = 8.8e13
    alpha_D: float = 0.095
    D_c: float = 5.4e13
    alpha_C: float = 0.050
    C_c: float = 3.1e8
    joint_alpha_N: float = 0.076
    joint_alpha_D: float = 0.103
    joint_N_c: float = 6.4e13
    joint_D_c: float = 1.8e13
    N_e: float = 1.3e9
    p_N: float = 0.73
    D_e: float = 2e10
    compute_per_c_min: float = 2.0
    name: str = field(default="Kaplan et al. 2020", compare=False)

    def __post_init__(self):
        for attr in ("alpha_N", "N_c", "alpha_D", "D_c", "alpha_C", "C_c", "joint_alpha_N", "joint_alpha_D",
                     "joint_N_c", "joint_D_c", "N_e", "p_N", "D_e"):
            as_positive(attr, getattr(self, attr))
        ratio = self.compute_per_c_min
        if not (isinstance(ratio, (int, float)) and math.isfinite(ratio) and ratio >= 1):
            raise ValueError(f"compute_per_c_min is C / C_min = 1 + B/B_crit (Eq. 5.5), a finite number >= 1; "
                             f"got {ratio!r}")

    def c_min(self, compute: ArrayLike):
        """C_min in FLOP for a budget of C FLOP spent: C / ``compute_per_c_min`` (Kaplan et al. 2020, Eq. 5.5).

        Taught in chapters/02_kaplan.ipynb.
        """
        return as_positive("compute", compute, "FLOP") / self.compute_per_c_min

    def loss_params(self, N: ArrayLike):
        """L(N) = (N_c/N)^alpha_N: loss of a model of N non-embedding parameters trained to convergence (Eq. 1.1)."""
        n = as_positive("N", N, "non-embedding parameters")
        return np.exp(self.alpha_N * (math.log(self.N_c) - np.log(n)))

    def loss_tokens(self, D: ArrayLike):
        """L(D) = (D_c/D)^alpha_D: loss of a large model trained on D tokens with early stopping (Eq. 1.2)."""
        d = as_positive("D", D, "tokens")
        return np.exp(self.alpha_D * (math.log(self.D_c) - np.log(d)))

    def loss_compute(self, c_min: ArrayLike):
        """L(C_min) = (C_c/C_min)^alpha_C, with C_min given in FLOP and converted to PF-days (Eq. 1.3)."""
        log_c_pf_days = np.log(as_positive("c_min", c_min, "FLOP")) - math.log(PF_DAY)
        return np.exp(self.alpha_C * (math.log(self.C_c) - log_c_pf_days))

    def loss(self, N: ArrayLike, D: ArrayLike):
        """Joint L(N, D) = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D with the Table 2 fit (Eq. 1.5)."""
        n = as_positive("N", N, "non-embedding parameters")
        d = as_positive("D", D, "tokens")
        broadcast(N=n, D=d)
        ratio = self.joint_alpha_N / self.joint_alpha_D
        inner = np.exp(ratio * (math.log(self.joint_N_c) - np.log(n))) + np.exp(math.log(self.joint_D_c) - np.log(d))
        return np.exp(self.joint_alpha_D * np.log(inner))

    def optimal_allocation(self, compute: ArrayLike) -> Allocation:
        """Kaplan's allocation for C FLOP spent: N = N_e (C_min/PF-day)^0.73 (Table 6), D = C/(6N).

        C_min = C / ``compute_per_c_min`` (Eq. 5.5); D spends the whole budget, so 6·N·D = C. The loss is
        the joint law's (Eq. 1.5). Taught in chapters/02_kaplan.ipynb.
        """
        c = as_positive("compute", compute, "FLOP")
        log_c_min = np.log(c) - math.log(self.compute_per_c_min) - math.log(PF_DAY)
        n = _like(c, np.exp(math.log(self.N_e) + self.p_N * log_c_min))
        d = _like(c, c / (FLOP_PER_PARAM_TOKEN_TRAIN * n))
        return Allocation(N=n, D=d, compute=c, loss=self.loss(n, d))

    def loss_at_compute(self, compute: ArrayLike):
        """L(C_min) of Eq. 1.3 (nats/token) for C FLOP spent, with C_min = C / ``compute_per_c_min``."""
        return self.loss_compute(self.c_min(compute))


KAPLAN_2020_AT_B_CRIT = KaplanLaw(compute_per_c_min=2.0, name="Kaplan et al. 2020 (C = 2·C_min)")
"""Kaplan et al. 2020, a budget spent at the critical batch size: C = 2·C_min (§5.1, Eq. 5.5 at B = B_crit).

The reading Hoffmann et al. 2022 (App. D.4) compared against: it gives their 4.68B parameters at 1e21 FLOP.
"""

KAPLAN_2020_C_MIN_AS_SPENT = KaplanLaw(compute_per_c_min=1.0, name="Kaplan et al. 2020 (C_min = C)")
"""Kaplan et al. 2020 with the budget itself read as C_min (C_min = C): the literal reading of N_e·C^0.73."""

KAPLAN_2020 = KAPLAN_2020_AT_B_CRIT
"""Kaplan et al. 2020 with its published constants (Eqs. 1.1–1.3, 1.5 with Table 2, 1.7 and Table 6).

Its allocation reads a budget as spent at B_crit (C = 2·C_min, Eq. 5.5); see ``KAPLAN_2020_C_MIN_AS_SPENT``.
"""

KAPLAN_2020_MODEL_RANGE = (768.0, 1.5e9)
"""Kaplan et al. 2020, §3: their models range "from 768 to 1.5 billion non-embedding parameters"."""
