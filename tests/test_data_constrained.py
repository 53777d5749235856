"""Effective data under repetition (Muennighoff et al. 2023), checked by limits, integration and the paper."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import quad

from scalinglaws.data_constrained import (R_D_STAR, effective_data, effective_data_ceiling, marginal_epoch_value,
                                          repetition_value)

U = 100e9


def test_one_epoch_is_worth_exactly_its_tokens():
    assert effective_data(U, 1) == pytest.approx(U, rel=1e-15)


@pytest.mark.parametrize("r", [1e-4, 1e-3, 1e-2])
def test_few_repetitions_count_almost_like_fresh_data(r):
    # R_D -> 0: D' = U (1 + R_D) - U R_D^2 / (2 R_D*) + O(R_D^3)
    got = effective_data(U, 1 + r) / U
    assert got == pytest.approx(1 + r - r**2 / (2 * R_D_STAR), abs=r**3)


def test_many_repetitions_approach_the_ceiling_of_one_plus_r_star():
    assert effective_data(U, 1e6) == pytest.approx(U * (1 + R_D_STAR), rel=1e-12)
    assert effective_data_ceiling(U) == pytest.approx(U * (1 + R_D_STAR))
    assert effective_data(U, 1e6) <= effective_data_ceiling(U)


@given(epochs=st.floats(1, 200))
def test_effective_data_is_the_integral_of_the_value_of_each_repetition(epochs):
    # D' = U + U * integral_0^{R_D} exp(-r / R_D*) dr, integrated numerically
    integral, _ = quad(lambda r: math.exp(-r / R_D_STAR), 0, epochs - 1)
    assert effective_data(U, epochs) == pytest.approx(U * (1 + integral), rel=1e-9)


def test_marginal_value_is_the_derivative_of_effective_data():
    for e in [1.0, 4.0, 16.4, 40.0]:
        h = 1e-4
        slope = (effective_data(1.0, e + h) - effective_data(1.0, e)) / h
        assert marginal_epoch_value(e) == pytest.approx(slope, rel=1e-3)
    assert marginal_epoch_value(1 + R_D_STAR) == pytest.approx(1 / math.e)


def test_the_papers_findings_four_epochs_nearly_fresh_and_a_ceiling_near_sixteen():
    assert repetition_value(4) > 0.9  # "up to 4 epochs ... almost as good as unique data"
    assert repetition_value(40) < 0.4
    assert 16 < effective_data_ceiling(1.0) < 17


def test_arrays_broadcast():
    got = effective_data(np.array([1e9, 2e9]), np.array([[1.0], [4.0]]))
    assert got.shape == (2, 2) and got[0, 1] == pytest.approx(2e9)


@pytest.mark.parametrize("call", [lambda: effective_data(U, 0.5), lambda: effective_data(-1, 2),
                                  lambda: effective_data(U, math.inf), lambda: effective_data(U, 2, r_star=0),
                                  lambda: repetition_value("4"), lambda: marginal_epoch_value(0.9)])
def test_bad_input_raises_value_error_naming_the_argument(call):
    with pytest.raises(ValueError, match="epochs|unique_tokens|r_star"):
        call()
