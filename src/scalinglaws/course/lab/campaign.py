"""Planning an IsoFLOP campaign from the lab's menu, and predicting from its runs with Approaches 2 and 3.

Taught in chapters/08_lab.ipynb.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from scalinglaws._validate import as_int, as_positive
from scalinglaws.compute import FLOP_PER_PARAM_TOKEN_TRAIN
from scalinglaws.course.lab.ledger import Prediction, RunRecord
from scalinglaws.course.lab.world import (MENU_D_MODEL, MENU_LAYERS, MIN_HEAD_DIM, PORIAN_2024_LR, TARGET_FLOP)
from scalinglaws.fit import BOOTSTRAP_GRID, ComputeOptimalFit, fit_approach2, fit_approach3, parabola_skips
from scalinglaws.transformer import non_embedding_params

__all__ = ["WORKED_BUDGETS", "worked_plan", "SHAPES", "shape_for", "suggested_lr", "isoflop_plan", "plan_cost",
           "predict", "route", "Route", "minima_loss", "approach3_shortfall", "MAX_PLAN_RUNS", "APPROACH3_MIN_RUNS", "APPROACH3_MIN_SIZES",
           "APPROACH3_MIN_BUDGETS"]

HEAD_DIM = 64
"""Head dimension the planner aims for (fewer heads when d_model is small, never below MIN_HEAD_DIM)."""

ASPECT_RANGE = (16, 256)
"""d_model / n_layer ratios the planner accepts (Kaplan et al. 2020, Fig. 5: loss is flat over a wide range)."""

GUESS_TOKENS_PER_PARAM = 20.0
"""A plan centres each IsoFLOP profile on the size a 20-tokens-per-parameter rule of thumb picks."""

MAX_PLAN_RUNS = 200
"""Most runs one plan may hold."""

APPROACH3_MIN_RUNS = 20
"""Fewest distinct runs (N, D) :func:`predict` fits Approach 3 to: four per free parameter of
E + A/N^alpha + B/D^beta."""

APPROACH3_MIN_SIZES = 5
"""Fewest distinct model sizes :func:`predict` fits Approach 3 to (alpha needs a spread of N)."""

APPROACH3_MIN_BUDGETS = 3
"""Fewest distinct budgets :func:`predict` fits Approach 3 to (beta needs D to vary at each N)."""

WORKED_BUDGETS = (1e15, 3e15, 1e16, 3e16, 1e17)
"""The worked campaign's budgets in FLOP: two decades, the largest 100× below the target."""


