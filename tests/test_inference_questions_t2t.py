"""The questions appended for issue 15: lifetime-matched samples and the train-to-test optimum."""
import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.course.checks import evaluate
from scalinglaws.course.questions import inference as qi


def test_lifetime_samples_expected_value_by_hand():
    # 6·8·N·D + 2·8·N·2·D = 6·N·D + 2·N·k·2·D  →  k = 8 + 3·7/2 = 18.5, floor 18
    assert qi._lifetime_samples() == 18


def test_train_to_test_expected_value_is_the_joint_optimum():
    # an independent route: a dense scan over N of L(N, C_train/(6N), C_inf/(2N)) (Roberts et al. §3.3)
    law, term = sl.HOFFMANN_2022_UNROUNDED, sl.EXAMPLE_SAMPLES_TERM
    c_train, c_inf = 2.56e19, 2e9  # their Table 1 budgets
    n = np.logspace(6, 9, 300_001)
    d, k = c_train / (6 * n), c_inf / (2 * n)
    loss = law.E + law.A * n ** -law.alpha + law.B * d ** -law.beta + term.G * k ** -term.gamma
    i = np.argmin(loss)
    assert qi._t2t_answer() == pytest.approx((d[i] / n[i], k[i]), rel=1e-3)
    assert qi._t2t_answer()[0] > 5 * law.tokens_per_param_at(c_train)  # the lesson the question is about


@pytest.mark.parametrize("qid, answer, status, phrase", [
    ("inf-lifetime-samples", 18, "correct", ""),
    ("inf-lifetime-samples", 8, "wrong", "training bill"),
    ("inf-lifetime-samples", 20, "wrong", "its own training"),
    ("inf-lifetime-samples", 18.5, "wrong", "floor"),
    ("inf-lifetime-samples", 29, "wrong", "divide"),
    ("inf-train-to-test-why", "a", "correct", ""),
    ("inf-train-to-test-why", "b", "wrong", "constant"),
    ("inf-train-to-test-why", "c", "wrong", "symmetric"),
    ("inf-train-to-test-why", "d", "wrong", "budgets"),
])
def test_answers_and_hints(qid, answer, status, phrase):
    result = evaluate(qid, answer)
    assert result.status == status and phrase in result.message


def test_train_to_test_answers_and_hints():
    law, budgets = sl.HOFFMANN_2022_UNROUNDED, sl.ROBERTS_2026_BUDGETS
    args = (law, budgets["training_table1"], budgets["inference_per_token_table1"])
    plan = sl.train_to_test_optimal(*args)
    assert evaluate("inf-train-to-test", (plan.tokens_per_param, plan.k)).status == "correct"
    chinchilla = law.optimal_allocation(budgets["training_table1"])
    inference_corrected = (chinchilla.tokens_per_param, budgets["inference_per_token_table1"] / (2 * chinchilla.N))
    result = evaluate("inf-train-to-test", inference_corrected)
    assert result.status == "wrong" and "inference-corrected Chinchilla" in result.message
    result = evaluate("inf-train-to-test", (chinchilla.tokens_per_param, 1))
    assert result.status == "wrong" and "single-pass" in result.message
    result = evaluate("inf-train-to-test", (plan.k, plan.tokens_per_param))
    assert result.status == "wrong" and "swapped" in result.message
