"""Tests for scalinglaws.synthetic: seeded synthetic runs drawn from a known law.

Run: .venv/bin/python -m pytest tests/test_synthetic.py -p no:nbval -o addopts=""
"""
from __future__ import annotations

import numpy as np
import pytest

from scalinglaws import BESIROGLU_2024
from scalinglaws.synthetic import ISOFLOP_BUDGETS, isoflop_runs, training_curves


def test_isoflop_runs_spend_their_budget_and_follow_the_law():
    n, c, d, loss = isoflop_runs(BESIROGLU_2024, per_budget=8, noise=0.0)
    assert n.size == 8 * len(ISOFLOP_BUDGETS)
    assert np.allclose(6 * n * d, c, rtol=1e-12)
    direct = BESIROGLU_2024.E + BESIROGLU_2024.A / n**BESIROGLU_2024.alpha + BESIROGLU_2024.B / d**BESIROGLU_2024.beta
    assert np.allclose(loss, direct, rtol=1e-12)


def test_isoflop_profiles_bracket_the_true_optimum():
    n, c, _, _ = isoflop_runs(BESIROGLU_2024)
    for budget in ISOFLOP_BUDGETS:
        best = BESIROGLU_2024.optimal_allocation(budget).N
        sizes = n[c == budget]
        assert sizes.min() < best < sizes.max()


def test_noise_is_seeded_and_log_normal():
    _, _, _, clean = isoflop_runs(BESIROGLU_2024, noise=0.0, per_budget=50)
    _, _, _, one = isoflop_runs(BESIROGLU_2024, noise=0.02, per_budget=50, seed=1)
    _, _, _, two = isoflop_runs(BESIROGLU_2024, noise=0.02, per_budget=50, seed=1)
    assert np.array_equal(one, two)
    assert np.std(np.log(one / clean)) == pytest.approx(0.02, rel=0.1)


def test_training_curves_shape():
    n, d, loss = training_curves(BESIROGLU_2024, [1e8, 1e9], checkpoints=5, noise=0.0)
    assert n.size == d.size == loss.size == 10
    assert np.all(np.diff(loss[:5]) < 0)


@pytest.mark.parametrize("kwargs, match", [(dict(per_budget=2), "per_budget"), (dict(noise=-0.1), "noise"),
                                           (dict(budgets=[0.0]), "budgets"), (dict(spread=0), "spread")])
def test_bad_isoflop_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        isoflop_runs(BESIROGLU_2024, **kwargs)


def test_bad_training_curve_input():
    with pytest.raises(ValueError, match="tokens"):
        training_curves(BESIROGLU_2024, [1e8], tokens=(1e10, 1e9))
