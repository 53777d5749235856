"""Power laws y = floor + coef · x^exponent: evaluating them, their log-log slope, and fitting them.

Taught in chapters/01_power_laws.ipynb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_nonnegative, as_positive, broadcast

__all__ = ["PowerLaw", "fit_power_law", "noisy_samples"]


@dataclass(frozen=True)
class PowerLaw:
    """y(x) = floor + coef · x^exponent, with coef > 0 and floor >= 0 (the irreducible term)."""

    coef: float
    exponent: float
    floor: float = 0.0

    def __post_init__(self):
        as_positive("coef", self.coef)
        as_nonnegative("floor", self.floor)
        if not (isinstance(self.exponent, (int, float)) and math.isfinite(self.exponent)):
            raise ValueError(f"exponent must be a finite number; got {self.exponent!r}")

    def __call__(self, x: ArrayLike):
        """Evaluate y at x > 0 (computed through logs, so huge x do not overflow)."""
        x = as_positive("x", x)
        return self.floor + np.exp(math.log(self.coef) + self.exponent * np.log(x))

    def slope(self, x: ArrayLike):
        """Local log-log slope d log y / d log x = exponent · (y − floor) / y.

        Equal to ``exponent`` everywhere when floor = 0 (a straight line on log-log axes);
        with a floor it flattens towards 0 as y approaches the floor.
        """
        y = self(x)
        return self.exponent * (y - self.floor) / y


def fit_power_law(x: ArrayLike, y: ArrayLike) -> PowerLaw:
    """Least-squares fit of log y = log coef + exponent · log x (no floor).

    x and y must be 1-D, of equal length >= 2, positive and finite, with at least two distinct x.
    """
    x = np.atleast_1d(as_positive("x", x))
    y = np.atleast_1d(as_positive("y", y))
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D arrays of equal length; got shapes {x.shape} and {y.shape}")
    if np.unique(x).size < 2:
        raise ValueError("x must contain at least two distinct values to fit a line in log space")
    exponent, intercept = np.polyfit(np.log(x), np.log(y), 1)
    return PowerLaw(coef=float(np.exp(intercept)), exponent=float(exponent))


def noisy_samples(law: PowerLaw, x: ArrayLike, noise: float = 0.02, seed: int = 0) -> np.ndarray:
    """Samples of ``law`` at x with multiplicative log-normal noise of relative size ``noise`` (seeded)."""
    x = as_positive("x", x)
    noise = as_nonnegative("noise", noise)
    rng = np.random.default_rng(seed)
    y = law(x)
    broadcast(x=x, y=y)
    return y * np.exp(noise * rng.standard_normal(np.shape(y)))
