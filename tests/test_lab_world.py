"""Lab worlds and run specs: parameter and FLOP accounting, the drifting lr optimum, deterministic noise."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalinglaws.course.lab.client import BudgetExceeded, LocalLab, open_lab
from scalinglaws.course.lab.world import (LR_SENSITIVITY, MAX_RUN_FLOP, PORIAN_2024_LR, RunSpec, World, anchor,
                                          world_seed_for)


def test_params_and_flop_are_kaplans_count_and_six_N_D():
    spec = RunSpec.make(8, 512, 8, lr=1e-3, tokens=123_456_789)
    assert spec.params == 12 * 8 * 512 * 512  # Kaplan et al. 2020, §2.1, by hand
    assert spec.flop == 6 * 12 * 8 * 512 * 512 * 123_456_789


def test_a_flop_budget_fixes_the_tokens_without_overspending():
    spec = RunSpec.make(4, 256, 4, lr=1e-3, flop=1e16)
    assert spec.flop <= 1e16 < spec.flop + 6 * spec.params


@pytest.mark.parametrize("kwargs, message", [
    (dict(n_layer=5, d_model=256, n_heads=4, lr=1e-3, tokens=10**8), "n_layer must be one of"),
    (dict(n_layer=4, d_model=250, n_heads=5, lr=1e-3, tokens=10**8), "d_model must be one of"),
    (dict(n_layer=4, d_model=256, n_heads=3, lr=1e-3, tokens=10**8), "n_heads must divide"),
    (dict(n_layer=4, d_model=64, n_heads=8, lr=1e-3, tokens=10**8), "n_heads must divide"),
    (dict(n_layer=4, d_model=256, n_heads=4, lr=2.0, tokens=10**8), "lr must be between"),
    (dict(n_layer=4, d_model=256, n_heads=4, lr=1e-3), "exactly one of tokens"),
    (dict(n_layer=4, d_model=256, n_heads=4, lr=1e-3, tokens=10**8, flop=1e15), "exactly one of tokens"),
    (dict(n_layer=4, d_model=256, n_heads=4, lr=1e-3, tokens=2.5), "tokens must be a whole number"),
    (dict(n_layer=24, d_model=1536, n_heads=24, lr=1e-3, tokens=10**9), "a run must cost"),
    (dict(n_layer=2, d_model=64, n_heads=1, lr=1e-3, tokens=10), "a run must cost"),
])
def test_invalid_runs_say_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RunSpec.make(**kwargs)


def test_the_lr_optimum_drifts_as_porians_power_of_N():
    world = World.from_seed(3)
    ratio = float(world.lr_opt(1e8) / world.lr_opt(1e7))
    assert ratio == pytest.approx(10 ** PORIAN_2024_LR[1])  # 10^-0.36
    spec_at = lambda lr: RunSpec.make(6, 384, 6, lr=lr, tokens=10**8)
    rates = np.geomspace(1e-4, 1e-1, 601)
    best = rates[np.argmin([world.expected_loss(spec_at(r)) for r in rates])]  # brute force
    assert best == pytest.approx(float(world.lr_opt(spec_at(1e-3).params)), rel=0.02)
    tenfold = world.expected_loss(spec_at(best * 10)) / world.expected_loss(spec_at(best))
    assert tenfold == pytest.approx(1 + LR_SENSITIVITY * math.log(10) ** 2, rel=1e-3)


def test_the_same_world_and_query_give_the_same_loss_and_other_queries_other_noise():
    spec = RunSpec.make(6, 384, 6, lr=2e-3, tokens=10**8)
    assert World.from_seed(7).final_loss(spec) == World.from_seed(7).final_loss(spec)
    assert World.from_seed(7).final_loss(spec) != World.from_seed(8).final_loss(spec)
    first, second = open_lab(seed=7), open_lab(seed=7)
    assert first.run(6, 384, 6, lr=2e-3, tokens=10**8) == second.run(6, 384, 6, lr=2e-3, tokens=10**8)


def test_run_to_run_noise_has_the_anchors_size():
    world = World.from_seed(1)
    specs = [RunSpec.make(6, 384, 6, lr=2e-3, tokens=10**8 + i) for i in range(2000)]
    log_ratio = np.array([math.log(world.final_loss(s) / world.expected_loss(s)) for s in specs])
    assert abs(log_ratio.mean()) < 4 * anchor().noise / math.sqrt(len(specs))
    assert log_ratio.std() == pytest.approx(anchor().noise, rel=0.1)


def test_worlds_scatter_around_the_anchor_and_the_truth_is_the_worlds_optimum():
    truths = np.array([World.from_seed(s).truth(1e19).N for s in range(40)])
    anchor_n = anchor().law.optimal_allocation(1e19).N
    assert 0.5 < np.median(truths / anchor_n) < 2
    assert np.ptp(np.log10(truths)) > 0.2  # the published law is not the answer
    world = World.from_seed(5)
    grid = np.geomspace(1e7, 1e10, 20001)
    brute = grid[np.argmin(world.law.isoflop_loss(grid, 1e19))]
    assert world.truth(1e19).N == pytest.approx(brute, rel=1e-3)


def test_local_lab_enforces_the_budget_and_logs_every_run():
    lab = LocalLab(seed=0, budget_flop=3 * MAX_RUN_FLOP)
    for _ in range(3):
        lab.run(12, 768, 12, lr=1e-3, flop=MAX_RUN_FLOP)
    assert lab.remaining == lab.budget - sum(r.flop for r in lab.runs()) and len(lab.runs()) == 3
    with pytest.raises(BudgetExceeded, match="are left"):
        lab.run(12, 768, 12, lr=1e-3, flop=MAX_RUN_FLOP)
    assert len(lab.runs()) == 3


def test_class_world_seeds_depend_on_secret_and_student():
    seeds = {world_seed_for(s, n) for s in (b"a" * 16, b"b" * 16) for n in ("ann", "ben")}
    assert len(seeds) == 4
    with pytest.raises(ValueError, match="secret"):
        world_seed_for(b"", "ann")


def test_open_lab_asks_for_seed_or_url_and_token():
    with pytest.raises(ValueError, match="either seed"):
        open_lab(seed=1, url="http://x")


JSONISH = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                    st.text(max_size=4), st.lists(st.floats(), max_size=2), st.sampled_from([4, 256, 1e-3, 1e15]))


@settings(max_examples=400, deadline=None)
@given(n_layer=JSONISH, d_model=JSONISH, n_heads=JSONISH, lr=JSONISH, amount=JSONISH,
       by_flop=st.booleans())
def test_any_malformed_run_is_a_value_error_naming_what_is_allowed(n_layer, d_model, n_heads, lr, amount, by_flop):
    kwargs = {"flop" if by_flop else "tokens": amount}
    try:
        spec = RunSpec.make(n_layer, d_model, n_heads, lr, **kwargs)
    except ValueError as error:
        assert "must" in str(error) or "give exactly one" in str(error)
    else:
        assert spec.params == 12 * spec.n_layer * spec.d_model**2 and spec.flop <= MAX_RUN_FLOP


@pytest.mark.gadre2024  # refits the recorded anchor from Gadre et al.'s runs (tests/conftest.py)
def test_the_recorded_anchor_is_approach3_on_gadres_c4_runs_and_its_noise_their_robust_scatter():
    from scalinglaws._objective import ChinchillaObjective
    from scalinglaws.fit import fit_approach3
    from scalinglaws.runs import load_runs

    runs = load_runs()
    c4 = runs.take(runs.training_set == "c4_original")
    fit = fit_approach3(c4.N, c4.D, c4.loss["c4_val"])
    law, recorded = fit.law, anchor().law
    # The recorded law is an optimum of the refit by the fit's own criterion: its Huber objective is within
    # optimum_rtol (1e-6) of the best start's (measured: 3e-9 below it). The optimum is a flat valley, so the
    # stopping rule fixes E and the exponents to ~5e-5 and A, B to ~2e-4 (B: 242.600 recorded, 242.646 refitted).
    objective = ChinchillaObjective(np.log(c4.N), np.log(c4.D), np.log(c4.loss["c4_val"]))
    at_recorded = objective(np.array([[np.log(recorded.A), np.log(recorded.B), np.log(recorded.E),
                                       recorded.alpha, recorded.beta]]))[0][0]
    assert at_recorded <= fit.objective * (1 + fit.optimum_rtol)
    for name in ("E", "A", "B", "alpha", "beta"):
        assert getattr(recorded, name) == pytest.approx(getattr(law, name), rel=1e-3), name
    residual = np.log(c4.loss["c4_val"] / law.loss(c4.N, c4.D))
    mad = np.median(np.abs(residual - np.median(residual)))
    assert anchor().noise == pytest.approx(1.4826 * mad, rel=1e-3)  # MAD of a normal = 0.6745 sd
    assert 0.005 < anchor().noise < 0.02
