"""Practice questions for chapters/01_power_laws.ipynb (solutions/01_power_laws.ipynb)."""
from __future__ import annotations

import numpy as np

from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.laws import HOFFMANN_2022, KAPLAN_2020
from scalinglaws.powerlaw import PowerLaw, fit_power_law, noisy_samples

EXAMPLE_LAW = PowerLaw(coef=5.0, exponent=-0.3)
"""The power law of question pl-slope: y = 5 · x^-0.3."""


DATA_LAW = PowerLaw(coef=40.0, exponent=-0.12)
DATA_NOISE = 0.03
"""The law and relative noise behind example_data() (question pl-fit)."""


def example_data() -> tuple[np.ndarray, np.ndarray]:
    """The seeded noisy data of question pl-fit: 12 points of DATA_LAW with DATA_NOISE log-normal noise."""
    x = np.logspace(6, 11, 12)
    return x, noisy_samples(DATA_LAW, x, noise=DATA_NOISE, seed=2020)


def chinchilla_n_term() -> PowerLaw:
    """Chinchilla's loss as a function of N alone (D → ∞): E + A · N^-alpha, Hoffmann et al. 2022 Eq. 10."""
    law = HOFFMANN_2022
    return PowerLaw(coef=law.A, exponent=-law.alpha, floor=law.E)


def _tenfold() -> float:
    return float(KAPLAN_2020.loss_params(1e10) / KAPLAN_2020.loss_params(1e9))


def _fit_cases() -> list[tuple]:
    x = np.logspace(0, 4, 9)
    x_data, y_data = example_data()
    return [(x, PowerLaw(3.0, -0.5)(x)), (x, PowerLaw(0.2, 1.5)(x)), (x_data, y_data)]


def _fit_reference(x, y) -> tuple[float, float]:
    law = fit_power_law(x, y)
    return law.coef, law.exponent


