"""Practice questions for chapters/04_fitting.ipynb (solutions/04_fitting.ipynb)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from scalinglaws._objective import ChinchillaObjective
from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.fit import FitResult, fit_approach2, fit_approach3
from scalinglaws.laws import BESIROGLU_2024, HOFFMANN_2022, HOFFMANN_2022_UNROUNDED
from scalinglaws.synthetic import isoflop_runs

EXERCISE_SEED = 2024
"""Seed of the synthetic runs returned by exercise_runs()."""

GOPHER_BUDGET = 5.76e23
"""Gopher's and Chinchilla's training budget in FLOP (Hoffmann et al. 2022, Table 3: one "Gopher unit")."""

FAR_BUDGET = 1e24
"""The budget (FLOP) at which question fit-tokens-per-param extrapolates."""

CHAPTER_SEED = 1
"""Seed of the synthetic runs chapters/04_fitting.ipynb fits (``isoflop_runs(truth, noise=0.01, seed=1)``): the
values the chapter prints for its own data are look-alikes of the exercise answers."""

GPT3_BUDGET = 3.14e23
"""GPT-3's training compute in FLOP (Brown et al. 2020, Table D.1): a look-alike budget for fit-rounding."""


def exercise_runs() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic IsoFLOP runs (N, C, D, loss) drawn from Epoch's refit law with 1% noise: 9 budgets x 10 sizes."""
    return isoflop_runs(BESIROGLU_2024, noise=0.01, seed=EXERCISE_SEED)


@lru_cache(maxsize=1)
def _exercise_fit() -> FitResult:
    n, _, d, loss = exercise_runs()
    return fit_approach3(n, d, loss)


def chapter_runs() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The synthetic IsoFLOP runs of chapter 4 (other data than exercise_runs(): seed CHAPTER_SEED)."""
    return isoflop_runs(BESIROGLU_2024, noise=0.01, seed=CHAPTER_SEED)


@lru_cache(maxsize=1)
def _chapter_fit() -> FitResult:
    n, _, d, loss = chapter_runs()
    return fit_approach3(n, d, loss)


def _objective(params, N, D, loss, *, delta=1e-3, reduce="sum", log_loss=True) -> float:
    """The package's Approach-3 objective at one parameter vector (log A, log B, log E, alpha, beta)."""
    target = np.log(loss) if log_loss else np.asarray(loss, dtype=float)
    fun = ChinchillaObjective(np.log(N), np.log(D), target, delta=delta, reduce=reduce)
    return float(fun(np.asarray(params, dtype=float)[None, :])[0][0])


def _objective_cases() -> list[tuple]:
    n, _, d, loss = exercise_runs()
    pick = slice(0, None, 4)
    n, d, loss = n[pick], d[pick], loss[pick]
    return [((6.0, 7.5, 0.6, 0.35, 0.37), n, d, loss), ((5.0, 9.0, 0.5, 0.3, 0.45), n, d, loss),
            ((0.0, 0.0, 0.0, 0.0, 0.0), n, d, loss)]


def _variant(params, N, D, loss, *, swap_huber=False, squared=False, drop_e=False, log10=False) -> float:
    """Look-alikes of the objective, written out: huber(r, delta) swapped, squared error, no E term, log10."""
    from scipy import special  # imported on first use: see scalinglaws/__init__.py
    log = np.log10 if log10 else np.log
    log_a, log_b, log_e, alpha, beta = params
    terms = [log_a - alpha * log(N), log_b - beta * log(D)] + ([] if drop_e else [np.full(np.shape(N), log_e)])
    r = special.logsumexp(terms, axis=0) - log(loss)
    if squared:
        return float(np.sum(r**2 / 2))
    return float(np.sum(special.huber(r, 1e-3) if swap_huber else special.huber(1e-3, r)))


def _a2_fit():
    n, c, _, loss = exercise_runs()
    return fit_approach2(n, c, loss)


