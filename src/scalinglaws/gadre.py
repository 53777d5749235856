"""Gadre et al.'s (2024) procedure on their own runs: fit on small runs, predict the large held-out ones.

For one training set: the over-training law L(C, M) is fitted to the C4 eval loss of their five small fitting
runs (:meth:`scalinglaws.runs.Runs.fit_set`); the loss-to-error law Err = ε − k·exp(−γ·L) is fitted to those
five plus the 1.4B run at M = 20 (their ``fit_ds`` with ``add_1b``); both are then asked about the held-out
1.4B and 6.9B runs (:meth:`scalinglaws.runs.Runs.held_out`), the errors from the *predicted* losses, as in
their Fig. 1. Taught in chapters/05_overtraining.ipynb (loss) and chapters/07_limits.ipynb (error).

Units: N in parameters, D in tokens, M = D/N, losses in nats/token, errors as fractions.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .downstream import DownstreamFit, fit_downstream
from .fit import OvertrainingFit, fit_overtraining
from .runs import Runs, load_runs, relative_error

__all__ = ["FIT_LOSS", "ERROR_AVERAGES", "Reproduction", "error_fit_runs", "reproduce"]

FIT_LOSS = "c4_val"
"""The validation loss their laws are fitted to and predict: C4 eval."""

ERROR_AVERAGES = {"err_avg": "46-task average", "err_avg_subset": "17-task average"}
"""The two average top-1 errors their downstream law is fitted to (their Fig. 1 uses the 17-task one)."""


def error_fit_runs(runs: Runs) -> Runs:
    """The runs their downstream law is fitted to: the five loss-fitting runs plus the 1.4B at M = 20."""
    big = runs.large()
    one = np.flatnonzero((big.shape == "open_lm_1b") & (big.M == 20.0))
    fit = runs.fit_set()
    return fit if one.size == 0 else _join(fit, big.take(one))


def _join(first: Runs, second: Runs) -> Runs:
    joined = {}
    for name in ("name", "training_set", "shape", "N", "D", "M", "C", "err_avg", "err_avg_subset"):
        joined[name] = np.concatenate([getattr(first, name), getattr(second, name)])
    joined["loss"] = {k: np.concatenate([v, second.loss[k]]) for k, v in first.loss.items()}
    joined["task_error"] = {k: np.concatenate([v, second.task_error[k]]) for k, v in first.task_error.items()}
    return Runs(**joined)


@dataclass(frozen=True, eq=False)
class Reproduction:
    """Their fits for one training set and what they predict.

    Attributes
    ----------
    training_set : str
        The training-set key ("c4_original", "rpj", "rw_original").
    runs : Runs
        Every run of that training set.
    loss_fit : OvertrainingFit
        L(C, M) fitted to the C4 eval loss of ``runs.fit_set()``.
    error_fit : DownstreamFit
        Err(L) fitted to ``error`` of :func:`error_fit_runs`.
    error : str
        Which average top-1 error ("err_avg" or "err_avg_subset").
    """

    training_set: str
    runs: Runs
    loss_fit: OvertrainingFit
    error_fit: DownstreamFit
    error: str

    @property
    def held_out(self) -> Runs:
        """The large runs they predict (1.4B and 6.9B, except the 1.4B at M = 20), by compute."""
        return self.runs.held_out()

    def predicted_loss(self, runs: Runs | None = None) -> np.ndarray:
        """The fitted law's C4 eval loss (nats/token) for ``runs`` (default: the held-out runs)."""
        runs = self.held_out if runs is None else runs
        return np.asarray(self.loss_fit.loss(runs.N, runs.D), dtype=float)

    def loss_relative_error(self, runs: Runs | None = None) -> np.ndarray:
        """|predicted − measured| / measured C4 eval loss of ``runs`` (default: the held-out runs)."""
        runs = self.held_out if runs is None else runs
        return relative_error(self.predicted_loss(runs), runs.loss[FIT_LOSS])

    def predicted_error(self, runs: Runs | None = None) -> np.ndarray:
        """The average top-1 error the two laws chain to from the *predicted* loss (fraction)."""
        return np.asarray(self.error_fit.error(self.predicted_loss(runs)), dtype=float)

    def error_relative_error(self, runs: Runs | None = None) -> np.ndarray:
        """|predicted − measured| / measured average top-1 error of ``runs`` (default: the held-out runs)."""
        runs = self.held_out if runs is None else runs
        return relative_error(self.predicted_error(runs), getattr(runs, self.error))


def reproduce(training_set: str, error: str = "err_avg_subset",
              path: str | os.PathLike | None = None) -> Reproduction:
    """Fit Gadre et al.'s two laws to one training set's runs as they do (see the module docstring).

    ``error`` is "err_avg_subset" (the 17-task average of their Fig. 1) or "err_avg" (all 46 tasks); ``path``
    is passed to :func:`scalinglaws.runs.load_runs`. Taught in chapters/05_overtraining.ipynb.
    """
    if error not in ERROR_AVERAGES:
        raise ValueError(f"error must be one of {', '.join(map(repr, ERROR_AVERAGES))}; got {error!r}")
    runs = load_runs(training_set, path=path)
    fit = runs.fit_set()
    loss_fit = fit_overtraining(fit.N, fit.D, fit.loss[FIT_LOSS])
    points = error_fit_runs(runs)
    error_fit = fit_downstream(points.loss[FIT_LOSS], getattr(points, error))
    return Reproduction(training_set=training_set, runs=runs, loss_fit=loss_fit, error_fit=error_fit, error=error)