register(
    Question(
        "pl-slope", "number", lambda: EXAMPLE_LAW.exponent, rtol=0.0, atol=1e-6,
        prompt="Slope of y = 5 · x^-0.3 on log-log axes.",
        hints=(
            Hint(lambda: -EXAMPLE_LAW.exponent, "The curve falls as x grows, so its slope on log-log axes is negative."),
            Hint(lambda: EXAMPLE_LAW.coef, "5 is the prefactor: it shifts the line up or down (intercept log 5), it does not tilt it."),
            Hint(lambda: np.log(EXAMPLE_LAW.coef), "log 5 is the intercept, not the slope."),
        ),
        lookalikes=(LookAlike(lambda: EXAMPLE_LAW.coef * EXAMPLE_LAW.exponent, "coef × exponent"),),
        ladder=(
            "On log-log axes a power law is a straight line.",
            "log y = log 5 + (−0.3)·log x: the slope is the coefficient of log x.",
            "x = np.array([1.0, 10.0]); np.diff(np.log(5 * x ** -0.3)) / np.diff(np.log(x))",
        ),
        hint="Take logs: log y = log 5 + (−0.3) · log x is a straight line in log x.",
        explain="log y = log 5 − 0.3 log x: a line with slope −0.3, whatever the base of the logarithm.",
    ),
    Question(
        "pl-tenfold", "number", _tenfold, rtol=0.002,
        prompt="Kaplan's L(N) = (N_c/N)^0.076: by what factor does the loss change when N grows 10×?",
        hints=(
            Hint(lambda: 1 / _tenfold(), "That is the inverse: the loss falls, so the factor is below 1."),
            Hint(lambda: 10 * KAPLAN_2020.alpha_N, "Multiplying α by 10 is not raising 10 to the power α: the factor is 10^(−α)."),
            Hint(lambda: 1 - KAPLAN_2020.alpha_N, "1 − α is only a first-order guess; compute 10^(−α) exactly."),
            Hint(lambda: 10 ** KAPLAN_2020.alpha_N, "Mind the sign of the exponent: L ∝ N^(−α), so the factor is 10^(−α) < 1."),
        ),
        lookalikes=(
            LookAlike(lambda: 10 ** -KAPLAN_2020.alpha_D, "α_D (data) instead of α_N"),
            LookAlike(lambda: 2 ** -KAPLAN_2020.alpha_N, "doubling N instead of 10×"),
        ),
        ladder=(
            "A power law multiplies y by the same factor for every 10× step in N.",
            "L(10N)/L(N) = 10^(−α) with α = 0.076: N_c cancels.",
            "sl.KAPLAN_2020.loss_params(1e10) / sl.KAPLAN_2020.loss_params(1e9)",
        ),
        hint="A power law multiplies y by the same factor, 10^(−α), for every 10× step in N.",
        explain="10^(−0.076) ≈ 0.84: each 10× in parameters removes about 16% of the loss, at any N.",
    ),
    Question(
        "pl-fit", "number", lambda: fit_power_law(*example_data()).exponent, rtol=0.002,
        prompt="Fit a power law to example_data() by least squares in log space; give the exponent.",
        hints=(
            Hint(lambda: -fit_power_law(*example_data()).exponent, "Check the sign: y falls as x grows."),
            Hint(lambda: float(np.polyfit(*example_data(), 1)[0]), "That is the slope on linear axes; fit log y against log x."),
        ),
        lookalikes=(LookAlike(lambda: DATA_LAW.exponent, "the generating law's exponent"),),
        ladder=(
            "A power law is a straight line in log-log space: fit a line there.",
            "Fit log y = log c + k·log x by least squares; the exponent is the slope k.",
            "x, y = example_data(); np.polyfit(np.log(x), np.log(y), 1)[0]",
        ),
        hint="Fit a straight line to (log x, log y), e.g. with np.polyfit(np.log(x), np.log(y), 1), or use scalinglaws.fit_power_law.",
        explain=(f"The data were drawn from y = {DATA_LAW.coef:g} · x^{DATA_LAW.exponent:g} with {DATA_NOISE:.0%} "
                 "noise; the fit recovers the exponent closely."),
    ),
    Question(
        "pl-implement-fit", "function", _fit_reference, cases=_fit_cases, rtol=1e-6,
        reference=("scalinglaws.powerlaw:fit_power_law",),
        prompt="Implement fit_loglog(x, y) -> (coef, exponent) by least squares in log space.",
        hints=(
            Hint(lambda x, y: _fit_reference(x, y)[::-1], "You returned (exponent, coef): return (coef, exponent)."),
            Hint(lambda x, y: (np.log(_fit_reference(x, y)[0]), _fit_reference(x, y)[1]),
                 "Your coef is the intercept log(coef): exponentiate it."),
        ),
        lookalikes=(
            LookAlike(lambda x, y: (np.exp(np.polyfit(np.log10(x), np.log10(y), 1)[1]), _fit_reference(x, y)[1]),
                      "a base-10 intercept exponentiated with e"),
        ),
        ladder=(
            "Fit a straight line to the data in log-log space.",
            "np.polyfit(np.log(x), np.log(y), 1) returns [slope, intercept]: exponent = slope, coef = exp(intercept).",
            "slope, intercept = np.polyfit(np.log(x), np.log(y), 1); return np.exp(intercept), slope",
        ),
        hint="np.polyfit(np.log(x), np.log(y), 1) returns [slope, intercept]; coef = exp(intercept).",
    ),
    Question(
        "pl-floor-slope", "number", lambda: float(chinchilla_n_term().slope(1e10)), rtol=0.01,
        prompt="Local log-log slope of L(N) = E + A · N^-alpha (Chinchilla's N term) at N = 1e10.",
        hints=(
            Hint(lambda: -HOFFMANN_2022.alpha, "−α is the slope of the reducible part alone; the floor E flattens the curve, so the slope is smaller in size."),
            Hint(lambda: -float(chinchilla_n_term().slope(1e10)), "Check the sign: the loss falls as N grows."),
        ),
        lookalikes=(
            LookAlike(lambda: float(chinchilla_n_term().slope(1e9)), "the slope at N = 1e9"),
            LookAlike(lambda: -HOFFMANN_2022.alpha * HOFFMANN_2022.E / float(chinchilla_n_term()(1e10)),
                      "−α·E/L instead of −α·(L − E)/L"),
        ),
        ladder=(
            "With a floor, only the part of the loss above E responds to N, so the line flattens.",
            "d log L / d log N = −α·(L − E)/L, evaluated at N = 1e10 with Chinchilla's E, A and α.",
            "law = sl.HOFFMANN_2022; L = law.E + law.A * 1e10 ** -law.alpha; -law.alpha * (L - law.E) / L",
        ),
        hint="d log L / d log N = −α · (L − E) / L.",
        explain="With the floor, only (L − E)/L of the loss still responds to N, so the line bends towards flat.",
    ),
)
