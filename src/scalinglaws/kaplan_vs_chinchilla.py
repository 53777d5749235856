"""Why Kaplan et al. (2020) found N_opt ∝ C^0.73 and Hoffmann et al. (2022) C^≈0.5: the published reconciliations.

Taught in chapters/04_fitting.ipynb.
"""
from __future__ import annotations

__all__ = ["PORIAN_2024_TABLE1", "PEARCE_SONG_2024"]

PORIAN_2024_TABLE1: tuple[tuple[str, float, float], ...] = (
    ("reproduce Kaplan et al.", 0.864, 0.835),
    ("+ count the last layer's (head) FLOPs", 0.699, 0.706),
    ("+ warm-up scaled to the model (Kaplan's 3000 steps is too long for small models)", 0.603, 0.602),
    ("+ cosine learning-rate decay", 0.574, 0.571),
    ("+ tune learning rate, batch size and AdamW beta2 per size", 0.518, 0.497),
)
"""Porian, Wortsman, Jitsev, Schmidt & Carmon (2024, arXiv 2406.19146), Table 1: the exponent a of N_opt ∝ C^a as
each correction is applied in turn, as (step, a on OpenWebText2, a on RefinedWeb)."""

PEARCE_SONG_2024 = {
    "omega": 47491.0,
    "a_chinchilla_law_kaplan_range": 0.74,
    "a_epoch_law_kaplan_range": 0.78,
    "a_own_total": 0.49,
    "a_own_non_embedding": 0.74,
}
"""Pearce & Song (2024, arXiv 2406.12907): total parameters N_T = N_E + omega·N_E^(1/3) with omega fitted on
Chinchilla's configurations; the local exponent of N_E,opt ∝ C_E^a when Chinchilla's (or Epoch's) law is
simulated over Kaplan's range of non-embedding sizes; and their own small experiments measured with total vs
non-embedding parameters and compute."""
