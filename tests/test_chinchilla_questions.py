import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import curve_fit, minimize_scalar

import scalinglaws as sl
from scalinglaws.course.checks import evaluate, questions
from scalinglaws.course.questions.chinchilla import GOPHER_BUDGET, frontier_data

CHIN = sorted(qid for qid in questions() if qid.startswith("chin-"))


def status(qid, answer):
    return evaluate(qid, answer).status


def test_at_least_five_chinchilla_questions_including_the_three_from_the_source_texts():
    assert len(CHIN) >= 5
    assert {"chin-double-compute", "chin-gpt3-tokens", "chin-gpt3-fraction", "chin-irreducible",
            "chin-implement-allocation"} <= set(CHIN)


def test_doubling_compute_answer_is_root_two_times_chinchilla():
    # independent route: Approaches 1-2 (Table 2) give a = b = 0.5, so both grow by sqrt(2)
    assert status("chin-double-compute", (70e9 * 2 ** 0.5, 1.4e12 * 2 ** 0.5)) == "correct"
    assert status("chin-double-compute", ("99B", "1.98T")) == "correct"
    assert "doubles only N" in evaluate("chin-double-compute", (140e9, 1.4e12)).message
    assert "quadruples" in evaluate("chin-double-compute", (140e9, 2.8e12)).message
    assert "Kaplan" in evaluate("chin-double-compute", (70e9 * 2 ** 0.73, 1.4e12 * 2 ** 0.27)).message


def test_gpt3_answers_are_3_5t_tokens_and_under_nine_percent():
    assert status("chin-gpt3-tokens", "3.5T") == "correct"
    assert status("chin-gpt3-fraction", 300e9 / 3.5e12) == "correct"
    assert "widely circulated" in evaluate("chin-gpt3-fraction", 0.12).message
    assert "inverse" in evaluate("chin-gpt3-fraction", 3.5e12 / 300e9).message
    assert "percentage" in evaluate("chin-gpt3-fraction", 8.57).message


def test_irreducible_loss_choice_rejects_human_level_and_best_model_so_far():
    assert status("chin-irreducible", "c") == "correct"
    assert "not human performance" in evaluate("chin-irreducible", "a").message
    assert "best model so far" in evaluate("chin-irreducible", "b").message


def test_reading_e_off_a_fitted_curve():
    compute, loss = frontier_data()
    (e, _, _), _ = curve_fit(lambda logc, e, logk, g: e + np.exp(logk - g * logc), np.log(compute), loss,
                             p0=[1.0, 3.0, 0.1], maxfev=20000)
    assert status("chin-read-e", e) == "correct"
    assert "lowest observed loss" in evaluate("chin-read-e", loss.min()).message


def _eq4(C, E, A, B, alpha, beta):
    """Hoffmann et al. 2022, Eq. 4, written out from the paper."""
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    return G * (C / 6) ** (beta / (alpha + beta)), (C / 6) ** (alpha / (alpha + beta)) / G


def test_implementing_the_allocation_is_checked_against_the_closed_form():
    assert status("chin-implement-allocation", _eq4) == "correct"
    forgot = evaluate("chin-implement-allocation", lambda C, *law: _eq4(6 * C, *law))
    assert "dropped the 6" in forgot.message


def test_compute_ratio_gopher_ratio_and_waste_against_independent_routes():
    assert status("chin-compute-ratio", (6 * 70e9 * 1.4e12) / (6 * 175e9 * 300e9)) == "correct"
    assert status("chin-compute-ratio", 5.76e23 / 3.14e23) == "correct"  # the papers' own FLOP counts
    assert "Not the same compute" in evaluate("chin-compute-ratio", 1).message
    law = sl.BESIROGLU_2024
    res = minimize_scalar(lambda x: law.isoflop_loss(np.exp(x), GOPHER_BUDGET), bounds=(np.log(1e8), np.log(1e13)),
                          method="bounded", options={"xatol": 1e-10})
    n = np.exp(res.x)
    assert status("chin-gopher-ratio", GOPHER_BUDGET / (6 * n) / n) == "correct"
    assert "rounded published fit" in evaluate("chin-gopher-ratio", 92.6).message
    assert status("chin-wasted", 0.486) == "correct"
    assert "1 − 1/4" in evaluate("chin-wasted", 0.75).message


@pytest.mark.parametrize("qid", CHIN)
def test_no_hint_is_mistaken_for_the_right_answer(qid):
    q = questions()[qid]
    if q.kind == "number":
        for h in q.hints:
            value = h.value() if callable(h.value) else h.value
            assert status(qid, value) == "wrong", (qid, h.message)
    elif q.kind == "choice":
        assert all(h.value != q.expected() for h in q.hints)
    else:
        for h in q.hints:
            assert status(qid, h.value) == "wrong", (qid, h.message)


anything = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                     st.tuples(st.floats(), st.floats()), st.just(lambda *a: None), st.just(lambda *a: 1 / 0))


@given(qid=st.sampled_from(CHIN), answer=anything)
def test_a_chinchilla_check_never_raises(qid, answer):
    assert evaluate(qid, answer).status in ("correct", "wrong", "invalid", "unanswered")
