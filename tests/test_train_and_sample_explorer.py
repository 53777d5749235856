import itertools

import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws import train_and_sample as tt
from scalinglaws.course.explorers.train_and_sample import N_GRID, TrainToTestExplorer, loss_profiles, plans
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT

LAW, TERM = sl.HOFFMANN_2022_UNROUNDED, tt.EXAMPLE_SAMPLES_TERM


@pytest.fixture(scope="module")
def explorer():
    return TrainToTestExplorer()


def test_explorer_fits_the_static_frame_budget(explorer):
    assert len(list(itertools.product(*[c.values for c in explorer.controls]))) <= STATIC_FRAME_LIMIT


def test_one_sample_profile_spends_the_rest_of_the_budget_on_training():
    one, best = loss_profiles(1e23, 1e8)
    n = N_GRID[::40]
    d = (1e23 - 2 * n * 1000 * 1e8) / (6 * n)
    expected = np.where(d > 0, LAW.E + LAW.A * n ** -LAW.alpha + LAW.B * np.abs(d) ** -LAW.beta + TERM.G, np.nan)
    assert np.allclose(one[::40], expected, equal_nan=True)
    ok = ~np.isnan(one)
    assert np.all(best[ok] <= one[ok] + 1e-12)


@pytest.mark.parametrize("budget, questions", [(1e22, 1e7), (1e23, 1e8), (1e24, 1e10)])
def test_best_k_profile_bottoms_out_at_the_solved_optimum(budget, questions):
    _, best = loss_profiles(budget, questions)
    joint = tt.lifetime_train_to_test_optimal(LAW, budget, questions)
    assert np.nanmin(best) == pytest.approx(joint.loss, abs=2e-3)
    assert np.nanmin(best) >= joint.loss - 1e-12
    assert N_GRID[np.nanargmin(best)] == pytest.approx(joint.N, rel=0.15)


def test_update_draws_each_plan_and_rings_the_held_one(explorer):
    readout = explorer.update(budget=1e23, questions=1e8, hold=1)
    found = plans(1e23, 1e8)
    for hold, plan in found.items():
        assert explorer.points[hold].get_data()[0][0] == pytest.approx(plan.N)
    assert explorer.ring.get_data()[0][0] == pytest.approx(found["one_sample"].N)
    assert "held fixed: k = 1 sample per question" in readout
    assert f"{found['one_sample'].tokens_per_param:,.0f} tokens/param" in readout


def test_live_hold_slider_rounds_to_a_choice(explorer):
    assert "held fixed: nothing" in explorer.update(budget=1e23, questions=1e8, hold=0.4)
    assert "held fixed: compute-optimal training" in explorer.update(budget=1e23, questions=1e8, hold=2.7)


def test_frames_differ_with_demand(explorer):
    assert explorer.png(budget=1e23, questions=1e6, hold=0) != explorer.png(budget=1e23, questions=1e10, hold=0)


def test_the_reader_sees_words_not_identifiers(explorer):
    """The legend, the slider's value and the readout name each choice in words (no ``one_sample``)."""
    legend = [t.get_text() for t in explorer.fig.axes[0].get_legend().get_texts()]
    hold = explorer.controls[2]
    shown = legend + [hold.fmt(v) for v in hold.values]
    shown += [explorer.update(budget=1e23, questions=1e8, hold=v) for v in hold.values]
    assert "optimum, holding k = 1" in legend
    for text in shown:
        assert not any(name in text for name in tt.HOLDS if "_" in name), text