def _a2(method="parabola", runs=exercise_runs) -> float:
    n, c, _, loss = runs()
    return fit_approach2(n, c, loss, method=method).a


def _a2_explain() -> str:
    right, shortcut, truth = _a2(), _a2("min_run"), BESIROGLU_2024.a
    return (f"The generating law has a = {truth:.3f}. On this one noisy draw the lowest-run shortcut ({shortcut:.3f}) "
            f"lands closer to it than the right method ({right:.3f}), by luck: with 1% noise each experiment's "
            "Approach-2 estimate scatters around the truth (chapter 4's explorer repeats the experiment), so a right "
            "method can land further from the truth than a wrong one on a single draw.")


def _tpp_far(budget: float = FAR_BUDGET) -> float:
    return float(_exercise_fit().law.tokens_per_param_at(budget))


def _rounding_ratio(budget: float = GOPHER_BUDGET) -> float:
    return float(HOFFMANN_2022.tokens_per_param_at(budget) / HOFFMANN_2022_UNROUNDED.tokens_per_param_at(budget))


def _size_ratio(budget: float = GOPHER_BUDGET) -> float:
    return float(HOFFMANN_2022.optimal_allocation(budget).N / HOFFMANN_2022_UNROUNDED.optimal_allocation(budget).N)


register(
    Question(
        "fit-huber-objective", "function", _objective, cases=_objective_cases, rtol=1e-6,
        reference=("scalinglaws._objective:ChinchillaObjective.__call__",),
        prompt=("Write huber_objective(params, N, D, loss): Hoffmann's Approach-3 objective at "
                "params = (log_A, log_B, log_E, alpha, beta); scipy.special.huber(delta, r) takes delta first."),
        hints=(
            Hint(lambda p, n, d, l: _objective(p, n, d, l, reduce="mean"),
                 "You averaged the Huber terms: Hoffmann's objective (and the package's) is their sum. The mean is "
                 "the 'poor loss scale' that made L-BFGS stop early."),
            Hint(lambda p, n, d, l: _objective(p, n, d, l, log_loss=False),
                 "Compare the prediction with log L, not L: the residual is LSE(...) − log(loss)."),
            Hint(lambda p, n, d, l: _objective(p, n, d, l, delta=1.0),
                 "Use delta = 1e-3: with delta = 1 every residual sits in the quadratic part and the fit is plain "
                 "least squares."),
            Hint(lambda p, n, d, l: _variant(p, n, d, l, swap_huber=True),
                 "scipy.special.huber takes delta first: huber(1e-3, r), not huber(r, 1e-3)."),
            Hint(lambda p, n, d, l: _variant(p, n, d, l, squared=True),
                 "That is squared error r²/2 for every residual; Huber is linear beyond |r| = delta."),
            Hint(lambda p, n, d, l: _variant(p, n, d, l, drop_e=True),
                 "The log-sum-exp has three terms: the irreducible loss log_E is the third."),
        ),
        lookalikes=(LookAlike(lambda p, n, d, l: _variant(p, n, d, l, log10=True), "base-10 logarithms"),),
        ladder=(
            "The objective measures how far the law's predicted log-loss is from each run's log-loss, with a "
            "penalty that is robust to outliers, summed over runs.",
            "Predicted log L_i = LSE(log_A − alpha·log N_i, log_B − beta·log D_i, log_E); residual r_i = that − "
            "log L_i; Huber_δ(r) = r²/2 if |r| <= δ else δ(|r| − δ/2) with δ = 1e-3; sum over i.",
            "log_A, log_B, log_E, alpha, beta = params; "
            "terms = [log_A - alpha * np.log(N), log_B - beta * np.log(D), np.full(np.shape(N), log_E)]; "
            "r = logsumexp(terms, axis=0) - np.log(loss); return np.sum(huber(1e-3, r))",
        ),
        hint="Residual r_i = LSE(log_A − alpha·log N_i, log_B − beta·log D_i, log_E) − log L_i; sum Huber_δ(r_i).",
        explain="This is the function L-BFGS minimises from each of the 4,500 starts.",
    ),
    Question(
        "fit-approach2-a", "number", _a2, rtol=0.002,
        prompt="Approach 2 (parabola per IsoFLOP profile) on exercise_runs(): the exponent a of N_opt ∝ C^a.",
        hints=(
            Hint(lambda: 1 - _a2(), "That is b, the exponent of D_opt: N_opt's exponent is a = 1 − b."),
            Hint(lambda: _a2("min_run"), "Taking the lowest-loss run of each budget gives this number: fit a parabola "
                 "in log N (fit_approach2's default) and use its vertex, which falls between the sampled sizes."),
            Hint(lambda: _a2(runs=chapter_runs), "Chapter 4 prints this number for its own data (another seed): "
                 "fit exercise_runs()."),
            Hint(lambda: BESIROGLU_2024.a, "That is the generating law's a (Epoch's refit); the question asks what "
                 "Approach 2 recovers from the noisy runs."),
        ),
        lookalikes=(
            LookAlike(lambda: _exercise_fit().law.a, "Approach 3's a on the same runs (another fit)"),
            LookAlike(lambda: HOFFMANN_2022.a, "Hoffmann's published (rounded) a"),
        ),
        ladder=(
            "Approach 2 finds the best model size at each budget, then fits a straight line through those optima "
            "on log-log axes: a is its slope.",
            "Per budget, fit a parabola to loss against log N and take its vertex as N_opt; then fit log N_opt "
            "against log C. fit_approach2 does both and returns the exponents.",
            "fit_approach2(N, C, loss).a",
        ),
        hint="fit_approach2 returns the fitted exponents.",
        explain=_a2_explain,
    ),
    Question(
        "fit-tokens-per-param", "number", _tpp_far, rtol=0.002,
        prompt="Fit Approach 3 to exercise_runs(); how many tokens per parameter does the fitted law recommend at 1e24 FLOP?",
        hints=(
            Hint(lambda: 1 / _tpp_far(), "That is parameters per token: divide D_opt by N_opt."),
            Hint(lambda: float(HOFFMANN_2022.tokens_per_param_at(FAR_BUDGET)),
                 "That is Hoffmann's published law, not the law you fitted."),
            Hint(lambda: float(BESIROGLU_2024.tokens_per_param_at(FAR_BUDGET)),
                 "That is the law the data were drawn from; the question asks for your fit's answer."),
            Hint(lambda: _tpp_far(GOPHER_BUDGET), "That is your law's answer at Gopher's 5.76e23 FLOP; the question "
                                                  "asks at 1e24 FLOP."),
            Hint(lambda: float(_a2_fit().tokens_per_param(FAR_BUDGET)),
                 "That is Approach 2's extrapolation; the question asks for the Approach-3 law."),
        ),
        lookalikes=(
            LookAlike(lambda: float(_chapter_fit().law.tokens_per_param_at(FAR_BUDGET)),
                      "chapter 4's Approach-3 law (other data) at 1e24"),
            LookAlike(lambda: float(HOFFMANN_2022_UNROUNDED.tokens_per_param_at(FAR_BUDGET)), "Hoffmann unrounded"),
        ),
        ladder=(
            "Fit the parametric law to all runs at once, then ask the fitted law for its compute-optimal D/N at the "
            "budget in the question.",
            "fit_approach3 returns a FitResult; its .law is a ChinchillaLaw whose tokens_per_param_at(C) gives "
            "D_opt/N_opt at C FLOP.",
            "fit_approach3(N, D, loss).law.tokens_per_param_at(1e24)",
        ),
        hint="Ask the fitted law, not a published one.",
    ),
    Question(
        "fit-n-at-optimum", "number", lambda: _exercise_fit().n_at_optimum, rtol=0.0, atol=0.5,
        prompt="Of the 4,500 starts of the full-grid fit on exercise_runs(), how many reach the best optimum?",
        hints=(
            Hint(lambda: _exercise_fit().n_starts, "That is every start: most of them stop elsewhere."),
            Hint(lambda: 1, "The best start is one of several that reach the same optimum: read FitResult.n_at_optimum."),
            Hint(lambda: _chapter_fit().n_at_optimum, "That is chapter 4's count, for its own data; fit exercise_runs()."),
            Hint(lambda: _exercise_fit().n_at_optimum / _exercise_fit().n_starts,
                 "That is the fraction of starts; the question asks how many."),
        ),
        lookalikes=(LookAlike(lambda: 100 * _exercise_fit().n_at_optimum / _exercise_fit().n_starts,
                              "the percentage of starts"),),
        ladder=(
            "Every start ends at some objective value; count the starts whose final value is the best one (to the "
            "fit's tolerance).",
            "The FitResult of the full-grid fit counts them for you: look at its attributes.",
            "fit_approach3(N, D, loss).n_at_optimum",
        ),
        hint="The FitResult counts them.",
        explain="Only a minority of the grid finds the best fit: report it, and never trust a single start.",
    ),
    Question(
        "fit-rounding", "number", _rounding_ratio, rtol=0.002,
        prompt=("At 5.76e23 FLOP, tokens per parameter from Hoffmann's rounded law divided by that from the "
                "unrounded (TeX) values."),
        hints=(
            Hint(lambda: 1 / _rounding_ratio(), "That is unrounded / rounded: the rounded law recommends more tokens."),
            Hint(lambda: float(HOFFMANN_2022.tokens_per_param_at(GOPHER_BUDGET) / BESIROGLU_2024.tokens_per_param_at(GOPHER_BUDGET)),
                 "You divided by Epoch's refit; compare the two versions of Hoffmann's own law."),
            Hint(lambda: _rounding_ratio(FAR_BUDGET), "That is the ratio at 1e24 FLOP; the question asks at Gopher's "
                                                      "5.76e23 FLOP (the ratio grows with the budget)."),
            Hint(lambda: _rounding_ratio(GPT3_BUDGET), "That is the ratio at GPT-3's 3.14e23 FLOP; the question asks "
                                                       "at 5.76e23 FLOP."),
            Hint(lambda: _size_ratio(), "That is the ratio of the compute-optimal sizes N_opt; the question compares "
                                        "tokens per parameter, D_opt/N_opt."),
        ),
        lookalikes=(LookAlike(lambda: 1 / _size_ratio(), "the inverse ratio of sizes"),),
        ladder=(
            "Each law recommends a ratio of tokens to parameters at a given budget; compare the two recommendations "
            "at the same budget, 5.76e23 FLOP.",
            "A ChinchillaLaw's tokens_per_param_at(C) gives D_opt/N_opt at C FLOP: divide the rounded law's value by "
            "the unrounded law's.",
            "sl.HOFFMANN_2022.tokens_per_param_at(5.76e23) / sl.HOFFMANN_2022_UNROUNDED.tokens_per_param_at(5.76e23)",
        ),
        hint="Compare the two laws' tokens per parameter at the same budget.",
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
        ladder=(
            "The mean and the sum have the same minimiser; ask what else about the optimiser depends on the size "
            "of the objective.",
            "Read L-BFGS-B's stopping rule: it compares each step's decrease of f with ftol · max(|f|, 1).",
            "grid = sl.BOOTSTRAP_GRID; "
            "[fit_approach3(N, D, loss, reduce=r, init_grid=grid).law.E for r in ('mean', 'sum')]",
        ),
        hint="Compare the stopping rule's threshold with the size of the objective.",
        explain="Same minimiser, different stopping point: in Epoch's reconstruction the optimiser, not the "
                "estimator, went wrong.",
    ),
)
