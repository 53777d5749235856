"""Property tests: bad input to any public function raises ValueError, never another error or a silent NaN."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scalinglaws as sl
from scalinglaws.powerlaw import PowerLaw, fit_power_law

bad_scalars = st.one_of(
    st.floats(max_value=0.0), st.just(math.nan), st.just(math.inf), st.just(-math.inf), st.integers(max_value=0),
    st.text(max_size=5), st.booleans(), st.none(), st.just([1.0, [2.0]]), st.just(1 + 2j),
)
good = st.floats(min_value=1e3, max_value=1e14)

ONE_ARG = [
    sl.flop_to_pf_days, sl.pf_days_to_flop, sl.HOFFMANN_2022.optimal_allocation, sl.HOFFMANN_2022.loss_at_compute,
    sl.KAPLAN_2020.optimal_allocation, sl.KAPLAN_2020.loss_compute, sl.KAPLAN_2020.loss_params,
    sl.KAPLAN_2020.loss_tokens, sl.format_count, sl.format_flop, PowerLaw(1.0, -0.5),
]
TWO_ARGS = [sl.training_flops, sl.inference_flops, sl.tokens_per_param, sl.HOFFMANN_2022.loss,
            sl.HOFFMANN_2022.isoflop_loss, sl.KAPLAN_2020.loss, fit_power_law]


@pytest.mark.parametrize("fn", ONE_ARG, ids=lambda f: getattr(f, "__qualname__", type(f).__name__))
@given(bad=bad_scalars)
def test_one_argument_functions_reject_bad_input_with_value_error(fn, bad):
    with pytest.raises(ValueError):
        fn(bad)


@pytest.mark.parametrize("fn", TWO_ARGS, ids=lambda f: f.__qualname__)
@given(bad=bad_scalars, ok=good, bad_first=st.booleans())
def test_two_argument_functions_reject_bad_input_with_value_error(fn, bad, ok, bad_first):
    with pytest.raises(ValueError):
        fn(bad, ok) if bad_first else fn(ok, bad)


@given(arr=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=6))
def test_arrays_are_either_fully_valid_or_rejected_never_nan(arr):
    a = np.array(arr)
    if np.all(np.isfinite(a) & (a > 0)):
        assert np.all(np.isfinite(sl.HOFFMANN_2022.optimal_allocation(a).N))
    else:
        with pytest.raises(ValueError):
            sl.HOFFMANN_2022.optimal_allocation(a)


@given(c=st.floats(min_value=1e15, max_value=1e30))
def test_optimum_is_finite_and_spends_the_budget_over_the_whole_range(c):
    best = sl.HOFFMANN_2022.optimal_allocation(c)
    assert math.isfinite(best.loss) and best.N * best.D * 6 == pytest.approx(c, rel=1e-12)
