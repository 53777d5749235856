"""Property tests: bad input to the lifetime-compute functions raises ValueError naming the argument."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scalinglaws as sl

LAW = sl.HOFFMANN_2022
not_a_number = st.one_of(st.text(max_size=5), st.booleans(), st.none(), st.just([1.0, [2.0]]), st.just(1 + 2j),
                         st.just(math.nan), st.just(math.inf))
negative = st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False)
good_loss = st.floats(min_value=1.75, max_value=3.0)
good_demand = st.floats(min_value=0.0, max_value=1e16)


@given(loss=st.floats(max_value=LAW.E, allow_nan=False, allow_infinity=False), demand=good_demand)
def test_a_target_loss_at_or_below_e_is_rejected_with_the_floor_named(loss, demand):
    for fn in (lambda: sl.lifetime_optimal(LAW, loss, demand), lambda: sl.min_params_for_loss(LAW, loss),
               lambda: sl.chinchilla_optimal_for_loss(LAW, loss), lambda: sl.iso_loss_tokens(LAW, 1e10, loss)):
        with pytest.raises(ValueError, match="loss"):
            fn()


def test_loss_error_message_names_the_value_and_the_floor():
    with pytest.raises(ValueError, match=r"loss must be above the law's irreducible loss E = 1.69 .*got 1.6"):
        sl.lifetime_optimal(LAW, 1.6, 1e12)


@given(bad=st.one_of(not_a_number, negative), loss=good_loss)
def test_bad_demand_is_rejected(bad, loss):
    with pytest.raises(ValueError, match="inference_tokens"):
        sl.lifetime_optimal(LAW, loss, bad)
    with pytest.raises(ValueError, match="prompt_tokens"):
        sl.lifetime_optimal(LAW, loss, 1e12, prompt_tokens=bad)
    with pytest.raises(ValueError, match="inference_tokens"):
        sl.budget_optimal(LAW, 1e24, bad)


@given(bad=st.one_of(not_a_number, negative, st.just([1.0, 2.0])))
def test_bad_serving_weight_is_rejected(bad):
    with pytest.raises(ValueError, match="serving_weight"):
        sl.lifetime_optimal(LAW, 2.0, 1e12, serving_weight=bad)


@given(bad=st.one_of(not_a_number, negative, st.just(0.0)))
def test_bad_budget_and_sizes_are_rejected(bad):
    with pytest.raises(ValueError, match="budget"):
        sl.budget_optimal(LAW, bad, 1e12)
    with pytest.raises(ValueError, match="params"):
        sl.lifetime_flops(bad, 1e12, 1e12)
    with pytest.raises(ValueError, match="small_params"):
        sl.breakeven_inference_tokens(bad, 1e12, 70e9, 1e12)
    with pytest.raises(ValueError, match="unique_tokens"):
        sl.effective_data(bad, 2)


@given(law=st.one_of(st.none(), st.just(sl.KAPLAN_2020), st.text(max_size=3)))
def test_only_chinchilla_laws_are_accepted(law):
    with pytest.raises(ValueError, match="law must be a ChinchillaLaw"):
        sl.lifetime_optimal(law, 2.0, 1e12)


def test_shapes_that_do_not_broadcast_are_rejected():
    with pytest.raises(ValueError, match="broadcast"):
        sl.lifetime_optimal(LAW, np.array([2.0, 2.1]), np.array([1e9, 1e10, 1e11]))


@given(loss=good_loss, demand=good_demand)
def test_every_valid_input_gives_a_finite_optimum_on_the_curve(loss, demand):
    best = sl.lifetime_optimal(LAW, loss, demand)
    assert math.isfinite(best.optimum.N) and math.isfinite(best.optimum.D)
    assert LAW.loss(best.optimum.N, best.optimum.D) == pytest.approx(loss, abs=1e-9)
    assert -1e-12 <= best.savings_fraction < 1 and best.optimum.N <= best.chinchilla.N * (1 + 1e-9)
