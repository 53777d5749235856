"""scalinglaws.gadre.reproduce: Gadre et al.'s two fits and their held-out predictions.

On a tiny table drawn exactly from known laws (always), and on their real runs (marker ``gadre2024``), where
the relative errors must be the ones their own notebook prints for Fig. 1."""
import numpy as np
import pytest

from scalinglaws.gadre import error_fit_runs, reproduce
from scalinglaws.runs import GADRE_2024_FIG1_RELATIVE_ERROR, TRAINING_SETS, load_runs


def test_recovers_both_laws_and_predicts_the_held_out_runs_exactly(tiny_gadre_table):
    rep = reproduce("rpj", path=tiny_gadre_table.path)
    truth, err = tiny_gadre_table.loss_law, tiny_gadre_table.err_law
    assert rep.loss_fit.law.eta == pytest.approx(truth.eta, rel=1e-6)
    assert rep.error_fit.law.gamma == pytest.approx(err.gamma, rel=1e-5)
    assert sorted(rep.held_out.shape) == ["open_lm_1b", "open_lm_7b"]
    assert np.allclose(rep.loss_relative_error(), 0.0, atol=1e-8)
    assert np.allclose(rep.predicted_loss(), truth.loss(rep.held_out.N, rep.held_out.D), rtol=1e-8)


def test_the_error_law_is_fitted_on_the_five_loss_runs_and_the_14b_at_m_20(tiny_gadre_table):
    runs = load_runs("rpj", path=tiny_gadre_table.path)
    points = error_fit_runs(runs)
    assert len(points) == 6
    assert list(points.name[:5]) == list(runs.fit_set().name)
    assert (points.shape[5], points.M[5]) == ("open_lm_1b", 20.0)


def test_an_unknown_error_average_is_refused_with_the_allowed_ones():
    with pytest.raises(ValueError, match="err_avg_subset"):
        reproduce("rpj", error="err_avg_17")


@pytest.mark.gadre2024
@pytest.mark.parametrize("quantity", ["loss", "err_avg_subset"])
def test_reproduces_their_figure_1_on_redpajama(quantity):
    rep = reproduce("rpj")
    rel = rep.loss_relative_error() if quantity == "loss" else rep.error_relative_error()
    for shape, M, r in zip(rep.held_out.shape, rep.held_out.M, rel):
        assert r == pytest.approx(GADRE_2024_FIG1_RELATIVE_ERROR[(quantity, shape, M)], abs=5e-7)


@pytest.mark.gadre2024
@pytest.mark.parametrize("training_set", list(TRAINING_SETS))
def test_every_training_set_holds_out_a_14b_over_trained_and_the_69b_at_m_20(training_set):
    held = reproduce(training_set).held_out
    assert sorted(held.shape) == ["open_lm_1b", "open_lm_7b"]
    assert held.M[held.shape == "open_lm_7b"][0] == 20.0 and held.M[held.shape == "open_lm_1b"][0] > 20.0


@pytest.mark.gadre2024
def test_the_real_run_questions_accept_answers_from_their_own_multi_start_curve_fit():
    """An independent route: their 128-start curve_fit (benchmarks/gadre_baseline.py) answers practice 5."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from gadre_baseline import their_fit, their_law

    from scalinglaws.course.checks import judge, questions

    runs = load_runs("rpj")
    fit = runs.fit_set()
    (alpha, beta, exponent, E), _ = their_fit(fit.N, fit.M, fit.loss["c4_val"])
    eta = -exponent / 2
    big = runs.large()
    seven = big.take(big.shape == "open_lm_7b")
    predicted = float(their_law(np.array([seven.N, seven.M]), alpha, beta, exponent, E)[0])
    measured = float(seven.loss["c4_val"][0])
    answers = {"over-real-eta": eta, "over-real-7b-loss": predicted,
               "over-real-7b-error": abs(predicted - measured) / measured,
               "over-real-optimal-m": (beta / (alpha * 6 ** eta)) ** (1 / (2 * eta))}
    for qid, answer in answers.items():
        assert judge(questions()[qid], answer).status == "correct", (qid, answer)
