"""Widgets for chapters/06_inference_scaling.ipynb: repeated sampling, and bigger model vs more samples.

Every number drawn is computed by ``scalinglaws.sampling``; the widgets only move artists.
"""
from __future__ import annotations

import numpy as np

from scalinglaws.compute import format_count, format_flop
from scalinglaws.sampling import (
    EXAMPLE_VERIFIER,
    EXAMPLE_WRONG_ANSWERS,
    SNELL_2024,
    best_of_n_accuracy,
    best_of_n_limit,
    compute_matched_comparison,
    coverage,
    majority_vote_accuracy,
    majority_vote_limit,
    sampling_flops,
)
from scalinglaws.course.widgets import Control, Explorer

__all__ = ["SamplingExplorer", "ComputeMatchedExplorer", "winning_range", "INFERENCE_RATIOS"]

_K_MAX = 128

INFERENCE_RATIOS = sorted({*SNELL_2024["inference_ratios"], 3.0, 100.0})
"""R values offered by ComputeMatchedExplorer: Snell et al.'s three (arXiv v1, §7 and Fig. 9: 0.16, 0.79, 22) plus 3 and 100."""


def _whole(k: float, hi: int) -> int:
    """A live slider gives any float: use the nearest whole number of samples in [1, hi]."""
    return int(min(max(round(float(k)), 1), hi))


class SamplingExplorer(Explorer):
    """Samples per question k and per-sample accuracy p → pass@k, majority vote, best-of-k, and FLOP."""

    title = "Repeated sampling: pass@k, majority vote, verifier"
    figsize = (6.4, 3.9)

    def __init__(self, params: float = 8e9, tokens_per_sample: float = 1000.0,
                 wrong=EXAMPLE_WRONG_ANSWERS, verifier: tuple[float, float] = EXAMPLE_VERIFIER):
        self.params, self.tokens, self.wrong, self.verifier = params, tokens_per_sample, wrong, verifier
        self.controls = (
            Control("samples", "samples per question k", [1, 2, 4, 8, 16, 32, 64, _K_MAX], 8, log=True,
                    fmt=lambda v: f"{v:g}"),
            Control("accuracy", "per-sample accuracy p", [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9], 0.3,
                    fmt=lambda v: f"{v:g}"),
        )
        self.k_curve = np.unique(np.round(np.logspace(0, np.log10(_K_MAX), 40)).astype(int))
        super().__init__()

    def draw_static_parts(self) -> None:
        ax = self.ax = self.fig.add_subplot()
        ax.set(xscale="log", xlim=(0.8, _K_MAX * 1.25), ylim=(0, 1.03), xlabel="samples per question k",
               ylabel="probability the answer is correct")
        tpr, fpr = self.verifier
        self.lines = {
            "oracle": self.moving(*ax.plot([], [], color="C0", label="pass@k (oracle picks a correct sample)")),
            "verifier": self.moving(*ax.plot([], [], color="C2", label=f"best-of-k, verifier TPR {tpr:g} / FPR {fpr:g}")),
            "majority": self.moving(*ax.plot([], [], color="C3", label="majority vote")),
        }
        self.limits = {
            "verifier": self.moving(ax.axhline(0, color="C2", ls=":", lw=1)),
            "majority": self.moving(ax.axhline(0, color="C3", ls=":", lw=1, label="k → ∞ limits")),
        }
        self.marker = self.moving(*ax.plot([], [], "ko", ms=4))
        self.cursor = self.moving(ax.axvline(1, color="grey", lw=0.8))
        ax.legend(loc="lower right", fontsize=7)

    def update(self, samples: float, accuracy: float) -> str:
        k, p = _whole(samples, _K_MAX), float(accuracy)
        tpr, fpr = self.verifier
        curves = {
            "oracle": np.asarray(coverage(p, self.k_curve)),
            "verifier": np.asarray(best_of_n_accuracy(self.k_curve, p, tpr, fpr)),
            "majority": np.array([majority_vote_accuracy(int(kk), p, self.wrong) for kk in self.k_curve]),
        }
        for name, y in curves.items():
            self.lines[name].set_data(self.k_curve, y)
        now = {"oracle": coverage(p, k), "verifier": best_of_n_accuracy(k, p, tpr, fpr),
               "majority": majority_vote_accuracy(k, p, self.wrong)}
        limit = {"verifier": best_of_n_limit(p, tpr, fpr), "majority": majority_vote_limit(p, self.wrong)}
        for name, line in self.limits.items():
            line.set_ydata([limit[name]] * 2)
        self.marker.set_data([k] * 3, list(now.values()))
        self.cursor.set_xdata([k, k])
        flop = sampling_flops(self.params, self.tokens, k)
        return (f"k = {k} samples at p = {p:g}: pass@k = {now['oracle']:.3f} (oracle), "
                f"best-of-k = {now['verifier']:.3f} (→ {limit['verifier']:.3f}), "
                f"majority = {now['majority']:.3f} (→ {limit['majority']:.3g})\n"
                f"cost: {k} × 2 × {format_count(self.params)} params × {format_count(self.tokens)} tokens "
                f"= {format_flop(flop)} per question")


