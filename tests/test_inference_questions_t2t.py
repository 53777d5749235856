"""The questions appended for issue 15: lifetime-matched samples and the train-to-test optimum."""
import pytest

import scalinglaws as sl
from scalinglaws.course.checks import evaluate
from scalinglaws.course.questions import inference as qi


def test_lifetime_samples_expected_value_by_hand():
    # 6·8·N·D + 2·8·N·2·D = 6·N·D + 2·N·k·2·D  →  k = 8 + 3·7/2 = 18.5, floor 18
    assert qi._lifetime_samples() == 18


def test_train_to_test_expected_value_is_the_joint_optimum():
    plan = sl.train_to_test_optimal(sl.HOFFMANN_2022_UNROUNDED, 1e22, 1e8, 1000)
    assert qi._t2t_answer() == pytest.approx((plan.tokens_per_param, plan.k))
    chapter5 = sl.budget_optimal(sl.HOFFMANN_2022_UNROUNDED, 1e22, 1e8 * 1000).optimum
    assert plan.tokens_per_param > 3 * chapter5.tokens_per_param  # the lesson the question is about


@pytest.mark.parametrize("qid, answer, status, phrase", [
    ("inf-lifetime-samples", 18, "correct", ""),
    ("inf-lifetime-samples", 8, "wrong", "training bill"),
    ("inf-lifetime-samples", 20, "wrong", "its own training"),
    ("inf-lifetime-samples", 18.5, "wrong", "floor"),
    ("inf-lifetime-samples", 29, "wrong", "divide"),
    ("inf-train-to-test-why", "a", "correct", ""),
    ("inf-train-to-test-why", "b", "wrong", "constant"),
    ("inf-train-to-test-why", "c", "wrong", "symmetric"),
    ("inf-train-to-test-why", "d", "wrong", "budget"),
])
def test_answers_and_hints(qid, answer, status, phrase):
    result = evaluate(qid, answer)
    assert result.status == status and phrase in result.message


def test_train_to_test_answers_and_hints():
    law = sl.HOFFMANN_2022_UNROUNDED
    plan = sl.train_to_test_optimal(law, 1e22, 1e8, 1000)
    assert evaluate("inf-train-to-test", (plan.tokens_per_param, plan.k)).status == "correct"
    chapter5 = sl.budget_optimal(law, 1e22, 1e8 * 1000).optimum
    result = evaluate("inf-train-to-test", (chapter5.tokens_per_param, 1))
    assert result.status == "wrong" and "chapter 5" in result.message
    result = evaluate("inf-train-to-test", (plan.k, plan.tokens_per_param))
    assert result.status == "wrong" and "swapped" in result.message
    result = evaluate("inf-train-to-test", (float(law.tokens_per_param_at(1e22)), plan.k))
    assert result.status == "wrong" and "whole budget" in result.message
