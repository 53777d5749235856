"""Overtraining explorer: inference demand and target loss → the lifetime-optimal model on its iso-loss curve.

Taught in chapters/05_overtraining.ipynb.
"""
from __future__ import annotations

import numpy as np

from scalinglaws.compute import format_count, format_flop
from scalinglaws.laws import HOFFMANN_2022_UNROUNDED, ChinchillaLaw
from scalinglaws.models import model
from scalinglaws.lifetime import (
    chinchilla_optimal_for_loss,
    implied_inference_tokens,
    iso_loss_tokens,
    lifetime_flops,
    lifetime_optimal,
    min_params_for_loss,
)
from scalinglaws.course.widgets import Control, Explorer

__all__ = ["OvertrainingExplorer"]

DEMANDS = [float(f"{v:.3g}") for v in np.logspace(9, 15, 13)]
"""Lifetime inference demands offered on the static page: 1e9 to 1e15 served tokens, two per decade."""

LOSSES = [1.9, 2.0, 2.1, 2.2]
"""Target losses offered on the static page (nats/token)."""


def _demand_label(tokens: float) -> str:
    return f"{tokens:.1e} tokens"


class OvertrainingExplorer(Explorer):
    """Demand and loss sliders → lifetime-optimal N, D, overtraining factor and lifetime FLOP vs Chinchilla."""

    title = "Overtraining explorer: train once, serve many tokens"
    figsize = (9.0, 3.8)

    def __init__(self, law: ChinchillaLaw = HOFFMANN_2022_UNROUNDED):
        self.law = law
        self.controls = (
            Control("demand", "Lifetime inference demand (tokens served)", DEMANDS, 1e12, log=True, fmt=_demand_label),
            Control("loss", "Target loss (nats/token)", LOSSES, 2.0, fmt=lambda v: f"{v:.2f}"),
        )
        self.demand_range = (DEMANDS[0], DEMANDS[-1])
        self._curves: dict[float, tuple] = {}
        super().__init__()

    # --- the model computation, cached per target loss ---------------------------------------------------
    def _curve(self, loss: float):
        """Iso-loss curve, and lifetime FLOP of both optima against demand, for one target loss.

        The demand curve is drawn parametrically, without solving anything: each point (N, D) of the iso-loss
        curve between N_min and the Chinchilla point is the lifetime optimum for exactly one demand,
        ``implied_inference_tokens(law, N, D)``.
        """
        key = round(float(loss), 6)
        if key not in self._curves:
            n_min = min_params_for_loss(self.law, key)
            n = np.geomspace(n_min * 1.02, 1e13, 200)
            chin = chinchilla_optimal_for_loss(self.law, key)
            near_chinchilla = chin.N * (1 - np.geomspace(1e-2, 1e-7, 40))  # where the demand falls to zero
            n_opt = np.concatenate([np.geomspace(n_min * (1 + 1e-6), chin.N * (1 - 1e-2), 260, endpoint=False),
                                    near_chinchilla])
            d_opt = iso_loss_tokens(self.law, n_opt, key)
            demand = implied_inference_tokens(self.law, n_opt, d_opt)
            keep = demand > 0
            n_opt, d_opt, demand = n_opt[keep], d_opt[keep], demand[keep]
            life = lifetime_flops(n_opt, d_opt, demand)
            chin_cost = lifetime_flops(chin.N, chin.D, demand)
            self._curves[key] = (n, iso_loss_tokens(self.law, n, key), demand, life, chin_cost)
        return self._curves[key]

    def draw_static_parts(self) -> None:
        plane, cost = self.fig.subplots(1, 2)
        self.plane, self.cost = plane, cost
        plane.set(xscale="log", yscale="log", xlabel="parameters N", ylabel="training tokens D",
                  title="iso-loss curve L(N, D) = target")
        n = np.array([1e8, 1e13])
        for ratio in (20, 200, 2000):
            plane.plot(n, ratio * n, color="0.8", lw=0.8, zorder=0)
            plane.text(1.5e12, ratio * 1.5e12 * 1.6, f"{ratio} tok/param", fontsize=7, color="0.45", ha="right")
        self.iso = self.moving(*plane.plot([], [], color="C0", label="iso-loss curve"))
        self.chin_pt = self.moving(*plane.plot([], [], "s", color="C2", ms=7, label="Chinchilla-optimal (training only)"))
        self.life_pt = self.moving(*plane.plot([], [], "o", color="C3", ms=7, label="lifetime-optimal"))
        for name, offset in (("Chinchilla", (4, -9)), ("Llama 3 8B", (-8, 5)), ("Llama 3 70B", (-12, 5)),
                             ("Llama 3 405B", (4, -9))):
            m = model(name)
            plane.plot([m.params], [m.tokens], "x", color="0.35", ms=5)
            plane.annotate(m.name, (m.params, m.tokens), xytext=offset, textcoords="offset points", fontsize=7,
                           color="0.35")
        plane.set_xlim(1e8, 1e13)
        plane.set_ylim(1e10, 1e16)
        plane.legend(loc="lower right", fontsize=7)

        cost.set(xscale="log", yscale="log", xlabel="lifetime inference demand (tokens)",
                 ylabel="lifetime FLOP (train + serve)", title="lifetime compute at the target loss")
        self.chin_cost = self.moving(*cost.plot([], [], color="C2", label="Chinchilla-optimal model"))
        self.life_cost = self.moving(*cost.plot([], [], color="C3", label="lifetime-optimal model"))
        cost.set_xlim(*self.demand_range)
        self.marker = self.moving(*cost.plot([], [], ls=":", color="0.3", lw=1))
        low = float(lifetime_optimal(self.law, max(LOSSES), 0.0).chinchilla.total_flops)
        high = float(lifetime_optimal(self.law, min(LOSSES), self.demand_range[1]).chinchilla.total_flops)
        cost.set_ylim(low / 2, high * 2)
        cost.legend(loc="upper left", fontsize=7)

    def update(self, demand: float, loss: float) -> str:
        n, d, demands, life, chin_cost = self._curve(loss)
        here = lifetime_optimal(self.law, round(float(loss), 6), demand)
        self.iso.set_data(n, d)
        self.chin_pt.set_data([here.chinchilla.N], [here.chinchilla.D])
        self.life_pt.set_data([here.optimum.N], [here.optimum.D])
        self.chin_cost.set_data(demands, chin_cost)
        self.life_cost.set_data(demands, life)
        self.marker.set_data([demand, demand], self.cost.get_ylim())
        o, c = here.optimum, here.chinchilla
        return (f"loss {loss:.2f}, demand {demand:.2g} tokens: lifetime-optimal N = {format_count(o.N)}, "
                f"D = {format_count(o.D)} ({o.tokens_per_param:.0f} tokens/param, "
                f"{here.overtraining_factor:.1f}x Chinchilla's {c.tokens_per_param:.0f})\n"
                f"Chinchilla-optimal N = {format_count(c.N)}, D = {format_count(c.D)}. Lifetime "
                f"{format_flop(o.total_flops, 3)} vs {format_flop(c.total_flops, 3)}: saves "
                f"{100 * here.savings_fraction:.1f}%; training is {100 * o.training_share:.0f}% of the optimum's FLOP")
