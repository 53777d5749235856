"""Mixture-of-experts accounting: active parameters set compute, total parameters set memory."""
import pytest

import scalinglaws as sl
from scalinglaws.mixture_of_experts import DEEPSEEK_V3, MIXTRAL_8X7B, MixtureOfExperts, moe_from_layout


def test_layout_counts_every_expert_for_memory_and_only_the_routed_ones_per_token():
    moe = moe_from_layout(shared=2e9, per_expert=1e9, experts=8, experts_per_token=2)
    experts = [1e9] * 8
    assert moe.total == pytest.approx(2e9 + sum(experts))
    assert moe.active == pytest.approx(2e9 + sum(sorted(experts)[:2]))


def test_a_single_expert_is_a_dense_model():
    dense = moe_from_layout(shared=1e9, per_expert=6e9, experts=1, experts_per_token=1)
    assert dense.total == dense.active == 7e9 and dense.active_fraction == 1


def test_compute_uses_active_parameters_and_memory_uses_total():
    m = MIXTRAL_8X7B
    assert m.inference_flops() == pytest.approx(2 * 13e9)
    assert m.training_flops(1e12) == pytest.approx(6 * 13e9 * 1e12)
    assert m.weight_bytes() == pytest.approx(2 * 47e9)
    assert m.inference_flops() == pytest.approx(sl.inference_flops(13e9))  # same as a dense 13B model


def test_published_counts_keep_their_source():
    assert DEEPSEEK_V3.active_fraction == pytest.approx(37 / 671)
    assert "2401.04088" in MIXTRAL_8X7B.source and "2412.19437" in DEEPSEEK_V3.source


@pytest.mark.parametrize("call", [lambda: MixtureOfExperts("x", 1e9, 2e9), lambda: MixtureOfExperts("x", 0, 0),
                                  lambda: moe_from_layout(1e9, 1e9, 4, 5), lambda: moe_from_layout(1e9, 1e9, 0, 0),
                                  lambda: moe_from_layout(-1, 1e9, 4, 2), lambda: MIXTRAL_8X7B.weight_bytes(0)])
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
