import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scalinglaws.course.checks import STATUS_MARKS, Hint, Question, check, evaluate, judge, questions
import scalinglaws as sl


def test_correct_answers_in_several_forms_are_accepted():
    factor = 10 ** -sl.KAPLAN_2020.alpha_N
    for answer in (factor, np.float64(factor), np.array(factor), f"{factor:.4f}", [factor]):
        assert evaluate("pl-tenfold", answer).status == "correct"


def test_unanswered_placeholders_are_reported_as_not_answered():
    assert evaluate("pl-slope", ...).status == "unanswered"
    assert evaluate("pl-slope", None).status == "unanswered"
    assert evaluate("pl-implement-fit", lambda x, y: None).status == "unanswered"
    pair = Question("t-pair", "number", lambda: (1.0, 2.0))
    assert judge(pair, (..., ...)).status == "unanswered"
    assert judge(pair, (1.0, ...)).status == "invalid"


def test_a_tuple_of_the_wrong_length_says_how_many_numbers_are_expected():
    result = judge(Question("t-pair", "number", lambda: (1.0, 2.0)), (1.0, 2.0, 3.0))
    assert result.status == "invalid" and "expected 2 numbers, e.g. a tuple (..., ...)" in result.message
    assert "expected expected" not in result.message


def test_a_known_misconception_gets_its_own_hint():
    result = evaluate("pl-tenfold", 10 * sl.KAPLAN_2020.alpha_N)
    assert result.status == "wrong" and "not raising 10 to the power" in result.message


def test_off_by_powers_of_ten_and_signs_are_named():
    q = Question("t-units", "number", lambda: 1.4e12, hint="Tokens.")
    assert "factor of 10^3" in _run(q, 1.4e15).message
    q2 = Question("t-sign", "number", lambda: -0.3)
    assert "sign" in _run(q2, 0.3).message


def _run(q, answer):
    from scalinglaws.course import checks

    return checks._CHECKERS[q.kind](q, answer)


def test_choice_questions_read_letters_and_explain_wrong_options():
    q = Question("t-choice", "choice", lambda: "b", options={"a": "x", "b": "y"}, hints=(Hint("a", "Not x."),))
    assert _run(q, " B ").status == "correct"
    assert _run(q, "a").message.endswith("Not x.")
    assert _run(q, "c").status == "invalid" if "c" not in q.options else True


def test_function_answers_that_raise_are_reported_not_raised():
    result = evaluate("pl-implement-fit", lambda x, y: 1 / 0)
    assert result.status == "wrong" and "ZeroDivisionError" in result.message


def test_unknown_ids_list_the_known_ones(capsys):
    check("no-such-question", 1)
    out = capsys.readouterr().out
    assert out.startswith(STATUS_MARKS["invalid"]) and "pl-slope" in out


def test_every_registered_question_computes_its_expected_value():
    for qid, q in questions().items():
        if q.kind == "function":
            from scalinglaws.course.checks import _reference

            for case in q.cases():
                _reference(q, case)  # a value, or the ValueError the learner must raise too
        else:
            assert q.expected() is not None, qid


def test_check_prints_exactly_one_line(capsys):
    check("pl-slope", -0.3)
    assert capsys.readouterr().out.count("\n") == 1


anything = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.lists(st.floats(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(object()), st.just(lambda *a: "x"), st.just(np.array([np.nan, 1.0])),
)


@given(qid=st.sampled_from(["pl-slope", "pl-tenfold", "pl-fit", "pl-implement-fit", "pl-floor-slope", "zz"]),
       answer=anything)
def test_a_check_never_raises_whatever_the_learner_passes(qid, answer):
    result = evaluate(qid, answer)
    assert result.status in STATUS_MARKS
    assert "Traceback" not in result.message


def test_fitting_questions_accept_the_package_answers():
    """Every fit- question is answered correctly by its own expected value (and the Huber function by scipy)."""
    import numpy as np
    from scipy.special import huber, logsumexp

    from scalinglaws.course.checks import evaluate, questions

    def huber_objective(params, N, D, loss):
        a, b, e, alpha, beta = params
        terms = [a - alpha * np.log(N), b - beta * np.log(D), np.full(np.shape(N), e)]
        return float(np.sum(huber(1e-3, logsumexp(terms, axis=0) - np.log(loss))))

    fit_qs = {k: q for k, q in questions().items() if k.startswith("fit-")}
    assert len(fit_qs) >= 5
    for qid, q in fit_qs.items():
        answer = huber_objective if q.kind == "function" else q.expected()
        assert evaluate(qid, answer).status == "correct", qid
    assert evaluate("fit-huber-objective", lambda p, n, d, l: huber_objective(p, n, d, l) / len(n)).status == "wrong"


# --- look-alikes, ladders and feedback (issue 17) -------------------------------------------------------------
OWNED = ("chin-compute-ratio chin-double-compute chin-gopher-ratio chin-gpt3-fraction chin-gpt3-tokens "
         "chin-implement-allocation chin-irreducible chin-read-e chin-wasted fit-approach2-a fit-huber-objective "
         "fit-n-at-optimum fit-rounding fit-tokens-per-param fit-why-mean inf-benchmark inf-coverage-fit "
         "inf-implement-passk inf-majority-limit inf-majority-ties inf-verifier inf-vs-training kaplan-data-tenfold "
         "kaplan-gpt3-d-opt kaplan-gpt3-pf-days kaplan-gpt3-size-gap kaplan-implement-allocation "
         "kaplan-implement-joint kaplan-joint-floor kaplan-params-per-10x lim-effective-data lim-exact-match "
         "lim-implement-effective lim-metric lim-moe-flops lim-plateau lim-threshold lim-token-acc over-200b "
         "over-breakeven over-grid-search over-implement-lifetime over-inference-ratio over-overtraining-factor "
         "over-quality-gap over-tokens-per-param pl-fit pl-floor-slope pl-implement-fit pl-slope pl-tenfold").split()
"""The 51 questions of issue 17: each declares look-alikes and a three-step hint ladder (later ones may too)."""


@pytest.mark.parametrize("qid", sorted(questions()))
def test_every_declared_look_alike_is_rejected(qid):
    from scalinglaws.course.checks import lookalike_answers

    q = questions()[qid]
    for what, answer in lookalike_answers(q):
        assert judge(q, answer).status == "wrong", (qid, what)


@pytest.mark.parametrize("qid", OWNED)
def test_the_issue_17_questions_declare_look_alikes_and_a_ladder(qid):
    q = questions()[qid]
    if q.kind != "choice":  # a choice question's look-alikes are its other options
        assert q.lookalikes, qid
    assert len(q.ladder) == 3, qid
