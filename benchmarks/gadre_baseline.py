"""Gadre et al. 2024's own over-training fit (github.com/mlfoundations/scaling, scaling/laws.py), re-written.

The reference that ``scalinglaws.fit.fit_overtraining`` is measured against, by benchmarks/fit_overtraining.py
and tests/test_fit_overtraining.py.
"""
import itertools
import warnings

import numpy as np
from scipy.optimize import curve_fit


def their_law(x, alpha, beta, b, E):
    """Their powlaw_ours, written from its definition: alpha·N^b + beta·6^(b/2)·(M·N)^b + E."""
    N, M = x
    return alpha * N**b + beta * 6 ** (b / 2) * (M * N) ** b + E


def their_fit(N, M, y):
    """Their curve_fit_powlaw_ours: curve_fit from each of 4·4·2·4 = 128 starts, the lowest residual wins."""
    best, best_ssr = None, np.inf
    for p0 in itertools.product([1e2, 3e2, 1e3, 3e3], [1e2, 3e2, 1e3, 3e3], [-0.1, -0.3], [0.0, 1.0, 2.0, 10.0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            popt, _ = curve_fit(their_law, np.array([N, M]), y, p0=list(p0), maxfev=10000)
        ssr = float(np.sum((y - their_law(np.array([N, M]), *popt)) ** 2))
        if ssr < best_ssr:
            best, best_ssr = popt, ssr
    return best, best_ssr


def their_downstream(x, y):
    """Their loss-to-error fit: one curve_fit of Err = E - a*exp(-b*L)."""
    popt, _ = curve_fit(lambda t, a, b, E: E - a * np.exp(-b * t), x, y, maxfev=10000)
    return popt
