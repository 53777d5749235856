"""A batched L-BFGS: many independent unconstrained minimisations advanced together in NumPy.

Every start keeps its own position, gradient and curvature history (m pairs); one call of the fused
value-and-gradient function evaluates all active starts at once. Design choices, each aimed at fewer or
cheaper evaluations without changing where a start ends up:

- the step is the L-BFGS direction with unit step length (the first iteration uses a step of length 1 along
  −g, as SciPy's L-BFGS-B does); a backtracking Armijo search evaluates only the starts whose trial failed;
- a start retires as soon as its own stopping rule fires (SciPy's rule by default, below);
- optionally, starts that reach the same point (to ``merge_tol`` in every coordinate) and the same objective
  are merged: only one keeps iterating and the others report its result.

Stopping rule (SciPy's L-BFGS-B): stop when (f_old − f_new) <= ftol · max(|f_old|, |f_new|, 1), or when the
largest absolute gradient component is <= gtol, or after ``maxiter`` iterations.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["BatchResult", "minimize_batch", "SCIPY_FTOL", "SCIPY_GTOL"]

SCIPY_FTOL = 1e7 * np.finfo(float).eps
"""SciPy L-BFGS-B's default ``ftol`` (factr = 1e7 times machine epsilon ≈ 2.2e-9)."""

SCIPY_GTOL = 1e-5
"""SciPy L-BFGS-B's default ``gtol``."""

_ARMIJO = 1e-4
_MAX_BACKTRACK = 30

# status codes
RUNNING, CONVERGED_F, CONVERGED_G, MAXITER, LINE_SEARCH_FAILED = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class BatchResult:
    """Final state of every start: position ``x`` (k, p), value ``f`` (k,), iterations ``nit`` (k,),
    ``status`` (1 = f-rule, 2 = g-rule, 3 = maxiter, 4 = line search failed), ``merged_into`` (index of the
    start whose result a merged start reports; its own index otherwise), and the total count of
    single-start evaluations ``n_evaluations``."""

    x: np.ndarray
    f: np.ndarray
    nit: np.ndarray
    status: np.ndarray
    merged_into: np.ndarray
    n_evaluations: int
    n_rounds: int

    @property
    def converged(self) -> np.ndarray:
        """True where a start stopped by its f- or g-rule."""
        return (self.status == CONVERGED_F) | (self.status == CONVERGED_G)


class _State:
    """Arrays for the active starts; ``idx`` maps rows back to the original start numbers."""

    def __init__(self, x, f, g, history):
        k, p = x.shape
        self.idx = np.arange(k)
        self.x, self.f, self.g = x, f, g
        self.s = np.zeros((history, k, p))
        self.y = np.zeros((history, k, p))
        self.rho = np.zeros((history, k))
        self.gamma = np.zeros(k)  # 0 = no curvature pair yet
        self.nit = np.zeros(k, dtype=int)

    def keep(self, mask):
        for name in ("idx", "x", "f", "g", "gamma", "nit"):
            setattr(self, name, getattr(self, name)[mask])
        self.s, self.y, self.rho = self.s[:, mask], self.y[:, mask], self.rho[:, mask]


def _direction(st: _State, newest: int, count: int) -> np.ndarray:
    """Two-loop recursion for all active starts at once; plain −g for starts without history."""
    m = st.s.shape[0]
    q = -st.g.copy()
    order = [(newest - i) % m for i in range(min(count, m))]
    alphas = []
    for j in order:
        alpha = st.rho[j] * np.einsum("ij,ij->i", st.s[j], q)
        q -= alpha[:, None] * st.y[j]
        alphas.append(alpha)
    q *= np.where(st.gamma > 0, st.gamma, 1.0)[:, None]
    for j, alpha in zip(reversed(order), reversed(alphas)):
        beta = st.rho[j] * np.einsum("ij,ij->i", st.y[j], q)
        q += (alpha - beta)[:, None] * st.s[j]
    return q


def _line_search(fun, st: _State, d: np.ndarray, step: np.ndarray):
    """Backtracking Armijo search; returns new x, f, g, the accepted step and a success mask."""
    slope = np.einsum("ij,ij->i", st.g, d)
    x_new = st.x + step[:, None] * d
    f_new, g_new = fun(x_new)
    n_eval = len(step)
    ok = f_new <= st.f + _ARMIJO * step * slope
    for _ in range(_MAX_BACKTRACK):
        todo = np.flatnonzero(~ok)
        if todo.size == 0:
            break
        t = step[todo]
        # minimiser of the quadratic through f(0), f'(0), f(t), kept within [0.1 t, 0.5 t]
        f_t = f_new[todo]
        denom = 2.0 * (f_t - st.f[todo] - slope[todo] * t)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_q = -slope[todo] * t * t / denom
        t_q = np.where(np.isfinite(t_q), t_q, 0.5 * t)
        step[todo] = np.clip(t_q, 0.1 * t, 0.5 * t)
        x_new[todo] = st.x[todo] + step[todo, None] * d[todo]
        f_new[todo], g_new[todo] = fun(x_new[todo])
        n_eval += todo.size
        ok[todo] = f_new[todo] <= st.f[todo] + _ARMIJO * step[todo] * slope[todo]
    return x_new, f_new, g_new, ok, n_eval


