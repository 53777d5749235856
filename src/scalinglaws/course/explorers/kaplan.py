"""Widgets for chapters/02_kaplan.ipynb: Kaplan's and Chinchilla's allocations side by side."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from scalinglaws.compute import FLOP_PER_PARAM_TOKEN_TRAIN, format_count, format_flop
from scalinglaws.laws import (BESIROGLU_2024, HOFFMANN_2022, KAPLAN_2020_AT_B_CRIT, KAPLAN_2020_C_MIN_AS_SPENT,
                              ScalingLaw)
from scalinglaws.models import Model, model
from scalinglaws.course.widgets import Control, Explorer, _compute_grid

__all__ = ["AllocationComparisonExplorer", "allocation_exponent"]

N_LIMITS = (1e7, 1e15)
"""Parameter axis of the (N, D) plane, in parameters: holds every law's N_opt from 1e18 to 1e27 FLOP."""
D_LIMITS = (1e9, 1e15)
"""Token axis of the (N, D) plane, in tokens."""


def allocation_exponent(law: ScalingLaw, lo: float = 1e24, hi: float = 1e25) -> float:
    """Local exponent a of N_opt ∝ C^a between budgets ``lo`` and ``hi`` FLOP, read off the law's allocation."""
    n_lo, n_hi = law.optimal_allocation(lo).N, law.optimal_allocation(hi).N
    return math.log(n_hi / n_lo) / math.log(hi / lo)


class AllocationComparisonExplorer(Explorer):
    """Compute slider → each law's recommended (N, D) on one log-log (N, D) plane.

    Kaplan's allocation appears twice by default, once per reading of its C_min (C = 2·C_min at the critical
    batch size, and C_min = C); the two lines are parallel, the first a factor 2^0.73 ≈ 1.66 smaller in N.

    Fixed: each law's allocation line over 1e18–1e27 FLOP, the 20-tokens-per-parameter line, and the
    models in ``models``. Moving: the iso-compute line D = C/(6N) and each law's point at the budget.
    """

    title = "Kaplan vs Chinchilla: how to spend a compute budget"
    figsize = (6.4, 4.6)

    def __init__(self, laws: Sequence[ScalingLaw] = (KAPLAN_2020_AT_B_CRIT, KAPLAN_2020_C_MIN_AS_SPENT,
                                                  HOFFMANN_2022, BESIROGLU_2024),
                 models: Sequence[str] = ("GPT-3 175B",), lo: float = 1e18, hi: float = 1e27,
                 default: float = 3.16e23):
        laws = tuple(laws)
        if not laws or not all(isinstance(law, ScalingLaw) for law in laws):
            raise ValueError(f"laws must be a non-empty sequence of ScalingLaw objects; got {laws!r}")
        self.laws = laws
        self.models: tuple[Model, ...] = tuple(model(name) for name in models)
        self.budgets = _compute_grid(lo, hi)
        if default not in self.budgets:
            raise ValueError(f"default budget {default!r} must be on the grid {self.budgets}")
        self.controls = (Control("compute", "Compute budget C (FLOP)", self.budgets, default, log=True, fmt=format_flop),)
        self.n_line = np.logspace(math.log10(N_LIMITS[0]), math.log10(N_LIMITS[1]), 2)
        super().__init__()

    def draw_static_parts(self) -> None:
        ax = self.ax = self.fig.add_subplot()
        ax.set(xscale="log", yscale="log", xlim=N_LIMITS, ylim=D_LIMITS,
               xlabel="parameters N", ylabel="training tokens D")
        ax.plot(self.n_line, 20 * self.n_line, color="grey", ls=":", lw=1, label="20 tokens per parameter")
        frontier = np.asarray(self.budgets)
        self.points = []
        for i, law in enumerate(self.laws):
            best = law.optimal_allocation(frontier)
            label = f"{law.name}: N ∝ C^{allocation_exponent(law):.2f}"
            ax.plot(best.N, best.D, color=f"C{i}", lw=1.5, label=label)
            self.points.append(self.moving(*ax.plot([], [], "o", ms=8, color=f"C{i}", mec="black")))
        for m in self.models:
            ax.plot([m.params], [m.tokens], "*", ms=11, color="black")
            ax.annotate(m.name, (m.params, m.tokens), textcoords="offset points", xytext=(6, -10), fontsize=8)
        self.iso = self.moving(*ax.plot([], [], color="black", ls="--", lw=1, label="budget C = 6ND"))
        ax.legend(loc="upper left", fontsize=7)

    def update(self, compute: float) -> str:
        self.iso.set_data(self.n_line, compute / (FLOP_PER_PARAM_TOKEN_TRAIN * self.n_line))
        rows = [f"C = {format_flop(compute)}"]
        for law, point in zip(self.laws, self.points):
            best = law.optimal_allocation(compute)
            point.set_data([best.N], [best.D])
            rows.append(f"{law.name}: N = {format_count(best.N)} params, D = {format_count(best.D)} tokens, "
                        f"{_ratio(best.tokens_per_param)} tokens/param")
        return "\n".join(rows)


def _ratio(x: float) -> str:
    """Tokens per parameter to 3 significant figures, without scientific notation for small values."""
    return f"{x:.3g}" if x >= 1e-3 else f"{x:.1e}"
