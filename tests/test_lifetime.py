"""Lifetime compute (Sardana et al. 2024): every expected value comes from an independent route —
a brute-force search along the iso-loss curve, a root of the Chinchilla loss-vs-compute curve, the paper's
own worked example, or arithmetic done by hand here."""
import math

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

import scalinglaws as sl
from scalinglaws.lifetime import SARDANA_2024_FIG1

FITS = [sl.HOFFMANN_2022, sl.HOFFMANN_2022_UNROUNDED, sl.BESIROGLU_2024]
LOSSES = [1.95, 2.0, 2.2, 2.6]


def iso_loss_d(law, n, loss):
    """D on the iso-loss curve, written out from L = E + A/N^alpha + B/D^beta."""
    return (law.B / (loss - law.E - law.A * n ** -law.alpha)) ** (1 / law.beta)


def brute_force_lifetime_n(law, loss, demand):
    """Minimise 6ND + 2N·T along the iso-loss curve with a bounded scalar minimiser in log N."""
    n_min = (law.A / (loss - law.E)) ** (1 / law.alpha)
    cost = lambda u: math.log(6 * math.exp(u) * iso_loss_d(law, math.exp(u), loss) + 2 * math.exp(u) * demand)
    res = minimize_scalar(cost, bounds=(math.log(n_min) + 1e-9, math.log(n_min) + 25), method="bounded",
                          options={"xatol": 1e-12})
    return math.exp(res.x)


def compute_reaching(law, loss):
    """The training budget whose compute-optimal run reaches ``loss`` (root of loss_at_compute(C) = loss)."""
    return math.exp(brentq(lambda lc: law.loss_at_compute(math.exp(lc)) - loss, math.log(1e10), math.log(1e40)))


@pytest.mark.parametrize("law", FITS, ids=lambda l: l.name)
@pytest.mark.parametrize("loss", LOSSES)
def test_no_demand_gives_the_chinchilla_optimum_for_that_loss(law, loss):
    reference = law.optimal_allocation(compute_reaching(law, loss))
    best = sl.lifetime_optimal(law, loss, 0.0)
    assert best.optimum.N == pytest.approx(reference.N, rel=1e-8)
    assert best.optimum.D == pytest.approx(reference.D, rel=1e-8)
    assert best.overtraining_factor == pytest.approx(1.0) and best.savings_fraction == pytest.approx(0.0, abs=1e-12)
    closed = sl.chinchilla_optimal_for_loss(law, loss)
    assert closed.N == pytest.approx(reference.N, rel=1e-8) and closed.compute == pytest.approx(reference.compute, rel=1e-8)


@pytest.mark.parametrize("law", FITS, ids=lambda l: l.name)
@pytest.mark.parametrize("demand", [1e9, 1e11, 1e12, 1e13, 1e15])
def test_optimum_matches_bounded_minimisation_and_beats_a_dense_grid(law, demand):
    loss = 2.0
    best = sl.lifetime_optimal(law, loss, demand)
    assert best.optimum.N == pytest.approx(brute_force_lifetime_n(law, loss, demand), rel=1e-5)
    n_min = (law.A / (loss - law.E)) ** (1 / law.alpha)
    grid = n_min * np.logspace(1e-9, 5, 50_001)
    total = 6 * grid * iso_loss_d(law, grid, loss) + 2 * grid * demand
    assert best.optimum.total_flops <= total.min() * (1 + 1e-12)
    assert best.optimum.total_flops == pytest.approx(total.min(), rel=1e-6)


@pytest.mark.parametrize("law", FITS, ids=lambda l: l.name)
def test_optimum_lies_on_the_iso_loss_curve(law):
    demands = np.logspace(8, 16, 17)
    for loss in LOSSES:
        best = sl.lifetime_optimal(law, loss, demands)
        assert np.allclose(law.loss(best.optimum.N, best.optimum.D), loss, rtol=0, atol=1e-12)
        assert np.allclose(law.loss(best.chinchilla.N, best.chinchilla.D), loss, rtol=0, atol=1e-12)


def test_optimum_shrinks_and_trains_longer_as_demand_grows():
    best = sl.lifetime_optimal(sl.HOFFMANN_2022_UNROUNDED, 2.0, np.logspace(9, 15, 25))
    assert np.all(np.diff(best.optimum.N) < 0)
    assert np.all(np.diff(best.optimum.D) > 0)
    assert np.all(np.diff(best.overtraining_factor) > 0) and np.all(best.overtraining_factor >= 1)
    assert np.all(np.diff(best.savings_fraction) > 0) and np.all(best.savings_fraction < 1)
    assert np.all(np.diff(best.optimum.training_share) < 0)


