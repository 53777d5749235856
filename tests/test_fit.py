"""Tests for scalinglaws.fit: Approaches 1-3 and the bootstrap.

Expected values come from independent routes: the law that generated the synthetic data, and
scipy.optimize.minimize (L-BFGS-B) run start by start on an objective written here with scipy.special.
Run: .venv/bin/python -m pytest tests/test_fit.py -p no:nbval -o addopts=""
"""
from __future__ import annotations

import csv
import io
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

from scalinglaws import ChinchillaLaw
from scalinglaws.fit import (
    BOOTSTRAP_GRID,
    HOFFMANN_GRID,
    InitGrid,
    bootstrap_approach2,
    bootstrap_approach3,
    fit_approach1,
    fit_approach2,
    fit_approach3,
)

TRUE = ChinchillaLaw(E=1.82, A=480.0, B=2100.0, alpha=0.35, beta=0.37, name="synthetic truth")
BUDGETS = np.array([6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21])
SMALL_GRID = InitGrid(alpha=(0.0, 1.0), beta=(0.0, 1.0), e=(-1.0, 1.0), a=(5.0, 20.0), b=(5.0, 20.0))


def isoflop_runs(law=TRUE, per_budget=12, noise=0.0, seed=0, spread=1.5):
    """Runs on IsoFLOP profiles around the law's optimum: N within optimum × 10^[−spread/2, +spread/2]."""
    rng = np.random.default_rng(seed)
    n, c = [], []
    for budget in BUDGETS:
        centre = math.log10(law.optimal_allocation(budget).N)
        sizes = 10 ** np.linspace(centre - spread / 2, centre + spread / 2, per_budget)
        n.extend(sizes)
        c.extend([budget] * per_budget)
    n, c = np.array(n), np.array(c)
    d = c / (6 * n)
    loss = law.loss(n, d) * np.exp(noise * rng.standard_normal(n.size))
    return n, c, d, loss


# --- Approach 1 ------------------------------------------------------------------------------------------
def training_curves(law=TRUE, sizes=None):
    sizes = 10 ** np.linspace(7.6, 10.2, 40) if sizes is None else sizes
    n, d = [], []
    for size in sizes:
        tokens = 10 ** np.linspace(8, 12, 60)
        n.extend([size] * tokens.size)
        d.extend(tokens)
    n, d = np.array(n), np.array(d)
    return n, d, law.loss(n, d)


def test_approach1_recovers_the_generating_exponents():
    n, d, loss = training_curves()
    fit = fit_approach1(n, d, loss, budgets=np.geomspace(1e19, 1e21, 20))
    assert fit.method == "envelope"
    assert fit.a == pytest.approx(TRUE.a, abs=0.03)
    assert fit.b == pytest.approx(TRUE.b, abs=0.03)
    truth = TRUE.optimal_allocation(fit.compute).N
    assert np.all(np.abs(np.log(fit.N_opt / truth)) < 0.1)  # within the 40-size grid's spacing


def test_approach1_skips_budgets_without_an_interior_winner():
    n, d, loss = training_curves(sizes=10 ** np.linspace(8, 9, 5))
    fit = fit_approach1(n, d, loss, budgets=np.geomspace(1e17, 1e21, 30))
    assert fit.skipped, "budgets won by the largest model must be reported"
    assert all("interior" in why or "curve" in why for why in fit.skipped.values())


def test_approach1_run_labels_must_match():
    n, d, loss = training_curves(sizes=[1e8, 2e8, 4e8])
    with pytest.raises(ValueError, match="run"):
        fit_approach1(n, d, loss, run=np.zeros(3))


# --- Approach 2 ------------------------------------------------------------------------------------------
def test_approach2_parabola_recovers_the_generating_law():
    n, c, _, loss = isoflop_runs(per_budget=15)
    fit = fit_approach2(n, c, loss)
    assert not fit.skipped
    assert fit.a == pytest.approx(TRUE.a, abs=0.01)
    assert fit.b == pytest.approx(TRUE.b, abs=0.01)
    truth = TRUE.optimal_allocation(BUDGETS)
    assert np.allclose(fit.N_opt, truth.N, rtol=0.05)
    assert np.allclose(fit.loss_opt, truth.loss, rtol=1e-3)
    far = TRUE.optimal_allocation(1e24)
    assert fit.predict_N(1e24) == pytest.approx(far.N, rel=0.15)
    assert fit.predict_D(1e24) == pytest.approx(far.D, rel=0.15)
    assert fit.predict_N(1e23) * fit.predict_D(1e23) * 6 == pytest.approx(1e23, rel=1e-9)


