"""scalinglaws.sampling against independent routes: exact integer binomials, brute-force enumeration,
numerical integration, closed forms, and seeded simulation."""
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from scalinglaws import sampling as sm


# --- pass@k ---------------------------------------------------------------------------------------------
def exact_pass_at_k(n, c, k):
    """1 − C(n−c, k)/C(n, k) in exact rational arithmetic (Chen et al. 2021, Eq. 1)."""
    return float(1 - Fraction(math.comb(n - c, k), math.comb(n, k)))


@pytest.mark.parametrize("n", [1, 2, 5, 10, 37])
def test_pass_at_k_equals_the_exact_binomial_ratio(n):
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert sm.pass_at_k(n, c, k) == pytest.approx(exact_pass_at_k(n, c, k), rel=1e-12, abs=1e-15)


def test_pass_at_k_is_stable_where_float_binomials_overflow():
    # C(5000, 1000) ≈ 1e1000 overflows a float; exact integers do not
    assert sm.pass_at_k(5000, 5, 1000) == pytest.approx(exact_pass_at_k(5000, 5, 1000), rel=1e-12)
    assert sm.pass_at_k(100_000, 3, 50_000) == pytest.approx(exact_pass_at_k(100_000, 3, 50_000), rel=1e-12)


def test_pass_at_k_edge_cases_are_exact():
    assert sm.pass_at_k(10, 0, 4) == 0.0
    assert sm.pass_at_k(10, 10, 3) == 1.0
    assert sm.pass_at_k(10, 8, 3) == 1.0  # n − c = 2 < k = 3: any 3 samples include a correct one
    assert sm.pass_at_k(10, 3, 1) == pytest.approx(0.3)


@pytest.mark.parametrize("n, c, k", [(5, 2, 7), (4, 0, 6), (1, 1, 2)])
def test_k_larger_than_n_is_rejected_with_the_reason(n, c, k):
    with pytest.raises(ValueError, match="n >= k"):
        sm.pass_at_k(n, c, k)


def test_pass_at_k_is_unbiased_for_binomial_counts():
    # E_c[pass_at_k(n, c, k)] over c ~ Binomial(n, p) equals the true pass@k 1 − (1 − p)^k
    n, p = 12, 0.23
    c = np.arange(n + 1)
    weights = stats.binom.pmf(c, n, p)
    for k in (1, 3, 7, 12):
        assert weights @ sm.pass_at_k(n, c, k) == pytest.approx(1 - (1 - p) ** k, rel=1e-12)
        biased = weights @ (1 - (1 - c / n) ** k)
        assert k == 1 or abs(biased - (1 - (1 - p) ** k)) > 1e-3  # the plug-in estimator is not


def test_pass_at_k_broadcasts_counts_against_budgets():
    out = sm.pass_at_k(10, np.array([0, 3, 10]), np.array([[1], [5]]))
    assert out.shape == (2, 3)
    assert out[1, 1] == pytest.approx(exact_pass_at_k(10, 3, 5))


def test_mean_pass_at_k_averages_problems():
    c = [0, 3, 8]
    want = np.mean([exact_pass_at_k(10, ci, 2) for ci in c])
    assert sm.mean_pass_at_k(10, c, 2) == pytest.approx(want)
    assert sm.mean_pass_at_k(10, c, [1, 2])[1] == pytest.approx(want)


# --- coverage and its power law -----------------------------------------------------------------------------
def test_coverage_is_the_mean_chance_of_any_success():
    assert sm.coverage([0.5, 0.0, 1.0], 2) == pytest.approx((0.75 + 0 + 1) / 3)
    assert np.allclose(sm.coverage(0.1, [1, 10]), [0.1, 1 - 0.9 ** 10])


def test_coverage_law_fit_recovers_known_parameters():
    k = np.unique(np.round(np.logspace(0, 4, 20)))
    truth = sm.CoverageLaw(a=-1.7, b=-0.35)
    fit = sm.fit_coverage_law(k, truth(k))
    assert (fit.a, fit.b) == pytest.approx((-1.7, -0.35), rel=1e-9)
    rng = np.random.default_rng(7)
    noisy = np.exp(np.log(truth(k)) * np.exp(0.02 * rng.standard_normal(k.size)))  # 2% noise on −log c
    fit = sm.fit_coverage_law(k, noisy)
    assert fit.a == pytest.approx(-1.7, rel=0.03) and fit.b == pytest.approx(-0.35, rel=0.05)


