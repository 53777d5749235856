"""Tests for scalinglaws.train_and_sample: Roberts et al.'s Approach 1 optimum (two budgets) and the lifetime form."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scalinglaws as sl
from scalinglaws import train_and_sample as tt

LAW = sl.HOFFMANN_2022_UNROUNDED
TERM = tt.EXAMPLE_SAMPLES_TERM
T = 1000.0


def brute_force(budget, questions, term=TERM, law=LAW):
    """Dense grid over log N and log k, with D = (C − 2·N·T·k·Q) / (6N) spending the rest of the budget."""
    n = np.logspace(6, 13, 1401)[:, None]
    k = np.logspace(0, 5, 1001)[None, :]
    room = budget - 2 * n * T * questions * k
    d = np.where(room > 0, room / (6 * n), np.nan)
    with np.errstate(invalid="ignore"):
        loss = law.E + law.A * n ** -law.alpha + law.B * d ** -law.beta + term.G * k ** -term.gamma
    loss = np.where(np.isnan(loss), np.inf, loss)
    i, j = np.unravel_index(np.argmin(loss), loss.shape)
    return loss[i, j], n[i, 0], k[0, j]


@pytest.mark.parametrize("budget, questions", [(1e21, 1e6), (1e22, 1e8), (1e23, 1e8), (1e23, 1e10)])
def test_joint_optimum_matches_a_dense_grid_search(budget, questions):
    plan = tt.lifetime_train_to_test_optimal(LAW, budget, questions, T)
    grid_loss, grid_n, grid_k = brute_force(budget, questions)
    assert plan.loss <= grid_loss + 1e-12
    assert plan.loss == pytest.approx(grid_loss, abs=2e-5)
    assert plan.N == pytest.approx(grid_n, rel=0.05)
    assert plan.k == pytest.approx(grid_k, rel=0.05)


@pytest.mark.parametrize("budget, questions", [(1e21, 1e6), (1e23, 1e8), (1e25, 1e10)])
def test_joint_optimum_satisfies_the_multiplier_conditions(budget, questions):
    # stationarity of the Lagrangian: αA N^-α = βB D^-β + γG k^-γ, and training's share is βB D^-β / αA N^-α
    p = tt.lifetime_train_to_test_optimal(LAW, budget, questions, T)
    assert p.k > 1
    params_term = LAW.alpha * LAW.A * p.N ** -LAW.alpha
    data_term = LAW.beta * LAW.B * p.D ** -LAW.beta
    samples_term = TERM.gamma * TERM.G * p.k ** -TERM.gamma
    assert params_term == pytest.approx(data_term + samples_term, rel=1e-4)
    assert p.training_share == pytest.approx(data_term / params_term, rel=1e-4)


@pytest.mark.parametrize("hold", tt.HOLDS)
def test_every_plan_spends_the_whole_budget(hold):
    p = tt.lifetime_train_to_test_optimal(LAW, 1e23, 1e8, T, hold=hold)
    assert p.training_flops + p.inference_flops == pytest.approx(1e23, rel=1e-9)
    assert sl.lifetime_flops(p.N, p.D, T * 1e8 * p.k) == pytest.approx(1e23, rel=1e-9)
    assert p.k >= 1


def test_one_sample_is_chapter_5s_lifetime_optimum():
    p = tt.lifetime_train_to_test_optimal(LAW, 1e23, 1e8, T, hold="one_sample")
    ch5 = sl.budget_optimal(LAW, 1e23, 1e8 * T).optimum
    assert (p.N, p.D, p.k) == pytest.approx((ch5.N, ch5.D, 1.0), rel=1e-12)
    assert p.loss == pytest.approx(ch5.loss + TERM.G)


def test_compute_optimal_training_stays_on_hoffmanns_frontier():
    p = tt.lifetime_train_to_test_optimal(LAW, 1e23, 1e8, T, hold="compute_optimal_training")
    best = LAW.optimal_allocation(p.training_flops)
    assert (p.N, p.D) == pytest.approx((best.N, best.D), rel=1e-9)
    assert p.overtraining_factor == pytest.approx(1.0)
    # a coarse scan of the training share never beats it
    for share in np.linspace(0.05, 0.95, 19):
        alloc = LAW.optimal_allocation(share * 1e23)
        k = (1 - share) * 1e23 / (2 * alloc.N * T * 1e8)
        if k >= 1:
            assert p.loss <= alloc.loss + TERM(k) + 1e-12


@pytest.mark.parametrize("budget, questions", [(1e21, 1e7), (1e23, 1e8), (1e25, 1e10)])
def test_holding_anything_fixed_cannot_beat_the_joint_optimum(budget, questions):
    joint = tt.lifetime_train_to_test_optimal(LAW, budget, questions, T)
    for hold in tt.HOLDS[1:]:
        assert joint.loss <= tt.lifetime_train_to_test_optimal(LAW, budget, questions, T, hold=hold).loss + 1e-12


def test_the_optimum_moves_into_overtraining_as_demand_grows():
    plans = [tt.lifetime_train_to_test_optimal(LAW, 1e23, q, T) for q in [1e6, 1e7, 1e8, 1e9, 1e10]]
    ratios = [p.tokens_per_param for p in plans]
    assert all(a < b for a, b in zip(ratios, ratios[1:]))
    assert all(p.overtraining_factor > 1.5 for p in plans)
    # and further than chapter 5's one-sample optimum at the same budget and demand
    for q, p in zip([1e6, 1e7, 1e8, 1e9, 1e10], plans):
        assert p.tokens_per_param > tt.lifetime_train_to_test_optimal(LAW, 1e23, q, T, hold="one_sample").tokens_per_param


# --- the paper's form: Eq. 1 with C_train and C_inf, k = C_inf / (2N) (§3.3) ---------------------------------
def brute_force_per_token(c_train, c_inf, term=TERM, law=LAW):
    n = np.logspace(5, math.log10(c_inf / 2), 200_001)
    loss = law.E + law.A * n ** -law.alpha + law.B * (c_train / (6 * n)) ** -law.beta \
        + term.G * (c_inf / (2 * n)) ** -term.gamma
    return loss.min(), n[np.argmin(loss)]


BUDGETS = tt.ROBERTS_2026_BUDGETS


@pytest.mark.parametrize("c_train, c_inf", [(BUDGETS["training_table1"], BUDGETS["inference_per_token_table1"]),
                                            (1e21, BUDGETS["inference_per_token_fig2"]),
                                            (1e25, BUDGETS["inference_per_token_fig2"]), (1e17, 1e9)])
def test_per_token_optimum_matches_a_dense_scan_over_model_size(c_train, c_inf):
    p = tt.train_to_test_optimal(LAW, c_train, c_inf)
    scan_loss, scan_n = brute_force_per_token(c_train, c_inf)
    assert p.loss <= scan_loss + 1e-12
    assert p.loss == pytest.approx(scan_loss, abs=1e-9)
    assert p.N == pytest.approx(scan_n, rel=1e-3)
    assert p.training_flops == pytest.approx(c_train, rel=1e-12)  # 6ND = C_train
    assert p.inference_flops_per_token == pytest.approx(c_inf, rel=1e-12)  # 2Nk = C_inf (§3.3)


def test_per_token_optimum_satisfies_the_multiplier_condition():
    p = tt.train_to_test_optimal(LAW, 1e21, BUDGETS["inference_per_token_fig2"])
    assert p.k > 1
    assert LAW.alpha * LAW.A * p.N ** -LAW.alpha == pytest.approx(
        LAW.beta * LAW.B * p.D ** -LAW.beta + TERM.gamma * TERM.G * p.k ** -TERM.gamma, rel=1e-9)


def test_per_token_optimum_overtrains_more_as_the_training_budget_grows():
    # Roberts et al. Fig. 2: at C_inf = 140B FLOP, optimal tokens per parameter rise far above Chinchilla's
    plans = [tt.train_to_test_optimal(LAW, c) for c in [1e19, 1e21, 1e23, 1e25]]
    factors = [p.overtraining_factor for p in plans]
    assert all(a < b for a, b in zip(factors, factors[1:]))
    assert factors[0] > 1 and factors[-1] > 100


def test_per_token_holds_follow_the_papers_comparisons():
    c_train, c_inf = BUDGETS["training_table1"], BUDGETS["inference_per_token_table1"]
    best = LAW.optimal_allocation(c_train)
    chinchilla = tt.train_to_test_optimal(LAW, c_train, c_inf, hold="compute_optimal_training")
    assert (chinchilla.N, chinchilla.D) == pytest.approx((best.N, best.D))
    assert chinchilla.k == pytest.approx(c_inf / (2 * best.N))  # inference-corrected Chinchilla (Fig. 3)
    single = tt.train_to_test_optimal(LAW, c_train, c_inf, hold="one_sample")
    assert (single.N, single.k) == pytest.approx((best.N, 1.0))
    joint = tt.train_to_test_optimal(LAW, c_train, c_inf)
    assert joint.loss < chinchilla.loss < single.loss
    assert joint.N < chinchilla.N and joint.tokens_per_param > chinchilla.tokens_per_param


def test_one_sample_is_clipped_to_what_the_inference_budget_pays():
    p = tt.train_to_test_optimal(LAW, 1e25, BUDGETS["inference_per_token_fig2"], hold="one_sample")
    assert p.N == pytest.approx(70e9) and p.k == 1.0  # 2N = C_inf: one forward pass of a 70B model


def test_compute_optimal_training_that_cannot_pay_one_sample_raises():
    with pytest.raises(ValueError, match="cannot pay one sample"):
        tt.train_to_test_optimal(LAW, 1e25, BUDGETS["inference_per_token_fig2"], hold="compute_optimal_training")


@pytest.mark.parametrize("budget, questions", [(1e21, 1e6), (1e23, 1e8), (1e25, 1e10)])
def test_the_lifetime_optimum_is_the_papers_optimum_for_its_own_split(budget, questions):
    life = tt.lifetime_train_to_test_optimal(LAW, budget, questions, T)
    paper = tt.train_to_test_optimal(LAW, life.training_flops, life.inference_flops_per_token)
    assert (paper.N, paper.D, paper.k) == pytest.approx((life.N, life.D, life.k), rel=1e-5)


def test_roberts_budgets_are_the_papers_numbers():
    assert BUDGETS["inference_per_token_fig2"] == pytest.approx(140e9)  # §4.1: "140B FLOPs"
    assert BUDGETS["inference_per_token_table1"] == 2e9 and BUDGETS["training_table1"] == 2.56e19


def test_task_loss_adds_the_samples_term_to_the_pretraining_law():
    assert tt.task_loss(LAW, 1e9, 2e10, 4.0) == pytest.approx(LAW.loss(1e9, 2e10) + 0.5 * 4 ** -0.5)
    assert TERM(100) == pytest.approx(0.05)


# --- input validation -------------------------------------------------------------------------------------
bad_positive = st.one_of(st.just(-1.0), st.just(0.0), st.just(math.nan), st.just(math.inf), st.just("1e23"),
                         st.just(None), st.just(True), st.just([1e21, 1e22]))


@pytest.mark.parametrize("argument", ["budget", "questions", "tokens_per_sample"])
@settings(max_examples=20)
@given(value=bad_positive)
def test_bad_scalars_raise_value_error(argument, value):
    kwargs = dict(budget=1e23, questions=1e8, tokens_per_sample=T)
    kwargs[argument] = value
    with pytest.raises(ValueError, match=argument):
        tt.lifetime_train_to_test_optimal(LAW, **kwargs)


@pytest.mark.parametrize("argument", ["training_budget", "inference_budget"])
@settings(max_examples=20)
@given(value=bad_positive)
def test_bad_budgets_raise_value_error(argument, value):
    kwargs = dict(training_budget=1e21, inference_budget=1e11)
    kwargs[argument] = value
    with pytest.raises(ValueError, match=argument):
        tt.train_to_test_optimal(LAW, **kwargs)


@pytest.mark.parametrize("call", [
    lambda: tt.lifetime_train_to_test_optimal(LAW, 1e23, 1e8, hold="k"),
    lambda: tt.train_to_test_optimal(LAW, 1e23, 1e11, hold="all"),
    lambda: tt.lifetime_train_to_test_optimal("Chinchilla", 1e23, 1e8),
    lambda: tt.lifetime_train_to_test_optimal(LAW, 1e23, 1e8, term=(0.5, 0.5)),
    lambda: tt.SamplesTerm(G=0.0, gamma=0.5),
    lambda: tt.SamplesTerm(G=0.5, gamma=math.nan),
    lambda: tt.task_loss(LAW, 1e9, 1e10, 0.5),
])
def test_bad_choices_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


@settings(max_examples=40, deadline=None)
@given(g=st.floats(min_value=1e-3, max_value=10.0), gamma=st.floats(min_value=0.05, max_value=2.0),
       c_train=st.floats(min_value=1e17, max_value=1e25), c_inf=st.floats(min_value=1e9, max_value=1e13))
def test_any_samples_term_overtrains_relative_to_chinchilla(g, gamma, c_train, c_inf):
    # αA N^-α = βB D^-β + γG k^-γ > βB D^-β at the optimum, so N is below Chinchilla's N for the same 6ND
    p = tt.train_to_test_optimal(LAW, c_train, c_inf, tt.SamplesTerm(G=g, gamma=gamma))
    assert p.overtraining_factor >= 1 - 1e-9