def test_approach2_min_run_variant_matches_dense_grid_optimum():
    n, c, _, loss = isoflop_runs(per_budget=61, spread=1.2)
    fit = fit_approach2(n, c, loss, method="min_run")
    assert fit.method == "min_run"
    truth = TRUE.optimal_allocation(BUDGETS).N
    assert np.all(np.abs(np.log10(fit.N_opt / truth)) <= 0.011)  # grid step is 0.02 decades
    assert fit.a == pytest.approx(TRUE.a, abs=0.01)


def test_approach2_reports_skipped_budgets():
    n, c, _, loss = isoflop_runs(per_budget=8)
    # budget 1: only two runs; budget 2: sizes all below the optimum, so loss falls monotonically
    keep = ~((c == BUDGETS[0]) & (np.arange(c.size) % 8 > 1))
    n, c, loss = n[keep], c[keep], loss[keep]
    small = 2e6 * np.arange(1, 6)
    n = np.concatenate([n, small])
    c = np.concatenate([c, np.full(5, 7e19)])
    loss = np.concatenate([loss, TRUE.loss(small, 7e19 / (6 * small))])
    fit = fit_approach2(n, c, loss)
    assert set(fit.skipped) == {BUDGETS[0], 7e19}
    assert "2 run" in fit.skipped[BUDGETS[0]]
    assert "no interior minimum" in fit.skipped[7e19]
    assert BUDGETS[0] not in fit.compute and 7e19 not in fit.compute


def test_approach2_downward_parabola_is_skipped():
    n = np.array([1e8, 2e8, 4e8, 1e8, 2e8, 4e8, 1e8, 2e8, 4e8])
    c = np.repeat([1e19, 1e20, 1e21], 3)
    loss = np.array([3.0, 3.2, 3.0, 2.8, 2.7, 2.75, 2.5, 2.4, 2.45])
    fit = fit_approach2(n, c, loss)
    assert "opens downward" in fit.skipped[1e19]


def test_approach2_needs_two_usable_budgets():
    n = np.array([1e8, 2e8, 4e8, 1e8, 2e8])
    c = np.array([1e19, 1e19, 1e19, 1e20, 1e20])
    loss = np.array([3.0, 2.9, 3.0, 2.8, 2.7])
    with pytest.raises(ValueError, match="at least 2 usable"):
        fit_approach2(n, c, loss)


# --- Approach 3 ------------------------------------------------------------------------------------------
def test_approach3_recovers_noiseless_law_exactly():
    n, _, d, loss = isoflop_runs(per_budget=8)
    fit = fit_approach3(n, d, loss)
    law = fit.law
    assert fit.converged and fit.n_starts == len(HOFFMANN_GRID) == 4500
    for name in ("E", "A", "B", "alpha", "beta"):
        assert getattr(law, name) == pytest.approx(getattr(TRUE, name), rel=2e-3), name
    assert fit.n_at_optimum >= 1
    assert fit.best_start == tuple(HOFFMANN_GRID.points()[fit.best_start_index])


def test_approach3_recovers_law_from_noisy_data():
    n, _, d, loss = isoflop_runs(per_budget=12, noise=0.005, seed=3)
    law = fit_approach3(n, d, loss).law
    assert law.alpha == pytest.approx(TRUE.alpha, abs=0.03)
    assert law.beta == pytest.approx(TRUE.beta, abs=0.03)
    assert law.E == pytest.approx(TRUE.E, abs=0.05)
    assert law.a == pytest.approx(TRUE.a, abs=0.03)


