"""Train-to-test explorer: lifetime budget, questions served and what is held fixed → the optimum (N, D, k).

Every plan comes from ``scalinglaws.train_and_sample.lifetime_train_to_test_optimal`` (Roberts et al. 2026's
Approach 1 loss with one lifetime budget, chapter 5's, and the labelled toy constants); ``loss_profiles``
draws the curves the optima sit on. Taught in chapters/06_inference_scaling.ipynb.
"""
from __future__ import annotations

import numpy as np

from scalinglaws.compute import FLOP_PER_PARAM_TOKEN_INFER, FLOP_PER_PARAM_TOKEN_TRAIN, format_count, format_flop
from scalinglaws.laws import HOFFMANN_2022_UNROUNDED, ChinchillaLaw
from scalinglaws.train_and_sample import (
    EXAMPLE_SAMPLES_TERM,
    HOLDS,
    SamplesTerm,
    TrainToTestPlan,
    lifetime_train_to_test_optimal,
)
from scalinglaws.course.widgets import Control, Explorer

__all__ = ["TrainToTestExplorer", "loss_profiles", "plans", "HOLD_LABELS", "HOLD_NAMES"]

HOLD_LABELS = {
    "nothing": "nothing: N, D and k chosen together (train-to-test)",
    "one_sample": "k = 1 sample per question (chapter 5's lifetime optimum)",
    "compute_optimal_training": "compute-optimal training (Chinchilla's D/N), N and k chosen",
}
"""What the explorer's third control holds fixed, in the order of ``scalinglaws.train_and_sample.HOLDS``."""

HOLD_NAMES = {"nothing": "nothing", "one_sample": "k = 1", "compute_optimal_training": "Chinchilla's D/N"}
"""The same choices in a few words: the slider's value, the legend and the readout's comparison lines."""

N_GRID = np.logspace(6, 12, 241)
"""Model sizes drawn (parameters)."""

K_GRID = np.logspace(0, 6, 361)
"""Samples per question searched at each model size when drawing the best-k curve (the optima themselves
are solved exactly by ``lifetime_train_to_test_optimal``)."""


def loss_profiles(budget: float, questions: float, tokens_per_sample: float = 1000.0,
                  law: ChinchillaLaw = HOFFMANN_2022_UNROUNDED, term: SamplesTerm = EXAMPLE_SAMPLES_TERM,
                  n: np.ndarray = N_GRID, k: np.ndarray = K_GRID) -> tuple[np.ndarray, np.ndarray]:
    """Task loss of each model size N when it spends the whole budget: (with k = 1, with the best k on ``k``).

    For each N the training tokens are D = (C − 2·N·T·k·Q) / (6N); sizes that cannot afford k samples get
    NaN. The best-k curve is a grid minimum over ``k`` (drawing only).
    """
    served = questions * tokens_per_sample
    nn, kk = np.asarray(n, dtype=float)[:, None], np.asarray(k, dtype=float)[None, :]
    room = budget - FLOP_PER_PARAM_TOKEN_INFER * nn * served * kk
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(room > 0, room / (FLOP_PER_PARAM_TOKEN_TRAIN * nn), np.nan)
        loss = law.E + law.A * nn ** -law.alpha + law.B * d ** -law.beta + term.G * kk ** -term.gamma
    one_sample = loss[:, 0]
    best = np.where(np.isnan(loss).all(axis=1), np.nan, np.nanmin(np.where(np.isnan(loss), np.inf, loss), axis=1))
    return one_sample, best


def plans(budget: float, questions: float, tokens_per_sample: float = 1000.0,
          law: ChinchillaLaw = HOFFMANN_2022_UNROUNDED,
          term: SamplesTerm = EXAMPLE_SAMPLES_TERM) -> dict[str, TrainToTestPlan]:
    """The optimum for each choice of what is held fixed (keys: ``HOLDS``)."""
    return {hold: lifetime_train_to_test_optimal(law, budget, questions, tokens_per_sample, term, hold=hold)
            for hold in HOLDS}


