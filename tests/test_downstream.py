"""fit_downstream against their single curve_fit, and the chained predictions of their Fig. 1.

Synthetic (loss, error) pairs from a known law run always; the checks on their real runs (marker
``gadre2024``) read the table from SCALINGLAWS_GADRE2024 or the user's cached copy, or fetch it (tests/conftest.py)."""
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scalinglaws.downstream import DownstreamLaw, fit_downstream
from scalinglaws.fit import fit_overtraining
from scalinglaws.runs import GADRE_2024_FIG1_RELATIVE_ERROR, TRAINING_SETS, load_runs


# Their fit_ds step, written once in benchmarks/gadre_baseline.py: one curve_fit from scipy's default start.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from gadre_baseline import their_downstream  # noqa: E402


def their_downstream_fit(x, y):
    """Their fitted (a, b, E) and its sum of squared residuals."""
    popt = their_downstream(x, y)
    return popt, float(np.sum((y - (popt[2] - popt[0] * np.exp(-popt[1] * x))) ** 2))


# Six losses spread as their fit points are (nats/token), errors from a law near their RedPajama fit + noise.
SYNTH_LOSS = np.array([4.6, 3.9, 3.6, 3.3, 4.1, 2.9])
SYNTH_LAW = DownstreamLaw(epsilon=0.76, k=1.32, gamma=0.89)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_reaches_at_least_as_low_a_residual_as_their_curve_fit_on_noisy_errors(seed):
    rng = np.random.default_rng(seed)
    y = SYNTH_LAW.error(SYNTH_LOSS) + rng.normal(0.0, 0.005, SYNTH_LOSS.size)
    popt, ssr_theirs = their_downstream_fit(SYNTH_LOSS, y)
    fit = fit_downstream(SYNTH_LOSS, y)
    assert float(np.sum((y - fit.error(SYNTH_LOSS)) ** 2)) <= ssr_theirs * (1 + 1e-9)
    assert (fit.law.k, fit.law.gamma, fit.law.epsilon) == pytest.approx(tuple(popt), rel=1e-4)


def test_recovers_the_law_from_a_table_read_by_the_loader(tiny_gadre_table):
    runs = load_runs("rpj", path=tiny_gadre_table.path)
    fit = fit_downstream(runs.loss["c4_val"], runs.task_error["arc_easy"])
    truth = tiny_gadre_table.err_law
    assert (fit.law.epsilon, fit.law.k, fit.law.gamma) == pytest.approx((truth.epsilon, truth.k, truth.gamma),
                                                                         rel=1e-6)


def test_recovers_a_known_law():
    truth = DownstreamLaw(epsilon=0.76, k=1.3, gamma=0.9)
    L = np.linspace(2.3, 5.0, 8)
    fit = fit_downstream(L, truth.error(L))
    assert (fit.law.epsilon, fit.law.k, fit.law.gamma) == pytest.approx((0.76, 1.3, 0.9), rel=1e-6)


@pytest.mark.parametrize("loss, error, match", [
    ([3.0, 2.5, -1.0, 2.8], [0.6, 0.5, 0.4, 0.55], "loss must be finite and positive"),
    ([3.0, 2.5, 2.2], [0.6, 0.5], "same length"),
    ([3.0, 2.5, 2.2], [0.6, 1.5, 0.4], r"fractions in \[0, 1\]"),
    ([3.0, 3.0, 2.5, 2.5], [0.6, 0.6, 0.5, 0.5], "3 distinct losses"),
])
def test_bad_input_raises_a_value_error(loss, error, match):
    with pytest.raises(ValueError, match=match):
        fit_downstream(loss, error)


@given(bad=st.one_of(st.floats(max_value=0.0), st.just(math.nan), st.just(math.inf), st.text(max_size=3),
                     st.booleans(), st.none()))
def test_the_law_rejects_a_bad_loss_with_a_value_error(bad):
    with pytest.raises(ValueError):
        DownstreamLaw(epsilon=0.76, k=1.3, gamma=0.9).error(bad)


# --- their real runs (marker gadre2024: found or fetched, never skipped) ---------------------------------------
def error_fit_points(training_set, quantity):
    """Their fit_ds with add_1b: the five loss-fit runs plus the 1.4B run at M = 20."""
    runs = load_runs(training_set)
    big = runs.large()
    one = big.take((big.shape == "open_lm_1b") & (big.M == 20.0))
    fit = runs.fit_set()
    return (np.r_[fit.loss["c4_val"], one.loss["c4_val"]],
            np.r_[getattr(fit, quantity), getattr(one, quantity)])


@pytest.mark.gadre2024
@pytest.mark.parametrize("training_set", list(TRAINING_SETS))
@pytest.mark.parametrize("quantity", ["err_avg", "err_avg_subset"])
def test_reaches_at_least_as_low_a_residual_as_their_curve_fit_on_their_runs(training_set, quantity):
    x, y = error_fit_points(training_set, quantity)
    popt, ssr_theirs = their_downstream_fit(x, y)
    fit = fit_downstream(x, y)
    assert float(np.sum((y - fit.error(x)) ** 2)) <= ssr_theirs * (1 + 1e-9)
    assert (fit.law.k, fit.law.gamma, fit.law.epsilon) == pytest.approx(tuple(popt), rel=1e-4)


@pytest.mark.gadre2024
def test_reproduces_their_figure_1_downstream_errors_on_redpajama():
    runs = load_runs("rpj")
    fit_set, held = runs.fit_set(), runs.held_out()
    loss_law = fit_overtraining(fit_set.N, fit_set.D, fit_set.loss["c4_val"])
    err_law = fit_downstream(*error_fit_points("rpj", "err_avg_subset"))
    predicted = err_law.error(loss_law.loss(held.N, held.D))
    rel = np.abs(predicted - held.err_avg_subset) / held.err_avg_subset
    for shape, M, r in zip(held.shape, held.M, rel):
        assert r == pytest.approx(GADRE_2024_FIG1_RELATIVE_ERROR[("err_avg_subset", shape, M)], abs=5e-7)