def _scipy_objective(p, x, y, t, delta):
    """Independent route: scipy.special.logsumexp and scipy.special.huber, gradient by hand."""
    a, b, e, alpha, beta = p
    terms = np.stack([a - alpha * x, b - beta * y, np.full_like(x, e)])
    lse = logsumexp(terms, axis=0)
    r = lse - t
    w = np.exp(terms - lse)
    psi = np.clip(r, -delta, delta)
    grad = [np.sum(psi * w[0]), np.sum(psi * w[1]), np.sum(psi * w[2]),
            -np.sum(psi * w[0] * x), -np.sum(psi * w[1] * y)]
    return float(np.sum(huber(delta, r))), np.array(grad)


def test_approach3_matches_per_start_scipy_lbfgsb():
    n, _, d, loss = isoflop_runs(per_budget=8, noise=0.01, seed=7)
    starts = HOFFMANN_GRID.points()[::450]  # 10 starts
    tight = dict(ftol=1e-15, gtol=1e-11)
    fit = fit_approach3(n, d, loss, init_grid=starts, merge_tol=None, **tight)
    x, y, t = np.log(n), np.log(d), np.log(loss)
    best = min((minimize(_scipy_objective, s, args=(x, y, t, 1e-3), jac=True, method="L-BFGS-B",
                         options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 15000}) for s in starts),
               key=lambda r: r.fun)
    assert fit.objective == pytest.approx(best.fun, rel=1e-9)
    assert np.allclose(fit.params, best.x, rtol=1e-4, atol=1e-5)


def test_sum_versus_mean_objective():
    n, _, d, loss = isoflop_runs(per_budget=12, noise=0.01, seed=11)
    sum_fit = fit_approach3(n, d, loss, init_grid=BOOTSTRAP_GRID)
    # SciPy's stopping rule is absolute when |f| < 1: the mean (~k times smaller) stops early
    early = fit_approach3(n, d, loss, init_grid=BOOTSTRAP_GRID, reduce="mean")
    assert early.objective * n.size > sum_fit.objective * (1 + 1e-4)
    # restarted from where it stopped with a scale-free rule (tiny ftol, gtol), the mean reaches the sum's optimum
    tight = fit_approach3(n, d, loss, init_grid=[early.params], reduce="mean", ftol=1e-15, gtol=1e-12)
    assert tight.objective * n.size == pytest.approx(sum_fit.objective, rel=1e-5)
    assert tight.law.alpha == pytest.approx(sum_fit.law.alpha, rel=1e-3)


def test_squared_penalty_is_least_squares_in_log_space():
    n, _, d, loss = isoflop_runs(per_budget=8, noise=0.01, seed=5)
    fit = fit_approach3(n, d, loss, init_grid=SMALL_GRID, penalty="squared", ftol=1e-15, gtol=1e-10)
    resid = np.log(fit.law.loss(n, d)) - np.log(loss)
    assert fit.objective == pytest.approx(0.5 * np.sum(resid**2), rel=1e-9)


# --- bootstrap -------------------------------------------------------------------------------------------
def test_bootstrap_approach3_is_seeded_and_brackets_the_truth(capsys):
    n, _, d, loss = isoflop_runs(per_budget=8, noise=0.01, seed=2)
    kw = dict(n_boot=6, seed=4, init_grid=SMALL_GRID, compute=[1e21, 1e23])
    one = bootstrap_approach3(n, d, loss, progress=True, **kw)
    two = bootstrap_approach3(n, d, loss, progress=False, **kw)
    assert "bootstrap" in capsys.readouterr().err
    assert np.array_equal(one.samples["alpha"], two.samples["alpha"])
    assert one.samples["tokens_per_param"].shape == (6 - one.n_failed, 2)
    lo, hi = one.interval("a", level=0.99)
    assert lo <= one.estimate["a"] <= hi
    with pytest.raises(ValueError, match="name"):
        one.interval("gamma")


def test_bootstrap_approach2_interval_contains_truth():
    n, c, _, loss = isoflop_runs(per_budget=12, noise=0.01, seed=9)
    boot = bootstrap_approach2(n, c, loss, n_boot=200, seed=1, progress=False)
    lo, hi = boot.interval("a", level=0.98)
    assert lo < TRUE.a < hi
    assert boot.n_boot == 200 and boot.samples["a"].size == 200 - boot.n_failed


