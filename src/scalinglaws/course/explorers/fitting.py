"""Widget of chapters/04_fitting.ipynb: how noise and the number of runs move an Approach 2 extrapolation."""
from __future__ import annotations

import numpy as np

from scalinglaws.compute import format_count, format_flop
from scalinglaws.fit import fit_approach2
from scalinglaws.laws import BESIROGLU_2024, ChinchillaLaw
from scalinglaws.synthetic import ISOFLOP_BUDGETS, isoflop_runs
from scalinglaws._validate import as_int
from scalinglaws.course.widgets import Control, Explorer

__all__ = ["IsoFLOPFitExplorer"]

TARGET_FLOP = 1e24
"""The budget the fitted frontier is extrapolated to, in FLOP (about 300× the largest synthetic budget)."""


class IsoFLOPFitExplorer(Explorer):
    """Noise and runs-per-budget sliders → synthetic IsoFLOP runs, their Approach 2 fit, and its extrapolation.

    The runs are drawn from a known ``law``. Left: one experiment's losses against N at each budget, the fitted
    vertices and the true optima. Right: that experiment's per-budget optima and its fitted N_opt ∝ C^a carried
    out to ``TARGET_FLOP``, with the fits of ``repeats`` repetitions of the same experiment (fresh noise each,
    seeded) as faint lines, against the truth. One noisy experiment is one draw from that spread.
    """

    title = "IsoFLOP fit explorer: noise, number of runs and the extrapolated N_opt"
    figsize = (9.6, 3.6)

    def __init__(self, law: ChinchillaLaw = BESIROGLU_2024, noises=(0.0, 0.005, 0.01, 0.02, 0.04),
                 sizes=(3, 4, 6, 10, 16), default_noise: float = 0.01, default_sizes: int = 6,
                 repeats: int = 30, seed: int = 0):
        if not isinstance(law, ChinchillaLaw):
            raise ValueError(f"law must be a ChinchillaLaw (the synthetic runs are drawn from it); got {law!r}")
        self.law, self.seeds = law, seed + np.arange(as_int("repeats", repeats, minimum=1))
        self.budgets = np.asarray(ISOFLOP_BUDGETS)
        self.controls = (
            Control("noise", "loss noise σ (log-normal)", [float(v) for v in noises], float(default_noise),
                    fmt=lambda v: f"{100 * v:.1f}%"),
            Control("sizes", "model sizes per budget", [float(v) for v in sizes], float(default_sizes),
                    fmt=lambda v: f"{v:.0f}"),
        )
        self.c_line = np.geomspace(self.budgets[0], TARGET_FLOP, 30)
        self.true_target = self.law.optimal_allocation(TARGET_FLOP).N
        super().__init__()

    def draw_static_parts(self) -> None:
        profiles, frontier = self.fig.subplots(1, 2)
        truth = self.law.optimal_allocation(self.budgets)
        profiles.set(xscale="log", xlabel="parameters N", ylabel="loss (nats/token)",
                     title="one IsoFLOP experiment (synthetic)", xlim=(1e7, 3e10),
                     ylim=(truth.loss.min() - 0.05, truth.loss.max() + 0.45))
        profiles.plot(truth.N, truth.loss, "k+", ms=9, label="true optimum")
        self.runs = [self.moving(*profiles.plot([], [], "o", ms=3, color=f"C{i % 10}"))
                     for i in range(self.budgets.size)]
        self.vertices = self.moving(*profiles.plot([], [], "D", ms=5, mfc="none", mec="black",
                                                   label="fitted vertex"))
        profiles.legend(loc="upper right", fontsize=7)

        best = self.law.optimal_allocation(self.c_line)
        frontier.set(xscale="log", yscale="log", xlabel="compute C (FLOP)", ylabel="compute-optimal N",
                     title=f"extrapolated to {format_flop(TARGET_FLOP)}", xlim=(self.c_line[0], TARGET_FLOP * 2),
                     ylim=(best.N[0] / 4, best.N[-1] * 6))
        frontier.axvspan(self.budgets[0], self.budgets[-1], color="0.93", zorder=0, label="budgets with runs")
        self.spread = self.moving(*frontier.plot([], [], color="C3", lw=0.6, alpha=0.25,
                                                 label=f"{self.seeds.size} repeats (new noise)"))
        frontier.plot(self.c_line, best.N, color="black", lw=1.5, label=f"truth ({self.law.name})")
        self.optima = self.moving(*frontier.plot([], [], "D", ms=5, mfc="none", mec="black",
                                                 label="this experiment's optima"))
        self.fitted = self.moving(*frontier.plot([], [], color="C3", ls="--", lw=1.5, label="its fit N ∝ C^a"))
        self.target = self.moving(*frontier.plot([], [], "o", color="C3", ms=6))
        frontier.legend(loc="upper left", fontsize=7)

    def update(self, noise: float, sizes: float) -> str:
        per_budget = int(round(sizes))
        fits = [self._experiment(noise, per_budget, seed, show=i == 0) for i, seed in enumerate(self.seeds)]
        first, ok = fits[0], [f for f in fits if f is not None]
        curves = np.array([f.predict_N(self.c_line) for f in ok]).reshape(len(ok), self.c_line.size)
        gaps = np.full((len(ok), 1), np.nan)  # NaN between repeats: one Line2D draws them all
        self.spread.set_data(np.tile(np.append(self.c_line, np.nan), len(ok)), np.hstack([curves, gaps]).ravel())
        spread = _spread_text(curves[:, -1] / self.true_target, len(fits))  # c_line ends at TARGET_FLOP
        head = f"{per_budget} sizes per budget, {100 * noise:.1f}% noise. "
        if first is None:
            for artist in (self.vertices, self.optima, self.fitted, self.target):
                artist.set_data([], [])
            return head + "This experiment could not be fitted (too few budgets with an interior minimum).\n" + spread
        predicted = float(curves[0, -1])
        self.vertices.set_data(first.N_opt, first.loss_opt)
        self.optima.set_data(first.compute, first.N_opt)
        self.fitted.set_data(self.c_line, curves[0])
        self.target.set_data([TARGET_FLOP], [predicted])
        skipped = f" ({len(first.skipped)} of {self.budgets.size} budgets skipped)" if first.skipped else ""
        return (head + f"This experiment: a = {first.a:.3f} (true {self.law.a:.3f}){skipped}, N_opt at "
                f"{format_flop(TARGET_FLOP)} = {format_count(predicted)} (true {format_count(self.true_target)}, "
                f"{predicted / self.true_target:.2f}×)\n" + spread)

    def _experiment(self, noise: float, per_budget: int, seed: int, show: bool):
        """One seeded IsoFLOP experiment fitted with Approach 2 (None if it cannot be fitted)."""
        n, c, _, loss = isoflop_runs(self.law, per_budget=per_budget, noise=noise, seed=int(seed))
        if show:
            for line, budget in zip(self.runs, self.budgets):
                line.set_data(n[c == budget], loss[c == budget])
        try:
            return fit_approach2(n, c, loss)
        except ValueError:  # fewer than two budgets with an interior minimum: nothing to extrapolate
            return None


def _spread_text(ratios: np.ndarray, repeats: int) -> str:
    """Readout line for the repeats: median and 10–90% range of extrapolated N_opt / truth."""
    if ratios.size == 0:
        return f"{repeats} repeats: none could be fitted"
    failed = f", {repeats - ratios.size} could not be fitted" if ratios.size < repeats else ""
    return (f"{repeats} repeats{failed}: N_opt / truth median {np.median(ratios):.2f}, "
            f"10–90% {np.percentile(ratios, 10):.2f}–{np.percentile(ratios, 90):.2f}")
