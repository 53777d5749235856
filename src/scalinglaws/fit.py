"""Fitting compute-optimal scaling laws: Hoffmann et al. (2022) Approaches 1, 2 and 3, plus bootstrap intervals.

Units throughout: N in parameters, D in training tokens, C in FLOP (C = 6·N·D), loss in nats/token.

- :func:`fit_approach1` — minimum over training curves: the lowest loss reached at each FLOP budget.
- :func:`fit_approach2` — IsoFLOP profiles: a parabola in log N per budget (or the minimum-loss run).
- :func:`fit_approach3` — the parametric fit L(N, D) = E + A/N^alpha + B/D^beta of App. D.2, from Hoffmann's
  4,500-start grid with a batched L-BFGS.
- :func:`bootstrap_approach2`, :func:`bootstrap_approach3` — seeded bootstrap intervals.

Approaches 1 and 2 return a :class:`ComputeOptimalFit` (N_opt = k_N·C^a, D_opt = k_D·C^b); Approach 3 returns a
:class:`FitResult` whose ``.law`` is a :class:`~scalinglaws.laws.ChinchillaLaw`.
Taught in chapters/04_fitting.ipynb.
"""
from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass, field
from typing import Callable, Literal, Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import _profile
from ._lbfgs import CONVERGED_F, CONVERGED_G, LINE_SEARCH_FAILED, MAXITER, SCIPY_FTOL, SCIPY_GTOL, minimize_batch
from ._objective import ChinchillaObjective
from ._progress import Progress
from ._validate import as_int, as_positive, as_probability
from .compute import FLOP_PER_PARAM_TOKEN_TRAIN
from .laws import ChinchillaLaw
from .models import GOPHER_CHINCHILLA_FLOP
from .overtraining import OvertrainingLaw

__all__ = [
    "ComputeOptimalFit",
    "InitGrid",
    "HOFFMANN_GRID",
    "BOOTSTRAP_GRID",
    "FitResult",
    "BootstrapResult",
    "fit_approach1",
    "fit_approach2",
    "fit_approach3",
    "bootstrap_approach2",
    "bootstrap_approach3",
    "SCIPY_FTOL",
    "SCIPY_GTOL",
    "BESIROGLU_2024_HUBER",
    "HOFFMANN_2022_TABLE2",
    "OvertrainingFit",
    "fit_overtraining",
]

_PARAMS = ("a", "b", "e", "alpha", "beta")
_STATUS = {CONVERGED_F: "converged (relative reduction of the objective <= ftol)",
           CONVERGED_G: "converged (largest gradient component <= gtol)",
           MAXITER: "stopped at maxiter", LINE_SEARCH_FAILED: "line search could not decrease the objective"}


BESIROGLU_2024_HUBER = ChinchillaLaw(E=1.8172, A=477.84, B=2143.86, alpha=0.34731, beta=0.36718,
                                     name="Hoffmann's procedure on Epoch's data (Besiroglu et al. 2024)")
"""Hoffmann's own estimator (summed Huber, delta = 1e-3, 4,500-start L-BFGS grid) refitted by Besiroglu et al. (2024,
arXiv 2404.10102, notebook) on the 240 points they extracted from Hoffmann et al.'s Fig. 4. Their headline values
(:data:`~scalinglaws.laws.BESIROGLU_2024`) come from a different objective: maximum likelihood with a fitted scale."""

HOFFMANN_2022_TABLE2 = {
    "Approach 1": {"a": (0.50, (0.488, 0.502)), "b": (0.50, (0.501, 0.512))},
    "Approach 2": {"a": (0.49, (0.462, 0.534)), "b": (0.51, (0.483, 0.529))},
    "Approach 3": {"a": (0.46, (0.454, 0.455)), "b": (0.54, (0.542, 0.543))},
}
"""Hoffmann et al. (2022), Table 2: exponents a (N_opt ∝ C^a) and b (D_opt ∝ C^b) of each approach with their
printed 10th-90th percentile bootstrap intervals, as (estimate, (low, high))."""


# --- input checks --------------------------------------------------------------------------------------
def _vector(name: str, value, unit: str) -> np.ndarray:
    """A 1-D float array of finite, positive values, else a ValueError naming ``name``."""
    arr = np.atleast_1d(as_positive(name, value, unit))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array ({unit}); got shape {arr.shape}")
    return arr


