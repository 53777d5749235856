"""The inf- questions: right answers pass, likely wrong answers get their hint, ValueError cases are checked."""
import math

import numpy as np
import pytest

from scalinglaws import sampling as sm
from scalinglaws.course.checks import Question, evaluate
from scalinglaws.course.questions import inference as qi


def chen_reference(n, c, k):
    """Chen et al.'s numpy estimator as published: no check that k <= n."""
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def float_binomials(n, c, k):
    from scipy.special import comb

    if k > n:
        raise ValueError("k > n")
    with np.errstate(invalid="ignore"):
        return 1 - comb(n - c, k) / comb(n, k)


def exact_integers(n, c, k):
    if k > n:
        raise ValueError("need n >= k")
    return 1 - math.comb(n - c, k) / math.comb(n, k)


def test_implement_passk_accepts_correct_implementations():
    assert evaluate("inf-implement-passk", exact_integers).status == "correct"
    assert evaluate("inf-implement-passk", sm.pass_at_k).status == "wrong"  # the package's own: not an answer


def test_implement_passk_requires_a_value_error_for_k_above_n():
    result = evaluate("inf-implement-passk", chen_reference)
    assert result.status == "wrong" and "should raise ValueError" in result.message and "(5, 2, 7)" in result.message


def test_implement_passk_catches_float_overflow_and_the_biased_estimator():
    assert evaluate("inf-implement-passk", float_binomials).status == "wrong"
    result = evaluate("inf-implement-passk", qi._biased)
    assert result.status == "wrong" and "biased" in result.message


def test_a_value_error_where_the_package_returns_a_value_is_wrong():
    def picky(n, c, k):
        raise ValueError("no")

    result = evaluate("inf-implement-passk", picky)
    assert result.status == "wrong" and "raised ValueError" in result.message


def test_unanswered_function_is_reported_as_such():
    assert evaluate("inf-implement-passk", lambda n, c, k: None).status == "unanswered"


def test_samples_to_match_is_the_smallest_sufficient_k():
    k = qi.samples_to_match(0.2, 0.6)
    assert 1 - 0.8 ** k >= 0.6 > 1 - 0.8 ** (k - 1)


@pytest.mark.parametrize("qid, answer, status, phrase", [
    ("inf-vs-training", (5, 5 * 8 / 70), "correct", ""),
    ("inf-vs-training", (3, 3 * 8 / 70), "wrong", "overlap"),
    ("inf-majority-ties", 0.5625, "correct", ""),
    ("inf-majority-ties", 0.875, "wrong", "pass@3"),
    ("inf-majority-limit", "b", "correct", ""),
    ("inf-majority-limit", "a", "wrong", "modal"),
    # N = 4, a = 0.3 * 0.8, b = 0.7 * 0.2: [1 - 0.62^4] a/(a+b) + 0.62^3 * 0.3 * 0.2 (written out)
    ("inf-verifier", ((1 - 0.62 ** 4) * 0.24 / 0.38 + 0.62 ** 3 * 0.06, 0.24 / 0.38), "correct", ""),
    ("inf-verifier", (0.5526, 0.8), "wrong", "precision"),
    ("inf-verifier", (0.24 / 0.38, 0.5526), "wrong", "Right numbers, wrong order"),
    ("inf-verifier", (0.24 / 0.38, 0.24 / 0.38), "wrong", "plateau twice"),
    ("inf-verifier", ((1 - 0.62 ** 4) * 0.24 / 0.38, 0.24 / 0.38), "wrong", "fallback"),
])
def test_answers_and_hints(qid, answer, status, phrase):
    result = evaluate(qid, answer)
    assert result.status == status and phrase in result.message


def test_benchmark_and_fit_questions_accept_the_package_answer():
    n, c = qi.example_counts()
    assert evaluate("inf-benchmark", sm.mean_pass_at_k(n, c, 5)).status == "correct"
    assert "biased" in evaluate("inf-benchmark", float(np.mean(1 - (1 - c / n) ** 5))).message
    law = sm.fit_coverage_law(*qi.example_coverage())
    assert evaluate("inf-coverage-fit", (law.a, law.b)).status == "correct"
    assert evaluate("inf-coverage-fit", (-law.a, law.b)).status == "wrong"


def test_other_function_questions_still_work_when_the_reference_raises():
    q = Question("t-raise", "function", lambda x: math.sqrt(x) if x >= 0 else (_ for _ in ()).throw(ValueError("x < 0")),
                 cases=lambda: [(4.0,), (-1.0,)])
    from scalinglaws.course import checks

    def good(x):
        if x < 0:
            raise ValueError("negative")
        return math.sqrt(x)

    assert checks._CHECKERS["function"](q, good).status == "correct"
    assert checks._CHECKERS["function"](q, lambda x: 2.0).status == "wrong"
