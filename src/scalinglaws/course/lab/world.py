"""A lab world: a hidden loss law near a fit to real runs, a learning-rate optimum that drifts with size, noise.

A run is specified as a practitioner specifies one (:class:`RunSpec`): a Transformer shape from the menu
(layers, width, heads), a token count (or a FLOP budget that fixes it), and a learning rate. Its final loss is

    loss = L_world(N, D) · (1 + LR_SENSITIVITY · ln(lr / lr_opt(N))²) · exp(noise · z),

with N = 12·n_layer·d_model² from :func:`scalinglaws.transformer.non_embedding_params`, D the tokens,
lr_opt(N) = c·N^-0.36 (Porian et al. 2024's fit, coefficient perturbed per world), and z a standard normal drawn
from a hash of the world's seed and the query, so the same world answers the same query identically. Worlds are
drawn around :data:`ANCHOR`, a fit to real runs (Gadre et al. 2024). Simplifications: the lab's N is
non-embedding while the anchor's runs count all parameters, and the lab's smallest runs lie below the anchor's
smallest model (11M parameters), so the law is extrapolated there.
Taught in chapters/08_lab.ipynb.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from scalinglaws._validate import as_int, as_positive
from scalinglaws.compute import FLOP_PER_PARAM_TOKEN_TRAIN
from scalinglaws.laws import BESIROGLU_2024, Allocation, ChinchillaLaw
from scalinglaws.transformer import non_embedding_params

__all__ = ["Anchor", "ANCHOR", "anchor", "RunSpec", "World", "MENU_LAYERS", "MENU_D_MODEL", "MIN_HEAD_DIM",
           "LAB_BUDGET_FLOP", "TARGET_FLOP", "MIN_RUN_FLOP", "MAX_RUN_FLOP", "PORIAN_2024_LR",
           "LR_SENSITIVITY", "LR_RANGE", "world_seed_for"]

# --- the lab's rules ------------------------------------------------------------------------------------
LAB_BUDGET_FLOP = 2 * 10**18
"""Each learner's budget in FLOP: the hard cap of Stanford CS336's 2024 scaling-laws assignment (problem
``scaling_laws``)."""

TARGET_FLOP = 1e19
"""The budget (FLOP) the learner predicts N_opt and the loss at: CS336 2024's target, 100× :data:`MAX_RUN_FLOP`."""

MIN_RUN_FLOP = 10**13
"""Smallest run the lab trains, in FLOP (6·N·D)."""

MAX_RUN_FLOP = 10**17
"""Largest single run, in FLOP: the target lies 100× beyond it, as the capstone asks."""

MENU_LAYERS: tuple[int, ...] = (2, 3, 4, 6, 8, 10, 12, 16, 20, 24)
"""Layer counts offered (n_layer)."""

MENU_D_MODEL: tuple[int, ...] = (64, 96, 128, 192, 256, 384, 512, 640, 768, 1024, 1280, 1536)
"""Widths offered (d_model). With :data:`MENU_LAYERS`: N = 12·n_layer·d_model² from 98k to 680M parameters."""

MIN_HEAD_DIM = 16
"""Smallest head dimension d_model / n_heads allowed (n_heads must divide d_model)."""

PORIAN_2024_LR = (3.7, -0.36)
"""Optimal AdamW learning rate lr_opt = 3.7·N^-0.36 (coefficient, exponent): Porian, Wortsman, Jitsev, Schmidt,
Carmon 2024 (arXiv 2406.19146), tuned-hyperparameter fit (science-facts §5). Each world perturbs the coefficient."""

LR_SENSITIVITY = 0.01
"""Relative loss increase per (ln(lr/lr_opt))²: +1.2% at 3× off the optimum, +5.3% at 10×. A teaching choice (a
basin in log lr, as learning-rate sweeps show), not a measured constant."""

LR_RANGE = (1e-5, 1.0)
"""Learning rates the lab accepts (inclusive)."""

WORLD_SPREAD = {"E": (1.769, 1.871), "alpha": (0.317, 0.373), "beta": (0.331, 0.415)}
"""Besiroglu et al. 2024's 95% bootstrap intervals (arXiv 2404.10102, notebook) of E, alpha, beta around their
refit (:data:`~scalinglaws.laws.BESIROGLU_2024`). A world moves each of the anchor's values by a relative amount
drawn uniformly within that interval's relative half-width (±2.8% for E, ±8.1% for alpha, ±11.5% for beta): worlds
differ about as much as a fit to a few hundred real runs leaves uncertain."""

LR_COEFFICIENT_SPREAD = 0.3
"""Standard deviation of the world's ln(lr coefficient) around Porian et al.'s 3.7 (a teaching choice)."""