def _columns(units: dict[str, str], values: dict[str, object], minimum: int) -> list[np.ndarray]:
    """Validate equal-length 1-D positive columns with at least ``minimum`` rows."""
    arrays = [_vector(name, values[name], unit) for name, unit in units.items()]
    lengths = {name: arr.size for name, arr in zip(units, arrays)}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise ValueError(f"{', '.join(units)} must have the same length (one entry per run); {described}")
    if arrays[0].size < minimum:
        raise ValueError(f"need at least {minimum} data points; got {arrays[0].size}")
    return arrays


def _choice(name: str, value, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}")
    return value


# --- Approaches 1 and 2: power laws for N_opt(C) and D_opt(C) ----------------------------------------------
@dataclass(frozen=True, eq=False)
class ComputeOptimalFit:
    """Compute-optimal frontier fitted from per-budget optima: N_opt = k_N·C^a and D_opt = k_D·C^b.

    Attributes
    ----------
    method : str
        How the per-budget optima were found ("envelope", "parabola" or "min_run").
    compute : ndarray
        The FLOP budgets whose optima were used in the fit.
    N_opt, D_opt : ndarray
        Per-budget optimal parameters and tokens (D_opt = C / (6·N_opt)).
    loss_opt : ndarray
        Per-budget minimum loss in nats/token (the parabola's minimum, or the best run's loss).
    a, N_coefficient : float
        Exponent and prefactor of N_opt = N_coefficient · C^a (parameters, C in FLOP).
    b, D_coefficient : float
        Exponent and prefactor of D_opt = D_coefficient · C^b (tokens, C in FLOP).
    skipped : dict
        Budgets (FLOP) left out of the fit, each with the reason.
    n_runs : ndarray
        Runs (or training curves) available at each used budget.
    """

    method: str
    compute: np.ndarray
    N_opt: np.ndarray
    D_opt: np.ndarray
    loss_opt: np.ndarray
    a: float
    N_coefficient: float
    b: float
    D_coefficient: float
    skipped: dict = field(default_factory=dict)
    n_runs: np.ndarray | None = None

    def predict_N(self, compute: ArrayLike):
        """Compute-optimal parameters N_opt = N_coefficient · C^a for budgets C in FLOP."""
        c = as_positive("compute", compute, "FLOP")
        return np.exp(math.log(self.N_coefficient) + self.a * np.log(c))

    def predict_D(self, compute: ArrayLike):
        """Compute-optimal training tokens D_opt = D_coefficient · C^b for budgets C in FLOP."""
        c = as_positive("compute", compute, "FLOP")
        return np.exp(math.log(self.D_coefficient) + self.b * np.log(c))

    def tokens_per_param(self, compute: ArrayLike):
        """D_opt / N_opt at budgets C in FLOP (dimensionless)."""
        return self.predict_D(compute) / self.predict_N(compute)