def _fig1_with(law):
    ex = SARDANA_2024_FIG1
    budget = math.exp(brentq(lambda lc: math.log(law.optimal_allocation(math.exp(lc)).N / ex.planned_params), 40, 70))
    planned = law.optimal_allocation(budget)
    return planned, sl.lifetime_optimal(law, planned.loss, ex.inference_tokens)


def test_sardana_fig1_is_reproduced_with_the_constants_sardana_et_al_use():
    # Sardana et al. 2024, Fig. 1: plan 13B, 2T tokens of demand → a 7B model saves 1.7e22 FLOP (17%).
    # Their constants (App. A; authors' code defaults): E 1.69, A 406.4, B 410.7, alpha 0.336, beta 0.283.
    # Reading "a 13B model" as the law's own compute-optimal 13B model, every printed figure is matched to
    # the precision it is printed with (7B, 1.7e22, 17%).
    assert (sl.SARDANA_2024_LAW.alpha, sl.SARDANA_2024_LAW.beta) == (0.336, 0.283)
    ex = SARDANA_2024_FIG1
    planned, best = _fig1_with(sl.SARDANA_2024_LAW)
    assert best.chinchilla.N == pytest.approx(ex.planned_params, rel=1e-9)
    # the planned model's lifetime FLOP, written out by hand
    assert best.chinchilla.total_flops == pytest.approx(6 * 13e9 * planned.D + 2 * 13e9 * 2e12, rel=1e-9)
    assert round(best.optimum.N / 1e9) == 7
    assert round(best.savings_flops / 1e21) / 10 == 1.7
    assert round(100 * best.savings_fraction) == 17


def test_sardana_fig1_is_not_matched_as_closely_with_hoffmanns_unrounded_fit():
    # Hoffmann's TeX values give 7.12B and 16.3%: near the caption, but 16% once rounded, not 17%.
    _, best = _fig1_with(sl.HOFFMANN_2022_UNROUNDED)
    assert best.optimum.N == pytest.approx(7e9, rel=0.03)
    assert round(100 * best.savings_fraction) != 17


def test_sardana_fig1_depends_on_the_fit_and_the_token_assumption():
    ex = SARDANA_2024_FIG1
    fractions = {}
    for law in FITS:
        budget = math.exp(brentq(lambda lc: math.log(law.optimal_allocation(math.exp(lc)).N / ex.planned_params), 40, 70))
        fractions[law.name] = sl.lifetime_optimal(law, law.loss_at_compute(budget), ex.inference_tokens).savings_fraction
    assert fractions[sl.HOFFMANN_2022.name] < 0.12 and fractions[sl.BESIROGLU_2024.name] > 0.25
    # a 13B model on 20 tokens/param (260B tokens) under the unrounded fit: far from the published 17%
    law = sl.HOFFMANN_2022_UNROUNDED
    twenty = sl.lifetime_optimal(law, law.loss(13e9, 20 * 13e9), ex.inference_tokens)
    planned_total = 6 * 13e9 * 260e9 + 2 * 13e9 * 2e12
    saved = 1 - twenty.optimum.total_flops / planned_total
    assert saved > 0.35


def test_lifetime_flops_by_hand():
    assert sl.lifetime_flops(8e9, 15e12, 1e12) == pytest.approx(6 * 8e9 * 15e12 + 2 * 8e9 * 1e12)
    assert sl.lifetime_flops(8e9, 15e12, 1e12, prompt_tokens=3e12) == pytest.approx(7.2e23 + 2 * 8e9 * 4e12)
    assert sl.lifetime_flops(70e9, 1.4e12, 0.0) == pytest.approx(5.88e23)


def test_prompt_tokens_and_serving_weight_act_as_extra_demand():
    law = sl.HOFFMANN_2022
    a = sl.lifetime_optimal(law, 2.0, 1e12, prompt_tokens=3e12)
    b = sl.lifetime_optimal(law, 2.0, 4e12)
    c = sl.lifetime_optimal(law, 2.0, 1e12, serving_weight=4.0)
    assert a.optimum.N == pytest.approx(b.optimum.N, rel=1e-10) == pytest.approx(c.optimum.N, rel=1e-10)
    assert c.optimum.cost == pytest.approx(c.optimum.training_flops + 4 * c.optimum.inference_flops)
    assert c.optimum.inference_flops == pytest.approx(2 * c.optimum.N * 1e12)


def test_arrays_broadcast_like_elementwise_scalars():
    law = sl.BESIROGLU_2024
    losses = np.array([[2.0], [2.3]])
    demands = np.array([0.0, 1e10, 1e14])
    grid = sl.lifetime_optimal(law, losses, demands)
    assert grid.optimum.N.shape == (2, 3)
    for i, loss in enumerate(losses[:, 0]):
        for j, demand in enumerate(demands):
            assert grid.optimum.N[i, j] == pytest.approx(sl.lifetime_optimal(law, loss, demand).optimum.N, rel=1e-12)
    assert isinstance(sl.lifetime_optimal(law, 2.0, 1e12).optimum.N, float)


