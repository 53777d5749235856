"""Chapter 4 widget: it shows Approach 2 fits of the package's synthetic runs, one experiment and its repeats."""
import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.course.explorers.fitting import TARGET_FLOP, IsoFLOPFitExplorer
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT


@pytest.fixture(scope="module")
def explorer():
    return IsoFLOPFitExplorer()


def test_every_slider_position_renders_a_distinct_frame_and_readout(explorer):
    images, readouts = explorer.frames()
    n = len(explorer.controls[0].values) * len(explorer.controls[1].values)
    assert len(images) == n <= STATIC_FRAME_LIMIT and len(set(images)) == len(set(readouts)) == n


def test_the_shown_experiment_is_the_packages_fit_of_the_seeded_runs(explorer):
    readout = explorer.update(noise=0.02, sizes=4)
    n, c, _, loss = sl.isoflop_runs(explorer.law, per_budget=4, noise=0.02, seed=0)
    fit = sl.fit_approach2(n, c, loss)
    np.testing.assert_allclose(explorer.vertices.get_data()[0], fit.N_opt)
    assert explorer.target.get_data()[1][0] == pytest.approx(float(fit.predict_N(TARGET_FLOP)))
    assert f"a = {fit.a:.3f}" in readout
    shown = np.concatenate([line.get_data()[0] for line in explorer.runs])
    assert np.array_equal(np.sort(shown), np.sort(n))


def test_without_noise_every_repeat_recovers_the_truth_and_noise_widens_the_spread(explorer):
    def spread(noise):
        explorer.update(noise=noise, sizes=6)
        x, y = explorer.spread.get_data()
        at_target = np.asarray(y)[np.isclose(x, TARGET_FLOP)]
        assert at_target.size == explorer.seeds.size  # one fitted line per repeat
        return at_target / explorer.law.optimal_allocation(TARGET_FLOP).N

    clean = spread(0.0)
    assert np.ptp(clean) < 1e-6 and clean[0] == pytest.approx(1, abs=0.02)
    assert np.ptp(spread(0.04)) > np.ptp(spread(0.005)) > 0.05


def test_a_live_slider_between_positions_uses_a_whole_number_of_runs(explorer):
    assert explorer.update(noise=0.01, sizes=5.6).startswith("6 sizes per budget")


def test_it_refuses_a_law_it_cannot_draw_runs_from():
    with pytest.raises(ValueError, match="ChinchillaLaw"):
        IsoFLOPFitExplorer(law=sl.KAPLAN_2020)
