"""A scaling law you can measure in seconds: random-feature ridge regression on data with a power-law spectrum.

The task (the "solvable model" of Maloney, Roberts & Sully 2022 and Bahri et al. 2021): latent inputs
x ∈ R^M with independent coordinates of variance λ_i ∝ i^-(1+a) (normalised to sum to 1), a linear teacher
y = w·x + noise with random signs w_i = ±1 and Gaussian label noise of standard deviation ``noise``. A model of
**size N** sees N random linear features f = F x (F has N(0, 1/M) entries) and is **trained on D samples** by
ridge regression. Its test loss is the exact mean squared error on fresh data,

    L(N, D) = noise² + (w − Fᵀθ)ᵀ Λ (w − Fᵀθ),

so the irreducible loss is known exactly: E = noise². For D → ∞ the loss falls as N^-a, and for N → ∞ as
D^-a (the spectrum's tail), until N or D approach M (nothing left to learn) or the loss nears the trivial
predictor's Var(y) = 1 + noise² (nothing learnt yet).

Cost: models of every size share the same features (the first N of one feature matrix) and every data size the
same samples (the first D), so one Cholesky factorisation per data size serves all model sizes.
Taught in chapters/04_fitting.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_int, as_nonnegative, as_positive

__all__ = ["RandomFeatureTask", "ToySweep", "sweep_random_features"]


@dataclass(frozen=True)
class RandomFeatureTask:
    """The data distribution and training recipe of the toy.

    Attributes
    ----------
    spectrum_exponent : float
        a > 0: latent variances λ_i ∝ i^-(1+a); the loss falls as N^-a and D^-a in the power-law regime.
    latent_dim : int
        M, the number of latent coordinates (the scaling stops once N or D approach it).
    noise : float
        Standard deviation of the label noise; the irreducible loss is E = noise².
    ridge : float
        Ridge penalty per training sample, relative to the mean feature variance (1/M): the fit minimises
        Σ (y − θ·f)² + ridge·(D/M)·|θ|². Small values (≲ 1e-3) show double descent at N ≈ D.
    """

    spectrum_exponent: float = 0.5
    latent_dim: int = 2048
    noise: float = 0.5
    ridge: float = 0.1

    def __post_init__(self):
        as_positive("spectrum_exponent", self.spectrum_exponent)
        as_int("latent_dim", self.latent_dim, minimum=2)
        as_nonnegative("noise", self.noise)
        as_positive("ridge", self.ridge)

    @property
    def irreducible_loss(self) -> float:
        """E = noise²: the test loss of the perfect predictor w·x (mean squared error)."""
        return float(self.noise) ** 2

    def spectrum(self) -> np.ndarray:
        """Latent variances λ_1 ≥ … ≥ λ_M, λ_i ∝ i^-(1+a), summing to 1."""
        lam = np.arange(1, self.latent_dim + 1, dtype=float) ** -(1.0 + self.spectrum_exponent)
        return lam / lam.sum()


@dataclass(frozen=True, eq=False)
class ToySweep:
    """Test losses of a grid of toy models.

    Attributes
    ----------
    sizes : ndarray (n,)
        Model sizes N (random features, the toy's "parameters").
    samples : ndarray (m,)
        Training-set sizes D (samples, the toy's "tokens").
    loss : ndarray (n, m)
        Test mean squared error of the model of size ``sizes[i]`` trained on ``samples[j]``, averaged over repeats.
    spread : ndarray (n, m)
        Standard deviation of that loss across repeats (0 with one repeat).
    task : RandomFeatureTask
        The task and recipe the models were trained on.
    repeats, seed : int
        Independent draws (teacher, features, data) averaged, and the seed they came from.
    """

    sizes: np.ndarray
    samples: np.ndarray
    loss: np.ndarray
    spread: np.ndarray
    task: RandomFeatureTask
    repeats: int
    seed: int

    def runs(self, *, min_size: float = 0, min_samples: float = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The grid as flat arrays (N, D, loss), one entry per model, for ``fit_approach3``.

        Only models with N >= ``min_size`` and D >= ``min_samples`` are kept.
        """
        n, d = np.meshgrid(self.sizes, self.samples, indexing="ij")
        keep = (n >= min_size) & (d >= min_samples)
        if not keep.any():
            raise ValueError(f"min_size = {min_size!r} and min_samples = {min_samples!r} leave no model; sizes run "
                             f"{self.sizes.min():g}..{self.sizes.max():g}, samples {self.samples.min():g}.."
                             f"{self.samples.max():g}")
        return n[keep].astype(float), d[keep].astype(float), self.loss[keep]


def _grid(name: str, values: ArrayLike, unit: str) -> np.ndarray:
    arr = np.atleast_1d(as_positive(name, values, unit))
    if arr.ndim != 1 or np.any(arr != np.round(arr)) or np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing whole numbers ({unit}); got {values!r}")
    return arr.astype(int)


def _one_draw(task: RandomFeatureTask, sizes: np.ndarray, samples: np.ndarray, rng) -> np.ndarray:
    """Test losses (n, m) for one draw of teacher, features and data."""
    from scipy.linalg import cholesky, solve_triangular  # imported on first use: see scalinglaws/__init__.py
    m = task.latent_dim
    lam = task.spectrum()
    n_max, d_max = int(sizes[-1]), int(samples[-1])
    w = rng.choice([-1.0, 1.0], size=m)  # |w_i| = 1: the signal variance is exactly Σλ = 1
    features = rng.standard_normal((n_max, m)) / np.sqrt(m)
    x = rng.standard_normal((d_max, m)) * np.sqrt(lam)
    y = x @ w + task.noise * rng.standard_normal(d_max)
    phi = x @ features.T  # (D, N) feature values
    weighted = features * lam
    cov = weighted @ features.T  # feature covariance, N x N
    cross = weighted @ w  # Cov(f, w·x)
    signal = 1.0  # w·x has variance Σ λ_i w_i² = Σ λ_i = 1
    out = np.empty((sizes.size, samples.size))
    gram, rhs, done = np.zeros((n_max, n_max)), np.zeros(n_max), 0
    for j, d in enumerate(samples):
        block = phi[done:d]
        gram += block.T @ block
        rhs += block.T @ y[done:d]
        done = d
        chol = cholesky(gram + task.ridge * d / m * np.eye(n_max), lower=True)
        z = solve_triangular(chol, rhs, lower=True)  # nested: z[:N] serves the model of size N
        for i, n in enumerate(sizes):
            theta = solve_triangular(chol[:n, :n], z[:n], lower=True, trans="T")
            out[i, j] = task.noise**2 + signal - 2 * theta @ cross[:n] + theta @ cov[:n, :n] @ theta
    return out


def sweep_random_features(
    sizes: ArrayLike,
    samples: ArrayLike,
    *,
    task: RandomFeatureTask | None = None,
    repeats: int = 2,
    seed: int = 0,
) -> ToySweep:
    """Train a toy model of every size on every training-set size and measure its exact test loss.

    Parameters
    ----------
    sizes : increasing whole numbers
        Model sizes N (random features), each <= the task's latent dimension.
    samples : increasing whole numbers
        Training-set sizes D (samples).
    task : RandomFeatureTask, optional
        Data and recipe (default ``RandomFeatureTask()``).
    repeats : int
        Independent draws of teacher, features and data to average (default 2).
    seed : int
        Seed of the draws: the same seed gives the same losses.

    Returns
    -------
    ToySweep
        The loss grid (mean squared error; the irreducible part is ``task.irreducible_loss``).
    """
    task = RandomFeatureTask() if task is None else task
    if not isinstance(task, RandomFeatureTask):
        raise ValueError(f"task must be a RandomFeatureTask; got {task!r}")
    n = _grid("sizes", sizes, "random features")
    d = _grid("samples", samples, "training samples")
    if n[-1] > task.latent_dim:
        raise ValueError(f"sizes must be <= latent_dim = {task.latent_dim} (a model cannot use more independent "
                         f"features than the data have dimensions); got {n[-1]}")
    repeats = as_int("repeats", repeats, minimum=1)
    seed = as_int("seed", seed, minimum=0)
    draws = np.stack([_one_draw(task, n, d, np.random.default_rng([seed, r])) for r in range(repeats)])
    return ToySweep(sizes=n, samples=d, loss=draws.mean(axis=0), spread=draws.std(axis=0), task=task,
                    repeats=repeats, seed=seed)
