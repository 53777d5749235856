"""Real models with their published parameter and token counts, and the source of each number.

Compute (6ND) and tokens per parameter are derived, never typed. Where a paper states its own
FLOP count, it is kept separately as ``reported_flop`` with its source.
Taught in chapters/03_chinchilla.ipynb and chapters/05_overtraining.ipynb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from ._validate import as_positive
from .compute import tokens_per_param, training_flops

__all__ = ["Model", "MODELS", "GOPHER_CHINCHILLA_FLOP", "model", "models_near"]


@dataclass(frozen=True)
class Model:
    """A trained model: N parameters, D training tokens, where those numbers come from."""

    name: str
    params: float
    tokens: float
    source: str
    year: int
    reported_flop: float | None = None
    note: str = ""

    @property
    def compute(self) -> float:
        """Training compute 6·N·D in FLOP (derived)."""
        return float(training_flops(self.params, self.tokens))

    @property
    def tokens_per_param(self) -> float:
        """Training tokens per parameter D/N (derived)."""
        return float(tokens_per_param(self.params, self.tokens))


GOPHER_CHINCHILLA_FLOP = 5.76e23
"""Training compute of Gopher and of Chinchilla, in FLOP, as Hoffmann et al. (2022, Table 3) count it (the
"Gopher unit"). 6ND gives 5.04e23 for Gopher and 5.88e23 for Chinchilla."""

_BROWN = "Brown et al. 2020, arXiv 2005.14165, Table D.1"
_RAE = "Rae et al. 2021, arXiv 2112.11446"
_HOFF = "Hoffmann et al. 2022, arXiv 2203.15556"
_LLAMA1 = "Touvron et al. 2023a, arXiv 2302.13971, Table 2"
_LLAMA2 = "Touvron et al. 2023b, arXiv 2307.09288, Table 1"
_LLAMA3 = "Llama Team 2024, arXiv 2407.21783"
_LLAMA3_SMALL = ("Llama Team 2024, arXiv 2407.21783, §1 ('about 15T'); Meta, 'Introducing Meta Llama 3' "
                 "(18 April 2024) and the Llama 3 model card ('over 15T')")
_LLAMA3_TOKENS = ("15T: the paper pre-trains on 'a corpus of about 15T multilingual tokens' (§1) and gives no "
                  "per-model count for 8B and 70B; Meta's release post and model card say 'over 15T'")
_PALM = "Chowdhery et al. 2022, arXiv 2204.02311"

MODELS: tuple[Model, ...] = (
    Model("GPT-3 175B", 175e9, 300e9, _BROWN, 2020, reported_flop=3.14e23),
    Model("Gopher", 280e9, 300e9, _RAE, 2021, reported_flop=GOPHER_CHINCHILLA_FLOP,
          note="reported FLOP is Hoffmann et al.'s count (the 'Gopher unit' of their Table 3)"),
    Model("Chinchilla", 70e9, 1.4e12, _HOFF, 2022, reported_flop=GOPHER_CHINCHILLA_FLOP,
          note="trained with the same compute budget as Gopher"),
    Model("PaLM 540B", 540e9, 780e9, _PALM, 2022),
    Model("LLaMA 7B", 6.7e9, 1.0e12, _LLAMA1, 2023),
    Model("LLaMA 65B", 65.2e9, 1.4e12, _LLAMA1, 2023),
    Model("Llama 2 7B", 7e9, 2.0e12, _LLAMA2, 2023),
    Model("Llama 2 13B", 13e9, 2.0e12, _LLAMA2, 2023),
    Model("Llama 2 70B", 70e9, 2.0e12, _LLAMA2, 2023),
    Model("Llama 3 8B", 8e9, 15e12, _LLAMA3_SMALL, 2024, note=_LLAMA3_TOKENS),
    Model("Llama 3 70B", 70e9, 15e12, _LLAMA3_SMALL, 2024, note=_LLAMA3_TOKENS),
    Model("Llama 3 405B", 405e9, 15.6e12, _LLAMA3, 2024, reported_flop=3.8e25),
)
"""Models whose parameter and token counts a primary source states. GPT-4 is absent on purpose:
OpenAI's technical report (arXiv 2303.08774) discloses neither its size nor its data."""


def model(name: str) -> Model:
    """Look a model up by name (case-insensitive), e.g. ``model("Chinchilla")``."""
    for m in MODELS:
        if m.name.lower() == str(name).lower():
            return m
    known = ", ".join(m.name for m in MODELS)
    raise ValueError(f"no model named {name!r}; known models: {known}")


def models_near(compute: float, factor: float = 10.0) -> list[Model]:
    """Models whose 6ND compute is within ``factor``× of ``compute`` FLOP, nearest first."""
    c = float(as_positive("compute", compute, "FLOP"))
    f = float(as_positive("factor", factor))
    if f < 1:
        raise ValueError(f"factor must be >= 1; got {factor!r}")
    near = [m for m in MODELS if abs(math.log(m.compute / c)) <= math.log(f)]
    return sorted(near, key=lambda m: abs(math.log(m.compute / c)))
