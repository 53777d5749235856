"""Practice questions for chapters/04_fitting.ipynb (solutions/04_fitting.ipynb)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from scalinglaws._objective import ChinchillaObjective
from scalinglaws.course.checks import Hint, Question, register
from scalinglaws.fit import FitResult, fit_approach2, fit_approach3
from scalinglaws.laws import BESIROGLU_2024, HOFFMANN_2022, HOFFMANN_2022_UNROUNDED
from scalinglaws.synthetic import isoflop_runs

EXERCISE_SEED = 2024
"""Seed of the synthetic runs returned by exercise_runs()."""

GOPHER_BUDGET = 5.76e23
"""Gopher's and Chinchilla's training budget in FLOP (Hoffmann et al. 2022, Table 3: one "Gopher unit")."""

FAR_BUDGET = 1e24
"""The budget (FLOP) at which question fit-tokens-per-param extrapolates."""


def exercise_runs() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic IsoFLOP runs (N, C, D, loss) drawn from Epoch's refit law with 1% noise: 9 budgets x 10 sizes."""
    return isoflop_runs(BESIROGLU_2024, noise=0.01, seed=EXERCISE_SEED)


@lru_cache(maxsize=1)
def _exercise_fit() -> FitResult:
    n, _, d, loss = exercise_runs()
    return fit_approach3(n, d, loss)


def _objective(params, N, D, loss, *, delta=1e-3, reduce="sum", log_loss=True) -> float:
    """The package's Approach-3 objective at one parameter vector (a, b, e, alpha, beta)."""
    target = np.log(loss) if log_loss else np.asarray(loss, dtype=float)
    fun = ChinchillaObjective(np.log(N), np.log(D), target, delta=delta, reduce=reduce)
    return float(fun(np.asarray(params, dtype=float)[None, :])[0][0])


def _objective_cases() -> list[tuple]:
    n, _, d, loss = exercise_runs()
    pick = slice(0, None, 4)
    n, d, loss = n[pick], d[pick], loss[pick]
    return [((6.0, 7.5, 0.6, 0.35, 0.37), n, d, loss), ((5.0, 9.0, 0.5, 0.3, 0.45), n, d, loss),
            ((0.0, 0.0, 0.0, 0.0, 0.0), n, d, loss)]


def _a2(method="parabola") -> float:
    n, c, _, loss = exercise_runs()
    return fit_approach2(n, c, loss, method=method).a


def _tpp_far() -> float:
    return float(_exercise_fit().law.tokens_per_param_at(FAR_BUDGET))


def _rounding_ratio() -> float:
    return float(HOFFMANN_2022.tokens_per_param_at(GOPHER_BUDGET) / HOFFMANN_2022_UNROUNDED.tokens_per_param_at(GOPHER_BUDGET))