def _shapes() -> list[tuple[int, int, int]]:
    shapes = []
    for layers, width in itertools.product(MENU_LAYERS, MENU_D_MODEL):
        if ASPECT_RANGE[0] <= width / layers <= ASPECT_RANGE[1]:
            shapes.append((layers, width, max(1, width // max(HEAD_DIM, MIN_HEAD_DIM))))
    return sorted(shapes, key=lambda s: non_embedding_params(s[0], s[1]))


SHAPES: tuple[tuple[int, int, int], ...] = tuple(_shapes())
"""Menu shapes (n_layer, d_model, n_heads) with a reasonable aspect ratio, by increasing N."""


def shape_for(params: float) -> tuple[int, int, int]:
    """The menu shape whose N = 12·n_layer·d_model² is closest to ``params`` in log space."""
    target = math.log(float(as_positive("params", params, "parameters")))
    return min(SHAPES, key=lambda s: abs(math.log(non_embedding_params(s[0], s[1])) - target))


def suggested_lr(params) -> float:
    """Porian et al.'s (2024) tuned learning rate 3.7·N^-0.36 (the published rule; each world differs a little)."""
    return PORIAN_2024_LR[0] * float(as_positive("params", params, "parameters")) ** PORIAN_2024_LR[1]


def isoflop_plan(budgets: Sequence[float], sizes_per_budget: int = 7, spread_decades: float = 1.5,
                 centre_shift_decades: float = 0.0, lr: float | None = None) -> list[dict]:
    """Runs for IsoFLOP profiles: at each budget, ``sizes_per_budget`` menu shapes log-spaced over
    ``spread_decades`` around the 20-tokens-per-parameter size (moved by ``centre_shift_decades``).

    Each run is a dict of keyword arguments for ``lab.run``: shape, ``flop`` and ``lr`` (the suggested lr for
    its size unless ``lr`` fixes one for all). Duplicated shapes at a budget are dropped.
    """
    k = as_int("sizes_per_budget", sizes_per_budget, minimum=1)
    c = np.atleast_1d(as_positive("budgets", budgets, "FLOP"))
    spread_decades = float(as_positive("spread_decades", spread_decades, "decades of N"))
    if not np.isfinite(centre_shift_decades):
        raise ValueError(f"centre_shift_decades must be a finite number of decades; got {centre_shift_decades!r}")
    if c.size * k > MAX_PLAN_RUNS:
        raise ValueError(f"a plan may hold at most {MAX_PLAN_RUNS} runs; got {c.size} budgets × {k} sizes")
    plan = []
    for budget in c:
        centre = 0.5 * math.log10(budget / (FLOP_PER_PARAM_TOKEN_TRAIN * GUESS_TOKENS_PER_PARAM))
        centre += centre_shift_decades
        offsets = np.linspace(-spread_decades / 2, spread_decades / 2, k) if k > 1 else np.zeros(1)
        shapes = dict.fromkeys(shape_for(10 ** (centre + o)) for o in offsets)
        for layers, width, heads in shapes:
            n = non_embedding_params(layers, width)
            plan.append(dict(n_layer=layers, d_model=width, n_heads=heads, flop=float(budget),
                             lr=float(f"{suggested_lr(n) if lr is None else lr:.3g}")))
    return plan


def worked_plan() -> list[dict]:
    """The worked campaign: 9 sizes over 2.5 decades at each of :data:`WORKED_BUDGETS`, lr by Porian's rule.

    Wide profiles: where the valley lies is not known in advance (a world's optimum can sit far from
    20 tokens per parameter), and a profile must reach both walls for its parabola to find the floor.
    """
    return isoflop_plan(WORKED_BUDGETS, sizes_per_budget=9, spread_decades=2.5)


def plan_cost(plan: Sequence[dict]) -> float:
    """Total FLOP a plan asks for (each run's ``flop``)."""
    return float(sum(run["flop"] for run in plan))


def approach3_shortfall(runs: Sequence[RunRecord]) -> str | None:
    """Why ``runs`` are too few for :func:`predict` to fit Approach 3, or None when they are enough.

    The rule: at least :data:`APPROACH3_MIN_RUNS` distinct runs (N, D), :data:`APPROACH3_MIN_SIZES` distinct sizes and
    :data:`APPROACH3_MIN_BUDGETS` budgets. With fewer, five parameters rest on a handful of noisy points: near-equal
    optima far apart in (E, A, B, alpha, beta) fit them, and which one the optimiser returns is decided by
    floating-point noise, so the extrapolated loss is not determined by the campaign.
    """
    points = len({(r.params, r.tokens) for r in runs})  # a repeated run returns the same loss
    sizes = len({r.params for r in runs})
    budgets = len({float(f"{r.flop:.2g}") for r in runs})
    if points >= APPROACH3_MIN_RUNS and sizes >= APPROACH3_MIN_SIZES and budgets >= APPROACH3_MIN_BUDGETS:
        return None
    return (f"{points} distinct runs at {sizes} sizes and {budgets} budgets are too few for Approach 3 (it needs "
            f"{APPROACH3_MIN_RUNS} distinct runs, {APPROACH3_MIN_SIZES} sizes and {APPROACH3_MIN_BUDGETS} budgets to "
            "determine its five parameters): its loss would be picked by floating-point noise among near-equal "
            "optima, so predict extrapolates the IsoFLOP minima instead")


@dataclass(frozen=True)
class Route:
    """What :func:`predict` did with a set of runs, so that notes can report it.

    ``frontier``: the Approach 2 fit N_opt came from; ``method``: "parabola" (a vertex per budget) or "min_run"
    (each budget's lowest-loss run: fewer than two profiles had an interior minimum); ``skipped``: budgets
    without a parabola vertex and why (``fit_approach2``'s reasons); ``loss_from``: "approach3", or "minima"
    (a power law through the frontier's minimum losses, when :func:`approach3_shortfall` says the runs are too
    few); ``shortfall``: that reason, or None.
    """

    frontier: ComputeOptimalFit
    method: str
    skipped: dict
    loss_from: str
    shortfall: str | None


def _columns(runs: Sequence[RunRecord]):
    n = np.array([r.params for r in runs], dtype=float)
    c = np.array([float(f"{r.flop:.2g}") for r in runs])
    return n, c, np.array([r.loss for r in runs])


def route(runs: Sequence[RunRecord]) -> Route:
    """How :func:`predict` reads ``runs``: which Approach 2 fit ran, which budgets it skipped, where the loss
    comes from. Raises ValueError with fewer than two budgets."""
    n, c, loss = _columns(runs)
    skipped = parabola_skips(n, c, loss)
    try:
        frontier, method = fit_approach2(n, c, loss), "parabola"
    except ValueError:  # no two IsoFLOP profiles with an interior minimum
        frontier, method = fit_approach2(n, c, loss, method="min_run", min_runs=1), "min_run"
    shortfall = approach3_shortfall(runs)
    return Route(frontier, method, skipped, "minima" if shortfall else "approach3", shortfall)


def minima_loss(frontier: ComputeOptimalFit, target_flop: float = TARGET_FLOP) -> float:
    """The loss at ``target_flop`` from a power law in C fitted by least squares through the frontier's minimum
    losses. It has no floor E, so its log-log slope stays as steep as at the fitted budgets while the true
    curve flattens towards E: extrapolated it underestimates the loss (chapter 8 measures by how much)."""
    slope, intercept = np.polyfit(np.log(frontier.compute), np.log(frontier.loss_opt), 1)
    return math.exp(intercept + slope * math.log(float(as_positive("target_flop", target_flop, "FLOP"))))


def predict(runs: Sequence[RunRecord], target_flop: float = TARGET_FLOP) -> Prediction:
    """N_opt from Approach 2 and the loss from Approach 3, at ``target_flop``; each well-posed or replaced.

    N_opt: Approach 2 with a parabola per budget; when fewer than two budgets have an interior minimum, Approach 2
    with each budget's lowest-loss run (CS336's method). Both are linear least-squares fits: determined.
    Loss: Approach 3 with a squared penalty on log residuals (the lab's noise is lognormal without outliers, so
    this is the maximum-likelihood fit, and its smooth minimum is found to about 1e-6 of the loss; Hoffmann's
    Huber penalty leaves it flat to about 1e-5), from the reduced :data:`~scalinglaws.fit.BOOTSTRAP_GRID`.
    When :func:`approach3_shortfall` says the runs are too few, :func:`minima_loss` instead (biased low).
    :func:`route` says which of these ran. Raises ValueError with fewer than two budgets.
    """
    way = route(runs)
    n_opt = float(way.frontier.predict_N(target_flop))
    if way.loss_from == "minima":
        return Prediction(n_opt, minima_loss(way.frontier, target_flop))
    n, _, loss = _columns(runs)
    d = np.array([r.tokens for r in runs], dtype=float)
    law = fit_approach3(n, d, loss, penalty="squared", init_grid=BOOTSTRAP_GRID).law
    return Prediction(n_opt, float(law.optimal_allocation(target_flop).loss))
