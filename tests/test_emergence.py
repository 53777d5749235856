"""Emergence as a metric effect (Schaeffer et al. 2023): checked against simulation and root-finding."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq

import scalinglaws as sl
from scalinglaws.emergence import (answer_token_loss, emergence_scale, exact_match, expected_token_edit_distance,
                                   per_token_accuracy)


def test_exact_match_and_edit_distance_agree_with_a_simulation_of_independent_tokens():
    rng = np.random.default_rng(2023)
    loss, length, trials = 0.07, 12, 200_000
    right = rng.random((trials, length)) < math.exp(-loss)  # each token right with probability exp(-loss)
    em, wrong = right.all(axis=1), (~right).sum(axis=1)
    assert exact_match(loss, length) == pytest.approx(em.mean(), abs=4 * em.std() / math.sqrt(trials))
    assert expected_token_edit_distance(loss, length) == pytest.approx(wrong.mean(), abs=4 * wrong.std() / math.sqrt(trials))


@given(loss=st.floats(0, 5), a=st.integers(1, 40), b=st.integers(1, 40))
def test_an_answer_is_right_when_both_of_its_parts_are(loss, a, b):
    assert exact_match(loss, a + b) == pytest.approx(exact_match(loss, a) * exact_match(loss, b), rel=1e-12, abs=1e-300)
    assert exact_match(loss, 1) == pytest.approx(per_token_accuracy(loss))


def test_answer_token_loss_is_the_reducible_n_term_of_the_law():
    law = sl.HOFFMANN_2022
    N = np.logspace(7, 13, 7)
    data_unlimited = law.loss(N, 1e80) - law.E  # B / D^beta vanishes for huge D
    np.testing.assert_allclose(answer_token_loss(N), data_unlimited, rtol=1e-9)


@pytest.mark.parametrize("length,target", [(1, 0.5), (10, 0.5), (30, 0.1), (50, 0.9)])
def test_emergence_scale_matches_a_numerical_root(length, target):
    f = lambda log_n: exact_match(answer_token_loss(math.exp(log_n)), length) - target
    root = math.exp(brentq(f, math.log(1e3), math.log(1e40), xtol=1e-12))
    assert emergence_scale(length, target) == pytest.approx(root, rel=1e-8)


def test_the_same_smooth_loss_gives_smooth_token_metrics_and_a_late_rise_in_exact_match():
    N = np.logspace(8, 11, 7)  # a model family spanning three decades
    p = per_token_accuracy(answer_token_loss(N))
    em = exact_match(answer_token_loss(N), 50)
    assert np.all(np.diff(p) > 0) and p[0] > 0.4  # per-token accuracy improves steadily from the start
    assert em[:4].max() < 0.01 < em[-1]  # exact match sits at ~0 for the smaller half, then rises


@pytest.mark.parametrize("call", [lambda: exact_match(0.1, 0), lambda: exact_match(-0.1, 3),
                                  lambda: exact_match(0.1, 2.5), lambda: per_token_accuracy(math.nan),
                                  lambda: expected_token_edit_distance("1", 3), lambda: emergence_scale(5, 1.0),
                                  lambda: emergence_scale(0), lambda: answer_token_loss(0)])
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
