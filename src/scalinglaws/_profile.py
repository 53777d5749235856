"""Least squares with one nonlinear parameter (variable projection).

For a model y ≈ X(p)·c that is linear in the coefficients c once the scalar p is fixed, the best c for each p
is a linear least-squares solve, so the sum of squared residuals is a function of p alone. It is scanned on a
log-spaced grid and every local minimum of the scan is refined by bounded Brent search; the lowest wins.
This finds the global optimum over the grid's range without starting points. Used by
:func:`scalinglaws.fit.fit_overtraining` and :func:`scalinglaws.downstream.fit_downstream`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class ProfileFit:
    p: float
    coef: np.ndarray
    ssr: float
    at_bound: bool
    n_solves: int


def solve(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares coefficients of y ≈ X·c (columns scaled first) and the sum of squared residuals."""
    scale = np.linalg.norm(X, axis=0)
    scale[scale == 0] = 1.0
    coef = np.linalg.lstsq(X / scale, y, rcond=None)[0] / scale
    r = y - X @ coef
    return coef, float(r @ r)


def profile_fit(design: Callable[[float], np.ndarray], y: np.ndarray, low: float, high: float,
                n_grid: int = 200) -> ProfileFit:
    """Minimise ||y − X(p)·c||² over c and p in [low, high] (0 < low < high)."""
    from scipy.optimize import minimize_scalar  # imported on first use: see scalinglaws/__init__.py
    grid = np.geomspace(low, high, n_grid)
    ssr = np.array([solve(design(p), y)[1] for p in grid])
    candidates = [i for i in range(n_grid) if ssr[i] <= ssr[max(i - 1, 0)] and ssr[i] <= ssr[min(i + 1, n_grid - 1)]]
    best_p, best_ssr, solves = float(grid[int(np.argmin(ssr))]), float(ssr.min()), n_grid
    for i in candidates:
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, n_grid - 1)]
        res = minimize_scalar(lambda p: solve(design(p), y)[1], bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-12 * hi, "maxiter": 500})
        solves += int(res.nfev)
        if res.fun < best_ssr:
            best_p, best_ssr = float(res.x), float(res.fun)
    coef, best_ssr = solve(design(best_p), y)
    at_bound = bool(np.isclose(best_p, low, rtol=1e-6) or np.isclose(best_p, high, rtol=1e-6))
    return ProfileFit(p=best_p, coef=coef, ssr=best_ssr, at_bound=at_bound, n_solves=solves + 1)
