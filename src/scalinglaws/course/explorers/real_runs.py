"""Widget of chapters/05_overtraining.ipynb: Gadre et al.'s over-training law against their real runs.

Pick a training set and a token multiplier M: the law fitted to that set's five small runs (as they fit it,
:func:`scalinglaws.gadre.reproduce`) is drawn against every run of that M, with the large runs it never saw
and their predicted losses. Needs the Gadre et al. (2024) table (:func:`scalinglaws.runs.load_runs`).
"""
from __future__ import annotations

import numpy as np

from scalinglaws.compute import format_count
from scalinglaws.gadre import FIT_LOSS, reproduce
from scalinglaws.runs import GADRE_2024_FIG1_RELATIVE_ERROR, TRAINING_SETS
from scalinglaws.course.widgets import Control, Explorer

__all__ = ["RealRunsExplorer", "TOKEN_MULTIPLIERS"]

TOKEN_MULTIPLIERS = (5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0)
"""The token multipliers M = D/N of their runs (tokens per parameter)."""

FLOOR = 1e-5
"""Relative errors below this are drawn at it (the log axis has no zero)."""


class RealRunsExplorer(Explorer):
    """Training-set and M sliders → the fitted L(C, M) against the real runs at that M, and the held-out errors.

    Left: C4 eval loss against training compute at the chosen M: the law's curve, the small runs (the five it
    was fitted to filled), the large runs measured (stars) and predicted (open circles). Right: the law's
    relative error on every run of the training set against M, the chosen M marked.
    """

    title = "Real runs explorer: Gadre et al.'s law against their 104 models"
    figsize = (9.6, 3.6)

    def __init__(self, path=None):
        self.keys = tuple(TRAINING_SETS)
        self.fits = {key: reproduce(key, path=path) for key in self.keys}
        self.controls = (
            Control("training_set", "training set", [float(i) for i in range(len(self.keys))],
                    float(self.keys.index("rpj")), fmt=lambda v: TRAINING_SETS[self.keys[int(round(v))]]),
            Control("M", "tokens per parameter M", list(TOKEN_MULTIPLIERS), 640.0, log=True,
                    fmt=lambda v: f"{v:g}"),
        )
        every = [f.runs for f in self.fits.values()]
        self.c_range = (min(r.C.min() for r in every) / 2, max(r.C.max() for r in every) * 2)
        self.c_line = np.geomspace(*self.c_range, 100)
        self.loss_range = (min(r.loss[FIT_LOSS].min() for r in every) * 0.95,
                           max(r.loss[FIT_LOSS].max() for r in every) * 1.05)
        super().__init__()

    def draw_static_parts(self) -> None:
        curve_ax, error_ax = self.fig.subplots(1, 2)
        self.curve_ax, self.error_ax = curve_ax, error_ax
        curve_ax.set(xscale="log", xlabel="training compute C = 6ND (FLOP)",
                     ylabel="C4 eval loss (nats/token)", xlim=self.c_range, ylim=self.loss_range)
        self.law_line = self.moving(*curve_ax.plot([], [], color="C0", label="law L(C, M)"))
        self.small = self.moving(*curve_ax.plot([], [], "o", mfc="none", mec="0.4", ms=5, label="small runs"))
        self.fitted = self.moving(*curve_ax.plot([], [], "o", color="black", ms=5, label="fitted on"))
        self.measured = self.moving(*curve_ax.plot([], [], "*", color="C3", ms=10, label="large run, measured"))
        self.predicted = self.moving(*curve_ax.plot([], [], "o", mfc="none", mec="C3", ms=9, mew=1.5,
                                                    label="large run, predicted"))
        curve_ax.legend(loc="lower left", fontsize=7)

        error_ax.set(xscale="log", yscale="log", xlabel="tokens per parameter M",
                     ylabel="relative error of the law", xlim=(3.5, 900), ylim=(FLOOR / 2, 0.3),
                     title="every run of the training set")
        self.all_small = self.moving(*error_ax.plot([], [], "o", mfc="none", mec="0.4", ms=4, label="small"))
        self.all_fitted = self.moving(*error_ax.plot([], [], "o", color="black", ms=4, label="fitted on"))
        self.all_large = self.moving(*error_ax.plot([], [], "*", color="C3", ms=9, label="1.4B and 6.9B"))
        self.marker = self.moving(error_ax.axvline(640.0, color="C0", ls=":", lw=1))
        error_ax.legend(loc="upper left", fontsize=7)

    def update(self, training_set: float, M: float) -> str:
        key = self.keys[int(np.clip(round(training_set), 0, len(self.keys) - 1))]
        m = TOKEN_MULTIPLIERS[int(np.argmin(np.abs(np.log(TOKEN_MULTIPLIERS) - np.log(M))))]
        fit = self.fits[key]
        runs, law = fit.runs, fit.loss_fit.law
        in_fit = np.isin(runs.name, fit.runs.fit_set().name)
        large = np.isin(runs.shape, ("open_lm_1b", "open_lm_7b"))
        at_m = runs.M == m
        self.curve_ax.set_title(f"{TRAINING_SETS[key]}, M = {m:g}", fontsize=10)
        self.law_line.set_data(self.c_line, law.loss_at(self.c_line, m))
        for artist, pick in ((self.small, at_m & ~large), (self.fitted, at_m & in_fit),
                             (self.measured, at_m & large)):
            artist.set_data(runs.C[pick], runs.loss[FIT_LOSS][pick])
        big = runs.take(at_m & large)
        self.predicted.set_data(big.C, fit.predicted_loss(big) if len(big) else [])
        rel = fit.loss_relative_error(runs)
        for artist, pick in ((self.all_small, ~large), (self.all_fitted, in_fit), (self.all_large, large)):
            artist.set_data(runs.M[pick], np.maximum(rel[pick], FLOOR))
        self.marker.set_xdata([m, m])
        head = (f"{TRAINING_SETS[key]}, fitted on 5 small runs: E = {law.E:.3f} nats/token, "
                f"eta = {law.eta:.3f},\nloss-optimal M* = {law.optimal_tokens_per_param:.1f} tokens/param")
        if not len(big):
            return head + f"\nM = {m:g}: no 1.4B or 6.9B run of this training set; pick another M."
        lines = [head]
        for shape, n, measured, predicted, r in zip(big.shape, big.N, big.loss[FIT_LOSS], fit.predicted_loss(big),
                                                    fit.loss_relative_error(big)):
            paper = GADRE_2024_FIG1_RELATIVE_ERROR.get(("loss", shape, m)) if key == "rpj" else None
            cited = f"; Fig. 1: {100 * paper:.2f}%" if paper is not None else ""
            lines.append(f"{format_count(n)} at M = {m:g}: predicted {predicted:.3f}, measured "
                         f"{measured:.3f} ({100 * r:.2f}% off{cited})")
        return "\n".join(lines)
