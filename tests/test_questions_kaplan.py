"""The chapter-2 questions: right answers found by hand are accepted; each misconception gets its own hint."""
import numpy as np
import pytest

from scalinglaws.course.checks import evaluate, questions

PF_DAY = 1e15 * 86_400  # FLOP, typed here as an independent route


def kaplan_by_hand(c_flop, spent_per_c_min=2):
    """Table 6's N_opt = 1.3e9·(C_min/PF-day)^0.73, with C_min = C/2 at the critical batch size (Eq. 5.5)."""
    n = 1.3e9 * (c_flop / spent_per_c_min / PF_DAY) ** 0.73  # Kaplan et al. 2020, Table 6
    return n, c_flop / (6 * n)


def literal_by_hand(c_flop):
    """The other reading: the FLOP spent taken as C_min."""
    return kaplan_by_hand(c_flop, spent_per_c_min=1)


def test_there_are_at_least_five_kaplan_questions():
    ids = [q for q in questions() if q.startswith("kaplan-")]
    assert len(ids) >= 5


def test_number_answers_computed_by_hand_are_accepted():
    assert evaluate("kaplan-data-tenfold", 10 ** -0.095).status == "correct"
    assert evaluate("kaplan-gpt3-pf-days", "3.64e3").status == "correct"  # Brown et al. 2020, Table D.1
    assert evaluate("kaplan-params-per-10x", 5.37).status == "correct"  # science-facts: 10^0.73 = 5.37
    n, d = kaplan_by_hand(3.14e23)
    assert evaluate("kaplan-gpt3-d-opt", d).status == "correct"
    assert evaluate("kaplan-gpt3-d-opt", "168B").status == "correct"
    assert evaluate("kaplan-gpt3-size-gap", n / 175e9).status == "correct"
    assert evaluate("kaplan-gpt3-size-gap", 1.78).status == "correct"  # 311B / 175B
    assert evaluate("kaplan-joint-floor", "c").status == "correct"


@pytest.mark.parametrize("qid, answer, phrase", [
    ("kaplan-data-tenfold", 10 ** -0.103, "joint fit"),
    ("kaplan-gpt3-pf-days", 3.14e23 / 1e15, "seconds"),
    ("kaplan-params-per-10x", 10 ** 0.5, "Chinchilla"),
    ("kaplan-params-per-10x", 10 ** 0.27, "tokens"),
    ("kaplan-params-per-10x", 5.5, "rounds"),
    ("kaplan-gpt3-d-opt", 300e9, "GPT-3 actually used"),
    ("kaplan-gpt3-d-opt", kaplan_by_hand(3.14e23)[0], "parameter count"),
    ("kaplan-gpt3-d-opt", literal_by_hand(3.14e23)[1], "C_min"),  # 101B: the C_min = C reading
    ("kaplan-gpt3-d-opt", "101B", "Eq. 5.5"),
    ("kaplan-gpt3-size-gap", literal_by_hand(3.14e23)[0] / 175e9, "2·C_min"),  # 2.95
    ("kaplan-gpt3-size-gap", 175e9 / kaplan_by_hand(3.14e23)[0], "below 1"),
    ("kaplan-joint-floor", "a", "human performance"),
    ("kaplan-joint-floor", "b", "Chinchilla"),
])
def test_misconceptions_get_their_own_hints(qid, answer, phrase):
    result = evaluate(qid, answer)
    assert result.status == "wrong" and phrase in result.message


def joint_law(N, D, alpha_d=0.103, n_c=6.4e13, d_c=1.8e13, alpha_n=0.076):
    """Eq. 1.5 written out independently, with the Table 2 constants by default."""
    N, D = np.asarray(N, float), np.asarray(D, float)
    return ((n_c / N) ** (alpha_n / alpha_d) + d_c / D) ** alpha_d


def test_implementing_the_joint_law():
    assert evaluate("kaplan-implement-joint", joint_law).status == "correct"
    wrong = evaluate("kaplan-implement-joint", lambda N, D: joint_law(N, D, alpha_d=0.095))
    assert wrong.status == "wrong" and "0.103" in wrong.message and "Eq. 1.2" in wrong.message
    summed = evaluate("kaplan-implement-joint", lambda N, D: (6.4e13 / N) ** 0.076 + (1.8e13 / D) ** 0.103)
    assert summed.status == "wrong" and "sum of two power laws" in summed.message
    assert evaluate("kaplan-implement-joint", lambda N, D: None).status == "unanswered"


def test_implementing_the_allocation():
    assert evaluate("kaplan-implement-allocation", kaplan_by_hand).status == "correct"
    no_pf = evaluate("kaplan-implement-allocation", lambda c: (1.3e9 * (c / 2) ** 0.73, c / (6 * 1.3e9 * (c / 2) ** 0.73)))
    assert no_pf.status == "wrong" and "PF-days" in no_pf.message
    literal = evaluate("kaplan-implement-allocation", literal_by_hand)
    assert literal.status == "wrong" and "C_min = C/2" in literal.message
    swapped = evaluate("kaplan-implement-allocation", lambda c: kaplan_by_hand(c)[::-1])
    assert swapped.status == "wrong" and "(D, N)" in swapped.message
