import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize_scalar

import scalinglaws as sl
from scalinglaws.allocation import (
    APPROACH_1_PROJECTIONS,
    TABLE_2_EXPONENTS,
    TOKENS_PER_PARAM_RULE,
    compute_for_loss,
    fixed_ratio_allocation,
    frontier_constants,
    misallocation_penalty,
    scaled_allocation,
)

FITS = [sl.HOFFMANN_2022, sl.HOFFMANN_2022_UNROUNDED, sl.BESIROGLU_2024]
fit_ids = [law.name for law in FITS]


def brute_force_best_loss(law, compute):
    """Independent route: the lowest loss along the IsoFLOP curve, found numerically in log N."""
    res = minimize_scalar(lambda log_n: law.isoflop_loss(np.exp(log_n), compute),
                          bounds=(np.log(1e2), np.log(compute / 6 / 1e2)), method="bounded",
                          options={"xatol": 1e-11})
    return float(res.fun)


def brute_force_compute_for_loss(law, loss):
    """Independent route: bisect log C until the brute-force frontier reaches ``loss``."""
    return float(np.exp(brentq(lambda log_c: brute_force_best_loss(law, np.exp(log_c)) - loss,
                               np.log(1e12), np.log(1e38), xtol=1e-12)))


@pytest.mark.parametrize("law", FITS, ids=fit_ids)
@pytest.mark.parametrize("compute", [1e18, 5.76e23, 1e27])
def test_frontier_closed_form_matches_the_brute_force_minimum(law, compute):
    k, gamma = frontier_constants(law)
    assert law.E + k * (compute / 6) ** -gamma == pytest.approx(brute_force_best_loss(law, compute), rel=1e-9)


@pytest.mark.parametrize("law", FITS, ids=fit_ids)
@pytest.mark.parametrize("loss", [1.95, 2.3, 3.5])
def test_compute_for_loss_matches_a_bisection_on_the_brute_force_frontier(law, loss):
    assert compute_for_loss(law, loss) == pytest.approx(brute_force_compute_for_loss(law, loss), rel=1e-5)


def test_compute_for_loss_inverts_loss_at_compute_from_1e10_to_1e40_flop_without_overflow():
    budgets = np.logspace(10, 40, 31)
    for law in FITS:
        back = compute_for_loss(law, law.loss_at_compute(budgets))
        assert np.all(np.isfinite(back)) and np.allclose(back, budgets, rtol=1e-9)


def test_compute_for_loss_rejects_losses_at_or_below_the_floor():
    with pytest.raises(ValueError, match="loss must exceed the irreducible loss E = 1.69"):
        compute_for_loss(sl.HOFFMANN_2022, 1.69)
    with pytest.raises(ValueError, match="loss must be finite and positive"):
        compute_for_loss(sl.HOFFMANN_2022, -1.0)
    with pytest.raises(ValueError, match="law must be a ChinchillaLaw"):
        compute_for_loss(sl.KAPLAN_2020, 2.5)


@pytest.mark.parametrize("law", FITS, ids=fit_ids)
@pytest.mark.parametrize("ratio", [1 / 16, 1 / 3, 2.0, 10.0])
def test_misallocated_loss_is_reached_by_an_optimal_run_of_the_equivalent_compute(law, ratio):
    compute = 5.76e23
    n = ratio * law.optimal_allocation(compute).N
    run = misallocation_penalty(law, compute, n)
    # independent routes: the loss straight from L(N, D) with D = C/(6N), and a brute-force inversion
    assert run.loss == pytest.approx(law.loss(n, compute / (6 * n)), rel=1e-12)
    assert law.loss_at_compute(run.equivalent_compute) == pytest.approx(run.loss, rel=1e-10)
    assert run.equivalent_compute == pytest.approx(brute_force_compute_for_loss(law, run.loss), rel=1e-5)
    assert run.delta_loss == pytest.approx(run.loss - brute_force_best_loss(law, compute), abs=1e-9)
    assert 0 < run.wasted_fraction < 1 and run.size_ratio == pytest.approx(ratio)


def test_the_optimal_allocation_wastes_nothing_and_costs_no_loss():
    law = sl.BESIROGLU_2024
    run = misallocation_penalty(law, 1e22, law.optimal_allocation(1e22).N)
    assert run.delta_loss == pytest.approx(0.0, abs=1e-12)
    assert run.wasted_fraction == pytest.approx(0.0, abs=1e-9) and run.wasted_fraction >= 0


@pytest.mark.parametrize("law", FITS, ids=fit_ids)
def test_wasted_fraction_depends_on_size_ratio_only_while_the_nat_penalty_shrinks_with_compute(law):
    ratios = np.array([1 / 8, 1 / 2, 3.0, 16.0])
    runs = [misallocation_penalty(law, c, ratios * law.optimal_allocation(c).N) for c in (1e19, 1e23, 1e27)]
    assert np.allclose(runs[0].wasted_fraction, runs[1].wasted_fraction, rtol=1e-9)
    assert np.allclose(runs[0].wasted_fraction, runs[2].wasted_fraction, rtol=1e-9)
    assert np.all(runs[0].delta_loss > runs[1].delta_loss) and np.all(runs[1].delta_loss > runs[2].delta_loss)


