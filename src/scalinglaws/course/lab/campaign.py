"""Planning an IsoFLOP campaign from the lab's menu, and predicting from its runs with Approaches 2 and 3.

Taught in chapters/08_lab.ipynb.
"""
from __future__ import annotations

import itertools
import math
from typing import Sequence

import numpy as np

from scalinglaws._validate import as_int, as_positive
from scalinglaws.compute import FLOP_PER_PARAM_TOKEN_TRAIN
from scalinglaws.course.lab.ledger import Prediction, RunRecord
from scalinglaws.course.lab.world import (MENU_D_MODEL, MENU_LAYERS, MIN_HEAD_DIM, PORIAN_2024_LR, TARGET_FLOP)
from scalinglaws.fit import BOOTSTRAP_GRID, fit_approach2, fit_approach3
from scalinglaws.transformer import non_embedding_params

__all__ = ["WORKED_BUDGETS", "worked_plan", "SHAPES", "shape_for", "suggested_lr", "isoflop_plan", "plan_cost",
           "predict", "MAX_PLAN_RUNS"]

HEAD_DIM = 64
"""Head dimension the planner aims for (fewer heads when d_model is small, never below MIN_HEAD_DIM)."""

ASPECT_RANGE = (16, 256)
"""d_model / n_layer ratios the planner accepts (Kaplan et al. 2020, Fig. 5: loss is flat over a wide range)."""

GUESS_TOKENS_PER_PARAM = 20.0
"""A plan centres each IsoFLOP profile on the size a 20-tokens-per-parameter rule of thumb picks."""

MAX_PLAN_RUNS = 200
"""Most runs one plan may hold."""

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


def predict(runs: Sequence[RunRecord], target_flop: float = TARGET_FLOP) -> Prediction:
    """N_opt from Approach 2 (parabola per budget) and the loss from Approach 3, at ``target_flop``.

    When Approach 2 cannot fit (fewer than two budgets with an interior minimum), N_opt comes from Approach 3 too.
    Approach 3 starts from the reduced :data:`~scalinglaws.fit.BOOTSTRAP_GRID` (fast enough for many seeds).
    """
    n = np.array([r.params for r in runs], dtype=float)
    c = np.array([float(f"{r.flop:.2g}") for r in runs])
    d = np.array([r.tokens for r in runs], dtype=float)
    loss = np.array([r.loss for r in runs])
    best = fit_approach3(n, d, loss, init_grid=BOOTSTRAP_GRID).law.optimal_allocation(target_flop)
    try:
        n_opt = float(fit_approach2(n, c, loss).predict_N(target_flop))
    except ValueError:  # no two IsoFLOP profiles with an interior minimum
        n_opt = float(best.N)
    return Prediction(n_opt, float(best.loss))
