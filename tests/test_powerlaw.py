import numpy as np
import pytest

from scalinglaws.powerlaw import PowerLaw, fit_power_law, noisy_samples


def test_power_law_is_scale_invariant():
    law = PowerLaw(3.0, -0.5)
    x = np.array([1e2, 1e5, 1e8])
    assert np.allclose(law(10 * x) / law(x), 10 ** -0.5)


def test_fit_recovers_an_exact_power_law():
    x = np.logspace(0, 6, 13)
    fit = fit_power_law(x, 0.7 * x ** 1.3)
    assert fit.coef == pytest.approx(0.7) and fit.exponent == pytest.approx(1.3)


def test_fit_recovers_a_noisy_power_law_within_noise():
    x = np.logspace(0, 4, 40)
    fit = fit_power_law(x, noisy_samples(PowerLaw(3.0, -0.5), x, noise=0.05, seed=7))
    assert fit.exponent == pytest.approx(-0.5, abs=0.02)


def test_slope_with_a_floor_matches_a_numerical_derivative():
    law = PowerLaw(406.4, -0.34, floor=1.69)
    x, h = 1e10, 1e-6
    numeric = (np.log(law(x * np.exp(h))) - np.log(law(x * np.exp(-h)))) / (2 * h)
    assert law.slope(x) == pytest.approx(numeric, rel=1e-6)
    assert PowerLaw(2.0, -0.3).slope(1e5) == pytest.approx(-0.3)


def test_noisy_samples_are_reproducible_with_a_seed():
    x = np.logspace(0, 2, 5)
    law = PowerLaw(1.0, -1.0)
    assert np.array_equal(noisy_samples(law, x, seed=3), noisy_samples(law, x, seed=3))


@pytest.mark.parametrize("x, y, message", [
    ([1, 2], [1, 2, 3], "equal length"), ([1, 1, 1], [1, 2, 3], "two distinct"),
    ([1, -2], [1, 2], "x must be finite and positive"), ([[1, 2]], [[1, 2]], "1-D"),
])
def test_fit_rejects_bad_data(x, y, message):
    with pytest.raises(ValueError, match=message):
        fit_power_law(x, y)
