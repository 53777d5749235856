"""Gadre et al.'s over-training law: loss as a function of compute and the token multiplier M = D/N.

L(C, M) = E + (a·M^η + b·M^−η)·C^−η (Gadre et al. 2024, arXiv 2403.08540), with C = 6·N·D in
FLOP and M = D/N tokens per parameter. Their code (``scaling/laws.py``, ``powlaw_ours``) writes the same law in
N and M as α·N^β' + β·6^(β'/2)·(M·N)^β' + E with exponent β' = −2η; substituting D = M·N shows it is a
Chinchilla law with equal exponents: L(N, D) = E + A/N^(2η) + B/D^(2η), A = a·6^−η, B = b·6^−η.

Units: N in parameters, D in tokens, C in FLOP, loss in nats/token. Fitted with
:func:`scalinglaws.fit.fit_overtraining` to Gadre et al.'s runs (:mod:`scalinglaws.runs`, :func:`scalinglaws.gadre.reproduce`).
Taught in chapters/05_overtraining.ipynb (and compared with Approach 3 in chapters/04_fitting.ipynb).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_positive, broadcast
from .compute import FLOP_PER_PARAM_TOKEN_TRAIN
from .laws import ChinchillaLaw

__all__ = ["OvertrainingLaw"]


@dataclass(frozen=True)
class OvertrainingLaw:
    """L(C, M) = E + (a·M^η + b·M^−η)·C^−η, Gadre et al.'s over-training law (2024).

    Attributes
    ----------
    E : float
        Irreducible loss, nats/token.
    a, b : float
        Coefficients of the over-training (M^η) and under-training (M^−η) terms, nats/token·FLOP^η.
    eta : float
        The compute exponent η > 0 (dimensionless).
    """

    E: float
    a: float
    b: float
    eta: float
    name: str = field(default="over-training law", compare=False)

    def __post_init__(self):
        for attr in ("E", "a", "b"):
            value = getattr(self, attr)
            if not (isinstance(value, (int, float)) and math.isfinite(value)):
                raise ValueError(f"{attr} must be a finite number; got {value!r}")
        as_positive("eta", self.eta)

    def loss_at(self, compute: ArrayLike, M: ArrayLike):
        """Loss (nats/token) of a run of C FLOP at M tokens per parameter."""
        c = as_positive("compute", compute, "FLOP")
        m = as_positive("M", M, "tokens per parameter")
        broadcast(compute=c, M=m)
        over = self.a * np.exp(self.eta * np.log(m)) + self.b * np.exp(-self.eta * np.log(m))
        return self.E + over * np.exp(-self.eta * np.log(c))

    def loss(self, N: ArrayLike, D: ArrayLike):
        """Loss (nats/token) of N parameters trained on D tokens: C = 6·N·D, M = D/N."""
        n = as_positive("N", N, "parameters")
        d = as_positive("D", D, "tokens")
        broadcast(N=n, D=d)
        return self.loss_at(FLOP_PER_PARAM_TOKEN_TRAIN * n * d, d / n)

    @property
    def code_params(self) -> tuple[float, float, float, float]:
        """(α, β, exponent, E) as their ``powlaw_ours`` takes them: a·6^−η, b, −2η, E."""
        return (self.a * FLOP_PER_PARAM_TOKEN_TRAIN ** -self.eta, self.b, -2.0 * self.eta, self.E)

    @property
    def optimal_tokens_per_param(self) -> float:
        """The M that minimises the loss at any fixed compute: M* = (b/a)^(1/(2η)) (needs a, b > 0)."""
        if not (self.a > 0 and self.b > 0):
            raise ValueError(f"the loss has no minimum in M unless a and b are positive; got a = {self.a!r}, "
                             f"b = {self.b!r}")
        return (self.b / self.a) ** (1.0 / (2.0 * self.eta))

    def as_chinchilla(self) -> ChinchillaLaw:
        """The same law as L(N, D) = E + A/N^(2η) + B/D^(2η) (needs a, b > 0 and E >= 0)."""
        scale = FLOP_PER_PARAM_TOKEN_TRAIN ** -self.eta
        return ChinchillaLaw(E=self.E, A=self.a * scale, B=self.b * scale, alpha=2 * self.eta,
                             beta=2 * self.eta, name=self.name)
