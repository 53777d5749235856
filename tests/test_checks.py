import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scalinglaws.course.checks import STATUS_MARKS, Hint, Question, check, evaluate, judge, questions
from scalinglaws.course.layout import CONTINUATION, PAGE_WIDTH, fit_lines
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


def test_check_prints_exactly_one_result_wrapped_to_the_page(capsys):
    check("pl-slope", -0.3)
    out = capsys.readouterr().out
    assert out == fit_lines(evaluate("pl-slope", -0.3).line()) + "\n"
    assert max(len(line) for line in out.splitlines()) <= PAGE_WIDTH


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


@pytest.mark.parametrize("qid", sorted(questions()))
def test_every_question_has_a_three_step_ladder(qid):
    """Idea, method, code: the first miss never hands over the answer (tests/test_hint_code.py runs the code)."""
    q = questions()[qid]
    assert len(q.ladder) == 3, qid
    assert all(step.strip() for step in q.ladder), qid


def test_the_ladder_climbs_with_each_miss_and_check_counts_misses(capsys):
    from scalinglaws.course import checks

    checks.reset_misses()
    q = questions()["fit-rounding"]
    lines = [judge(q, 1.0, misses=m).message for m in range(4)]
    assert q.ladder[0] in lines[0] and "Idea (hint 1 of 3)" in lines[0]
    assert q.ladder[1] in lines[1] and q.ladder[2] in lines[2] and q.ladder[2] in lines[3]
    assert q.ladder[2] not in lines[0] and q.ladder[1] not in lines[0]
    for _ in range(3):
        check("fit-rounding", 1.0)
    printed = capsys.readouterr().out.replace("\n" + CONTINUATION, " ").splitlines()
    assert "Idea" in printed[0] and "Method" in printed[1] and "Code" in printed[2]
    assert checks.misses("fit-rounding") == 3
    check("fit-rounding", q.expected())
    assert checks.misses("fit-rounding") == 3  # a right answer is not a miss
    checks.reset_misses()
    assert checks.misses("fit-rounding") == 0


def test_a_misconception_is_named_on_every_miss_and_the_ladder_joins_it_after_the_first():
    q = questions()["fit-rounding"]
    at_1e24 = q.hints[2].value()
    first, second = judge(q, at_1e24).message, judge(q, at_1e24, misses=1).message
    assert "1e24" in first and q.ladder[0] not in first
    assert "1e24" in second and q.ladder[1] in second


def test_the_tolerance_is_printed_as_it_is():
    from scalinglaws.course.checks import tolerance_text

    assert "within 0.2%" in evaluate("fit-approach2-a", 0.0).message
    assert "within 0.5%" in evaluate("inf-verifier", (0.0, 0.0)).message
    assert "within 0%" not in evaluate("pl-tenfold", 12345.0).message
    assert tolerance_text(questions()["fit-n-at-optimum"]) == "exact"  # a count: a whole number
    assert tolerance_text(Question("t", "number", lambda: 1.0, rtol=0.02)) == "within 2%"
    assert tolerance_text(Question("t", "number", lambda: 1.0, rtol=0.0, atol=0.5)) == "within ±0.5"
    assert tolerance_text(Question("t", "number", lambda: 1.0, rtol=1e-9)) == "within 0.05%"
    assert tolerance_text(Question("t", "number", lambda: (3, 0.5), rtol=0.01)) == (
        "the whole number exact, the other within 1%")


def test_two_slips_that_give_the_same_number_are_both_named():
    message = evaluate("fit-approach2-a", 0.512).message
    assert "lowest-loss run" in message and "Chapter 4 prints" in message and "generating law" in message
    correct = evaluate("fit-approach2-a", questions()["fit-approach2-a"].expected()).message
    assert "by luck" in correct


@pytest.mark.parametrize("answer", ["b", "B", "(b)", "b)", " (B) ", "b.", "b:"])
def test_letters_are_read_as_printed(answer):
    assert evaluate("fit-why-mean", answer).status == "correct"


@pytest.mark.parametrize("answer", ["bb", "option b", "e", ""])
def test_other_strings_are_not_taken_for_letters(answer):
    assert evaluate("fit-why-mean", answer).status == "invalid"


def test_a_percentage_string_is_read_as_a_fraction():
    assert evaluate("chin-gpt3-fraction", "8.6%").status == "correct"
    assert evaluate("chin-gpt3-fraction", "8.6 %").status == "correct"
    assert evaluate("chin-gpt3-fraction", "12%").status == "wrong"


def test_wrong_types_get_a_line_saying_what_to_do():
    from scalinglaws.course.questions import fitting, inference

    N, C, D, loss = fitting.exercise_runs()
    fit = sl.fit_approach2(N, C, loss)
    assert "read fit.a" in evaluate("fit-approach2-a", fit).message
    law = sl.fit_coverage_law(*inference.example_coverage())
    assert "give (law.a, law.b)" in evaluate("inf-coverage-fit", law).message
    n, c = inference.example_counts()
    per_problem = np.array([sl.pass_at_k(n, int(ci), 5) for ci in c])
    result = evaluate("inf-benchmark", per_problem)
    assert result.status == "invalid" and "take their mean" in result.message
    assert "\n" not in evaluate("fit-approach2-a", fit).message
    assert "call it" in evaluate("pl-slope", lambda: -0.3).message


