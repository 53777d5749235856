"""From loss to downstream error: Gadre et al.'s exponential law Err(L) = ε − k·exp(−γ·L).

Gadre et al. (2024, arXiv 2403.08540) relate the average top-1 error over many downstream tasks to a model's
validation loss L (nats/token) by Err = ε − k·exp(−γ·L): ε is the error as L grows (near chance), and the
error falls smoothly as the loss falls. Their code fits it by least squares with ``scipy.optimize.curve_fit``
(``scaling/shared.py``, ``fit_ds``) on the five small runs of the loss fit plus the 1.4B run at M = 20.
Taught in chapters/07_limits.ipynb, on Gadre et al.'s runs (:func:`scalinglaws.gadre.reproduce`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from . import _profile
from ._validate import as_positive

__all__ = ["DownstreamLaw", "DownstreamFit", "GAMMA_RANGE", "fit_downstream"]

GAMMA_RANGE = (1e-3, 100.0)
"""The decay rates γ (per nat/token) that :func:`fit_downstream` searches."""

_MAX_POINTS = 100_000


@dataclass(frozen=True)
class DownstreamLaw:
    """Err(L) = ε − k·exp(−γ·L): top-1 error (fraction) from validation loss L (nats/token).

    Attributes
    ----------
    epsilon : float
        The error the law approaches as the loss grows (fraction).
    k : float
        Scale of the improvement (fraction).
    gamma : float
        Decay rate, per nat/token (> 0).
    """

    epsilon: float
    k: float
    gamma: float
    name: str = field(default="downstream law", compare=False)

    def __post_init__(self):
        for attr in ("epsilon", "k"):
            value = getattr(self, attr)
            if not (isinstance(value, (int, float)) and math.isfinite(value)):
                raise ValueError(f"{attr} must be a finite number; got {value!r}")
        as_positive("gamma", self.gamma, "per nat/token")

    def error(self, loss: ArrayLike):
        """Predicted top-1 error (fraction) at validation loss L (nats/token)."""
        L = as_positive("loss", loss, "nats/token")
        return self.epsilon - self.k * np.exp(-self.gamma * L)


@dataclass(frozen=True)
class DownstreamFit:
    """Result of :func:`fit_downstream`: the law, its sum of squared residuals and diagnostics."""

    law: DownstreamLaw
    ssr: float
    n_points: int
    at_bound: bool

    def error(self, loss: ArrayLike):
        """The fitted law's top-1 error (fraction) at loss L (nats/token)."""
        return self.law.error(loss)


def fit_downstream(loss: ArrayLike, error: ArrayLike) -> DownstreamFit:
    """Least-squares fit of Err = ε − k·exp(−γ·L) to (loss, error) pairs, Gadre et al.'s objective.

    At fixed γ the law is linear in (ε, k), so the fit solves that linear problem on a 200-point log grid of
    γ over :data:`GAMMA_RANGE`, refines each local minimum by Brent's method and keeps the best (no starting
    point needed, unlike their single ``curve_fit`` from (1, 1, 1)). Taught in chapters/07_limits.ipynb.

    Parameters
    ----------
    loss : array of shape (k,)
        Validation loss per model, nats/token; at least 3 distinct values (three constants).
    error : array of shape (k,)
        Top-1 error per model, a fraction in [0, 1].
    """
    L = np.atleast_1d(as_positive("loss", loss, "nats/token"))
    y = np.atleast_1d(np.asarray(error, dtype=float)) if not isinstance(error, (str, bytes)) else None
    if y is None or L.ndim != 1 or y.ndim != 1 or L.size != y.size:
        raise ValueError(f"loss and error must be 1-D arrays of the same length; got {loss!r} and {error!r}")
    if not (np.isfinite(y).all() and (y >= 0).all() and (y <= 1).all()):
        raise ValueError(f"error must hold fractions in [0, 1]; got {error!r}")
    if np.unique(L).size < 3 or L.size > _MAX_POINTS:
        raise ValueError(f"need between 3 and {_MAX_POINTS} models with at least 3 distinct losses; "
                         f"got {L.size} models, {np.unique(L).size} distinct losses")
    best = _profile.profile_fit(lambda g: np.column_stack([np.ones_like(L), -np.exp(-g * L)]), y, *GAMMA_RANGE)
    epsilon, k = (float(c) for c in best.coef)
    law = DownstreamLaw(epsilon=epsilon, k=k, gamma=best.p, name="downstream law fit")
    return DownstreamFit(law=law, ssr=best.ssr, n_points=int(L.size), at_bound=best.at_bound)