def test_coverage_law_inverts():
    law = sm.CoverageLaw(a=-2.0, b=-0.4)
    assert law(law.samples_for(0.8)) == pytest.approx(0.8)
    assert law(1) == pytest.approx(math.exp(-2.0))


def test_coverage_law_rejects_falling_data():
    with pytest.raises(ValueError, match="not negative"):
        sm.fit_coverage_law([1, 10, 100], [0.9, 0.5, 0.1])


@pytest.mark.parametrize("alpha, beta", [(0.3, 3.0), (1.0, 1.0), (2.5, 0.7)])
def test_beta_coverage_matches_numerical_integration(alpha, beta):
    for k in (1, 7, 300):
        integrand = lambda p: (1 - (1 - p) ** k) * stats.beta.pdf(p, alpha, beta)
        want = integrate.quad(integrand, 0, 1, limit=200)[0]
        assert sm.beta_coverage(alpha, beta, k) == pytest.approx(want, rel=1e-6)


def test_beta_failure_becomes_a_power_law_with_exponent_minus_alpha():
    # Schaeffer et al. 2025: exponential per-problem failure + heavy-tailed pass@1 = power law in k
    alpha, beta = 0.3, 3.0
    k = np.logspace(5, 7, 5)
    failure = 1 - sm.beta_coverage(alpha, beta, k)
    slope = np.polyfit(np.log(k), np.log(failure), 1)[0]
    assert slope == pytest.approx(-alpha, abs=1e-3)
    assert failure / sm.beta_failure_asymptote(alpha, beta, k) == pytest.approx(np.ones(5), rel=1e-3)
    fit = sm.fit_coverage_law(k, sm.beta_coverage(alpha, beta, k))
    assert fit.b == pytest.approx(-alpha, abs=0.01)  # −log c ≈ 1 − c once coverage is near 1


# --- majority voting ---------------------------------------------------------------------------------------
def brute_force_majority(k, p, wrong):
    """Enumerate every sequence of k answers (0 = correct), with the uniform tie-break."""
    probs = [p] + [(1 - p) * w / sum(wrong) for w in wrong]
    total = 0.0
    for seq in itertools.product(range(len(probs)), repeat=k):
        counts = np.bincount(seq, minlength=len(probs))
        top = counts.max()
        if counts[0] == top:
            total += math.prod(probs[a] for a in seq) / np.sum(counts == top)
    return total


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("wrong", [(1.0,), (1.0, 1.0), (3.0, 1.0, 0.5)])
def test_majority_vote_matches_brute_force_enumeration(k, wrong):
    for p in (0.0, 0.2, 0.45, 1.0):
        assert sm.majority_vote_accuracy(k, p, wrong) == pytest.approx(brute_force_majority(k, p, wrong), abs=1e-12)


def test_majority_vote_hand_computed_small_cases():
    for p in (0.3, 0.6, 0.9):
        assert sm.majority_vote_accuracy(3, p) == pytest.approx(p ** 3 + 3 * p ** 2 * (1 - p))  # two answers
        assert sm.majority_vote_accuracy(2, p) == pytest.approx(p)  # a 1–1 tie is a coin flip
    # two equally likely wrong answers: 1 correct + 2 different wrong ones is a 3-way tie won 1 time in 3
    assert sm.majority_vote_accuracy(3, 0.5, (1, 1)) == pytest.approx(0.5 + 3 * 0.5 * 0.25 * 0.5 / 3)


@pytest.mark.parametrize("k, p, wrong", [(9, 0.35, sm.EXAMPLE_WRONG_ANSWERS), (40, 0.3, (1, 1, 1, 1)),
                                         (25, 0.5, (1.0,)), (100, 0.3, sm.EXAMPLE_WRONG_ANSWERS)])
def test_majority_vote_agrees_with_seeded_simulation(k, p, wrong):
    exact = sm.majority_vote_accuracy(k, p, wrong)
    simulated = sm.simulate_majority_vote(k, p, wrong, trials=200_000, seed=1)
    assert simulated == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / 200_000) + 1e-9)


def test_majority_vote_converges_to_whether_the_correct_answer_is_modal():
    wrong = sm.EXAMPLE_WRONG_ANSWERS  # the commonest wrong answer gets (1 − p)/2 of samples
    assert sm.majority_vote_limit([0.3, 0.4, 1 / 3], wrong) == pytest.approx([0.0, 1.0, 0.5])
    assert sm.majority_vote_accuracy(1023, 0.3, wrong) < 0.03  # converging to 0 (0.0235 at k = 1023)
    assert sm.majority_vote_accuracy(1023, 0.4, wrong) > 0.99