PIVOT = (1e7, 2e8)
"""(N parameters, D tokens) in the middle of the lab's range where each world's A and B terms are pinned (up to
:data:`TERM_SPREAD`) to the anchor's, so that changing an exponent moves the extrapolation, not the cheap runs."""

TERM_SPREAD = 0.3
"""Each world scales the anchor's A/N^alpha and B/D^beta terms at :data:`PIVOT` by exp(u·0.3), u uniform in
[-1, 1] (a teaching choice): N_opt at the target moves by up to about 2× from the anchor's, so the published
law is not the answer."""

ANCHOR_TRAINING_SET = "c4_original"
"""The worlds are anchored on Gadre et al.'s (2024) runs trained on C4 (:mod:`scalinglaws.runs`)."""

ANCHOR_VALIDATION = "c4_val"
"""...and on their C4 evaluation loss, the one Gadre et al.'s own laws fit."""


@dataclass(frozen=True)
class Anchor:
    """The law the worlds are drawn around, the run-to-run noise (sd of ln loss), and where both come from."""

    law: ChinchillaLaw
    noise: float
    source: str


ANCHOR = Anchor(
    law=ChinchillaLaw(E=1.62003, A=122.556, B=242.600, alpha=0.252576, beta=0.262227,
                      name="Approach 3 on Gadre et al. 2024's 34 C4 runs"),
    noise=0.01233,
    source="fit_approach3 on the 34 runs of Gadre et al. 2024 trained on C4 (c4_original), C4 validation loss",
)
"""The law the worlds are drawn around: :func:`~scalinglaws.fit.fit_approach3` (Hoffmann's estimator) on the
34 runs of Gadre et al. 2024 trained on C4 (:data:`ANCHOR_TRAINING_SET`, 11M to 6.9B parameters, 5 to 640
tokens per parameter) and their :data:`ANCHOR_VALIDATION` loss, recorded to 6 significant digits. ``noise`` is
the robust scatter of that fit's log residuals (median absolute deviation scaled to a normal's sd): an upper
bound on run-to-run noise, since it includes the law's misfit.

The runs stay with their authors' release (:func:`scalinglaws.runs.load_runs` fetches them on first use), so
the constants are recorded and a lab never waits for a download; ``tests/test_lab_world.py`` refits them from
the table (marker ``gadre2024``)."""


def anchor() -> Anchor:
    """The worlds' anchor, :data:`ANCHOR`. Taught in chapters/08_lab.ipynb."""
    return ANCHOR


# --- a run ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunSpec:
    """One training run: a shape from the menu, a token count, a learning rate.

    Build it with :meth:`make` (validates; accepts ``flop`` instead of ``tokens``).
    """

    n_layer: int
    d_model: int
    n_heads: int
    tokens: int
    lr: float

    @classmethod
    def make(cls, n_layer, d_model, n_heads, lr, tokens=None, flop=None) -> "RunSpec":
        """Validate a run: shape on the menu, exactly one of ``tokens`` / ``flop``, lr in :data:`LR_RANGE`.

        ``flop`` (FLOP) fixes tokens = floor(flop / (6·N)), so the run costs at most ``flop``. Raises
        ValueError saying what is allowed.
        """
        layers = _on_menu("n_layer", n_layer, MENU_LAYERS)
        width = _on_menu("d_model", d_model, MENU_D_MODEL)
        heads = as_int("n_heads", n_heads, minimum=1)
        if width % heads or width // heads < MIN_HEAD_DIM:
            raise ValueError(f"n_heads must divide d_model = {width} with d_model/n_heads >= {MIN_HEAD_DIM}; "
                             f"got n_heads = {heads}")
        rate = _positive_number("lr", lr, "learning rate")
        if not LR_RANGE[0] <= rate <= LR_RANGE[1]:
            raise ValueError(f"lr must be between {LR_RANGE[0]:g} and {LR_RANGE[1]:g}; got {rate:g}")
        n = int(non_embedding_params(layers, width))
        count = _tokens(tokens, flop, n)
        spec = cls(layers, width, heads, count, float(f"{rate:.6g}"))
        if not MIN_RUN_FLOP <= spec.flop <= MAX_RUN_FLOP:
            raise ValueError(f"a run must cost {MIN_RUN_FLOP:.0e} to {MAX_RUN_FLOP:.0e} FLOP (6·N·D); this one "
                             f"costs {spec.flop:.3e} (N = {n:,} parameters, D = {count:.3e} tokens)")
        return spec

    @property
    def params(self) -> int:
        """Non-embedding parameters N = 12·n_layer·d_model²."""
        return int(non_embedding_params(self.n_layer, self.d_model))

    @property
    def flop(self) -> int:
        """Training FLOP 6·N·D charged for this run (an exact integer)."""
        return int(FLOP_PER_PARAM_TOKEN_TRAIN) * self.params * self.tokens

    def key(self) -> bytes:
        """Canonical bytes of the query: equal runs have equal keys."""
        return f"{self.n_layer}|{self.d_model}|{self.n_heads}|{self.tokens}|{self.lr!r}".encode()