def winning_range(x: np.ndarray, challenger: np.ndarray, incumbent: np.ndarray,
                  margin: float = 0.005) -> tuple[float, float] | None:
    """Smallest and largest x where ``challenger`` beats ``incumbent`` by more than ``margin`` (None if nowhere)."""
    wins = np.asarray(challenger) > np.asarray(incumbent) + margin
    if not wins.any():
        return None
    return float(np.min(x[wins])), float(np.max(x[wins]))


def _describe(name: str, span: tuple[float, float] | None) -> str:
    if span is None:
        return f"{name}: never beats the larger model"
    return f"{name}: beats it (by > 0.5 points) for small-model pass@1 in [{span[0]:.3g}, {span[1]:.3g}]"


class ComputeMatchedExplorer(Explorer):
    """Bigger model or more samples, at equal lifetime FLOP (pretraining + serving, Snell et al. 2024, arXiv v1 §7).

    Controls: the size ratio r, Snell et al.'s R = D_inference / D_pretrain, and the assumed ω. The small
    model draws ``lifetime_matched_samples(r, R)`` = floor(r + 3(r − 1)/R) samples per question. The larger
    model's accuracy uses the illustrative assumption ``sampling.odds_scaled_accuracy`` (odds ∝ N^ω); it is
    not a published law.
    """

    title = "Bigger model or more samples? (equal lifetime FLOP: training + serving)"
    figsize = (6.4, 4.0)

    def __init__(self, wrong=EXAMPLE_WRONG_ANSWERS, verifier: tuple[float, float] = EXAMPLE_VERIFIER):
        from scipy import special  # imported on first use: see scalinglaws/__init__.py
        self.wrong, self.verifier = wrong, verifier
        self.controls = (
            Control("size_ratio", "larger model's size ratio r", [2, 4, 14, 32], SNELL_2024["size_ratio"],
                    log=True, fmt=lambda v: f"{v:g}×"),
            Control("inference_ratio", "R = inference tokens / pretraining tokens", INFERENCE_RATIOS,
                    SNELL_2024["inference_ratios"][1], log=True, fmt=lambda v: f"{v:g}"),
            Control("odds_exponent", "assumed ω: odds of a correct sample ∝ N^ω", [0.5, 0.75, 1.0], 0.75,
                    fmt=lambda v: f"{v:g}"),
        )
        self.p = special.expit(np.linspace(special.logit(1e-3), special.logit(0.995), 240))
        super().__init__()

    def draw_static_parts(self) -> None:
        ax = self.ax = self.fig.add_subplot()
        ax.set(xscale="logit", xlim=(1e-3, 0.995), ylim=(0, 1.03),
               xlabel="small model's per-sample accuracy on a problem (hard → easy)",
               ylabel="accuracy at equal lifetime FLOP")
        ticks = [0.001, 0.01, 0.1, 0.5, 0.9, 0.99]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.minorticks_off()
        ax.plot(self.p, self.p, color="grey", lw=0.8, label="small model, 1 sample")
        tpr, fpr = self.verifier
        self.lines = {
            "large": self.moving(*ax.plot([], [], color="k", lw=2, label="r× larger model, 1 sample (assumed)")),
            "oracle": self.moving(*ax.plot([], [], color="C0", ls="--", label="small, pass@k (oracle: upper bound)")),
            "best_of_n": self.moving(*ax.plot([], [], color="C2", label=f"small, best-of-k (TPR {tpr:g}, FPR {fpr:g})")),
            "majority": self.moving(*ax.plot([], [], color="C3", label="small, majority of k")),
        }
        ax.legend(loc="upper left", fontsize=7)

    def update(self, size_ratio: float, inference_ratio: float, odds_exponent: float) -> str:
        cmp = compute_matched_comparison(self.p, float(size_ratio), float(inference_ratio), float(odds_exponent),
                                         self.wrong, self.verifier)
        for name, line in self.lines.items():
            line.set_data(self.p, getattr(cmp, name))
        return (f"{cmp.size_ratio:g}× larger model (1 sample; {cmp.large_training_share:.0%} of its lifetime FLOP "
                f"is training) vs k = {cmp.samples} samples of the small one at R = {cmp.inference_ratio:g}, "
                f"ω = {odds_exponent:g}\n"
                f"{_describe('best-of-k with the verifier', winning_range(self.p, cmp.best_of_n, cmp.large))}\n"
                f"{_describe('majority of k', winning_range(self.p, cmp.majority, cmp.large))}")