# --- best-of-N with a verifier ---------------------------------------------------------------------------
def brute_force_best_of_n(n, p, tpr, fpr):
    """Enumerate correctness and acceptance of every sample; choose uniformly among accepted (else all)."""
    total = 0.0
    for correct in itertools.product([0, 1], repeat=n):
        for accepted in itertools.product([0, 1], repeat=n):
            prob = 1.0
            for c, a in zip(correct, accepted):
                rate = tpr if c else fpr
                prob *= (p if c else 1 - p) * (rate if a else 1 - rate)
            pool = [c for c, a in zip(correct, accepted) if a] or list(correct)
            total += prob * sum(pool) / len(pool)
    return total


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_best_of_n_matches_brute_force_enumeration(n):
    for p, tpr, fpr in [(0.3, 0.9, 0.1), (0.6, 0.7, 0.4), (0.1, 1.0, 0.0), (0.5, 0.0, 0.0)]:
        assert sm.best_of_n_accuracy(n, p, tpr, fpr) == pytest.approx(brute_force_best_of_n(n, p, tpr, fpr), abs=1e-12)


def test_best_of_n_limits_one_sample_oracle_and_precision():
    assert sm.best_of_n_accuracy(1, 0.37, 0.8, 0.3) == pytest.approx(0.37)
    assert sm.best_of_n_accuracy(20, 0.1, 1.0, 0.0) == pytest.approx(1 - 0.9 ** 20)  # perfect verifier = coverage
    assert sm.best_of_n_accuracy(10_000, 0.3, 0.8, 0.2) == pytest.approx(0.24 / (0.24 + 0.14))
    assert sm.best_of_n_limit(0.3, 0.8, 0.2) == pytest.approx(0.24 / 0.38)


def test_best_of_n_agrees_with_seeded_simulation():
    exact = sm.best_of_n_accuracy(16, 0.3, 0.8, 0.2)
    assert sm.simulate_best_of_n(16, 0.3, 0.8, 0.2, trials=200_000, seed=3) == pytest.approx(exact, abs=0.005)


# --- FLOP and the compute-matched comparison ------------------------------------------------------------------
def test_sampling_flops_counts_two_flop_per_parameter_per_generated_token():
    assert sm.sampling_flops(8e9, 1000, 16) == pytest.approx(2 * 8e9 * 1000 * 16)
    assert sm.sampling_flops(8e9, 1000, 16, verifier_params=1e9) == pytest.approx(2 * 9e9 * 1000 * 16)
    assert np.allclose(sm.sampling_flops(1e9, 10, [1, 2]), [2e10, 4e10])


def test_compute_matched_samples_floor_the_flop_ratio():
    assert sm.compute_matched_samples(1e9, 14e9) == 14
    assert sm.compute_matched_samples(7e9, 34e9) == 4
    assert sm.compute_matched_samples(8e9, 70e9, large_samples=2) == 17
    assert sm.compute_matched_samples(70e9, 8e9) == 1


def test_odds_scaled_accuracy_multiplies_the_odds_by_the_size_ratio_to_the_gamma():
    p = np.array([0.01, 0.3, 0.9])
    big = sm.odds_scaled_accuracy(p, 14, 0.75)
    assert np.allclose((big / (1 - big)) / (p / (1 - p)), 14 ** 0.75)
    assert np.allclose(sm.odds_scaled_accuracy(p, 1.0), p)
    assert np.allclose(sm.odds_scaled_accuracy([0.0, 1.0], 100), [0.0, 1.0])


def test_compute_matched_comparison_uses_the_packages_pieces():
    p = np.array([0.05, 0.5])
    cmp = sm.compute_matched_comparison(p, 14, math.inf, 0.75)
    assert cmp.samples == 14
    assert np.allclose(cmp.oracle, 1 - (1 - p) ** 14)
    assert np.allclose(cmp.majority, sm.majority_vote_accuracy(14, p, sm.EXAMPLE_WRONG_ANSWERS))
    assert np.allclose(cmp.best_of_n, sm.best_of_n_accuracy(14, p, *sm.EXAMPLE_VERIFIER))


@pytest.mark.parametrize("r, R", [(14, 1.0), (14, 0.3), (4, 10.0), (64, 3.0), (2, 100.0)])
def test_lifetime_matched_samples_equalise_training_plus_serving(r, R):
    # by hand, in units of N_small and D_pretrain: the larger model 6r + 2rR, the small one 6 + 2kR
    k = sm.lifetime_matched_samples(r, R)
    assert 6 + 2 * k * R <= 6 * r + 2 * r * R * (1 + 1e-12)
    assert 6 + 2 * (k + 1) * R > 6 * r + 2 * r * R
    assert k == math.floor(r + 3 * (r - 1) / R + 1e-9)


