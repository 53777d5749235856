import pytest

from scalinglaws.models import MODELS, model, models_near


def test_compute_and_ratio_are_derived_from_params_and_tokens():
    chinchilla = model("chinchilla")
    assert chinchilla.compute == pytest.approx(6 * 70e9 * 1.4e12)
    assert chinchilla.tokens_per_param == pytest.approx(20.0)


def test_reported_flop_agrees_with_6nd_where_a_paper_states_it():
    # 6ND is an approximation; papers' own counts agree within about 15% (Gopher: 5.04e23 vs 5.76e23).
    for m in MODELS:
        if m.reported_flop:
            assert m.compute == pytest.approx(m.reported_flop, rel=0.15), m.name


def test_llama_3_tokens_per_parameter():
    # 15T training tokens (Llama 3 model card; Dubey et al. 2024) over 8B, 70B and 405B parameters:
    # 1,875, 214 and 38.5 tokens per parameter.
    assert model("Llama 3 8B").tokens_per_param == pytest.approx(1875)
    assert model("Llama 3 70B").tokens_per_param == pytest.approx(214.3, rel=1e-3)
    assert model("Llama 3 405B").tokens_per_param == pytest.approx(38.5, rel=1e-2)


def test_every_model_names_its_source_and_gpt4_is_not_claimed():
    assert all("arXiv" in m.source for m in MODELS)
    assert not any("GPT-4" in m.name for m in MODELS)


def test_models_near_a_budget_are_sorted_by_distance():
    near = models_near(5.76e23, factor=2)
    assert near[0].name in {"Chinchilla", "LLaMA 65B", "Gopher"}
    assert all(abs(m.compute / 5.76e23) < 2.0 and m.compute / 5.76e23 > 0.5 for m in near)


def test_unknown_model_and_bad_factor_raise_clear_errors():
    with pytest.raises(ValueError, match="known models"):
        model("GPT-5")
    with pytest.raises(ValueError, match="factor must be >= 1"):
        models_near(1e23, factor=0.5)
