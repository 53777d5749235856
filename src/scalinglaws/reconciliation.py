"""Why Kaplan's N_opt ∝ C^0.73 and Chinchilla's N_opt ∝ C^≈0.5 disagree: the published findings.

Two 2024 papers traced the gap to how Kaplan et al. counted and trained, not to the data:
Pearce & Song (non-embedding parameters and compute at small scale) and Porian et al. (last-layer
FLOPs, warmup, and hyperparameters tuned per scale). Their numbers are kept here, next to their
sources, so chapters import them instead of retyping them.
Taught in chapters/02_kaplan.ipynb (preview); chapter 04 (fitting) returns to them.
"""
from __future__ import annotations

from dataclasses import dataclass

from numpy.typing import ArrayLike

from ._validate import as_positive

__all__ = ["ExponentStep", "PORIAN_2024_TABLE_1", "PearceSong", "PEARCE_SONG_2024"]


@dataclass(frozen=True)
class ExponentStep:
    """One row of Porian et al. 2024, Table 1: a change to Kaplan's setup and the fitted exponent a of
    N_opt ∝ C^a after it (cumulative with the rows above), on two datasets."""

    change: str
    a_openwebtext2: float
    a_refinedweb: float


PORIAN_2024_TABLE_1: tuple[ExponentStep, ...] = (
    ExponentStep("reproduce Kaplan et al.'s setup", 0.864, 0.835),
    ExponentStep("count the last layer's (head) FLOPs", 0.699, 0.706),
    ExponentStep("shorten the warmup for small models", 0.603, 0.602),
    ExponentStep("add cosine decay", 0.574, 0.571),
    ExponentStep("tune learning rate, batch size and AdamW β2 per size", 0.518, 0.497),
)
"""Porian, Wortsman, Jitsev, Schmidt, Carmon 2024 (arXiv 2406.19146, NeurIPS 2024), Table 1: the exponent a
as each discrepancy with Hoffmann et al.'s setup is removed, on OpenWebText2 and RefinedWeb."""


@dataclass(frozen=True)
class PearceSong:
    """Pearce & Song 2024 (arXiv 2406.12907, TMLR): total vs non-embedding parameters explain most of 0.73.

    Attributes
    ----------
    omega : fitted coefficient of N_T = N_E + omega·N_E^(1/3) on Chinchilla's configurations (parameters^(2/3)).
    kaplan_range : the non-embedding parameter range of their simulated grid standing in for Kaplan's models
        (parameters); Kaplan et al.'s own range is ``laws.KAPLAN_2020_MODEL_RANGE``, 768 to 1.5e9.
    a_simulated_hoffmann, a_simulated_epoch : local exponent of N_E* ∝ C_E^a obtained by simulating the
        Chinchilla law (Hoffmann's or Epoch's fit) over Kaplan's range, counting non-embedding parameters.
    a_total, a_non_embedding : their own small experiments, measured with total vs non-embedding counts.
    """

    omega: float = 47_491.0
    kaplan_range: tuple[float, float] = (790.0, 1.58e9)
    a_simulated_hoffmann: float = 0.74
    a_simulated_epoch: float = 0.78
    a_total: float = 0.49
    a_non_embedding: float = 0.74

    def total_params(self, non_embedding: ArrayLike):
        """Total parameters N_T = N_E + omega·N_E^(1/3) for N_E non-embedding parameters."""
        n_e = as_positive("non_embedding", non_embedding, "non-embedding parameters")
        return n_e + self.omega * n_e ** (1.0 / 3.0)


PEARCE_SONG_2024 = PearceSong()
"""Pearce & Song 2024, "Reconciling Kaplan and Chinchilla Scaling Laws", with its published values."""
