"""Practice questions for chapters/08_lab.ipynb (solutions/08_lab.ipynb): the scaling-law lab."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from scalinglaws.course.checks import Hint, LookAlike, Question, register
from scalinglaws.course.lab.campaign import predict, suggested_lr
from scalinglaws.course.lab.client import LocalLab
from scalinglaws.course.lab.world import MAX_RUN_FLOP, TARGET_FLOP, RunSpec
from scalinglaws.fit import fit_approach2
from scalinglaws.transformer import non_embedding_params

EXERCISE_SEED = 8
"""The public world of the practice notebook."""

EXERCISE_RUN = dict(n_layer=8, d_model=512, n_heads=8, tokens=200_000_000)
"""The run whose cost and learning rate the first questions ask for."""

EXERCISE_BUDGETS = (1e15, 3e15, 1e16, 3e16, 1e17)
"""Budgets (FLOP) of the practice campaign."""

EXERCISE_SIZES = 9
"""Model sizes per budget of the practice campaign."""

EXERCISE_SPREAD = 2.5
"""Decades of N each practice profile spans."""


def _params() -> float:
    return float(non_embedding_params(EXERCISE_RUN["n_layer"], EXERCISE_RUN["d_model"]))


def _flop() -> float:
    return float(RunSpec.make(lr=1e-3, **EXERCISE_RUN).flop)


def _lr() -> float:
    return suggested_lr(_params())


@lru_cache(maxsize=1)
def _campaign_runs():
    from scalinglaws.course.lab.campaign import isoflop_plan

    lab = LocalLab(EXERCISE_SEED)
    for run in isoflop_plan(EXERCISE_BUDGETS, EXERCISE_SIZES, spread_decades=EXERCISE_SPREAD):
        lab.run(**run)
    return lab.runs()


def _arrays(runs):
    n = np.array([r.params for r in runs], dtype=float)
    c = np.array([float(f"{r.flop:.2g}") for r in runs])
    return n, c, np.array([r.loss for r in runs])


def _a2(method: str = "parabola") -> float:
    return float(fit_approach2(*_arrays(_campaign_runs()), method=method).a)


# Fits the campaign (Approaches 2 and 3) once per target: the check, its hints and look-alikes share the fit.
@lru_cache(maxsize=None)
def _prediction(target_flop: float = TARGET_FLOP) -> tuple[float, float]:
    guess = predict(_campaign_runs(), target_flop)
    return guess.N_opt, guess.loss


register(
    Question(
        "lab-run-flop", "number", _flop, rtol=0.005, unit="FLOP",
        prompt=("FLOP charged for a run of 8 layers, d_model 512, on 2e8 tokens "
                "(C = 6·N·D, N = 12·n_layer·d_model²)."),
        hints=(
            Hint(lambda: _flop() / 3, "That is 2·N·D, the forward pass only: training adds the backward pass "
                                      "(4·N·D), 6·N·D in all."),
            Hint(lambda: _flop() / 12, "N is 12·n_layer·d_model² (4 attention + 8 feed-forward weights per "
                                       "d_model² per layer), not n_layer·d_model²."),
            Hint(lambda: _flop() / 6, "That is N·D: training costs 6 FLOP per parameter per token."),
        ),
        lookalikes=(LookAlike(lambda: 6 * 12 * 8 * 512 * 2e8, "d_model not squared"),),
        ladder=(
            "A run's cost is its parameters times its tokens times the FLOP each parameter costs per token.",
            "N = 12·n_layer·d_model² non-embedding parameters; training costs 6 FLOP per parameter per token "
            "(forward 2, backward 4): C = 6·N·D.",
            "6 * non_embedding_params(8, 512) * 200_000_000",
        ),
    ),
    Question(
        "lab-lr", "number", _lr, rtol=0.01,
        prompt="Porian et al.'s tuned learning rate 3.7·N^-0.36 for that model's N.",
        hints=(
            Hint(lambda: 3.7 * _params() ** 0.36, "The exponent is negative: larger models want smaller rates."),
            Hint(lambda: suggested_lr(12 * 8 * 512), "N is 12·n_layer·d_model², with d_model squared."),
        ),
        lookalikes=(LookAlike(lambda: 3.7 * _params() ** -0.036, "an exponent of -0.036"),),
        ladder=(
            "The tuned rate is a power law in the model's size: find N first.",
            "N = 12·8·512² non-embedding parameters; the rate is 3.7 times N to the power -0.36.",
            "suggested_lr(non_embedding_params(8, 512))",
        ),
        explain="Keeping one learning rate for every size puts the small or the large models off their optimum "
                "and bends the IsoFLOP profiles; over many worlds that costs points on average (chapter 8).",
    ),
    Question(
        "lab-approach2-a", "number", _a2, rtol=0.002,
        prompt="Run the practice campaign on world 8, fit Approach 2 (parabola per budget): the exponent a.",
        hints=(
            Hint(lambda: 1 - _a2(), "That is b, the exponent of D_opt: a = 1 − b."),
            Hint(lambda: _a2("min_run"), "You took the best run of each budget: use fit_approach2's parabola."),
        ),
        lookalikes=(LookAlike(lambda: 0.5, "Chinchilla's rounded a = 0.5"),),
        ladder=(
            "Each budget's profile has a lowest point; the exponent a is how fast that point's N moves with C.",
            "Fit a parabola in log N to each budget's losses, take the vertices, and fit log N_opt against log C: "
            "fit_approach2 does both, with runs grouped by their planned budget C.",
            "fit_approach2(N, C, loss).a",
        ),
    ),
    Question(
        "lab-prediction", "number", _prediction, rtol=0.002,
        prompt="Your prediction at 1e19 FLOP: (N_opt from Approach 2, loss from Approach 3).",
        hints=(
            Hint(lambda: _prediction(MAX_RUN_FLOP),
                 "That is the prediction at 1e17 FLOP, the largest run's budget: predict at 1e19, 100× beyond."),
            Hint(lambda: _prediction()[::-1], "You swapped them: give (N_opt, loss)."),
        ),
        lookalikes=(LookAlike(lambda: (_prediction()[0], 1.05 * _prediction()[1]), "a loss 5% high"),),
        ladder=(
            "N_opt comes from the frontier of profile vertices carried to 1e19 FLOP; the loss needs a law that "
            "knows its floor E, so it comes from the parametric fit.",
            "Approach 2's predict_N(1e19) gives N_opt; Approach 3 (squared penalty, BOOTSTRAP_GRID starts) gives "
            "a law whose optimal_allocation(1e19).loss is the loss.",
            "fit3 = fit_approach3(N, D, loss, penalty='squared', init_grid=BOOTSTRAP_GRID); "
            "(fit_approach2(N, C, loss).predict_N(1e19), fit3.law.optimal_allocation(1e19).loss)",
        ),
    ),
    Question(
        "lab-one-side", "choice", lambda: "c",
        options={
            "a": "Nothing: a parabola through three points is exact, wherever they are.",
            "b": "The vertex lands on the largest size sampled.",
            "c": "The vertex is an extrapolation beyond the sampled sizes (or the fit has none), so N_opt at that "
                 "budget is poorly determined.",
            "d": "The loss at the vertex is exactly the irreducible loss E.",
        },
        prompt="Every size of one IsoFLOP profile lies below the true optimum. What happens to its parabola?",
        hints=(
            Hint("a", "Three noisy points on one wall of the valley fix a curvature but not where the floor is."),
            Hint("b", "A fitted vertex can fall anywhere; fit_approach2 skips a budget whose vertex is outside the "
                      "sampled range."),
            Hint("d", "The vertex is this budget's minimum loss, above E by the A and B terms."),
        ),
        ladder=(
            "Which points pin down the position of a parabola's minimum?",
            "Points on one wall fix the slope and curvature there; the floor's position is then extrapolated, and "
            "noise moves it far, or the fitted parabola has no minimum among the sizes at all.",
            "low = N < 3e6; fit_approach2(N[low], C[low], loss[low], method='min_run', min_runs=1).N_opt",
        ),
        explain="Bracket the optimum at every budget: sample sizes on both walls of the valley.",
    ),
)
