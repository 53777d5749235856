import math

import numpy as np
import pytest

import scalinglaws as sl


def test_training_flops_is_six_n_d_for_chinchilla():
    # 6 × 70e9 × 1.4e12, the arithmetic written out independently of the package constant.
    assert sl.training_flops(70e9, 1.4e12) == pytest.approx(5.88e23)


def test_gpt3_training_flops_match_brown_et_al_table_d1_within_rounding():
    # Brown et al. 2020, Table D.1: 3.14e23 FLOP for 175B parameters on 300B tokens.
    assert sl.training_flops(175e9, 300e9) == pytest.approx(3.14e23, rel=0.01)


def test_inference_flops_are_two_per_parameter_per_token():
    assert sl.inference_flops(8e9) == 16e9
    assert sl.inference_flops(8e9, 1000) == 16e12


def test_functions_broadcast_over_arrays():
    n = np.array([1e9, 1e10])
    assert np.allclose(sl.tokens_per_param(n, 2e10), [20.0, 2.0])
    with pytest.raises(ValueError, match="shapes do not broadcast"):
        sl.training_flops(np.ones(2), np.ones(3))


def test_pf_day_round_trip_and_gpt3_pf_days():
    assert sl.PF_DAY == 8.64e19
    assert sl.pf_days_to_flop(sl.flop_to_pf_days(3.14e23)) == pytest.approx(3.14e23)
    # Brown et al. 2020 report GPT-3 175B as 3.64e3 PF-days.
    assert sl.flop_to_pf_days(3.14e23) == pytest.approx(3.64e3, rel=0.01)


@pytest.mark.parametrize("value, text", [(7e10, "70B"), (1.4e12, "1.4T"), (175e9, "175B"), (4e8, "400M"),
                                         (999.0, "999"), (2.5e3, "2.5K"), (2.2e16, "2.2e16")])
def test_format_count(value, text):
    assert sl.format_count(value) == text


def test_format_flop():
    assert sl.format_flop(5.76e23) == "5.8e23 FLOP"
    assert sl.format_flop(1e21) == "1e21 FLOP"


@pytest.mark.parametrize("text, value", [("1.4T", 1.4e12), ("70B", 7e10), ("70 billion", 7e10), ("5.8e23", 5.8e23),
                                         ("5.8e23 FLOP", 5.8e23), ("400m", 4e8), (" 3,500B tokens ", 3.5e12),
                                         ("1.5 trillion", 1.5e12), (42, 42.0), ("-0.3", -0.3), ("2.0x10^9", 2e9)])
def test_parse_quantity_reads_what_learners_type(text, value):
    assert sl.parse_quantity(text) == pytest.approx(value)


@pytest.mark.parametrize("value", [7e10, 1.4e12, 3.14e23, 4e8, 123.0, 5.5e3])
def test_format_then_parse_round_trips_to_three_significant_digits(value):
    assert sl.parse_quantity(sl.format_count(value)) == pytest.approx(value, rel=5e-3)


@pytest.mark.parametrize("bad", ["", "abc", "1.4Q", "1e400", "nan", None, [1.0], True])
def test_parse_quantity_rejects_nonsense_with_the_accepted_forms(bad):
    with pytest.raises(ValueError):
        sl.parse_quantity(bad)


def test_errors_name_the_argument_the_value_and_what_is_allowed():
    with pytest.raises(ValueError, match=r"tokens must be finite and positive \(tokens\); got -1.0"):
        sl.training_flops(1e9, -1.0)
    with pytest.raises(ValueError, match=r"params .* got nan at index 1"):
        sl.training_flops([1e9, math.nan], 1e10)
    with pytest.raises(ValueError, match="string"):
        sl.training_flops("70B", 1e10)