# --- bad input -------------------------------------------------------------------------------------------
bad_value = st.sampled_from([0.0, -1.0, float("nan"), float("inf"), -float("inf")])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 2), where=st.integers(0, 8), value=bad_value, approach=st.integers(1, 3))
def test_non_positive_or_non_finite_data_raise_value_error(which, where, value, approach):
    n, c, d, loss = (arr[:9].copy() for arr in isoflop_runs(per_budget=3))
    arrays = [n, c if approach == 2 else d, loss]
    arrays[which][where] = value
    fit = {1: fit_approach1, 2: fit_approach2, 3: lambda *a: fit_approach3(*a, init_grid=SMALL_GRID)}[approach]
    with pytest.raises(ValueError, match=["N", "C" if approach == 2 else "D", "loss"][which]):
        fit(*arrays)


@settings(max_examples=40, deadline=None)
@given(lengths=st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(1, 12)), approach=st.integers(1, 3),
       junk=st.sampled_from([None, "text", [[1.0, 2.0], [3.0]], True]))
def test_malformed_data_raise_value_error_only(lengths, approach, junk):
    rng = np.random.default_rng(sum(lengths))
    arrays = [rng.uniform(1e8, 1e9, lengths[0]), rng.uniform(1e19, 1e20, lengths[1]), rng.uniform(2, 3, lengths[2])]
    if junk is not None:
        arrays[approach % 3] = junk
    fit = {1: fit_approach1, 2: fit_approach2, 3: lambda *a: fit_approach3(*a, init_grid=SMALL_GRID)}[approach]
    if junk is None and len(set(lengths)) == 1 and lengths[0] >= 6:
        return  # well-formed; other tests cover it
    with pytest.raises(ValueError):
        fit(*arrays)


def test_fewer_points_than_parameters():
    n, _, d, loss = (arr[:5] for arr in isoflop_runs(per_budget=3))
    with pytest.raises(ValueError, match="at least 6"):
        fit_approach3(n, d, loss)


@pytest.mark.parametrize("option, value", [("penalty", "l1"), ("reduce", "median"), ("delta", 0.0), ("ftol", -1.0),
                                           ("maxiter", 0), ("init_grid", np.ones((3, 4))), ("threads", 0)])
def test_bad_options_raise_value_error(option, value):
    n, _, d, loss = isoflop_runs(per_budget=3)
    with pytest.raises(ValueError, match=option):
        fit_approach3(n, d, loss, **{option: value})


def test_bad_approach2_method():
    n, c, _, loss = isoflop_runs(per_budget=3)
    with pytest.raises(ValueError, match="method"):
        fit_approach2(n, c, loss, method="spline")


# --- opt-in check on Epoch AI's data (not shipped with the project) ------------------------------------------
EPOCH_CSV = os.environ.get("SCALINGLAWS_EPOCH_CSV")


def load_epoch_csv(path):
    """Besiroglu et al. (2024) svg_extracted_data.csv: drop the 5 highest losses; D = C/(6N)."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    n = np.array([float(r["Model Size"]) for r in rows])
    c = np.array([float(r["Training FLOP"]) for r in rows])
    loss = np.array([float(r["loss"]) for r in rows])
    keep = loss < np.sort(loss)[-5]
    return n[keep], c[keep] / (6 * n[keep]), loss[keep]


@pytest.mark.skipif(not EPOCH_CSV, reason="set SCALINGLAWS_EPOCH_CSV=/path/to/svg_extracted_data.csv (from "
                    "github.com/Besiroglu/data, used by epoch-research/analyzing-chinchilla) to run this check")
def test_hoffmann_procedure_on_epoch_data():
    n, d, loss = load_epoch_csv(EPOCH_CSV)
    assert n.size == 240
    fit = fit_approach3(n, d, loss)
    law = fit.law
    assert fit.objective == pytest.approx(0.00101827, rel=1e-5)
    assert law.alpha == pytest.approx(0.34731, abs=2e-4)
    assert law.beta == pytest.approx(0.36718, abs=2e-4)
    assert law.E == pytest.approx(1.8172, abs=1e-3)
    assert law.A == pytest.approx(477.84, rel=5e-3)
    assert law.B == pytest.approx(2143.86, rel=5e-3)
