"""Tests for scalinglaws.toy: the random-feature ridge regression whose scaling law the chapter measures.

Independent routes: the Bayes risk (no model beats noise²), a direct re-implementation with fresh-sample Monte Carlo
for the test loss, and the spectrum's tail exponent for the fitted exponents.
Run: .venv/bin/python -m pytest tests/test_toy.py -p no:nbval -o addopts=""
"""
from __future__ import annotations

import numpy as np
import pytest

from scalinglaws.fit import fit_approach3
from scalinglaws.toy import RandomFeatureTask, sweep_random_features

SIZES = 2 ** np.arange(3, 10)
SAMPLES = 2 ** np.arange(5, 13)


@pytest.fixture(scope="module")
def sweep():
    return sweep_random_features(SIZES, SAMPLES, repeats=2, seed=0)


def test_loss_falls_with_width_and_with_data(sweep):
    data_rich = sweep.loss[:, -1]  # every size on the most data
    model_rich = sweep.loss[-1, :]  # the largest model on every data size
    assert np.all(np.diff(data_rich) < 0)
    assert np.all(np.diff(model_rich) < 0)


def test_no_model_beats_the_bayes_risk(sweep):
    assert np.all(sweep.loss > sweep.task.irreducible_loss)
    assert sweep.task.irreducible_loss == pytest.approx(0.25)


def test_deterministic_with_seed():
    one = sweep_random_features([4, 8], [16, 32], repeats=1, seed=5)
    two = sweep_random_features([4, 8], [16, 32], repeats=1, seed=5)
    other = sweep_random_features([4, 8], [16, 32], repeats=1, seed=6)
    assert np.array_equal(one.loss, two.loss)
    assert not np.allclose(one.loss, other.loss)


def test_exact_test_loss_matches_monte_carlo_on_fresh_data():
    task = RandomFeatureTask(latent_dim=64, noise=0.3, ridge=0.05)
    n, d, seed = 12, 40, 3
    got = sweep_random_features([n], [d], task=task, repeats=1, seed=seed).loss[0, 0]
    # re-draw the same teacher, features and training set, then train and test the model directly
    rng = np.random.default_rng([seed, 0])
    lam = task.spectrum()
    w = rng.choice([-1.0, 1.0], size=64)
    feats = rng.standard_normal((n, 64)) / np.sqrt(64)
    x = rng.standard_normal((d, 64)) * np.sqrt(lam)
    y = x @ w + 0.3 * rng.standard_normal(d)
    phi = x @ feats.T
    theta = np.linalg.solve(phi.T @ phi + task.ridge * d / 64 * np.eye(n), phi.T @ y)
    test = np.random.default_rng(99)
    x_new = test.standard_normal((400_000, 64)) * np.sqrt(lam)
    y_new = x_new @ w + 0.3 * test.standard_normal(400_000)
    mc = np.mean((y_new - x_new @ feats.T @ theta) ** 2)
    assert got == pytest.approx(mc, rel=0.01)


def test_fit_of_the_measured_grid_recovers_floor_and_tail_exponent(sweep):
    law = fit_approach3(*sweep.runs()).law
    a = sweep.task.spectrum_exponent
    assert law.E == pytest.approx(sweep.task.irreducible_loss, rel=0.15)
    assert law.alpha == pytest.approx(a, abs=0.15)
    assert law.beta == pytest.approx(a, abs=0.15)


def test_runs_filters_and_flattens(sweep):
    n, d, loss = sweep.runs(min_size=64, min_samples=256)
    assert n.size == d.size == loss.size == 4 * 5
    assert n.min() == 64 and d.min() == 256
    with pytest.raises(ValueError, match="min_size"):
        sweep.runs(min_size=1e6)


@pytest.mark.parametrize("kwargs, match", [
    (dict(sizes=[8, 4], samples=[16]), "sizes"),
    (dict(sizes=[4.5], samples=[16]), "sizes"),
    (dict(sizes=[4], samples=[0]), "samples"),
    (dict(sizes=[4096], samples=[16]), "latent_dim"),
    (dict(sizes=[4], samples=[16], repeats=0), "repeats"),
    (dict(sizes=[4], samples=[16], task="big"), "task"),
])
def test_bad_input_raises_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sweep_random_features(**kwargs)


@pytest.mark.parametrize("field, value", [("spectrum_exponent", 0.0), ("latent_dim", 1), ("noise", -1.0),
                                          ("ridge", 0.0)])
def test_bad_task_raises_value_error(field, value):
    with pytest.raises(ValueError, match=field):
        RandomFeatureTask(**{field: value})
