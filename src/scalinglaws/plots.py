"""Reusable figures: IsoFLOP curves and the (parameters, tokens) plane with real models.

Each function draws on a matplotlib ``ax`` it is given and returns the artists a caller may want to move.
Units: N in parameters, D in tokens, C in FLOP, loss in nats/token.
Taught in chapters/03_chinchilla.ipynb (and reused by its widgets).
"""
from __future__ import annotations

from typing import Sequence

import matplotlib
import numpy as np

from .compute import FLOP_PER_PARAM_TOKEN_TRAIN, format_flop
from .laws import ChinchillaLaw
from .models import MODELS, Model

__all__ = ["isoflop_curves", "nd_plane", "isoflop_line"]


def isoflop_curves(ax, law: ChinchillaLaw, budgets: Sequence[float], n_range: np.ndarray | None = None,
                   cmap: str = "viridis") -> list:
    """Draw loss against N at fixed compute (D = C/(6N)) for each budget, each curve's minimum marked.

    Returns the curve lines. The dashed line through the minima is the compute-optimal frontier N_opt(C).
    """
    n = np.logspace(6, 14, 400) if n_range is None else np.asarray(n_range, dtype=float)
    colour_map = matplotlib.colormaps[cmap]
    budgets = sorted(float(c) for c in budgets)
    best = law.optimal_allocation(np.asarray(budgets))
    lines = []
    for i, c in enumerate(budgets):
        colour = colour_map(i / max(1, len(budgets) - 1) * 0.9)
        lines += ax.plot(n, law.isoflop_loss(n, c), color=colour, label=f"C = {format_flop(c)}")
        ax.plot([best.N[i]], [best.loss[i]], "o", color=colour, ms=5)
    ax.plot(best.N, best.loss, "k--", lw=1, label="minimum of each curve")
    ax.set(xscale="log", xlabel="parameters N", ylabel="loss (nats/token)", title=f"IsoFLOP curves, {law.name}")
    ax.set_xlim(n[0], n[-1])
    ax.set_ylim(float(best.loss.min()) - 0.1, float(best.loss.max()) + 0.6)
    return lines


_LABEL_OFFSETS = {  # points; models that share N or D would otherwise print on top of each other
    "Chinchilla": (4, -9), "LLaMA 65B": (-4, 2), "Gopher": (4, -9), "GPT-3 175B": (-4, 2), "Llama 2 7B": (-4, 2),
    "Llama 2 70B": (4, 1), "Llama 3 8B": (4, -3), "Llama 3 70B": (-4, 2),
}


def nd_plane(ax, laws: Sequence[ChinchillaLaw] = (), models: Sequence[Model] = MODELS,
             ratios: Sequence[float] = (1, 20, 100, 1000), n_lim: tuple[float, float] = (1e9, 2e12),
             d_lim: tuple[float, float] = (1e11, 1e14), label_models: bool = True,
             law_labels: Sequence[str] | None = None):
    """Draw the (N, D) plane: iso-ratio lines D = r·N, each law's compute-optimal line, and the models.

    ``law_labels`` names the laws' lines in the legend (default: "compute-optimal: <law.name>").
    Returns the scatter of models (one point per model, in the order of ``models``).
    """
    n = np.logspace(np.log10(n_lim[0]), np.log10(n_lim[1]), 50)
    for i, r in enumerate(ratios):
        ax.plot(n, r * n, color="grey", ls=":", lw=1, label="D/N = 1, 20, ... tokens/param" if i == 0 else None)
        exit_n = min(n_lim[1], d_lim[1] / r) / 1.2  # where the line leaves the frame, nudged inside
        if n_lim[0] < exit_n and d_lim[0] < exit_n * r:
            ax.annotate(f"{r:g}", (exit_n, exit_n * r), fontsize=7, color="dimgrey", ha="right", va="bottom")
    budgets = np.logspace(10, 32, 200)
    labels = law_labels or [f"compute-optimal: {law.name}" for law in laws]
    for i, (law, label) in enumerate(zip(laws, labels)):
        best = law.optimal_allocation(budgets)
        ax.plot(best.N, best.D, color=f"C{i}", lw=1.5, label=label)
    points = ax.scatter([m.params for m in models], [m.tokens for m in models], s=18, color="black", zorder=3,
                        label="trained models")
    if label_models:
        for m in models:
            dx, dy = _LABEL_OFFSETS.get(m.name, (4, -3))
            ax.annotate(m.name, (m.params, m.tokens), xytext=(dx, dy), textcoords="offset points", fontsize=7,
                        ha="left" if dx >= 0 else "right")
    ax.set(xscale="log", yscale="log", xlabel="parameters N", ylabel="training tokens D")
    ax.set_xlim(*n_lim)
    ax.set_ylim(*d_lim)
    return points


def isoflop_line(ax, compute: float, n_lim: tuple[float, float], **style):
    """Draw the line D = C/(6N) of all runs costing ``compute`` FLOP on an (N, D) plane; return it."""
    n = np.array(n_lim, dtype=float)
    return ax.plot(n, compute / (FLOP_PER_PARAM_TOKEN_TRAIN * n), **style)[0]
