"""Counting a Transformer's parameters: Kaplan et al.'s non-embedding N ≈ 12·n_layer·d_model².

Kaplan et al. 2020 (§2.1) count only non-embedding parameters: with d_attn = d_model and
d_ff = 4·d_model, each layer holds 4·d_model² attention weights and 8·d_model² feed-forward
weights, so N ≈ 12·n_layer·d_model². Embedding matrices (vocabulary and positions) are left out.
Taught in chapters/02_kaplan.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

from numpy.typing import ArrayLike

from ._validate import as_int, as_positive, broadcast

__all__ = ["NON_EMBEDDING_PARAMS_PER_LAYER_PER_DMODEL2", "non_embedding_params", "TransformerShape", "GPT3_FAMILY"]

NON_EMBEDDING_PARAMS_PER_LAYER_PER_DMODEL2 = 12
"""Non-embedding weights per layer per d_model²: 4 (attention) + 8 (feed-forward, d_ff = 4·d_model);
Kaplan et al. 2020, §2.1, Table 1."""


def non_embedding_params(n_layer: ArrayLike, d_model: ArrayLike):
    """Non-embedding parameters N ≈ 12·n_layer·d_model² (Kaplan et al. 2020, §2.1), in parameters.

    Assumes d_attn = d_model and d_ff = 4·d_model; biases and layer norms are neglected.
    """
    layers = as_positive("n_layer", n_layer, "layers")
    width = as_positive("d_model", d_model, "residual-stream width")
    broadcast(n_layer=layers, d_model=width)
    return NON_EMBEDDING_PARAMS_PER_LAYER_PER_DMODEL2 * layers * width**2


@dataclass(frozen=True)
class TransformerShape:
    """A published model's shape: total parameters as the paper states them, layers, width, source."""

    name: str
    params: float
    n_layer: int
    d_model: int
    source: str

    def __post_init__(self):
        as_positive("params", self.params, "parameters")
        as_int("n_layer", self.n_layer, minimum=1)
        as_int("d_model", self.d_model, minimum=1)

    @property
    def non_embedding_params(self) -> float:
        """12·n_layer·d_model², in parameters (derived)."""
        return float(non_embedding_params(self.n_layer, self.d_model))

    @property
    def non_embedding_fraction(self) -> float:
        """Share of the published parameter count that Kaplan's N counts (derived)."""
        return self.non_embedding_params / self.params


_BROWN_T21 = "Brown et al. 2020, arXiv 2005.14165, Table 2.1"

GPT3_FAMILY: tuple[TransformerShape, ...] = (
    TransformerShape("GPT-3 Small", 125e6, 12, 768, _BROWN_T21),
    TransformerShape("GPT-3 Medium", 350e6, 24, 1024, _BROWN_T21),
    TransformerShape("GPT-3 Large", 760e6, 24, 1536, _BROWN_T21),
    TransformerShape("GPT-3 XL", 1.3e9, 24, 2048, _BROWN_T21),
    TransformerShape("GPT-3 2.7B", 2.7e9, 32, 2560, _BROWN_T21),
    TransformerShape("GPT-3 6.7B", 6.7e9, 32, 4096, _BROWN_T21),
    TransformerShape("GPT-3 13B", 13.0e9, 40, 5140, _BROWN_T21),  # d_model as printed in Table 2.1
    TransformerShape("GPT-3 175B", 175.0e9, 96, 12288, _BROWN_T21),
)
"""The eight GPT-3 models of Brown et al. 2020, Table 2.1 (all trained on 300B tokens)."""
