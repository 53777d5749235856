"""The lab- questions: expected values by independent routes, and the hints for likely mistakes."""

import numpy as np

from scalinglaws.course.checks import evaluate
from scalinglaws.course.questions import lab as ql

def test_run_flop_is_six_N_D_by_hand():
    by_hand = 6 * (12 * 8 * 512**2) * 200_000_000
    assert evaluate("lab-run-flop", by_hand).status == "correct"
    forward_only = evaluate("lab-run-flop", by_hand / 3)
    assert forward_only.status == "wrong" and "forward pass" in forward_only.message

def test_learning_rate_is_porians_rule_by_hand():
    assert evaluate("lab-lr", 3.7 * (12 * 8 * 512**2) ** -0.36).status == "correct"
    wrong_sign = evaluate("lab-lr", 3.7 * (12 * 8 * 512**2) ** 0.36)
    assert wrong_sign.status == "wrong" and "negative" in wrong_sign.message

def test_approach2_exponent_matches_parabolas_and_a_line_done_with_numpy():
    runs = ql._campaign_runs()
    n = np.array([r.params for r in runs], dtype=float)
    c = np.array([float(f"{r.flop:.2g}") for r in runs])
    loss = np.array([r.loss for r in runs])
    vertices = []
    for budget in np.unique(c):
        p2, p1, _ = np.polyfit(np.log(n[c == budget]), loss[c == budget], 2)
        vertices.append(-p1 / (2 * p2))
    slope = np.polyfit(np.log(np.unique(c)), vertices, 1)[0]
    assert evaluate("lab-approach2-a", slope).status == "correct"
    assert 0.35 < slope < 0.65

def test_the_prediction_question_takes_a_pair_and_the_choice_its_letter():
    n_opt, loss = ql._prediction()
    assert evaluate("lab-prediction", (n_opt, loss)).status == "correct"
    assert evaluate("lab-prediction", (n_opt * 2, loss)).status == "wrong"
    assert evaluate("lab-one-side", "c").status == "correct"
    assert evaluate("lab-one-side", "a").status == "wrong"

def test_the_practice_campaign_fits_in_the_budget():
    assert sum(r.flop for r in ql._campaign_runs()) <= 2 * 10**18
    assert len(ql._campaign_runs()) == len(ql.EXERCISE_BUDGETS) * ql.EXERCISE_SIZES
