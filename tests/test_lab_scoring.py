"""Scoring: a well planned campaign beats a poorly planned one over many worlds; notes say what cost points."""
import numpy as np
import pytest

from scalinglaws.course.lab.campaign import (SHAPES, isoflop_plan, plan_cost, predict, shape_for, suggested_lr,
                                             worked_plan)
from scalinglaws.course.lab.client import LocalLab
from scalinglaws.course.lab.ledger import Prediction
from scalinglaws.course.lab.scoring import LOSS_TOLERANCE, N_TOLERANCE_DECADES, judge
from scalinglaws.course.lab.world import LAB_BUDGET_FLOP, World
from scalinglaws.transformer import non_embedding_params

WELL_PLANNED = worked_plan()
"""Five budgets over two decades, nine sizes over 2.5 decades at each, lr by Porian's rule."""

POORLY_PLANNED = isoflop_plan([3e16, 5e16, 1e17], sizes_per_budget=3, spread_decades=1.0, lr=1e-3)
"""Three budgets within 3.3x, three sizes each, one learning rate for every size."""

SEEDS = range(16)


def _score(plan, seed):
    lab = LocalLab(seed)
    for run in plan:
        lab.run(**run)
    guess = predict(lab.runs())
    return lab.submit(guess.N_opt, guess.loss)


def test_both_plans_fit_in_the_budget():
    assert plan_cost(WELL_PLANNED) <= LAB_BUDGET_FLOP and plan_cost(POORLY_PLANNED) <= LAB_BUDGET_FLOP


def test_a_well_planned_campaign_scores_measurably_better_over_many_worlds():
    good = np.array([_score(WELL_PLANNED, s).points for s in SEEDS])
    poor = np.array([_score(POORLY_PLANNED, s).points for s in SEEDS])
    assert good.mean() - poor.mean() > 20
    assert (good > poor).mean() >= 0.8


def test_the_notes_name_what_went_wrong_in_a_poor_campaign():
    notes = " ".join(_score(POORLY_PLANNED, 0).notes)
    assert "span only 3.3×" in notes
    assert "9 of 9 runs used a learning rate" in notes
    assert "so few noisy points" in notes or "one side of the valley" in notes


def test_a_profile_on_one_side_of_the_valley_is_called_out():
    world = World.from_seed(2)
    lab = LocalLab(2)
    best = world.truth(1e16).N
    for params in (best / 8, best / 5, best / 3):
        layers, width, heads = shape_for(params)
        lab.run(layers, width, heads, lr=suggested_lr(non_embedding_params(layers, width)), flop=1e16)
    notes = judge(world, lab.runs(), Prediction(world.truth().N, world.truth().loss)).notes
    assert any("lay below the true optimum" in n and "one side of the valley" in n for n in notes)


def test_the_truth_scores_100_and_the_points_fall_linearly_to_zero():
    world = World.from_seed(4)
    truth = world.truth()
    assert judge(world, [], Prediction(truth.N, truth.loss)).points == pytest.approx(100)
    half = judge(world, [], Prediction(truth.N * 10 ** (N_TOLERANCE_DECADES / 2), truth.loss * (1 + LOSS_TOLERANCE)))
    assert (half.n_points, half.loss_points) == (pytest.approx(25), pytest.approx(0, abs=1e-9))
    assert any("no runs" in n for n in half.notes)
    with pytest.raises(ValueError, match="N_opt must be finite and positive"):
        judge(world, [], Prediction(-1.0, 3.0))


def test_plans_use_menu_shapes_and_refuse_too_many_runs():
    assert all(shape in SHAPES for shape in {(r["n_layer"], r["d_model"], r["n_heads"]) for r in WELL_PLANNED})
    with pytest.raises(ValueError, match="at most 200 runs"):
        isoflop_plan(np.geomspace(1e14, 1e17, 30), sizes_per_budget=10)
