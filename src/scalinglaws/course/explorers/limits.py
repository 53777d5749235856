"""Widgets of chapters/07_limits.ipynb: emergence as a metric effect, and the value of repeated data."""
from __future__ import annotations

import numpy as np

from scalinglaws.compute import format_count
from scalinglaws.data_constrained import R_D_STAR, effective_data, marginal_epoch_value, repetition_value
from scalinglaws.emergence import (answer_token_loss, emergence_scale, exact_match, expected_token_edit_distance,
                         per_token_accuracy)
from scalinglaws.laws import HOFFMANN_2022, ChinchillaLaw
from scalinglaws.course.widgets import Control, Explorer

__all__ = ["EmergenceExplorer", "RepeatedDataExplorer"]


class EmergenceExplorer(Explorer):
    """Answer-length slider: one smooth loss, a smooth per-token metric, a sudden-looking exact match."""

    title = "Emergence explorer: the same model family under two metrics"
    figsize = (9.6, 3.3)

    def __init__(self, law: ChinchillaLaw = HOFFMANN_2022, lengths=(1, 2, 3, 5, 10, 20, 30, 50, 100),
                 default: int = 10):
        self.law = law
        self.controls = (Control("length", "answer length (tokens)", [float(v) for v in lengths], float(default),
                                 fmt=lambda v: f"{v:.0f}"),)
        self.N = np.logspace(7, 13, 200)
        self.loss = answer_token_loss(self.N, law)
        super().__init__()

    def draw_static_parts(self) -> None:
        loss_ax, acc_ax, edit_ax = self.fig.subplots(1, 3)
        loss_ax.loglog(self.N, self.loss, color="C0")
        loss_ax.set(xlabel="parameters N", ylabel="answer-token loss (nats/token)", title="1. loss: smooth")
        acc_ax.semilogx(self.N, per_token_accuracy(self.loss), color="grey", ls="--", label="per-token accuracy")
        self.em = self.moving(*acc_ax.plot([], [], color="C3", lw=2, label="exact match"))
        self.half = self.moving(*acc_ax.plot([], [], "o", color="C3"))
        acc_ax.set(xlabel="parameters N", ylabel="accuracy", title="2. exact match: sudden?", ylim=(-0.03, 1.03))
        acc_ax.legend(loc="upper left", fontsize=8)
        self.edit = self.moving(*edit_ax.loglog([], [], color="C2", lw=2))
        edit_ax.set(xlabel="parameters N", ylabel="expected wrong tokens", title="3. edit distance: smooth",
                    ylim=(1e-2, 2e2))
        for ax in (loss_ax, acc_ax, edit_ax):
            ax.set_xlim(self.N[0], self.N[-1])

    def update(self, length: float) -> str:
        n = int(round(length))
        self.em.set_data(self.N, exact_match(self.loss, n))
        self.edit.set_data(self.N, expected_token_edit_distance(self.loss, n))
        low, mid, high = (emergence_scale(n, t, self.law) for t in (0.1, 0.5, 0.9))
        self.half.set_data([mid], [0.5])
        return (f"{n}-token answers: exact match 10% at N = {format_count(low)}, 50% at {format_count(mid)}, "
                f"90% at {format_count(high)} parameters\n"
                f"50% exact match needs per-token accuracy 0.5^(1/{n}) = {0.5 ** (1 / n):.3f}")


class RepeatedDataExplorer(Explorer):
    """Epochs slider: how many fresh tokens U unique tokens repeated for some epochs are worth."""

    title = "Repeated-data explorer (Muennighoff et al. 2023)"

    def __init__(self, epochs=(1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64), default: float = 4):
        self.controls = (Control("epochs", "epochs over the unique data", [float(e) for e in epochs], float(default),
                                 log=True, fmt=lambda v: f"{v:g}"),)
        self.e = np.logspace(0, np.log10(float(epochs[-1])), 200)
        super().__init__()

    def draw_static_parts(self) -> None:
        ax = self.fig.add_subplot()
        ax.loglog(self.e, self.e, color="grey", ls="--", label="fresh data: worth its epochs")
        ax.loglog(self.e, effective_data(1.0, self.e), color="C0", lw=2, label="repeated data: D'/U_D")
        ax.axhline(1 + R_D_STAR, color="C3", ls=":", label=f"ceiling 1 + R_D* = {1 + R_D_STAR:g}")
        self.gap = self.moving(*ax.plot([], [], color="C1", lw=3, alpha=0.6, label="value lost to repetition"))
        self.point = self.moving(*ax.plot([], [], "o", color="C0"))
        ax.set(xlabel="epochs (total tokens / unique tokens)", ylabel="worth, in unique-data units",
               xlim=(1, self.e[-1]), ylim=(0.9, self.e[-1]))
        ax.legend(loc="upper left", fontsize=8)

    def update(self, epochs: float) -> str:
        worth = float(effective_data(1.0, epochs))
        self.point.set_data([epochs], [worth])
        self.gap.set_data([epochs, epochs], [worth, epochs])
        return (f"{epochs:g} epochs: worth {worth:.2f}× the unique data ({repetition_value(epochs):.0%} of "
                f"{epochs:g} fresh epochs)\none more epoch now adds {marginal_epoch_value(epochs):.2f} of a fresh one")