def minimize_batch(
    fun: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    x0: np.ndarray,
    *,
    ftol: float = SCIPY_FTOL,
    gtol: float = SCIPY_GTOL,
    maxiter: int = 15000,
    history: int = 10,
    merge_tol: float | None = None,
    merge_every: int = 5,
) -> BatchResult:
    """Minimise ``fun`` from every row of ``x0`` (k, p) with a batched L-BFGS.

    ``fun(x)`` takes rows (j, p) and returns values (j,) and gradients (j, p). Non-finite values count as
    failed trial steps. See the module docstring for the stopping rule and the merging option.
    """
    x0 = np.array(x0, dtype=float)
    k, _ = x0.shape
    f0, g0 = fun(x0)
    st = _State(x0.copy(), f0, g0, history)
    out_x, out_f = x0.copy(), f0.copy()
    out_nit = np.zeros(k, dtype=int)
    out_status = np.zeros(k, dtype=int)
    merged_into = np.arange(k)
    n_eval, rounds, newest, count = k, 0, -1, 0

    def retire(mask, code):
        rows = np.flatnonzero(mask)
        out_x[st.idx[rows]] = st.x[rows]
        out_f[st.idx[rows]] = st.f[rows]
        out_nit[st.idx[rows]] = st.nit[rows]
        out_status[st.idx[rows]] = code

    done = np.max(np.abs(st.g), axis=1) <= gtol
    if done.any():
        retire(done, CONVERGED_G)
        st.keep(~done)
    while st.idx.size:
        rounds += 1
        with np.errstate(invalid="ignore", over="ignore"):  # starts at a non-finite point fail their line search
            d = _direction(st, newest, count)
            slope = np.einsum("ij,ij->i", st.g, d)
        fresh = (st.gamma <= 0) | ~(slope < 0)  # no history yet, or not a descent direction
        if fresh.any():
            d[fresh] = -st.g[fresh]
            st.s[:, fresh] = 0.0
            st.y[:, fresh] = 0.0
            st.rho[:, fresh] = 0.0
            st.gamma[fresh] = 0.0
        with np.errstate(invalid="ignore", over="ignore"):
            norm = np.linalg.norm(d, axis=1)
        step = np.where(fresh, 1.0 / np.maximum(norm, 1e-300), 1.0)
        x_new, f_new, g_new, ok, n = _line_search(fun, st, d, step)
        n_eval += n
        # curvature pair (skipped, i.e. left at zero, unless s·y is safely positive)
        s_new = x_new - st.x
        y_new = g_new - st.g
        sy = np.einsum("ij,ij->i", s_new, y_new)
        yy = np.einsum("ij,ij->i", y_new, y_new)
        good = ok & (sy > np.finfo(float).eps * yy)
        newest = (newest + 1) % history
        count += 1
        st.s[newest] = np.where(good[:, None], s_new, 0.0)
        st.y[newest] = np.where(good[:, None], y_new, 0.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            st.rho[newest] = np.where(good, 1.0 / sy, 0.0)
            st.gamma = np.where(good, sy / yy, st.gamma)
        f_old = st.f
        st.x = np.where(ok[:, None], x_new, st.x)
        st.f = np.where(ok, f_new, st.f)
        st.g = np.where(ok[:, None], g_new, st.g)
        st.nit += ok
        scale = np.maximum(np.maximum(np.abs(f_old), np.abs(st.f)), 1.0)
        conv_f = ok & (f_old - st.f <= ftol * scale)
        conv_g = ok & ~conv_f & (np.max(np.abs(st.g), axis=1) <= gtol)
        failed = ~ok
        at_max = ~(conv_f | conv_g | failed) & (st.nit >= maxiter)
        for mask, code in ((conv_f, CONVERGED_F), (conv_g, CONVERGED_G), (failed, LINE_SEARCH_FAILED),
                           (at_max, MAXITER)):
            if mask.any():
                retire(mask, code)
        live = ~(conv_f | conv_g | failed | at_max)
        if merge_tol is not None and rounds % merge_every == 0 and live.sum() > 1:
            live[live] = _merge_subset(st, live, merged_into, merge_tol)
        if not live.all():
            st.keep(live)
    merged = merged_into != np.arange(k)
    if merged.any():
        root = merged_into.copy()
        for _ in range(64):  # follow chains of merges to their final representative
            nxt = merged_into[root]
            if np.array_equal(nxt, root):
                break
            root = nxt
        merged_into = root
        out_x[merged] = out_x[root[merged]]
        out_f[merged] = out_f[root[merged]]
        out_status[merged] = out_status[root[merged]]
    return BatchResult(x=out_x, f=out_f, nit=out_nit, status=out_status, merged_into=merged_into,
                       n_evaluations=int(n_eval), n_rounds=rounds)


def _merge_subset(st: _State, live: np.ndarray, merged_into: np.ndarray, tol: float) -> np.ndarray:
    """Merge among the live rows only; returns the keep-mask for those rows."""
    rows = np.flatnonzero(live)
    keys = np.round(st.x[rows] / tol).astype(np.int64)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    dup = first[inverse] != np.arange(rows.size)
    if dup.any():
        merged_into[st.idx[rows[dup]]] = st.idx[rows[first[inverse[dup]]]]
    return ~dup
