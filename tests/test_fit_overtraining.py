"""fit_overtraining against a faithful re-run of Gadre et al.'s multi-start curve_fit, and on known laws.

Synthetic runs drawn from a known law run always; the checks on their real runs (marker
``gadre2024``) read the table from SCALINGLAWS_GADRE2024 or the user's cached copy, or fetch it (tests/conftest.py)."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scalinglaws.fit import fit_overtraining
from scalinglaws.overtraining import OvertrainingLaw
from scalinglaws.runs import GADRE_2024_FIG1_RELATIVE_ERROR, TRAINING_SETS, load_runs, relative_error

# Their procedure, written once: the benchmark's baseline is the test's reference.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from gadre_baseline import their_fit, their_law  # noqa: E402


# Synthetic runs laid out as theirs: four sizes at M = 20 and the smallest at M = 320 (their five-run fit
# set), then seven more at other M; losses from a law near their RedPajama fit, plus Gaussian noise.
SYNTH_N = np.array([1e7, 8e7, 1.5e8, 4e8, 1e7, 1e7, 8e7, 1.5e8, 4e8, 1e7, 8e7, 1.5e8])
SYNTH_M = np.array([20, 20, 20, 20, 320, 5, 10, 40, 80, 80, 160, 640.0])
SYNTH_LAW = OvertrainingLaw(E=1.84, a=212.0, b=367.0, eta=0.136)


def noisy_runs(k, seed, sigma=0.01):
    rng = np.random.default_rng(seed)
    N, D = SYNTH_N[:k], SYNTH_M[:k] * SYNTH_N[:k]
    return N, D, SYNTH_LAW.loss(N, D) + rng.normal(0.0, sigma, k)


@pytest.mark.parametrize("k", [5, 12])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reaches_at_least_as_low_a_residual_as_their_multi_start_curve_fit_on_noisy_runs(k, seed):
    N, D, y = noisy_runs(k, seed)
    popt, ssr_theirs = their_fit(N, D / N, y)
    fit = fit_overtraining(N, D, y)
    ssr_ours = float(np.sum((y - fit.loss(N, D)) ** 2))
    assert ssr_ours <= ssr_theirs * (1 + 1e-9)
    assert fit.ssr == pytest.approx(ssr_ours, rel=1e-9)
    assert np.allclose(fit.law.code_params, popt, rtol=1e-4)
    assert not fit.at_bound and fit.n_points == k


def test_recovers_the_law_from_runs_with_little_noise():
    N, D, y = noisy_runs(12, 0, sigma=1e-5)
    law = fit_overtraining(N, D, y).law
    assert law.eta == pytest.approx(SYNTH_LAW.eta, rel=2e-3)
    assert law.E == pytest.approx(SYNTH_LAW.E, rel=2e-4)
    assert law.optimal_tokens_per_param == pytest.approx(SYNTH_LAW.optimal_tokens_per_param, rel=1e-2)


def test_recovers_the_law_from_the_fit_set_of_a_table_read_by_the_loader(tiny_gadre_table):
    runs = load_runs("rpj", path=tiny_gadre_table.path)
    fit_set, held = runs.fit_set(), runs.held_out()
    fit = fit_overtraining(fit_set.N, fit_set.D, fit_set.loss["c4_val"])
    truth = tiny_gadre_table.loss_law
    assert (fit.law.E, fit.law.a, fit.law.b, fit.law.eta) == pytest.approx(
        (truth.E, truth.a, truth.b, truth.eta), rel=1e-5)
    assert np.allclose(relative_error(fit.loss(held.N, held.D), held.loss["c4_val"]), 0.0, atol=1e-8)


def test_recovers_a_known_law_from_exact_losses():
    truth = OvertrainingLaw(E=1.9, a=150.0, b=400.0, eta=0.14)
    N = np.array([1e7, 3e7, 1e8, 3e8, 1e9, 1e7, 1e8])
    M = np.array([20, 20, 20, 20, 20, 320, 80])
    fit = fit_overtraining(N, M * N, truth.loss(N, M * N))
    assert fit.law.eta == pytest.approx(0.14, rel=1e-6)
    assert (fit.law.E, fit.law.a, fit.law.b) == pytest.approx((1.9, 150.0, 400.0), rel=1e-5)


def test_the_law_in_n_and_d_equals_the_law_in_c_and_m():
    law = OvertrainingLaw(E=1.8, a=200.0, b=350.0, eta=0.13)
    N, D = 4e8, 1.6e10
    assert law.loss(N, D) == pytest.approx(law.loss_at(6 * N * D, D / N), rel=1e-12)
    assert law.as_chinchilla().loss(N, D) == pytest.approx(law.loss(N, D), rel=1e-12)
    m_star = law.optimal_tokens_per_param  # brute force over M at a fixed budget
    grid = np.geomspace(0.1, 1e4, 200001)
    assert grid[np.argmin(law.loss_at(1e21, grid))] == pytest.approx(m_star, rel=1e-4)


@pytest.mark.parametrize("kwargs, match", [
    (dict(N=[1e7, -1e8, 1e9, 1e7], D=[2e8, 2e9, 2e10, 3e9], loss=[4, 3, 2.5, 3.5]), "N must be finite and positive"),
    (dict(N=[1e7, 1e8, 1e9], D=[2e8, 2e9, 2e10, 3e9], loss=[4, 3, 2.5, 3.5]), "same length"),
    (dict(N=[1e7, 1e8, 1e9], D=[2e8, 2e9, 3e9], loss=[4, 3, 2.5]), "at least 4"),
    (dict(N=[1e7, 1e8, 1e9, 1e10], D=[2e8, 2e9, 2e10, 2e11], loss=[4, 3, 2.5, 2]), "two token multipliers"),
    (dict(N=[1e7, 1e8, 1e9, 1e7], D=[2e8, 2e9, 2e10, 3e9], loss=[4, 3, 0, 3.5]), "loss must be finite and positive"),
])
def test_bad_input_raises_a_value_error_that_says_what_is_allowed(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fit_overtraining(**kwargs)


BAD = st.one_of(st.floats(max_value=0.0), st.just(math.nan), st.just(math.inf), st.text(max_size=3),
                st.booleans(), st.none(), st.just(1 + 2j))


@given(bad=BAD, ok=st.floats(min_value=1e3, max_value=1e14), bad_first=st.booleans())
def test_the_law_rejects_bad_sizes_and_budgets_with_a_value_error(bad, ok, bad_first):
    law = OvertrainingLaw(E=1.8, a=200.0, b=350.0, eta=0.13)
    for fn in (law.loss, law.loss_at):
        with pytest.raises(ValueError):
            fn(bad, ok) if bad_first else fn(ok, bad)


def test_a_law_needs_a_positive_exponent_and_finite_constants():
    with pytest.raises(ValueError, match="eta"):
        OvertrainingLaw(E=1.8, a=200.0, b=350.0, eta=0.0)
    with pytest.raises(ValueError, match="a must be a finite number"):
        OvertrainingLaw(E=1.8, a=math.nan, b=350.0, eta=0.1)
    with pytest.raises(ValueError, match="no minimum"):
        OvertrainingLaw(E=1.8, a=-1.0, b=350.0, eta=0.1).optimal_tokens_per_param


# --- their real runs (marker gadre2024: found or fetched, never skipped) ---------------------------------------
@pytest.mark.gadre2024
@pytest.mark.parametrize("training_set", list(TRAINING_SETS))
def test_reaches_at_least_as_low_a_residual_as_their_multi_start_curve_fit(training_set):
    runs = load_runs(training_set).fit_set()
    y = runs.loss["c4_val"]
    popt, ssr_theirs = their_fit(runs.N, runs.M, y)
    fit = fit_overtraining(runs.N, runs.D, y)
    ssr_ours = float(np.sum((y - fit.loss(runs.N, runs.D)) ** 2))
    assert ssr_ours <= ssr_theirs * (1 + 1e-9)
    assert fit.ssr == pytest.approx(ssr_ours, rel=1e-9)
    assert np.allclose(fit.law.code_params, popt, rtol=1e-4)


@pytest.mark.gadre2024
def test_reproduces_their_figure_1_relative_errors_on_redpajama():
    runs = load_runs("rpj")
    fit_set, held = runs.fit_set(), runs.held_out()
    fit = fit_overtraining(fit_set.N, fit_set.D, fit_set.loss["c4_val"])
    rel = np.abs(fit.loss(held.N, held.D) - held.loss["c4_val"]) / held.loss["c4_val"]
    for shape, M, r in zip(held.shape, held.M, rel):
        assert r == pytest.approx(GADRE_2024_FIG1_RELATIVE_ERROR[("loss", shape, M)], abs=5e-7)
