import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scalinglaws.transformer import GPT3_FAMILY, TransformerShape, non_embedding_params


def test_gpt3_175b_non_embedding_count_by_hand():
    # 12 · 96 · 12288² worked out by hand: 12288² = 150,994,944; × 1152 = 173,946,175,488.
    assert non_embedding_params(96, 12288) == 173_946_175_488
    gpt3 = GPT3_FAMILY[-1]
    assert gpt3.name == "GPT-3 175B" and gpt3.non_embedding_fraction == pytest.approx(173.946 / 175.0, rel=1e-5)


def test_embeddings_are_a_third_of_the_smallest_gpt3_and_negligible_in_the_largest():
    # GPT-3 Small: 12 · 12 · 768² = 84,934,656 of 125M published parameters (Brown et al. 2020, Table 2.1).
    small = GPT3_FAMILY[0]
    assert small.non_embedding_params == 84_934_656
    assert small.non_embedding_fraction == pytest.approx(0.6795, abs=1e-4)
    fractions = [s.non_embedding_fraction for s in GPT3_FAMILY]
    assert fractions == sorted(fractions) and fractions[-1] > 0.99


def test_every_gpt3_row_is_within_ten_percent_of_its_published_size():
    # 12·n_layer·d_model² leaves out embeddings, so it falls short of the total, never above it.
    for s in GPT3_FAMILY:
        assert 0.6 < s.non_embedding_fraction < 1.0, s.name
        assert s.source.endswith("Table 2.1")


def test_arrays_broadcast():
    assert non_embedding_params([1, 2], 10).tolist() == [1200.0, 2400.0]


@given(bad=st.one_of(st.floats(max_value=0), st.just(math.nan), st.text(max_size=3), st.none()))
def test_bad_shapes_raise_value_errors_naming_the_argument(bad):
    with pytest.raises(ValueError, match="n_layer"):
        non_embedding_params(bad, 768)
    with pytest.raises(ValueError, match="d_model"):
        non_embedding_params(12, bad)


def test_shape_rows_validate():
    with pytest.raises(ValueError, match="n_layer"):
        TransformerShape("x", 1e6, 0, 64, "s")
    with pytest.raises(ValueError, match="params"):
        TransformerShape("x", -1.0, 2, 64, "s")