def _power_law(compute: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """Least squares of log(values) on log(compute): returns (exponent, prefactor)."""
    slope, intercept = np.polyfit(np.log(compute), np.log(values), 1)
    return float(slope), float(math.exp(intercept))


def _frontier(method, compute, n_opt, loss_opt, skipped, n_runs) -> ComputeOptimalFit:
    if compute.size < 2:
        detail = "; ".join(f"{c:.3g} FLOP: {why}" for c, why in skipped.items()) or "none"
        raise ValueError(f"need at least 2 usable compute budgets to fit N_opt ∝ C^a; got {compute.size} "
                         f"(skipped budgets: {detail})")
    d_opt = compute / (FLOP_PER_PARAM_TOKEN_TRAIN * n_opt)
    a, k_n = _power_law(compute, n_opt)
    b, k_d = _power_law(compute, d_opt)
    return ComputeOptimalFit(method=method, compute=compute, N_opt=n_opt, D_opt=d_opt, loss_opt=loss_opt, a=a,
                             N_coefficient=k_n, b=b, D_coefficient=k_d, skipped=skipped, n_runs=n_runs)


def fit_approach1(
    N: ArrayLike,
    D: ArrayLike,
    loss: ArrayLike,
    *,
    run: ArrayLike | None = None,
    budgets: int | ArrayLike = 50,
) -> ComputeOptimalFit:
    """Approach 1: the minimum over training curves at each FLOP budget (Hoffmann et al. 2022, §3.1).

    Give every checkpoint of every training run as one row: the model size, the tokens seen so far and the
    loss at that point. The FLOP spent at a checkpoint is C = 6·N·D. For each budget, each run's loss is
    interpolated (linearly in log C) along its curve; the run with the lowest loss gives N_opt(C), and
    D_opt = C / (6·N_opt). Power laws N_opt ∝ C^a and D_opt ∝ C^b are then fitted by least squares in log space.

    Parameters
    ----------
    N : array of shape (k,)
        Parameters of the model each checkpoint belongs to.
    D : array of shape (k,)
        Tokens seen at the checkpoint (if you have FLOP instead, pass D = C / (6·N)).
    loss : array of shape (k,)
        Loss at the checkpoint in nats/token.
    run : array of shape (k,), optional
        Run label of each checkpoint; by default each distinct N is one run.
    budgets : int or array
        Number of log-spaced budgets between the smallest and largest FLOP reached (default 50), or the
        budgets themselves in FLOP.

    Returns
    -------
    ComputeOptimalFit
        With ``method="envelope"``. Budgets covered by fewer than 2 runs, or won by the smallest or largest
        model covering them (no interior minimum: the optimum may lie outside the sampled sizes), are
        listed in ``skipped`` and not fitted.
    """
    n, d, y = _columns({"N": "parameters", "D": "tokens", "loss": "nats/token"}, {"N": N, "D": D, "loss": loss}, 2)
    labels = n if run is None else np.asarray(run)
    if labels.shape != n.shape:
        raise ValueError(f"run must give one label per checkpoint: {n.size} labels; got shape {labels.shape}")
    log_c = np.log(FLOP_PER_PARAM_TOKEN_TRAIN * n * d)
    curves = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        order = rows[np.argsort(log_c[rows])]
        if np.unique(n[order]).size != 1:
            raise ValueError(f"run {label!r} mixes model sizes {np.unique(n[order])}; give each run a single N")
        curves.append((n[order[0]], log_c[order], y[order]))
    grid = _budget_grid(budgets, log_c)
    return _envelope(curves, grid)


def _budget_grid(budgets, log_c: np.ndarray) -> np.ndarray:
    if np.ndim(budgets) == 0 and not isinstance(budgets, float):
        count = as_int("budgets", budgets, minimum=2)
        return np.linspace(log_c.min(), log_c.max(), count)
    return np.log(np.atleast_1d(as_positive("budgets", budgets, "FLOP")))


def _envelope(curves, grid: np.ndarray) -> ComputeOptimalFit:
    used, n_opt, l_opt, counts, skipped = [], [], [], [], {}
    for lc in grid:
        covering = [(size, float(np.interp(lc, xs, ys))) for size, xs, ys in curves if xs[0] <= lc <= xs[-1]]
        budget = float(np.exp(lc))
        if len(covering) < 2:
            skipped[budget] = f"only {len(covering)} training curve(s) reach this budget; need 2"
            continue
        sizes = np.array([s for s, _ in covering])
        best = min(range(len(covering)), key=lambda i: covering[i][1])
        if sizes[best] in (sizes.min(), sizes.max()):
            skipped[budget] = "no interior minimum: the lowest loss is at the smallest or largest model"
            continue
        used.append(budget)
        n_opt.append(sizes[best])
        l_opt.append(covering[best][1])
        counts.append(len(covering))
    return _frontier("envelope", np.array(used), np.array(n_opt), np.array(l_opt), skipped, np.array(counts))


def fit_approach2(
    N: ArrayLike,
    C: ArrayLike,
    loss: ArrayLike,
    *,
    method: Literal["parabola", "min_run"] = "parabola",
    min_runs: int = 3,
) -> ComputeOptimalFit:
    """Approach 2: IsoFLOP profiles (Hoffmann et al. 2022, §3.2).

    Runs are grouped by their exact budget C. With ``method="parabola"`` (Hoffmann's) a parabola in log N is
    fitted to the losses of each budget and its vertex gives N_opt(C) and the minimum loss. With
    ``method="min_run"`` (as in Stanford CS336's assignment) the lowest-loss run of each budget is taken.
    Then D_opt = C / (6·N_opt), and N_opt ∝ C^a, D_opt ∝ C^b are fitted by least squares in log space.

    Parameters
    ----------
    N : array of shape (k,)
        Parameters of each run.
    C : array of shape (k,)
        Training budget of each run in FLOP; runs with exactly equal C form one IsoFLOP profile.
    loss : array of shape (k,)
        Final loss of each run in nats/token.
    method : {"parabola", "min_run"}
        How each budget's optimum is found.
    min_runs : int
        Budgets with fewer runs are skipped (default 3, the fewest that determine a parabola).

    Returns
    -------
    ComputeOptimalFit
        Budgets with fewer than ``min_runs`` runs, and (parabola only) budgets with no interior minimum —
        a parabola opening downward or a vertex outside the sampled N range — are listed in ``skipped``.

    Raises
    ------
    ValueError
        On invalid data, or if fewer than 2 budgets remain usable.
    """
    n, c, y = _columns({"N": "parameters", "C": "FLOP", "loss": "nats/token"}, {"N": N, "C": C, "loss": loss}, 2)
    _choice("method", method, ("parabola", "min_run"))
    min_runs = as_int("min_runs", min_runs, minimum=1 if method == "min_run" else 3)
    used, n_opt, l_opt, counts, skipped = [], [], [], [], {}
    for budget in np.unique(c):
        rows = c == budget
        outcome = _profile_optimum(np.log(n[rows]), y[rows], method, min_runs)
        if isinstance(outcome, str):
            skipped[float(budget)] = outcome
            continue
        used.append(float(budget))
        n_opt.append(math.exp(outcome[0]))
        l_opt.append(outcome[1])
        counts.append(int(rows.sum()))
    return _frontier(method, np.array(used), np.array(n_opt), np.array(l_opt), skipped, np.array(counts))


def _profile_optimum(log_n: np.ndarray, y: np.ndarray, method: str, min_runs: int):
    """(log N_opt, loss at it) for one IsoFLOP profile, or a string saying why there is none."""
    if log_n.size < min_runs:
        return f"only {log_n.size} run(s); need at least {min_runs}"
    if method == "min_run":
        best = int(np.argmin(y))
        return float(log_n[best]), float(y[best])
    if np.unique(log_n).size < 3:
        return f"only {np.unique(log_n).size} distinct model size(s); a parabola needs 3"
    p2, p1, p0 = np.polyfit(log_n, y, 2)
    if not p2 > 0:
        return f"no interior minimum: the parabola opens downward (curvature {p2:.3g})"
    vertex = -p1 / (2 * p2)
    if not log_n.min() <= vertex <= log_n.max():
        return (f"no interior minimum: the parabola's vertex N = {math.exp(vertex):.3g} lies outside the sampled "
                f"range {math.exp(log_n.min()):.3g}..{math.exp(log_n.max()):.3g} parameters")
    return float(vertex), float(p0 + p1 * vertex + p2 * vertex**2)


# --- Approach 3: the parametric fit ----------------------------------------------------------------------
@dataclass(frozen=True)
class InitGrid:
    """The grid of L-BFGS starting points: every combination of the listed values.

    a = log A, b = log B, e = log E; alpha and beta are the exponents. :data:`HOFFMANN_GRID` is the grid of
    Hoffmann et al. (2022, App. D.2): 6·6·5·5·5 = 4,500 starts.
    """

    alpha: tuple[float, ...]
    beta: tuple[float, ...]
    e: tuple[float, ...]
    a: tuple[float, ...]
    b: tuple[float, ...]

    def points(self) -> np.ndarray:
        """Starting points as rows (a, b, e, alpha, beta), in the order alpha, beta, e, a, b vary (slowest first)."""
        rows = [(a, b, e, al, be) for al, be, e, a, b in itertools.product(self.alpha, self.beta, self.e, self.a, self.b)]
        return np.array(rows, dtype=float)

    def __len__(self) -> int:
        return len(self.alpha) * len(self.beta) * len(self.e) * len(self.a) * len(self.b)


HOFFMANN_GRID = InitGrid(alpha=(0.0, 0.5, 1.0, 1.5, 2.0), beta=(0.0, 0.5, 1.0, 1.5, 2.0),
                         e=(-1.0, -0.5, 0.0, 0.5, 1.0), a=(0.0, 5.0, 10.0, 15.0, 20.0, 25.0),
                         b=(0.0, 5.0, 10.0, 15.0, 20.0, 25.0))
"""Hoffmann et al. (2022, App. D.2): alpha, beta ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}."""

BOOTSTRAP_GRID = InitGrid(alpha=(0.0, 1.0, 2.0), beta=(0.0, 1.0, 2.0), e=(-1.0, 0.0, 1.0), a=(0.0, 10.0, 20.0),
                          b=(0.0, 10.0, 20.0))
"""A reduced 3⁵ = 243-start grid for bootstrap replicates (each replicate also starts from the full-data fit)."""


@dataclass(frozen=True)
class FitResult:
    """Result of :func:`fit_approach3`.

    Attributes
    ----------
    law : ChinchillaLaw
        The fitted L(N, D) = E + A/N^alpha + B/D^beta (E in nats/token).
    params : tuple
        The optimiser's coordinates (a, b, e, alpha, beta) with A = exp(a), B = exp(b), E = exp(e).
    objective : float
        The minimised objective (summed, or mean, per-point loss of log-residuals).
    converged : bool
        Whether the winning start stopped by its stopping rule (not by maxiter or a failed line search).
    status : str
        How the winning start stopped.
    n_starts : int
        Number of L-BFGS starts.
    best_start : tuple
        The winning start's initial (a, b, e, alpha, beta).
    best_start_index : int
        Its row in the init grid (see :meth:`InitGrid.points`).
    n_at_optimum : int
        Starts whose final objective is within ``optimum_rtol`` (relative) of the best.
    optimum_rtol : float
        The tolerance used for ``n_at_optimum``.
    n_points : int
        Data points fitted.
    n_evaluations : int
        Single-start objective-and-gradient evaluations spent by the whole grid.
    penalty, delta, reduce : str, float, str
        The objective's settings.
    """

    law: ChinchillaLaw
    params: tuple[float, float, float, float, float]
    objective: float
    converged: bool
    status: str
    n_starts: int
    best_start: tuple[float, float, float, float, float]
    best_start_index: int
    n_at_optimum: int
    optimum_rtol: float
    n_points: int
    n_evaluations: int
    penalty: str
    delta: float
    reduce: str


def _start_points(init_grid) -> np.ndarray:
    if init_grid is None:
        return HOFFMANN_GRID.points()
    if isinstance(init_grid, InitGrid):
        return init_grid.points()
    pts = np.asarray(init_grid, dtype=float) if not isinstance(init_grid, (str, bytes)) else np.array([])
    if pts.ndim != 2 or pts.shape[1] != 5 or pts.shape[0] == 0 or not np.isfinite(pts).all():
        raise ValueError("init_grid must be an InitGrid or a non-empty (k, 5) array of finite starting points "
                         f"(a, b, e, alpha, beta); got {init_grid!r}")
    return pts


def _default_threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def fit_approach3(
    N: ArrayLike,
    D: ArrayLike,
    loss: ArrayLike,
    *,
    penalty: Literal["huber", "squared"] = "huber",
    delta: float = 1e-3,
    reduce: Literal["sum", "mean"] = "sum",
    init_grid: InitGrid | ArrayLike | None = None,
    ftol: float = SCIPY_FTOL,
    gtol: float = SCIPY_GTOL,
    maxiter: int = 15000,
    merge_tol: float | None = 1e-3,
    optimum_rtol: float = 1e-6,
    threads: int | None = None,
) -> FitResult:
    """Approach 3: fit L(N, D) = E + A/N^alpha + B/D^beta as Hoffmann et al. (2022, App. D.2) did.

    Minimises, over (a, b, e, alpha, beta), the sum over data points of
    Huber_delta(LSE(a − alpha·log N, b − beta·log D, e) − log L) with delta = 1e-3, where A = exp(a),
    B = exp(b), E = exp(e). L-BFGS runs from every point of the init grid (by default Hoffmann's 4,500) and
    the start with the lowest objective wins. All starts advance together (a batched L-BFGS with analytic
    gradients); each stops by SciPy L-BFGS-B's rule — (f_old − f_new) <= ftol·max(|f_old|, |f_new|, 1) or
    max|gradient| <= gtol — so the same optimum is found as by a loop of ``scipy.optimize.minimize``.

    Parameters
    ----------
    N, D, loss : arrays of shape (k,)
        Parameters, training tokens and final loss (nats/token) of each run; k >= 6 (five parameters).
    penalty : {"huber", "squared"}
        Per-point loss of the log-residual r: Huber_delta(r), or r²/2.
    delta : float
        Huber threshold (default 1e-3, Hoffmann's).
    reduce : {"sum", "mean"}
        Sum over points (Hoffmann's estimator) or mean. The mean makes the objective ~k times smaller; with
        SciPy's stopping rule (whose ``max(..., 1)`` makes it absolute for small objectives) that stops the
        optimiser early — the mistake Besiroglu et al. (2024) found.
    init_grid : InitGrid or (j, 5) array, optional
        Starting points (a, b, e, alpha, beta); default :data:`HOFFMANN_GRID`.
    ftol, gtol, maxiter : float, float, int
        The stopping rule, with SciPy L-BFGS-B's meaning and defaults (ftol ≈ 2.2e-9, gtol = 1e-5).
    merge_tol : float or None
        Starts whose positions agree to this (in every coordinate) are merged into one (checked every 5
        iterations) and report its result; None disables merging.
    optimum_rtol : float
        Relative objective tolerance for counting the starts that reached the best optimum.
    threads : int, optional
        Threads used to evaluate the objective (default: up to 2).

    Returns
    -------
    FitResult
        The fitted :class:`ChinchillaLaw` with diagnostics.

    Raises
    ------
    ValueError
        On invalid data or options, or if the best fit has a non-positive exponent (not a ChinchillaLaw).
    """
    n, d, y = _columns({"N": "parameters", "D": "tokens", "loss": "nats/token"}, {"N": N, "D": D, "loss": loss}, 6)
    opts = _approach3_options(penalty, delta, reduce, ftol, gtol, maxiter, merge_tol, optimum_rtol, threads)
    starts = _start_points(init_grid)
    return _fit3(np.log(n), np.log(d), np.log(y), starts, **opts)


def _approach3_options(penalty, delta, reduce, ftol, gtol, maxiter, merge_tol, optimum_rtol, threads) -> dict:
    _choice("penalty", penalty, ("huber", "squared"))
    _choice("reduce", reduce, ("sum", "mean"))
    return dict(
        penalty=penalty, reduce=reduce,
        delta=float(as_positive("delta", delta, "log-loss units")),
        ftol=float(as_positive("ftol", ftol)), gtol=float(as_positive("gtol", gtol)),
        maxiter=as_int("maxiter", maxiter, minimum=1),
        merge_tol=None if merge_tol is None else float(as_positive("merge_tol", merge_tol)),
        optimum_rtol=float(as_positive("optimum_rtol", optimum_rtol)),
        threads=_default_threads() if threads is None else as_int("threads", threads, minimum=1),
    )


def _fit3(x, y, t, starts, *, penalty, reduce, delta, ftol, gtol, maxiter, merge_tol, optimum_rtol, threads):
    objective = ChinchillaObjective(x, y, t, loss=penalty, delta=delta, reduce=reduce, threads=threads)
    try:
        res = minimize_batch(objective, starts, ftol=ftol, gtol=gtol, maxiter=maxiter, merge_tol=merge_tol)
    finally:
        objective.close()
    finite = np.where(np.isfinite(res.f), res.f, np.inf)
    best = int(np.argmin(finite))
    f_best = float(finite[best])
    a, b, e, alpha, beta = (float(v) for v in res.x[best])
    if not (alpha > 0 and beta > 0 and math.isfinite(f_best)):
        raise ValueError(f"the best fit has alpha = {alpha:.4g}, beta = {beta:.4g} (objective {f_best:.4g}); a "
                         "Chinchilla law needs positive exponents — check the data or widen init_grid")
    law = ChinchillaLaw(E=math.exp(e), A=math.exp(a), B=math.exp(b), alpha=alpha, beta=beta, name="Approach 3 fit")
    return FitResult(
        law=law, params=(a, b, e, alpha, beta), objective=f_best, converged=bool(res.converged[best]),
        status=_STATUS.get(int(res.status[best]), "unknown"), n_starts=int(starts.shape[0]),
        best_start=tuple(float(v) for v in starts[best]), best_start_index=best,
        n_at_optimum=int(np.sum(finite <= f_best + optimum_rtol * abs(f_best))), optimum_rtol=optimum_rtol,
        n_points=int(x.size), n_evaluations=res.n_evaluations, penalty=penalty, delta=delta, reduce=reduce)


# --- bootstrap -------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class BootstrapResult:
    """Bootstrap replicates of fitted quantities.

    Attributes
    ----------
    estimate : dict[str, float or ndarray]
        Each quantity fitted on the full data.
    samples : dict[str, ndarray]
        Each quantity over the successful replicates (axis 0); ``tokens_per_param`` has one column per budget.
    compute : ndarray
        Budgets (FLOP) at which ``tokens_per_param`` was evaluated.
    n_boot, n_failed, seed : int
        Replicates requested, replicates whose fit failed (dropped), and the seed.
    """

    estimate: dict
    samples: dict
    compute: np.ndarray
    n_boot: int
    n_failed: int
    seed: int

    def interval(self, name: str, level: float = 0.8) -> tuple:
        """Percentile interval (lower, upper) holding ``level`` of the replicates (0.8: 10th-90th, as in Table 2)."""
        if name not in self.samples:
            raise ValueError(f"name must be one of {', '.join(sorted(self.samples))}; got {name!r}")
        level = as_probability("level", level, open_low=True, open_high=True)
        tail = 50.0 * (1.0 - level)
        lo, hi = np.percentile(self.samples[name], [tail, 100.0 - tail], axis=0)
        return (float(lo), float(hi)) if np.ndim(lo) == 0 else (lo, hi)


def _bootstrap(stat: Callable[[np.ndarray], dict], n_rows: int, n_boot, seed, progress, label) -> tuple:
    n_boot = as_int("n_boot", n_boot, minimum=1)
    seed = as_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    bar = Progress(n_boot, label, enabled=progress)
    rows, failed = [], 0
    try:
        for i in range(n_boot):
            pick = rng.integers(0, n_rows, size=n_rows)
            try:
                rows.append(stat(pick))
            except ValueError:
                failed += 1
            bar.update(i + 1)
    finally:
        bar.close()
    if not rows:
        raise ValueError(f"all {n_boot} bootstrap replicates failed to fit")
    samples = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    return samples, n_boot, failed, seed


def _derived(law_like, compute: np.ndarray) -> dict:
    return {"a": law_like.a, "b": law_like.b, "tokens_per_param": np.asarray(law_like.tokens_per_param(compute))}


class _LawView:
    """Adapter so ChinchillaLaw and ComputeOptimalFit give a, b and D/N the same way."""

    def __init__(self, law):
        self.a, self.b = law.a, law.b
        self.tokens_per_param = law.tokens_per_param_at if hasattr(law, "tokens_per_param_at") else law.tokens_per_param


def bootstrap_approach3(
    N: ArrayLike,
    D: ArrayLike,
    loss: ArrayLike,
    *,
    n_boot: int = 100,
    seed: int = 0,
    compute: ArrayLike = (GOPHER_CHINCHILLA_FLOP,),
    init_grid: InitGrid | ArrayLike | None = BOOTSTRAP_GRID,
    progress: bool | None = None,
    **fit_options,
) -> BootstrapResult:
    """Bootstrap Approach 3: refit on ``n_boot`` resamples (with replacement) of the runs.

    Quantities: E, A, B, alpha, beta, a = beta/(alpha+beta), b = alpha/(alpha+beta) and the compute-optimal
    tokens per parameter at each budget in ``compute`` (FLOP; default ``GOPHER_CHINCHILLA_FLOP``, 5.76e23). The
    full-data fit uses Hoffmann's 4,500-start grid; to stay fast each replicate starts from the full-data optimum plus
    ``init_grid`` (default :data:`BOOTSTRAP_GRID`, 243 starts; pass ``HOFFMANN_GRID`` for the full grid).
    Seeded: the same ``seed`` gives the same replicates. A progress line appears on stderr when the run
    looks longer than 2 s (``progress=True`` forces it, ``False`` hides it). Other keyword arguments go to
    :func:`fit_approach3`.
    """
    n, d, y = _columns({"N": "parameters", "D": "tokens", "loss": "nats/token"}, {"N": N, "D": D, "loss": loss}, 6)
    budgets = np.atleast_1d(as_positive("compute", compute, "FLOP"))
    full = fit_approach3(n, d, y, **fit_options)
    starts = np.vstack([np.array(full.params)[None, :], _start_points(init_grid)])
    opts = _approach3_options(**{**dict(penalty="huber", delta=1e-3, reduce="sum", ftol=SCIPY_FTOL, gtol=SCIPY_GTOL,
                                        maxiter=15000, merge_tol=1e-3, optimum_rtol=1e-6, threads=None),
                                 **fit_options})
    x, yy, t = np.log(n), np.log(d), np.log(y)

    def stat(pick):
        law = _fit3(x[pick], yy[pick], t[pick], starts, **opts).law
        return {"E": law.E, "A": law.A, "B": law.B, "alpha": law.alpha, "beta": law.beta,
                **_derived(_LawView(law), budgets)}

    samples, n_boot, failed, seed = _bootstrap(stat, n.size, n_boot, seed, progress, "bootstrap (Approach 3)")
    law = full.law
    estimate = {"E": law.E, "A": law.A, "B": law.B, "alpha": law.alpha, "beta": law.beta,
                **_derived(_LawView(law), budgets)}
    return BootstrapResult(estimate=estimate, samples=samples, compute=budgets, n_boot=n_boot, n_failed=failed,
                           seed=seed)


def bootstrap_approach2(
    N: ArrayLike,
    C: ArrayLike,
    loss: ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    compute: ArrayLike = (GOPHER_CHINCHILLA_FLOP,),
    progress: bool | None = None,
    **fit_options,
) -> BootstrapResult:
    """Bootstrap Approach 2: refit :func:`fit_approach2` on resamples (with replacement) of the runs.

    Quantities: a, b, N_coefficient, D_coefficient and tokens per parameter at each budget in ``compute``
    (FLOP). Replicates in which fewer than 2 budgets stay usable are dropped and counted in ``n_failed``.
    """
    n, c, y = _columns({"N": "parameters", "C": "FLOP", "loss": "nats/token"}, {"N": N, "C": C, "loss": loss}, 2)
    budgets = np.atleast_1d(as_positive("compute", compute, "FLOP"))
    full = fit_approach2(n, c, y, **fit_options)

    def summary(fit: ComputeOptimalFit) -> dict:
        return {"N_coefficient": fit.N_coefficient, "D_coefficient": fit.D_coefficient,
                **_derived(_LawView(fit), budgets)}

    samples, n_boot, failed, seed = _bootstrap(lambda pick: summary(fit_approach2(n[pick], c[pick], y[pick],
                                                                                  **fit_options)),
                                               n.size, n_boot, seed, progress, "bootstrap (Approach 2)")
    return BootstrapResult(estimate=summary(full), samples=samples, compute=budgets, n_boot=n_boot,
                           n_failed=failed, seed=seed)


# --- Gadre et al.'s over-training law -------------------------------------------------------------------
ETA_RANGE = (5e-4, 1.5)
"""The compute exponents η that :func:`fit_overtraining` searches (its N and D exponents are 2η)."""

MAX_RUNS = 100_000
"""Most runs :func:`fit_overtraining` accepts (its work grows linearly with the number of runs)."""


@dataclass(frozen=True)
class OvertrainingFit:
    """Result of :func:`fit_overtraining`.

    Attributes
    ----------
    law : OvertrainingLaw
        The fitted L(C, M) = E + (a·M^η + b·M^−η)·C^−η; its ``code_params`` are Gadre et al.'s (α, β, b, E).
    ssr : float
        Sum of squared residuals of the loss, (nats/token)².
    n_points : int
        Runs fitted.
    at_bound : bool
        Whether η landed on an end of :data:`ETA_RANGE` (then the optimum may lie outside it).
    n_solves : int
        Linear least-squares solves spent (one per trial η).
    """

    law: OvertrainingLaw
    ssr: float
    n_points: int
    at_bound: bool
    n_solves: int

    def loss(self, N: ArrayLike, D: ArrayLike):
        """The fitted law's loss (nats/token) for N parameters trained on D tokens."""
        return self.law.loss(N, D)


def fit_overtraining(N: ArrayLike, D: ArrayLike, loss: ArrayLike) -> OvertrainingFit:
    """Least-squares fit of Gadre et al.'s over-training law to runs (N, D, loss).

    Minimises Σ (loss − L(N, D))² over E, a, b, η, the objective of Gadre et al.'s (2024) multi-start
    ``curve_fit`` (``scaling/laws.py``, ``curve_fit_powlaw_ours``). Written in N and D the law is
    E + A/N^(2η) + B/D^(2η), linear in (E, A, B) at fixed η, so the fit solves that linear problem for every
    η of a 200-point log grid over :data:`ETA_RANGE`, refines each local minimum with Brent's method and
    keeps the best: the global optimum in that range, with no starting points. Coefficients are not
    constrained in sign (nor are theirs). Taught in chapters/05_overtraining.ipynb (and
    chapters/04_fitting.ipynb).

    Parameters
    ----------
    N, D, loss : arrays of shape (k,)
        Parameters, training tokens and final loss (nats/token) per run; 4 <= k <= :data:`MAX_RUNS`, and
        the runs must span at least two token multipliers M = D/N (else A and B cannot be told apart).

    Returns
    -------
    OvertrainingFit
    """
    n, d, y = _columns({"N": "parameters", "D": "tokens", "loss": "nats/token"}, {"N": N, "D": D, "loss": loss}, 4)
    if n.size > MAX_RUNS:
        raise ValueError(f"fit_overtraining accepts at most {MAX_RUNS} runs; got {n.size}")
    log_m = np.log(d) - np.log(n)
    if np.ptp(log_m) <= 1e-9 * max(1.0, float(np.abs(log_m).max())):
        raise ValueError("the runs must span at least two token multipliers M = D/N; all have "
                         f"M = {float(np.exp(log_m[0])):.6g} tokens per parameter")
    log_n, log_d = np.log(n), np.log(d)

    def design(eta: float) -> np.ndarray:
        return np.column_stack([np.exp(-2 * eta * log_n), np.exp(-2 * eta * log_d), np.ones_like(log_n)])

    best = _profile.profile_fit(design, y, *ETA_RANGE)
    A, B, E = (float(c) for c in best.coef)
    six = FLOP_PER_PARAM_TOKEN_TRAIN ** best.p
    law = OvertrainingLaw(E=E, a=A * six, b=B * six, eta=best.p, name="over-training law fit")
    return OvertrainingFit(law=law, ssr=best.ssr, n_points=int(n.size), at_bound=best.at_bound,
                           n_solves=best.n_solves)
