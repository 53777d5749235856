"""Mixture-of-experts models: total parameters (stored) versus active parameters (used per token).

A mixture-of-experts (MoE) layer holds many expert feed-forward blocks and a router sends each token to a
few of them. Per-token compute follows the active parameters (≈2 · N_active FLOP per token for inference,
≈6 · N_active · D FLOP to train, the dense rules of thumb applied to the parameters a token uses); the
memory to hold the weights follows the total. Loss is a function of neither alone: MoE scaling laws are a
literature of their own (e.g. Clark et al. 2022; Krajewski et al. 2024). Taught in chapters/07_limits.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

from numpy.typing import ArrayLike

from ._validate import as_int, as_nonnegative, as_positive
from .compute import inference_flops, training_flops

__all__ = ["MixtureOfExperts", "moe_from_layout", "MIXTRAL_8X7B", "DEEPSEEK_V3"]


@dataclass(frozen=True)
class MixtureOfExperts:
    """An MoE model: ``total`` parameters stored, ``active`` parameters used for each token."""

    name: str
    total: float
    active: float
    source: str = ""

    def __post_init__(self):
        as_positive("total", self.total, "parameters")
        as_positive("active", self.active, "parameters")
        if self.active > self.total:
            raise ValueError(f"active must be <= total parameters; got active={self.active!r} > total={self.total!r}")

    @property
    def active_fraction(self) -> float:
        """N_active / N_total: the share of the weights one token uses."""
        return self.active / self.total

    def inference_flops(self, tokens: ArrayLike = 1.0):
        """Forward-pass FLOP for ``tokens`` generated tokens: 2 · N_active per token."""
        return inference_flops(self.active, tokens)

    def training_flops(self, tokens: ArrayLike):
        """Training FLOP for ``tokens`` training tokens: 6 · N_active · D (the dense rule on active parameters)."""
        return training_flops(self.active, tokens)

    def weight_bytes(self, bytes_per_param: float = 2.0) -> float:
        """Memory to hold all the weights, N_total · bytes_per_param bytes (2 for 16-bit weights)."""
        return self.total * float(as_positive("bytes_per_param", bytes_per_param, "bytes"))


def moe_from_layout(shared: float, per_expert: float, experts: int, experts_per_token: int,
                    name: str = "MoE") -> MixtureOfExperts:
    """Counts from a layout: ``shared`` parameters every token uses (attention, embeddings, router) plus
    ``experts`` experts of ``per_expert`` parameters each, ``experts_per_token`` of them used per token.

    total = shared + experts · per_expert; active = shared + experts_per_token · per_expert.
    """
    s = float(as_nonnegative("shared", shared, "parameters"))
    e = float(as_positive("per_expert", per_expert, "parameters"))
    n = as_int("experts", experts, minimum=1)
    k = as_int("experts_per_token", experts_per_token, minimum=1)
    if k > n:
        raise ValueError(f"experts_per_token must be <= experts ({n}); got {k}")
    return MixtureOfExperts(name, total=s + n * e, active=s + k * e, source="layout")


MIXTRAL_8X7B = MixtureOfExperts("Mixtral 8x7B", total=47e9, active=13e9,
                                source="Jiang et al. 2024, arXiv 2401.04088, abstract (8 experts, 2 per token)")
"""Mixtral 8x7B: "each token has access to 47B parameters, but only uses 13B active parameters"."""

DEEPSEEK_V3 = MixtureOfExperts("DeepSeek-V3", total=671e9, active=37e9,
                               source="DeepSeek-AI 2024, arXiv 2412.19437, abstract")
"""DeepSeek-V3: 671B total parameters with 37B activated for each token."""
