"""Synthetic training runs drawn from a known law: data for practising the fits (clearly not measurements).

- :func:`isoflop_runs` — final losses of runs on IsoFLOP profiles, shaped like Hoffmann et al.'s (2022, Fig. 3):
  9 budgets from 6e18 to 3e21 FLOP, a handful of model sizes each (Approaches 2 and 3).
- :func:`training_curves` — loss checkpoints along the training of a ladder of model sizes (Approach 1).

Noise is multiplicative and log-normal (``noise`` is the standard deviation of log L). Every draw is seeded.
Units: N in parameters, D in tokens, C in FLOP (C = 6·N·D), loss in nats/token.
Taught in chapters/04_fitting.ipynb.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_int, as_nonnegative, as_positive
from .compute import FLOP_PER_PARAM_TOKEN_TRAIN
from .laws import ChinchillaLaw

__all__ = ["ISOFLOP_BUDGETS", "isoflop_runs", "training_curves"]

ISOFLOP_BUDGETS: tuple[float, ...] = (6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21)
"""Nine budgets in FLOP spanning Hoffmann et al.'s (2022) IsoFLOP experiments, 6e18 to 3e21 FLOP (Fig. 3)."""

GUESS_TOKENS_PER_PARAM = 20.0
"""Where a synthetic IsoFLOP profile is centred: the size a 20-tokens-per-parameter rule of thumb would pick."""


def _log_noise(shape, noise: float, seed: int) -> np.ndarray:
    return np.exp(noise * np.random.default_rng(seed).standard_normal(shape))


def isoflop_runs(
    law: ChinchillaLaw,
    *,
    budgets: ArrayLike = ISOFLOP_BUDGETS,
    per_budget: int = 10,
    spread: float = 1.5,
    noise: float = 0.01,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic IsoFLOP experiments: ``per_budget`` model sizes at each budget, losses from ``law`` plus noise.

    The sizes at budget C are log-spaced over ``spread`` decades centred on N = sqrt(C / (6·20)), the size a
    20-tokens-per-parameter guess would choose (an experimenter does not know the true optimum in advance).

    Parameters
    ----------
    law : ChinchillaLaw
        The true law the losses are drawn from.
    budgets : array
        Training budgets in FLOP (default :data:`ISOFLOP_BUDGETS`).
    per_budget : int
        Model sizes per budget (>= 3).
    spread : float
        Width of the size range at each budget, in decades of N.
    noise : float
        Standard deviation of the log-normal noise on each loss (0.01 ≈ 1%).
    seed : int
        Seed of the noise.

    Returns
    -------
    N, C, D, loss : arrays
        Parameters, FLOP, tokens (D = C/(6N)) and loss in nats/token of each run.
    """
    c = np.atleast_1d(as_positive("budgets", budgets, "FLOP"))
    k = as_int("per_budget", per_budget, minimum=3)
    spread = float(as_positive("spread", spread, "decades"))
    noise = float(as_nonnegative("noise", noise))
    seed = as_int("seed", seed, minimum=0)
    centre = 0.5 * np.log10(c / (FLOP_PER_PARAM_TOKEN_TRAIN * GUESS_TOKENS_PER_PARAM))
    offsets = np.linspace(-spread / 2, spread / 2, k)
    n = 10.0 ** (centre[:, None] + offsets[None, :]).ravel()
    comp = np.repeat(c, k)
    d = comp / (FLOP_PER_PARAM_TOKEN_TRAIN * n)
    loss = law.loss(n, d) * _log_noise(n.shape, noise, seed)
    return n, comp, d, loss


def training_curves(
    law: ChinchillaLaw,
    sizes: Sequence[float],
    *,
    tokens: tuple[float, float] = (1e8, 1e12),
    checkpoints: int = 40,
    noise: float = 0.01,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic training curves: the loss of each model size at log-spaced token counts.

    Each checkpoint's loss is ``law.loss(N, D)``: the final loss of a run trained for exactly D tokens, as if every
    checkpoint ended its own learning-rate schedule (Hoffmann et al. approximated this with four cosine-cycle
    lengths per size). Noise is drawn independently per checkpoint.

    Returns
    -------
    N, D, loss : arrays
        One row per checkpoint: parameters, tokens seen, loss in nats/token.
    """
    n_sizes = np.atleast_1d(as_positive("sizes", sizes, "parameters"))
    lo, hi = as_positive("tokens", tokens, "tokens")
    if not lo < hi:
        raise ValueError(f"tokens must be (first, last) with first < last; got {tokens!r}")
    k = as_int("checkpoints", checkpoints, minimum=2)
    noise = float(as_nonnegative("noise", noise))
    seed = as_int("seed", seed, minimum=0)
    d = np.tile(np.geomspace(lo, hi, k), n_sizes.size)
    n = np.repeat(n_sizes, k)
    return n, d, law.loss(n, d) * _log_noise(n.shape, noise, seed)
