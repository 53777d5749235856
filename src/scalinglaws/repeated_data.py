"""Repeated data: how much a token seen again is worth (Muennighoff et al. 2023, "Scaling Data-Constrained LMs").

Units: tokens. Taught in chapters/05_overtraining.ipynb (the data caveat of overtraining).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_positive, broadcast

__all__ = ["MUENNIGHOFF_2023_R_D_STAR", "effective_tokens"]

MUENNIGHOFF_2023_R_D_STAR = 15.4
"""R_D* ≈ 15.4: the decay constant of repeated data's value (Muennighoff et al. 2023, arXiv 2305.16264, fitted
data-repetition constant; rounded to 3 digits)."""


def effective_tokens(unique_tokens: ArrayLike, epochs: ArrayLike, r_star: float = MUENNIGHOFF_2023_R_D_STAR):
    """Effective training tokens D' = U + U·R*·(1 − e^(−R/R*)) for U unique tokens seen ``epochs`` times.

    R = epochs − 1 counts repetitions; each repeat is worth a little less than the last, and D' never exceeds
    (1 + R*)·U however many epochs are run (Muennighoff et al. 2023, effective data).
    """
    u = as_positive("unique_tokens", unique_tokens, "tokens")
    e = as_positive("epochs", epochs, "passes over the data, >= 1")
    rs = float(as_positive("r_star", r_star))
    broadcast(unique_tokens=u, epochs=e)
    if np.any(np.asarray(e) < 1):
        bad = np.asarray(e).flat[int(np.argmax(np.asarray(e) < 1))]
        raise ValueError(f"epochs must be >= 1 (one pass over the unique data); got {bad!r}")
    repeats = np.asarray(e, dtype=float) - 1.0
    out = np.asarray(u, dtype=float) * (1.0 + rs * -np.expm1(-repeats / rs))
    return float(out) if np.ndim(u) == 0 and np.ndim(e) == 0 else out

