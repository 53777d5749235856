"""Scoring: a well planned campaign beats a poorly planned one over many worlds; notes say what cost points."""
import numpy as np
import pytest

import scalinglaws.course.lab.campaign as campaign
from scalinglaws.course.lab.campaign import (APPROACH3_MIN_RUNS, SHAPES, approach3_shortfall, isoflop_plan,
                                             plan_cost, predict, shape_for, suggested_lr, worked_plan)
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


def _runs(plan, seed):
    lab = LocalLab(seed)
    for run in plan:
        lab.run(**run)
    return lab


def _score(plan, seed):
    lab = _runs(plan, seed)
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
    assert "9 distinct runs at 9 sizes and 3 budgets are too few for Approach 3" in notes
    assert "lay below the true optimum" in notes


def test_the_notes_report_which_fit_ran_and_the_fallbacks_bias():
    notes = _score(POORLY_PLANNED, 0).notes
    route = next(n for n in notes if "Approach 2" in n and "lowest-loss run" in n)
    assert "no parabola at 5e16 FLOP (no interior minimum" in route  # the parabola that did not happen
    assert "underestimates the loss" in route
    loss_note = next(n for n in notes if n.startswith("the loss is"))
    assert "too low" in loss_note and "no floor E" in loss_note
    assert not any("vertex loose" in n for n in notes)


def test_an_n_opt_error_is_traced_to_the_vertices_or_the_extrapolation():
    notes = _score(POORLY_PLANNED, 0).notes
    first = notes[0]
    assert first.startswith("N_opt is") and "at your largest budget" in first and "slope a =" in first
    assert "most of the error came from the extrapolation" in first


def test_the_learning_rate_note_does_not_claim_one_world_shows_the_cost():
    lr_note = next(n for n in _score(POORLY_PLANNED, 0).notes if "learning rate" in n)
    assert "over many worlds it costs points on average" in lr_note


def test_submit_refuses_swapped_or_impossible_predictions():
    lab = LocalLab(3)
    with pytest.raises(ValueError, match="look swapped"):
        lab.submit(3.0, 1e9)
    with pytest.raises(ValueError, match="tokens per parameter"):
        lab.submit(5e15, 3.0)
    with pytest.raises(ValueError, match="trained model's"):
        lab.submit(5e8, 40.0)
    assert lab.submit("500M", "3.2").prediction.N_opt == 5e8


def test_one_budget_is_not_called_budgets():
    lab = _runs(WELL_PLANNED[:9], 1)  # one budget only
    notes = judge(lab.world, lab.runs(), Prediction(lab.world.truth().N, lab.world.truth().loss)).notes
    assert any("cover 1 budget:" in n for n in notes) and not any("1 budgets" in n for n in notes)


def test_a_profile_on_one_side_of_the_valley_is_called_out():
    world = World.from_seed(2)
    lab = LocalLab(2)
    best = world.truth(1e16).N
    for params in (best / 8, best / 5, best / 3):
        layers, width, heads = shape_for(params)
        lab.run(layers, width, heads, lr=suggested_lr(non_embedding_params(layers, width)), flop=1e16)
    missed = judge(world, lab.runs(), Prediction(world.truth().N / 2, world.truth().loss)).notes
    assert any("lay below the true optimum" in n for n in missed)
    right = judge(world, lab.runs(), Prediction(world.truth().N, world.truth().loss)).notes
    assert not any("lay below the true optimum" in n for n in right)  # no points lost on N_opt: not blamed


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


def test_approach3_needs_enough_runs_sizes_and_budgets():
    runs = _runs(WELL_PLANNED, 0).runs()  # 5 budgets x 9 sizes, ordered by budget
    assert approach3_shortfall(runs) is None
    assert approach3_shortfall(runs[:APPROACH3_MIN_RUNS]) is None  # 20 runs: 3 budgets, 9+ sizes
    assert "19 distinct runs" in approach3_shortfall(runs[:APPROACH3_MIN_RUNS - 1])  # 3 budgets still
    one_size_per_budget = runs[::9]  # a repeated run returns the same loss: it adds no information
    assert "5 distinct runs at 5 sizes and 5 budgets" in approach3_shortfall(one_size_per_budget * 4)
    two_budgets = runs[:18]
    assert "18 distinct runs" in approach3_shortfall(two_budgets)
    assert " sizes and 2 budgets are too few" in approach3_shortfall(two_budgets)
    assert approach3_shortfall(two_budgets + runs[18:20]) is None


def test_too_few_runs_skip_approach3_and_extrapolate_the_isoflop_minima(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Approach 3 must not be fitted to too few runs")

    monkeypatch.setattr(campaign, "fit_approach3", refuse)
    world = World.from_seed(3)
    lab = LocalLab(3)
    budgets = (1e16, 1e17)
    for budget in budgets:  # three sizes bracketing each budget's true optimum
        best = world.truth(budget).N
        for factor in (1 / 6, 1, 6):
            layers, width, heads = shape_for(best * factor)
            lab.run(layers, width, heads, flop=budget,
                    lr=suggested_lr(non_embedding_params(layers, width)))
    runs = lab.runs()
    frontier = campaign.fit_approach2(*_columns(runs))
    assert list(frontier.compute) == list(budgets)
    (l1, l2), target = frontier.loss_opt, 1e19
    two_point_law = l1 * (target / 1e16) ** (np.log(l2 / l1) / np.log(10))  # a line through 2 points in log-log
    guess = predict(runs, target)
    assert guess.loss == pytest.approx(two_point_law, rel=1e-12)
    assert guess.N_opt == pytest.approx(frontier.predict_N(target), rel=1e-12)


def test_without_interior_minima_n_opt_comes_from_each_budgets_best_run(monkeypatch):
    runs = _runs(POORLY_PLANNED, 0).runs()  # world 0: every profile lies below its optimum
    with pytest.raises(ValueError):
        campaign.fit_approach2(*_columns(runs))
    n, c, loss = _columns(runs)
    best = [n[c == b][np.argmin(loss[c == b])] for b in np.unique(c)]
    slope, intercept = np.polyfit(np.log(np.unique(c)), np.log(best), 1)
    assert predict(runs).N_opt == pytest.approx(np.exp(intercept + slope * np.log(1e19)), rel=1e-9)
    with pytest.raises(ValueError, match="budget"):
        predict([r for r in runs if r.flop > 9e16])


def _columns(runs):
    n = np.array([r.params for r in runs], dtype=float)
    c = np.array([float(f"{r.flop:.2g}") for r in runs])
    return n, c, np.array([r.loss for r in runs])