@pytest.mark.parametrize("law", FITS, ids=lambda l: l.name)
def test_implied_demand_round_trips_through_the_optimiser(law):
    for n, d in [(8e9, 15e12), (7e9, 2e12), (70e9, 15e12)]:
        demand = sl.implied_inference_tokens(law, n, d)
        if demand > 0:
            best = sl.lifetime_optimal(law, law.loss(n, d), demand)
            assert best.optimum.N == pytest.approx(n, rel=1e-7) and best.optimum.D == pytest.approx(d, rel=1e-7)
    chin = law.optimal_allocation(1e23)
    assert sl.implied_inference_tokens(law, chin.N, chin.D) == pytest.approx(0.0, abs=1e-3 * chin.D)
    assert sl.implied_inference_tokens(law, 10 * chin.N, chin.D / 10) < 0


def test_breakeven_demand_equalises_lifetime_flops():
    t = sl.breakeven_inference_tokens(8e9, 15e12, 70e9, 1.4e12)
    assert t == pytest.approx(3 * (8e9 * 15e12 - 70e9 * 1.4e12) / (70e9 - 8e9))
    assert sl.lifetime_flops(8e9, 15e12, t) == pytest.approx(sl.lifetime_flops(70e9, 1.4e12, t), rel=1e-12)
    assert sl.lifetime_flops(8e9, 15e12, 2 * t) < sl.lifetime_flops(70e9, 1.4e12, 2 * t)
    assert sl.breakeven_inference_tokens(7e9, 1e12, 70e9, 1.4e12) == 0.0
    with pytest.raises(ValueError, match="small_params"):
        sl.breakeven_inference_tokens(70e9, 1e12, 8e9, 1e12)


@pytest.mark.parametrize("law", FITS, ids=lambda l: l.name)
@pytest.mark.parametrize("demand", [0.0, 1e11, 1e13])
def test_budget_optimum_has_the_lowest_loss_on_its_budget_curve(law, demand):
    budget = 1e24
    best = sl.budget_optimal(law, budget, demand)
    assert best.optimum.total_flops == pytest.approx(budget, rel=1e-12)
    assert best.chinchilla.total_flops == pytest.approx(budget, rel=1e-10)
    n_hi = budget / (2 * demand) if demand else budget
    grid = np.logspace(6, math.log10(n_hi) - 1e-9, 200_001)
    d = (budget - 2 * grid * demand) / (6 * grid)
    losses = law.loss(grid, d)
    assert best.optimum.loss <= losses.min() + 1e-12
    assert best.optimum.loss == pytest.approx(losses.min(), abs=1e-9)
    assert best.loss_gain >= -1e-12 and best.overtraining_factor >= 1 - 1e-9
    if demand == 0.0:
        assert best.optimum.N == pytest.approx(law.optimal_allocation(budget).N, rel=1e-8)


def test_budget_and_loss_problems_are_dual():
    # The lowest loss for a lifetime budget, asked back as "cheapest way to that loss", returns the same model.
    law = sl.HOFFMANN_2022_UNROUNDED
    best = sl.budget_optimal(law, 3e24, 2e13)
    back = sl.lifetime_optimal(law, best.optimum.loss, 2e13)
    assert back.optimum.N == pytest.approx(best.optimum.N, rel=1e-7)
    assert back.optimum.total_flops == pytest.approx(3e24, rel=1e-9)


def test_iso_loss_tokens_and_min_params():
    law = sl.HOFFMANN_2022
    n_min = sl.min_params_for_loss(law, 2.0)
    assert law.A * n_min ** -law.alpha == pytest.approx(2.0 - law.E)
    assert sl.iso_loss_tokens(law, 1e10, 2.0) == pytest.approx(iso_loss_d(law, 1e10, 2.0))
    with pytest.raises(ValueError, match="params must exceed"):
        sl.iso_loss_tokens(law, n_min / 2, 2.0)


def test_effective_data_follows_muennighoff_2023():
    r_star = sl.R_D_STAR
    assert sl.effective_data(1e12, 1) == pytest.approx(1e12)
    assert sl.effective_data(1e12, 1e6) == pytest.approx((1 + r_star) * 1e12)
    # "up to 4 epochs is almost as good as unique data": over 90% of the tokens count
    assert sl.effective_data(1e12, 4) / 4e12 == pytest.approx((1 + r_star * (1 - math.exp(-3 / r_star))) / 4)
    assert sl.effective_data(1e12, 4) / 4e12 > 0.9
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        sl.effective_data(1e12, 0.5)