def test_a_model_twice_too_big_wastes_less_than_a_sixth_and_sixteen_times_most_of_the_budget():
    # brute force: the compute-optimal budget that matches the loss, found by bisection, for the Epoch refit
    law, compute = sl.BESIROGLU_2024, 1e23
    for ratio, lo, hi in [(2.0, 0.10, 0.17), (16.0, 0.85, 0.95)]:
        n = ratio * law.optimal_allocation(compute).N
        wasted = 1 - brute_force_compute_for_loss(law, law.loss(n, compute / (6 * n))) / compute
        assert lo < wasted < hi
        assert misallocation_penalty(law, compute, n).wasted_fraction == pytest.approx(wasted, rel=1e-4)


def test_misallocation_broadcasts_and_validates():
    law = sl.HOFFMANN_2022
    run = misallocation_penalty(law, 1e21, np.array([1e8, 1e9, 1e10]))
    assert np.shape(run.wasted_fraction) == (3,) and np.allclose(6 * run.N * run.D, 1e21)
    with pytest.raises(ValueError, match="N must be finite and positive"):
        misallocation_penalty(law, 1e21, 0.0)
    with pytest.raises(ValueError, match="compute must be a number"):
        misallocation_penalty(law, "1e21", 1e9)
    with pytest.raises(ValueError, match="shapes do not broadcast"):
        misallocation_penalty(law, np.array([1e21, 1e22]), np.array([1e8, 1e9, 1e10]))


def test_the_rule_of_thumb_is_chinchillas_own_ratio_and_table_3s():
    assert TOKENS_PER_PARAM_RULE == pytest.approx(1.4e12 / 70e9)  # Hoffmann et al. 2022: 70B on 1.4T tokens
    ratios = [tokens / params for params, _, tokens in APPROACH_1_PROJECTIONS]
    assert all(20 <= r < 22.5 for r in ratios)  # Table 3: 20.0 (400M) ... 22.4 (67B) tokens per parameter


def test_fixed_ratio_allocation_spends_the_budget_at_the_ratio():
    n, d = fixed_ratio_allocation(np.array([1e20, 5.76e23]), 20.0)
    assert np.allclose(6 * n * d, [1e20, 5.76e23]) and np.allclose(d / n, 20.0)
    n, d = fixed_ratio_allocation(5.76e23)
    assert n == pytest.approx(69.28e9, rel=1e-3)  # sqrt(5.76e23 / 120)
    with pytest.raises(ValueError, match="tokens_per_param"):
        fixed_ratio_allocation(1e21, 0)


def test_table_2_rows_split_the_compute_and_approach_3_matches_the_unrounded_fit():
    for a, b in TABLE_2_EXPONENTS.values():
        assert a + b == pytest.approx(1.0)
    a, b = TABLE_2_EXPONENTS["Approach 3 (parametric fit)"]
    assert round(sl.HOFFMANN_2022_UNROUNDED.a, 2) == a and round(sl.HOFFMANN_2022_UNROUNDED.b, 2) == b


def test_scaled_allocation_matches_a_law_with_equal_exponents():
    equal = sl.ChinchillaLaw(E=1.7, A=400.0, B=400.0, alpha=0.3, beta=0.3)  # a = b = 0.5
    one, two = equal.optimal_allocation(1e23), equal.optimal_allocation(2e23)
    n, d = scaled_allocation(one.N, one.D, 2.0, 0.5, 0.5)
    assert (n, d) == (pytest.approx(two.N), pytest.approx(two.D))
    n, d = scaled_allocation(70e9, 1.4e12, 2.0, 0.5, 0.5)
    assert n == pytest.approx(98.99e9, rel=1e-3) and d == pytest.approx(1.98e12, rel=1e-3)
    with pytest.raises(ValueError, match="compute_factor"):
        scaled_allocation(70e9, 1.4e12, -2.0, 0.5, 0.5)


bad_scalars = st.one_of(st.floats(max_value=0.0), st.just(np.nan), st.just(np.inf), st.text(max_size=5), st.booleans(),
                        st.none(), st.just([1.0, [2.0]]), st.just(1 + 2j))


@given(bad=bad_scalars)
def test_public_functions_reject_bad_input_with_value_error(bad):
    law = sl.BESIROGLU_2024
    for call in (lambda: compute_for_loss(law, bad), lambda: fixed_ratio_allocation(bad),
                 lambda: fixed_ratio_allocation(1e21, bad), lambda: misallocation_penalty(law, bad, 1e9),
                 lambda: misallocation_penalty(law, 1e21, bad), lambda: scaled_allocation(bad, 1e12, 2.0, 0.5, 0.5)):
        with pytest.raises(ValueError):
            call()