# --- one reading, tolerances as displayed, functions, named slips (issue 25) ---------------------------------
def test_a_value_that_prints_like_the_answer_is_accepted():
    q = Question("t-flop", "number", lambda: 3.01989888e16, rtol=1e-6, unit="FLOP")
    for answer in ("3.02e16 FLOP", 3.02e16, 3.0199022e16, "3.020e+16"):
        assert judge(q, answer).status == "correct", answer
    assert judge(q, 3e16).status == "wrong"
    assert "accepted: within 0.05%" in judge(q, 3e16).message


def test_whole_number_answers_are_exact_and_say_so():
    q = Question("t-k", "number", lambda: (5, 0.5714), rtol=0.01)
    assert judge(q, (5.0, 0.5714)).status == "correct"
    assert judge(q, (4.96, 0.5714)).status == "wrong"
    assert "the whole number exact" in judge(q, (4.96, 0.5714)).message
    assert judge(questions()["inf-vs-training"], (4.96, 0.5714)).status == "wrong"


def test_check_and_lab_submit_read_an_answer_the_same_way():
    from scalinglaws.course.checks import read_number
    from scalinglaws.course.lab.client import LocalLab
    from scalinglaws.course.questions.lab import EXERCISE_SEED

    assert read_number("685M") == 685e6 and read_number("2.97") == 2.97 and read_number("8.6%") == 0.086
    score = LocalLab(EXERCISE_SEED).submit("685M", "2.97")
    assert score.prediction.N_opt == 685e6 and score.prediction.loss == 2.97


def _reference_pass_at_k(n, c, k):
    return sl.pass_at_k(n, c, k)


def test_a_function_answer_using_the_package_is_told_so():
    for answer in (sl.pass_at_k, _reference_pass_at_k, lambda n, c, k: sl.mean_pass_at_k(n, [c], k)):
        result = evaluate("inf-implement-passk", answer)
        assert result.status == "wrong" and "uses the package's own pass_at_k" in result.message


def test_a_copy_of_the_formula_is_the_learners_own_and_accepted():
    import math

    def mine(n, c, k):
        if k > n:
            raise ValueError("k must not exceed n")
        if n - c < k:
            return 1.0
        return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))

    assert evaluate("inf-implement-passk", mine).status == "correct"


def test_a_function_returning_none_is_told_to_return():
    def prints(n, c, k):
        print(1 - c / n)

    result = evaluate("inf-implement-passk", prints)
    assert result.status == "wrong" and "it returned nothing: return the value" in result.message
    assert evaluate("inf-implement-passk", lambda n, c, k: None).status == "unanswered"


@pytest.mark.parametrize("answer, words", [
    ((5, 57.14), "looks like a percentage"),
    ("57.14", "looks like a percentage"),
])
def test_a_percent_for_a_fraction_is_named(answer, words):
    q = Question("t-frac", "number", lambda: 0.5714, rtol=0.01)
    assert words in judge(q, answer if isinstance(answer, str) else answer[1]).message
    assert "factor of 10" not in judge(q, 57.14).message


def test_the_neighbouring_questions_answer_is_named():
    tenfold = questions()["pl-tenfold"].expected()
    message = evaluate("pl-fit", tenfold).message
    assert "pl-tenfold" in message and "factor of 10" not in message


def test_a_factor_of_nine_is_not_called_a_power_of_ten():
    q = Question("t-nine", "number", lambda: 0.5625, rtol=0.002)
    assert "factor of 10" not in judge(q, 0.0625).message
    assert "factor of 10^1" in judge(q, 5.625).message


@pytest.mark.parametrize("qid", sorted(questions()))
def test_no_look_alike_gets_the_generic_unit_hint(qid):
    """A declared slip has a name: the last-resort 'check units' line never answers one."""
    from scalinglaws.course.checks import lookalike_answers

    q = questions()[qid]
    for what, answer in lookalike_answers(q):
        assert "check units and suffixes" not in judge(q, answer).message, (qid, what)


def test_a_fraction_is_read_as_its_value_and_a_bad_one_is_named():
    from scalinglaws.course.checks import read_number

    assert read_number("4/7") == pytest.approx(4 / 7) and read_number(" -3 / 10 ") == pytest.approx(-0.3)
    assert evaluate("pl-slope", "-3/10").status == "correct"
    with pytest.raises(ValueError, match="divides by zero"):
        read_number("1/0")
    with pytest.raises(ValueError, match="could not read '4/x' as a fraction"):
        read_number("4/x")


def test_an_unreadable_pair_is_explained_once():
    line = evaluate("chin-double-compute", (1, float("inf"))).line()
    assert "expected a finite quantity" in line and "expected expected" not in line
