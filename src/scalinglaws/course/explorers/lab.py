"""Widget of chapters/08_lab.ipynb: a lab campaign run by run, with the budget it has spent.

Live, it shows your own lab's runs (``LabExplorer.from_lab(lab)``); on the static site, the worked campaign.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from scalinglaws.compute import format_count, format_flop
from scalinglaws.course.lab.client import LocalLab
from scalinglaws.course.lab.ledger import RunRecord
from scalinglaws.course.lab.scoring import budgets_of
from scalinglaws.course.lab.campaign import worked_plan
from scalinglaws.course.widgets import Control, Explorer
from scalinglaws._validate import as_int

__all__ = ["CampaignProgress", "campaign_progress", "worked_campaign", "LabExplorer", "WORKED_SEED", "MAX_STEPS"]

WORKED_SEED = 0
"""The public world of the worked campaign."""

MAX_STEPS = 24
"""Positions of the run slider (the static site pre-renders one frame each)."""


@dataclass(frozen=True)
class CampaignProgress:
    """After each run: FLOP spent so far and left (arrays, one entry per run), and the budget in FLOP."""

    spent: np.ndarray
    remaining: np.ndarray
    budget: int


def campaign_progress(runs: Sequence[RunRecord], budget: int) -> CampaignProgress:
    """Cumulative FLOP spent and remaining after each run of a log."""
    total = as_int("budget", budget, minimum=1)
    spent = np.cumsum([int(r.flop) for r in runs], dtype=np.int64) if runs else np.zeros(0, dtype=np.int64)
    if spent.size and spent[-1] > total:
        raise ValueError(f"the runs spend {int(spent[-1]):.3e} FLOP, more than the budget {total:.3e}")
    return CampaignProgress(spent, total - spent, total)


def worked_campaign(seed: int = WORKED_SEED) -> LocalLab:
    """A self-study lab of world ``seed`` after running :func:`~scalinglaws.course.lab.campaign.worked_plan`."""
    lab = LocalLab(seed)
    for run in worked_plan():
        lab.run(**run)
    return lab


class LabExplorer(Explorer):
    """Run slider → the runs so far (loss against N, one colour per budget) and the budget spent."""

    title = "Lab campaign: runs so far and budget spent"
    figsize = (9.6, 3.6)

    def __init__(self, runs: Sequence[RunRecord] | None = None, budget: int | None = None):
        if runs is None:
            lab = worked_campaign()
            runs, budget = lab.runs(), lab.budget
        if not runs or budget is None:
            raise ValueError("LabExplorer needs at least one run and the budget in FLOP (or no arguments for the "
                             "worked campaign)")
        self.runs, self.progress = list(runs), campaign_progress(runs, budget)
        steps = sorted({int(round(v)) for v in np.linspace(0, len(self.runs), min(len(self.runs) + 1, MAX_STEPS))})
        self.controls = (Control("shown", "runs so far", [float(v) for v in steps], float(steps[-1]),
                                 fmt=lambda v: f"{v:.0f}"),)
        super().__init__()

    @classmethod
    def from_lab(cls, lab) -> "LabExplorer":
        """The explorer of a lab's runs so far (local or remote)."""
        return cls(lab.runs(), lab.budget)

    def draw_static_parts(self) -> None:
        left, right = self.fig.subplots(1, 2)
        n = np.array([r.params for r in self.runs], dtype=float)
        loss = np.array([r.loss for r in self.runs])
        left.set(xscale="log", xlabel="parameters N", ylabel="final loss (nats/token)", title="runs so far",
                 xlim=(n.min() / 1.5, n.max() * 1.5), ylim=(loss.min() - 0.1, loss.max() + 0.1))
        self.groups = []
        for i, (budget, group) in enumerate(budgets_of(self.runs).items()):
            line = self.moving(*left.plot([], [], "o-", ms=4, lw=0.8, color=f"C{i % 10}",
                                          label=f"{format_flop(budget)}"))
            self.groups.append((line, {r.index for r in group}))
        left.legend(title="budget", fontsize=7, title_fontsize=7, loc="upper right")
        count = len(self.runs)
        right.set(xlabel="run number", ylabel="FLOP spent", title="budget", xlim=(0, count + 1),
                  ylim=(0, self.progress.budget * 1.08))
        right.axhline(self.progress.budget, color="C3", ls="--", label=f"budget {format_flop(self.progress.budget)}")
        self.spent_line = self.moving(*right.step([], [], where="post", color="black", label="spent"))
        right.legend(fontsize=7, loc="lower right")

    def update(self, shown: float) -> str:
        k = int(round(shown))
        visible = self.runs[:k]
        for line, indices in self.groups:
            pts = sorted((r.params, r.loss) for r in visible if r.index in indices)
            line.set_data([p for p, _ in pts], [l for _, l in pts])
        spent = np.concatenate([[0], self.progress.spent[:k]])
        self.spent_line.set_data(np.arange(k + 1), spent)
        used = int(spent[-1])
        head = (f"after {k} of {len(self.runs)} runs: spent {used:.3e} of {self.progress.budget:.3e} FLOP "
                f"({100 * used / self.progress.budget:.0f}%), {self.progress.budget - used:.3e} left")
        if not k:
            return head
        last = visible[-1]
        return head + (f"\nrun {last.index}: {last.n_layer} layers × d_model {last.d_model} "
                       f"(N = {format_count(last.params)}), {format_count(last.tokens)} tokens, lr {last.lr:g} "
                       f"→ loss {last.loss:.4f}")
