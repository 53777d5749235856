import itertools

import numpy as np
import pytest

from scalinglaws import sampling as sm
from scalinglaws.course.explorers.inference import ComputeMatchedExplorer, SamplingExplorer, winning_range
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT


@pytest.fixture(scope="module")
def sampling_explorer():
    return SamplingExplorer()


@pytest.fixture(scope="module")
def matched_explorer():
    return ComputeMatchedExplorer()


@pytest.mark.parametrize("cls", [SamplingExplorer, ComputeMatchedExplorer])
def test_explorers_fit_the_static_frame_budget(cls):
    assert len(list(itertools.product(*[c.values for c in cls().controls]))) <= STATIC_FRAME_LIMIT


def test_sampling_readout_shows_the_packages_numbers(sampling_explorer):
    readout = sampling_explorer.update(samples=16, accuracy=0.4)
    assert f"{sm.coverage(0.4, 16):.3f}" in readout
    assert f"{sm.majority_vote_accuracy(16, 0.4, sm.EXAMPLE_WRONG_ANSWERS):.3f}" in readout
    assert f"{sm.best_of_n_accuracy(16, 0.4):.3f}" in readout
    assert "2.6e14 FLOP" in readout  # 16 × 2 × 8e9 × 1000


def test_sampling_live_slider_values_are_rounded_to_whole_samples(sampling_explorer):
    assert sampling_explorer.update(samples=7.6, accuracy=0.3).startswith("k = 8 samples")
    x, y = sampling_explorer.marker.get_data()
    assert x[0] == 8 and y[0] == pytest.approx(sm.coverage(0.3, 8))


def test_sampling_frames_differ_with_the_controls(sampling_explorer):
    assert sampling_explorer.png(samples=2, accuracy=0.3) != sampling_explorer.png(samples=64, accuracy=0.3)


def test_matched_explorer_draws_the_compute_matched_comparison(matched_explorer):
    readout = matched_explorer.update(size_ratio=14, inference_ratio=1, odds_exponent=0.75)
    cmp = sm.compute_matched_comparison(matched_explorer.p, 14, 1.0, 0.75)
    assert np.allclose(matched_explorer.lines["large"].get_ydata(), cmp.large)
    assert np.allclose(matched_explorer.lines["majority"].get_ydata(), cmp.majority)
    assert "k = 53 samples" in readout  # 14 + 3 × 13 / 1: the larger model's extra training buys samples
    assert "75% of its lifetime FLOP is training" in readout


def test_matched_explorer_gives_fewer_samples_as_serving_grows(matched_explorer):
    low = matched_explorer.update(size_ratio=14, inference_ratio=0.3, odds_exponent=0.75)
    high = matched_explorer.update(size_ratio=14, inference_ratio=100, odds_exponent=0.75)
    assert "k = 144 samples" in low and "k = 14 samples" in high  # floor(14 + 39/0.3), floor(14 + 39/100)


def test_matched_explorer_handles_every_static_frame_within_the_bounds(matched_explorer):
    for combo in itertools.product(*[c.values for c in matched_explorer.controls]):
        values = dict(zip((c.name for c in matched_explorer.controls), combo))
        assert sm.lifetime_matched_samples(values["size_ratio"], values["inference_ratio"]) <= sm.MAX_VOTE_SAMPLES


def test_winning_range_reports_where_the_challenger_is_ahead():
    x = np.array([0.1, 0.2, 0.3, 0.4])
    assert winning_range(x, np.array([0.0, 0.5, 0.5, 0.0]), np.full(4, 0.2)) == (0.2, 0.3)
    assert winning_range(x, np.zeros(4), np.ones(4)) is None


def test_matched_explorer_offers_snells_inference_loads(matched_explorer):
    ratios = next(c for c in matched_explorer.controls if c.name == "inference_ratio").values
    assert set(sm.SNELL_2024["inference_ratios"]) <= set(ratios)  # 0.16, 0.79, 22 (Snell et al. §7)
