"""RealRunsExplorer on Gadre et al.'s real runs (marker ``gadre2024``: the table is fetched, not shipped)."""
import itertools

import numpy as np
import pytest

from scalinglaws.gadre import FIT_LOSS, reproduce
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT

pytestmark = pytest.mark.gadre2024


@pytest.fixture(scope="module")
def explorer():
    from scalinglaws.course.explorers.real_runs import RealRunsExplorer

    return RealRunsExplorer()


def test_the_default_shows_redpajamas_over_trained_14b_against_their_figure_1(explorer):
    readout = explorer.update(**explorer.defaults())
    assert readout.startswith("RedPajama") and "1.44B at M = 640" in readout
    assert "(0.71% off; Fig. 1: 0.71%)" in readout


def test_the_curve_drawn_is_the_law_fitted_to_that_training_sets_five_runs(explorer):
    explorer.update(training_set=0.0, M=80.0)
    law = reproduce("c4_original").loss_fit.law
    c, loss = explorer.law_line.get_data()
    assert np.allclose(loss, law.loss_at(c, 80.0))
    x, y = explorer.measured.get_data()
    runs = reproduce("c4_original").runs
    pick = (runs.M == 80.0) & (runs.shape == "open_lm_1b")
    assert list(y) == list(runs.loss[FIT_LOSS][pick]) and list(x) == list(runs.C[pick])
    _, predicted = explorer.predicted.get_data()
    assert predicted[0] == pytest.approx(law.loss(runs.N[pick], runs.D[pick])[0])


def test_live_slider_values_between_positions_snap_to_the_nearest_run_grid(explorer):
    assert explorer.update(training_set=1.3, M=600.0) == explorer.update(training_set=1.0, M=640.0)
    assert "no 1.4B or 6.9B run" in explorer.update(training_set=2.0, M=5.0)


def test_frames_fit_the_static_limit_and_differ(explorer):
    grid = list(itertools.product(*[c.values for c in explorer.controls]))
    assert len(grid) == 24 <= STATIC_FRAME_LIMIT
    assert explorer.png(training_set=1.0, M=640.0) != explorer.png(training_set=2.0, M=640.0)
    assert explorer.png(training_set=1.0, M=20.0) != explorer.png(training_set=1.0, M=640.0)


def test_axes_limits_stay_fixed(explorer):
    axes = (explorer.curve_ax, explorer.error_ax)
    before = [(a.get_xlim(), a.get_ylim()) for a in axes]
    explorer.png(training_set=0.0, M=5.0)
    explorer.png(training_set=2.0, M=640.0)
    assert [(a.get_xlim(), a.get_ylim()) for a in axes] == before