def test_lifetime_matched_samples_tend_to_the_inference_only_match_at_high_load():
    assert sm.lifetime_matched_samples(14, math.inf) == sm.compute_matched_samples(1, 14) == 14
    assert sm.lifetime_matched_samples(14, 1e9) == 14
    assert sm.lifetime_matched_samples(14, 1.0) == 53  # 14 + 3 * 13
    assert sm.lifetime_matched_samples(1, 0.01) == 1  # equal models: one sample each


def test_compute_matched_comparison_counts_the_training_bill():
    p = np.array([0.05, 0.5])
    low_load = sm.compute_matched_comparison(p, 14, 1.0, 0.75)
    assert low_load.samples == 53
    assert low_load.large_training_share == pytest.approx(0.75)
    assert np.allclose(low_load.oracle, 1 - (1 - p) ** 53)
    assert np.all(low_load.oracle >= sm.compute_matched_comparison(p, 14, math.inf, 0.75).oracle)


@pytest.mark.parametrize("args", [(1e9, math.inf), (64, 0.01), (2000, 1.0)])
def test_compute_matched_comparison_refuses_more_samples_than_the_vote_bound(args):
    with pytest.raises(ValueError, match="MAX_VOTE_SAMPLES"):
        sm.compute_matched_comparison(0.1, *args)