def _describe(plan: TrainToTestPlan) -> str:
    return (f"N = {format_count(plan.N)}, D = {format_count(plan.D)} ({plan.tokens_per_param:,.0f} tokens/param, "
            f"{plan.overtraining_factor:.1f}× Chinchilla's ratio), k = {plan.k:,.1f}, "
            f"training {plan.training_share:.0%} of the budget, loss {plan.loss:.3f}")


class TrainToTestExplorer(Explorer):
    """Budget, questions served, what is held fixed → where the optimum (N, D, k) sits, against Chinchilla."""

    title = "Train-to-test: choose N, D and samples k under one budget (toy k term)"
    figsize = (6.8, 4.2)
    markers = {"nothing": ("*", "C3", 15), "one_sample": ("s", "C1", 8), "compute_optimal_training": ("D", "C2", 8)}

    def __init__(self, tokens_per_sample: float = 1000.0, law: ChinchillaLaw = HOFFMANN_2022_UNROUNDED,
                 term: SamplesTerm = EXAMPLE_SAMPLES_TERM):
        self.tokens, self.law, self.term = tokens_per_sample, law, term
        self.controls = (
            Control("budget", "budget: training + serving FLOP", [1e21, 1e22, 1e23, 1e24], 1e23, log=True,
                    fmt=format_flop),
            Control("questions", "questions served over the lifetime", [1e6, 1e7, 1e8, 1e9, 1e10], 1e8, log=True,
                    fmt=lambda v: f"{v:.0e}"),
            Control("hold", "held fixed", [0, 1, 2], 0, fmt=lambda v: HOLD_NAMES[HOLDS[_index(v)]]),
        )
        super().__init__()

    def draw_static_parts(self) -> None:
        ax = self.ax = self.fig.add_subplot()
        ax.set(xscale="log", xlim=(N_GRID[0], N_GRID[-1]), ylim=(1.8, 4.5), xlabel="model size N (parameters)",
               ylabel="task loss L(N, D, k) (nats, toy k term)")
        self.curves = {
            "one_sample": self.moving(*ax.plot([], [], color="C1", lw=1.2, label="k = 1, rest of budget trains")),
            "best": self.moving(*ax.plot([], [], color="k", lw=1.5, label="best k at each N")),
        }
        self.points = {
            hold: self.moving(*ax.plot([], [], ls="", marker=m, color=c, ms=s,
                                       label=f"optimum, holding {HOLD_NAMES[hold]}"))
            for hold, (m, c, s) in self.markers.items()
        }
        self.ring = self.moving(*ax.plot([], [], ls="", marker="o", ms=22, mfc="none", mec="k", mew=1.2))
        self.chinchilla = self.moving(ax.axvline(1, color="grey", ls=":", lw=1,
                                                 label="Chinchilla-optimal N for the whole budget"))
        ax.legend(loc="upper right", fontsize=7)

    def update(self, budget: float, questions: float, hold: float) -> str:
        budget, questions, chosen = float(budget), float(questions), HOLDS[_index(hold)]
        one_sample, best = loss_profiles(budget, questions, self.tokens, self.law, self.term)
        self.curves["one_sample"].set_data(N_GRID, one_sample)
        self.curves["best"].set_data(N_GRID, best)
        found = plans(budget, questions, self.tokens, self.law, self.term)
        for name, plan in found.items():
            self.points[name].set_data([plan.N], [plan.loss])
        self.ring.set_data([found[chosen].N], [found[chosen].loss])
        n_chinchilla = float(self.law.optimal_allocation(budget).N)
        self.chinchilla.set_xdata([n_chinchilla, n_chinchilla])
        others = [h for h in HOLDS if h != chosen]
        return (f"{format_flop(budget)}, {questions:.0e} questions × k samples × {self.tokens:g} tokens; "
                f"held fixed: {HOLD_LABELS[chosen]}\n"
                f"→ {_describe(found[chosen])}\n"
                + "\n".join(f"  (holding {HOLD_NAMES[h]}: N = {format_count(found[h].N)}, "
                            f"{found[h].tokens_per_param:,.0f} tokens/param, k = {found[h].k:,.1f}, "
                            f"loss {found[h].loss:.3f})" for h in others))


def _index(value: float) -> int:
    """A live slider gives any float: the nearest of 0, 1, 2."""
    return int(min(max(round(float(value)), 0), len(HOLDS) - 1))
