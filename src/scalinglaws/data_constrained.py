"""Repeating data: the effective data of Muennighoff et al. 2023 ("Scaling Data-Constrained Language Models").

U_D unique tokens seen for ``epochs`` epochs are worth D' = U_D + U_D · R_D* · (1 − exp(−R_D / R_D*)) fresh
tokens, with R_D = epochs − 1 repetitions. Each further repetition is worth exp(−R_D / R_D*) of a fresh
epoch, so D' can never exceed U_D · (1 + R_D*). Taught in chapters/07_limits.ipynb.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_positive, broadcast

__all__ = ["R_D_STAR", "R_N_STAR", "effective_data", "effective_data_ceiling", "repetition_value",
           "marginal_epoch_value"]

R_D_STAR = 15.4
"""Fitted decay constant R_D* for repeated data (Muennighoff et al. 2023, arXiv 2305.16264, fitted on C4).
Quoted as ≈15.4; more decimals were not verified for this course."""

R_N_STAR = 5.3
"""The matching constant R_N* for excess parameters (Muennighoff et al. 2023), quoted as ≈5.3."""


def _epochs(epochs: ArrayLike):
    e = as_positive("epochs", epochs, "passes over the unique data")
    if np.any(np.asarray(e) < 1):
        raise ValueError(f"epochs must be >= 1 (one pass over the unique data); got {epochs!r}")
    return e


def effective_data(unique_tokens: ArrayLike, epochs: ArrayLike, r_star: float = R_D_STAR):
    """Effective data D' in tokens: ``unique_tokens`` seen for ``epochs`` passes (Muennighoff et al. 2023).

    D' = U_D + U_D · R_D* · (1 − exp(−R_D / R_D*)) with R_D = epochs − 1. Equals U_D · epochs for one
    epoch and, to first order, for few repetitions.
    """
    u = as_positive("unique_tokens", unique_tokens, "tokens")
    e = _epochs(epochs)
    r = float(as_positive("r_star", r_star, "repetitions"))
    broadcast(unique_tokens=u, epochs=e)
    return u + u * r * -np.expm1(-(e - 1.0) / r)


def effective_data_ceiling(unique_tokens: ArrayLike, r_star: float = R_D_STAR):
    """The most that repeating can give, U_D · (1 + R_D*) tokens (the limit of infinitely many epochs)."""
    u = as_positive("unique_tokens", unique_tokens, "tokens")
    return u + u * float(as_positive("r_star", r_star, "repetitions"))


def repetition_value(epochs: ArrayLike, r_star: float = R_D_STAR):
    """D' / (U_D · epochs): the fraction of the value of as many fresh tokens that repeated data keeps."""
    e = _epochs(epochs)
    return effective_data(1.0, e, r_star) / e


def marginal_epoch_value(epochs: ArrayLike, r_star: float = R_D_STAR):
    """Value of one more epoch, after ``epochs`` epochs, as a fraction of a fresh one: exp(−(epochs − 1)/R_D*)."""
    e = _epochs(epochs)
    return np.exp(-(e - 1.0) / float(as_positive("r_star", r_star)))
