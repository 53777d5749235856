"""Emergence and the choice of metric (Schaeffer, Miranda, Koyejo 2023): smooth loss, sharp exact match.

The toy model of Schaeffer et al. (§2): a model's cross-entropy on a task's answer tokens is ``loss``
(nats/token); it gets one answer token right with probability p = exp(−loss); tokens are right or wrong
independently. Then an answer of ``length`` tokens is exactly right with probability
p^length = exp(−length · loss), which looks like a sudden jump as models grow, while a continuous metric
(the expected number of wrong tokens) improves smoothly. Taught in chapters/07_limits.ipynb.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_int, as_nonnegative, as_positive, as_probability
from .laws import HOFFMANN_2022, ChinchillaLaw

__all__ = ["per_token_accuracy", "exact_match", "expected_token_edit_distance", "answer_token_loss",
           "emergence_scale"]


def per_token_accuracy(loss: ArrayLike):
    """Probability of getting one answer token right, p = exp(−loss), for a loss in nats/token."""
    return np.exp(-as_nonnegative("loss", loss, "nats/token"))


def exact_match(loss: ArrayLike, length: int):
    """Probability that all ``length`` answer tokens are right: p^length = exp(−length · loss).

    ``loss`` in nats/token; ``length`` a whole number of tokens >= 1.
    """
    n = as_int("length", length, minimum=1)
    return np.exp(-n * as_nonnegative("loss", loss, "nats/token"))


def expected_token_edit_distance(loss: ArrayLike, length: int):
    """Expected number of wrong tokens in a ``length``-token answer, length · (1 − exp(−loss)).

    The token edit distance to the right answer when errors are substitutions: a continuous metric.
    """
    n = as_int("length", length, minimum=1)
    return n * -np.expm1(-as_nonnegative("loss", loss, "nats/token"))


def answer_token_loss(N: ArrayLike, law: ChinchillaLaw = HOFFMANN_2022):
    """Toy loss on a task's answer tokens (nats/token) for a model of N parameters: A · N^−alpha.

    An assumption for illustration, not a published fit: the answer to a task with one right answer has
    no irreducible entropy, so its loss is taken to be the reducible N term of ``law`` (data unlimited).
    """
    n = as_positive("N", N, "parameters")
    return np.exp(math.log(law.A) - law.alpha * np.log(n))


def emergence_scale(length: int, target: float = 0.5, law: ChinchillaLaw = HOFFMANN_2022) -> float:
    """Parameters N at which ``exact_match(answer_token_loss(N), length)`` reaches ``target``.

    Solves length · A · N^−alpha = −ln(target): N = (length · A / −ln target)^(1/alpha).
    """
    n = as_int("length", length, minimum=1)
    t = as_probability("target", target, open_low=True, open_high=True)
    return float(math.exp((math.log(n * law.A) - math.log(-math.log(t))) / law.alpha))