@pytest.mark.parametrize("call, match", [
    (lambda: sm.pass_at_k(sm.MAX_SAMPLES + 1, 0, 1), "MAX_SAMPLES"),
    (lambda: sm.pass_at_k(100_000, 0, np.arange(1, 201)), "MAX_ELEMENTS"),
    (lambda: sm.mean_pass_at_k(10, np.zeros(2_000_000, int), [1, 2, 3, 4, 5, 6]), "MAX_ELEMENTS"),
    (lambda: sm.coverage(np.full(10_001, 0.5), np.arange(1, 1001)), "MAX_ELEMENTS"),
    (lambda: sm.majority_vote_accuracy(sm.MAX_VOTE_SAMPLES + 1, 0.5), "MAX_VOTE_SAMPLES"),
    (lambda: sm.majority_vote_accuracy(3, 0.5, [1.0] * (sm.MAX_WRONG_ANSWERS + 1)), "MAX_WRONG_ANSWERS"),
    (lambda: sm.majority_vote_accuracy(1000, np.full(20_000, 0.5)), "MAX_ELEMENTS"),
    (lambda: sm.simulate_majority_vote(3, 0.5, trials=10**8), "MAX_ELEMENTS"),
    (lambda: sm.simulate_best_of_n(1000, 0.5, trials=10**5), "MAX_ELEMENTS"),
])
def test_work_beyond_the_bounds_raises_value_error_before_allocating(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- input validation ----------------------------------------------------------------------------------------
bad_size = st.one_of(st.just(-1), st.just(0), st.just(math.nan), st.just(math.inf), st.just("3"), st.just(None),
                    st.just(True), st.just(1 + 1j), st.just([1.0, [2.0]]))
bad_count = st.one_of(bad_size, st.just(2.5))
bad_probability = st.one_of(st.just(-0.1), st.just(1.5), st.just(math.nan), st.just("0.5"), st.just(None))

COUNT_CALLS = {  # arguments that count samples: whole numbers >= 1
    "pass_at_k n": lambda x: sm.pass_at_k(x, 1, 1),
    "pass_at_k k": lambda x: sm.pass_at_k(10, 1, x),
    "mean_pass_at_k k": lambda x: sm.mean_pass_at_k(10, [1, 2], x),
    "coverage k": lambda x: sm.coverage(0.5, x),
    "majority k": lambda x: sm.majority_vote_accuracy(x, 0.5),
    "simulate k": lambda x: sm.simulate_majority_vote(x, 0.5, trials=10),
    "best_of_n n": lambda x: sm.best_of_n_accuracy(x, 0.5),
    "flops samples": lambda x: sm.sampling_flops(1e9, 100, x),
}
SIZE_CALLS = {  # positive real quantities
    "flops params": lambda x: sm.sampling_flops(x, 100, 1),
    "flops tokens": lambda x: sm.sampling_flops(1e9, x, 1),
    "matched": lambda x: sm.compute_matched_samples(x, 1e9),
    "lifetime matched ratio": lambda x: sm.lifetime_matched_samples(x, 1.0),
    "comparison ratio": lambda x: sm.compute_matched_comparison(0.5, x, 1.0),
    "odds ratio": lambda x: sm.odds_scaled_accuracy(0.5, x),
    "beta alpha": lambda x: sm.beta_coverage(x, 1.0, 3),
    "law k": lambda x: sm.CoverageLaw(-1.0, -0.5)(x),
}
PROBABILITY_CALLS = {
    "coverage": lambda x: sm.coverage(x, 3),
    "majority": lambda x: sm.majority_vote_accuracy(3, x),
    "limit": lambda x: sm.majority_vote_limit(x),
    "best_of_n accuracy": lambda x: sm.best_of_n_accuracy(3, x),
    "best_of_n tpr": lambda x: sm.best_of_n_accuracy(3, 0.5, x, 0.1),
    "simulate": lambda x: sm.simulate_majority_vote(3, x),
    "odds": lambda x: sm.odds_scaled_accuracy(x, 2.0),
}


@pytest.mark.parametrize("name", sorted(COUNT_CALLS))
@given(value=bad_count)
def test_bad_sample_counts_raise_value_error(name, value):
    with pytest.raises(ValueError):
        COUNT_CALLS[name](value)


@pytest.mark.parametrize("name", sorted(SIZE_CALLS))
@given(value=bad_size)
def test_bad_sizes_raise_value_error(name, value):
    with pytest.raises(ValueError):
        SIZE_CALLS[name](value)


RATIO_CALLS = {  # R = D_inference / D_pretrain: > 0, math.inf allowed
    "lifetime matched R": lambda x: sm.lifetime_matched_samples(2.0, x),
    "comparison R": lambda x: sm.compute_matched_comparison(0.5, 2.0, x),
}


@pytest.mark.parametrize("name", sorted(RATIO_CALLS))
@given(value=st.one_of(st.just(-1), st.just(0), st.just(-math.inf), st.just(math.nan), st.just("3"),
                       st.just(None), st.just(True), st.just([1.0, 2.0])))
def test_bad_inference_ratios_raise_value_error(name, value):
    with pytest.raises(ValueError):
        RATIO_CALLS[name](value)


@given(ratio=st.floats(min_value=1100, max_value=1e300), load=st.floats(min_value=1e-300, max_value=1e300))
def test_compute_matched_comparison_refuses_any_huge_size_ratio(ratio, load):
    # issue 15: a size ratio of 1e9 used to allocate ~30 GiB; beyond the bound it is a clear ValueError
    with pytest.raises(ValueError, match="MAX_VOTE_SAMPLES"):
        sm.compute_matched_comparison(0.0, ratio, load)


@pytest.mark.parametrize("c", [-1, 11, 2.5, math.nan, "3", None, True])
def test_bad_correct_counts_raise_value_error(c):
    with pytest.raises(ValueError, match="c "):
        sm.pass_at_k(10, c, 1)


@pytest.mark.parametrize("law", [(1.0, -0.5), (-1.0, 0.2), (math.nan, -0.5), (-1.0, math.inf)])
def test_coverage_law_needs_negative_finite_parameters(law):
    with pytest.raises(ValueError, match="negative"):
        sm.CoverageLaw(*law)


@pytest.mark.parametrize("name", sorted(PROBABILITY_CALLS))
@given(value=bad_probability)
def test_bad_probabilities_raise_value_error(name, value):
    with pytest.raises(ValueError, match="probab|number"):
        PROBABILITY_CALLS[name](value)


def test_error_messages_name_argument_value_and_allowed_range():
    with pytest.raises(ValueError, match=r"c must satisfy 0 <= c <= 10.*got 11"):
        sm.pass_at_k(10, 11, 1)
    with pytest.raises(ValueError, match=r"k must be whole numbers.*2\.5"):
        sm.pass_at_k(10, 1, 2.5)
    with pytest.raises(ValueError, match="wrong must be"):
        sm.majority_vote_accuracy(3, 0.5, [0.0, 0.0])
    with pytest.raises(ValueError, match="equal length"):
        sm.fit_coverage_law([1, 2, 3], [0.1, 0.2])


def test_coverage_fit_rejects_bad_data():
    with pytest.raises(ValueError, match="k must be finite and positive"):
        sm.fit_coverage_law([-1.0, 2.0], [0.5, 0.6])
    with pytest.raises(ValueError, match=r"cov must be a probability in \(0, 1\)"):
        sm.fit_coverage_law([1.0, 2.0], [0.5, 1.0])
    with pytest.raises(ValueError, match="two distinct"):
        sm.fit_coverage_law([2.0, 2.0], [0.5, 0.6])