def _on_menu(name: str, value, menu: tuple[int, ...]) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) not in menu:
        raise ValueError(f"{name} must be one of {', '.join(map(str, menu))}; got {value!r}")
    return int(value)


def _positive_number(name: str, value, unit: str) -> float:
    """One finite positive real number (not a bool, string or array), else a ValueError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be one positive number ({unit}); got {value!r}")
    return float(as_positive(name, float(value), unit))


def _tokens(tokens, flop, params: int) -> int:
    if (tokens is None) == (flop is None):
        raise ValueError("give exactly one of tokens (training tokens) or flop (training FLOP, 6·N·D)")
    if flop is not None:
        tokens = math.floor(_positive_number("flop", flop, "FLOP") / (FLOP_PER_PARAM_TOKEN_TRAIN * params))
        return as_int("tokens (from flop)", tokens, minimum=1)
    if isinstance(tokens, float) and tokens.is_integer():
        tokens = int(tokens)
    return as_int("tokens", tokens, minimum=1)


# --- a world ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class World:
    """A hidden loss law, an lr optimum lr_opt = lr_coefficient·N^lr_exponent, and run-to-run noise."""

    seed: int
    law: ChinchillaLaw
    lr_coefficient: float
    lr_exponent: float
    noise: float

    @classmethod
    def from_seed(cls, seed: int) -> "World":
        """The public world number ``seed`` (self-study), drawn around :func:`anchor`."""
        return _world(as_int("seed", seed, minimum=0))

    def lr_opt(self, params):
        """The learning rate with the lowest loss for N parameters."""
        return self.lr_coefficient * np.asarray(as_positive("params", params, "parameters")) ** self.lr_exponent

    def expected_loss(self, spec: RunSpec) -> float:
        """The noise-free final loss of a run in nats/token (the law times the lr penalty)."""
        gap = math.log(spec.lr / float(self.lr_opt(spec.params)))
        return float(self.law.loss(spec.params, spec.tokens)) * (1 + LR_SENSITIVITY * gap**2)

    def final_loss(self, spec: RunSpec) -> float:
        """The run's final loss in nats/token: expected loss with noise fixed by (seed, query)."""
        return self.expected_loss(spec) * math.exp(self.noise * _normal(self.seed, spec.key()))

    def truth(self, compute: float = TARGET_FLOP) -> Allocation:
        """Compute-optimal N, D and loss at ``compute`` FLOP (at the optimal learning rate)."""
        return self.law.optimal_allocation(float(as_positive("compute", compute, "FLOP")))


def _normal(seed: int, key: bytes) -> float:
    digest = hashlib.sha256(seed.to_bytes(16, "big") + b"|" + key).digest()
    return float(np.random.default_rng(int.from_bytes(digest[:16], "big")).standard_normal())


@lru_cache(maxsize=4096)
def _world(seed: int) -> World:
    base = anchor()
    rng = np.random.default_rng([seed, 16])
    moved = {k: getattr(base.law, k) * (1 + _relative(lo, hi, k) * rng.uniform(-1, 1))
             for k, (lo, hi) in WORLD_SPREAD.items()}
    n0, d0 = PIVOT
    law = ChinchillaLaw(E=moved["E"], alpha=moved["alpha"], beta=moved["beta"],
                        A=base.law.A * n0 ** (moved["alpha"] - base.law.alpha) * _scale(rng),
                        B=base.law.B * d0 ** (moved["beta"] - base.law.beta) * _scale(rng),
                        name=f"lab world {seed}")
    coefficient = PORIAN_2024_LR[0] * math.exp(LR_COEFFICIENT_SPREAD * rng.standard_normal())
    return World(seed, law, coefficient, PORIAN_2024_LR[1], base.noise)


def _scale(rng: np.random.Generator) -> float:
    return math.exp(TERM_SPREAD * rng.uniform(-1, 1))


def _relative(lo: float, hi: float, name: str) -> float:
    """Half-width of a 95% interval relative to BESIROGLU_2024's value of ``name``."""
    return (hi - lo) / 2 / getattr(BESIROGLU_2024, name)


def world_seed_for(secret: bytes, student: str) -> int:
    """A student's private world seed in class mode: HMAC-SHA256(secret, "world:" + student), 64 bits."""
    if not secret:
        raise ValueError("the instructor secret must not be empty")
    return int.from_bytes(hmac.new(secret, b"world:" + student.encode(), hashlib.sha256).digest()[:8], "big")