register(
    Question(
        "fit-huber-objective", "function", _objective, cases=_objective_cases, rtol=1e-6,
        prompt="Write huber_objective(params, N, D, loss): Hoffmann's Approach-3 objective at (a, b, e, alpha, beta).",
        hints=(
            Hint(lambda p, n, d, l: _objective(p, n, d, l, reduce="mean"),
                 "You averaged the Huber terms: Hoffmann's objective (and the package's) is their sum. The mean is "
                 "the 'poor loss scale' that made L-BFGS stop early."),
            Hint(lambda p, n, d, l: _objective(p, n, d, l, log_loss=False),
                 "Compare the prediction with log L, not L: the residual is LSE(...) − log(loss)."),
            Hint(lambda p, n, d, l: _objective(p, n, d, l, delta=1.0),
                 "Use delta = 1e-3: with delta = 1 every residual sits in the quadratic part and the fit is plain "
                 "least squares."),
        ),
        hint=("Residual r_i = logsumexp([a − alpha·log N_i, b − beta·log D_i, e]) − log L_i; Huber_δ(r) = r²/2 if "
              "|r| <= δ else δ(|r| − δ/2); sum over i (scipy.special.huber(1e-3, r) computes the terms)."),
        explain="This is the function L-BFGS minimises from each of the 4,500 starts.",
    ),
    Question(
        "fit-approach2-a", "number", _a2, rtol=0.002,
        prompt="Approach 2 (parabola per IsoFLOP profile) on exercise_runs(): the exponent a of N_opt ∝ C^a.",
        hints=(
            Hint(lambda: 1 - _a2(), "That is b, the exponent of D_opt: N_opt's exponent is a = 1 − b."),
            Hint(lambda: _a2("min_run"), "You took the lowest-loss run of each budget: fit a parabola in log N "
                 "(fit_approach2's default) and use its vertex, which falls between the sampled sizes."),
        ),
        hint="Call fit_approach2(N, C, loss) with the arrays of exercise_runs() and read .a.",
        explain="Close to the generating law's a = beta/(alpha + beta) ≈ 0.51.",
    ),
    Question(
        "fit-tokens-per-param", "number", _tpp_far, rtol=0.01,
        prompt="Fit Approach 3 to exercise_runs(); how many tokens per parameter does the fitted law recommend at 1e24 FLOP?",
        hints=(
            Hint(lambda: 1 / _tpp_far(), "That is parameters per token: divide D_opt by N_opt."),
            Hint(lambda: float(HOFFMANN_2022.tokens_per_param_at(FAR_BUDGET)),
                 "That is Hoffmann's published law, not the law you fitted."),
            Hint(lambda: float(BESIROGLU_2024.tokens_per_param_at(FAR_BUDGET)),
                 "That is the law the data were drawn from; the question asks for your fit's answer."),
        ),
        hint="fit_approach3(N, D, loss).law.tokens_per_param_at(1e24)",
    ),
    Question(
        "fit-n-at-optimum", "number", lambda: _exercise_fit().n_at_optimum, rtol=0.0, atol=0.5,
        prompt="Of the 4,500 starts of the full-grid fit on exercise_runs(), how many reach the best optimum?",
        hints=(
            Hint(lambda: _exercise_fit().n_starts, "That is every start: most of them stop elsewhere."),
            Hint(lambda: 1, "The best start is one of several that reach the same optimum: read FitResult.n_at_optimum."),
        ),
        hint="Read FitResult.n_at_optimum.",
        explain="Only a minority of the grid finds the best fit: report it, and never trust a single start.",
    ),
    Question(
        "fit-rounding", "number", _rounding_ratio, rtol=0.01,
        prompt=("At 5.76e23 FLOP, tokens per parameter from Hoffmann's rounded law divided by that from the "
                "unrounded (TeX) values."),
        hints=(
            Hint(lambda: 1 / _rounding_ratio(), "That is unrounded / rounded: the rounded law recommends more tokens."),
            Hint(lambda: float(HOFFMANN_2022.tokens_per_param_at(GOPHER_BUDGET) / BESIROGLU_2024.tokens_per_param_at(GOPHER_BUDGET)),
                 "You divided by Epoch's refit; compare the two versions of Hoffmann's own law."),
        ),
        hint="sl.HOFFMANN_2022.tokens_per_param_at(5.76e23) / sl.HOFFMANN_2022_UNROUNDED.tokens_per_param_at(5.76e23)",
        explain="Rounding beta from 0.28491 to 0.28 moves a = beta/(alpha + beta) by 0.005, which compounds over "
                "many decades of compute into about 1.6x more tokens per parameter.",
    ),
    Question(
        "fit-why-mean", "choice", lambda: "b",
        options={
            "a": "The mean of the Huber terms has a different minimiser than their sum.",
            "b": "L-BFGS-B stops when the decrease of the objective is below ftol · max(|f|, 1): for a ~240x smaller "
                 "objective that is a much looser test, so it stops before converging.",
            "c": "The Huber loss is not differentiable, so L-BFGS-B cannot use the mean.",
            "d": "The mean weighs the outliers more heavily than the sum.",
        },
        prompt="Hoffmann et al.'s optimiser 'stopped before convergence due to a poor choice of loss scale' "
               "(Besiroglu et al. 2024); Epoch's notebook reconstructs that choice as averaging the Huber terms "
               "instead of summing them. Why would averaging change the fit?",
        hints=(
            Hint("a", "Dividing by the number of points does not move the minimum: the two objectives share minimisers."),
            Hint("c", "Huber_delta is continuously differentiable (its second derivative jumps at ±delta)."),
            Hint("d", "Every term is divided by the same number: relative weights are unchanged."),
        ),
        hint="Compare the stopping rule's threshold with the size of the objective.",
        explain="Same minimiser, different stopping point: in Epoch's reconstruction the optimiser, not the "
                "estimator, went wrong.",
    ),
)
