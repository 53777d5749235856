"""Widgets of chapters/03_chinchilla.ipynb: a compute-budget explorer and a mis-allocation explorer.

The maths lives in ``scalinglaws.laws`` and ``scalinglaws.allocation``; these classes only move artists.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from scalinglaws.allocation import misallocation_penalty
from scalinglaws.compute import format_count, format_flop
from scalinglaws.laws import BESIROGLU_2024, HOFFMANN_2022, ChinchillaLaw
from scalinglaws.models import MODELS, models_near
from scalinglaws.plots import isoflop_line, nd_plane
from scalinglaws.course.widgets import Control, Explorer, _compute_grid

__all__ = ["ChinchillaBudgetExplorer", "MisallocationExplorer"]

_SHORT = {HOFFMANN_2022.name: "Hoffmann 2022 (published)", BESIROGLU_2024.name: "Epoch 2024 refit"}


def _short(law: ChinchillaLaw) -> str:
    return _SHORT.get(law.name, law.name)


def _ratio_text(r: float) -> str:
    return f"{r:,.0f}" if r >= 100 else f"{r:.3g}"


class ChinchillaBudgetExplorer(Explorer):
    """Compute slider → N_opt, D_opt, tokens/param and loss under two fits, with the real models near that budget.

    Left: each fit's IsoFLOP curve (loss against N at the chosen C) with its minimum marked.
    Right: the (N, D) plane with both fits' compute-optimal lines, the budget's iso-FLOP line D = C/(6N),
    and the models trained within ``factor``× of the budget highlighted.
    """

    title = "Compute-budget explorer (Chinchilla law: published fit vs Epoch's refit)"
    figsize = (9.0, 3.9)

    def __init__(self, laws: Sequence[ChinchillaLaw] = (HOFFMANN_2022, BESIROGLU_2024), lo: float = 1e18,
                 hi: float = 1e27, default: float = 1e21, factor: float = 3.0):
        self.laws = tuple(laws)
        if not 1 <= len(self.laws) <= 3:
            raise ValueError(f"laws must hold 1 to 3 Chinchilla laws; got {len(self.laws)}")
        values = _compute_grid(lo, hi)
        if default not in values:
            raise ValueError(f"default budget {default!r} must be on the grid {values}")
        self.factor = factor
        self.controls = (Control("compute", "Compute budget C (FLOP)", values, default, log=True, fmt=format_flop),)
        self.n_range = np.logspace(6, 14, 240)
        self.n_lim, self.d_lim = (1e7, 1e13), (1e9, 1e15)
        super().__init__()

    def draw_static_parts(self) -> None:
        iso, plane = self.fig.subplots(1, 2)
        iso.set(xscale="log", xlabel="parameters N", ylabel="loss (nats/token)", title="IsoFLOP curve at C")
        iso.set_xlim(self.n_range[0], self.n_range[-1])
        iso.set_ylim(1.6, 4.6)
        self.curves, self.optima, self.plane_optima = [], [], []
        for i, law in enumerate(self.laws):
            self.curves.append(self.moving(*iso.plot([], [], color=f"C{i}", label=_short(law))))
            self.optima.append(self.moving(*iso.plot([], [], "o", color=f"C{i}", mec="black", ms=6)))
            iso.axhline(law.E, color=f"C{i}", ls=":", lw=1)
        iso.legend(loc="upper right", fontsize=7, title="dotted: irreducible E", title_fontsize=7)

        nd_plane(plane, self.laws, ratios=(1, 20, 100, 1000), n_lim=self.n_lim, d_lim=self.d_lim, label_models=False,
                 law_labels=[f"optimal, {_short(law)}" for law in self.laws])
        plane.set_title(f"models within {self.factor:g}x of C in red (nearest named)", fontsize=9)
        plane.legend(loc="upper left", fontsize=6)
        self.budget_line = self.moving(isoflop_line(plane, 1.0, self.n_lim, color="C3", lw=1, ls="--"))
        for i, _ in enumerate(self.laws):
            self.plane_optima.append(self.moving(*plane.plot([], [], "o", color=f"C{i}", mec="black", ms=6)))
        self.near = self.moving(plane.scatter([], [], s=40, color="C3", zorder=4))
        self.labels = {m.name: self.moving(plane.annotate(m.name, (m.params, m.tokens), xytext=(4, -3),
                                                           textcoords="offset points", fontsize=7, color="C3"))
                       for m in MODELS}

    def update(self, compute: float) -> str:
        lines = [f"C = {format_flop(compute)}"]
        for law, curve, point, plane_point in zip(self.laws, self.curves, self.optima, self.plane_optima):
            best = law.optimal_allocation(compute)
            curve.set_data(self.n_range, law.isoflop_loss(self.n_range, compute))
            point.set_data([best.N], [best.loss])
            plane_point.set_data([best.N], [best.D])
            lines.append(f"{_short(law):26s} N_opt = {format_count(best.N):>6s} params, D_opt = "
                         f"{format_count(best.D):>6s} tokens, {best.tokens_per_param:6.1f} tokens/param, "
                         f"loss {best.loss:.3f} nats/token")
        self.budget_line.set_ydata(compute / (6 * np.asarray(self.n_lim)))
        near = models_near(compute, self.factor)
        self.near.set_offsets(np.array([[m.params, m.tokens] for m in near]).reshape(-1, 2))
        nearest = near[0].name if near else None  # one label: neighbours at 70B and at 300B tokens overlap
        for name, label in self.labels.items():
            label.set_visible(name == nearest)
        shown = ", ".join(f"{m.name} {_ratio_text(m.tokens_per_param)}" for m in near)
        lines.append(f"trained models within {self.factor:g}x of C (tokens/param): {shown or 'none'}")
        return "\n".join(lines)


def _ratio_fmt(r: float) -> str:
    return f"1/{1 / r:g} N_opt" if r < 1 else f"{r:g} N_opt"


class MisallocationExplorer(Explorer):
    """Pick a budget C and a model size N = ratio·N_opt: see the loss penalty and the compute it wastes.

    Left: the loss penalty against N/N_opt along the IsoFLOP curve of C, with the chosen N marked.
    Right: the fraction of C wasted, 1 − C_eq/C, where C_eq is the budget a compute-optimal run needs to reach
    the mis-allocated loss. It depends on N/N_opt only, so its curve stays put while C moves.
    """

    title = "What if I mis-allocate? Loss penalty and wasted compute"
    figsize = (9.0, 3.7)

    def __init__(self, law: ChinchillaLaw = BESIROGLU_2024):
        self.law = law
        budgets = [1e19, 1e21, 1e23, 1e25, 1e27]
        ratios = [2.0 ** k for k in range(-4, 5)]
        self.controls = (
            Control("compute", "Compute budget C (FLOP)", budgets, 1e23, log=True, fmt=format_flop),
            Control("ratio", "Model size N / N_opt", ratios, 4.0, log=True, fmt=_ratio_fmt),
        )
        self.ratio_range = np.logspace(np.log10(1 / 32), np.log10(32), 200)
        super().__init__()

    def draw_static_parts(self) -> None:
        penalty, waste = self.fig.subplots(1, 2)
        penalty.set(xscale="log", xlabel="model size N / N_opt (at fixed C)", ylabel="loss penalty (nats/token)",
                    title="penalty in nats: shrinks as C grows", ylim=(-0.02, 0.8), xlim=(1 / 32, 32))
        penalty.axvline(1.0, color="grey", ls=":", lw=1)
        self.penalty_curve = self.moving(*penalty.plot([], [], color="C0"))
        self.penalty_point = self.moving(*penalty.plot([], [], "o", color="C3", mec="black"))

        # The wasted fraction depends on N/N_opt only, not on C (chapter 3 shows why): one fixed curve.
        reference = misallocation_penalty(self.law, 1e21, self.ratio_range * self.law.optimal_allocation(1e21).N)
        waste.plot(self.ratio_range, reference.wasted_fraction, color="C2")
        waste.axvline(1.0, color="grey", ls=":", lw=1)
        waste.set(xscale="log", xlabel="model size N / N_opt (at fixed C)", ylabel="fraction of C wasted",
                  title="wasted compute: the same at every C", ylim=(0, 1), xlim=(1 / 32, 32))
        self.waste_point = self.moving(*waste.plot([], [], "o", color="C3", mec="black"))
        self.waste_text = self.moving(waste.text(0.5, 0.93, "", transform=waste.transAxes, ha="center",
                                                 va="top", fontsize=8))
        self.fig.suptitle(_short(self.law), fontsize=9)

    def update(self, compute: float, ratio: float) -> str:
        law = self.law
        optimal_n = law.optimal_allocation(compute).N
        curve = misallocation_penalty(law, compute, self.ratio_range * optimal_n)
        run = misallocation_penalty(law, compute, ratio * optimal_n)
        self.penalty_curve.set_data(self.ratio_range, curve.delta_loss)
        self.penalty_point.set_data([ratio], [run.delta_loss])
        self.waste_point.set_data([ratio], [run.wasted_fraction])
        self.waste_text.set_text(f"{run.wasted_fraction:.0%} of {format_flop(compute)} wasted")
        return (f"C = {format_flop(compute)}; N = {_ratio_fmt(ratio)} = {format_count(run.N)} params on "
                f"D = {format_count(run.D)} tokens ({_ratio_text(run.D / run.N)} tokens/param)\n"
                f"loss {run.loss:.4f} vs optimal {run.optimal.loss:.4f} nats/token: "
                f"penalty {run.delta_loss:.4f} nats/token\n"
                f"a compute-optimal run reaches the same loss with {format_flop(run.equivalent_compute)}: "
                f"{run.wasted_fraction:.1%} of the budget wasted")
