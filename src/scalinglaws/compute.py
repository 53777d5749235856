"""Compute accounting: training and inference FLOP, PF-days, and big-number formatting.

Taught in chapters/01_power_laws.ipynb and used everywhere after it.
"""
from __future__ import annotations

import math
import re

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_positive, broadcast

__all__ = [
    "FLOP_PER_PARAM_TOKEN_TRAIN",
    "FLOP_PER_PARAM_TOKEN_INFER",
    "PF_DAY",
    "training_flops",
    "inference_flops",
    "tokens_per_param",
    "flop_to_pf_days",
    "pf_days_to_flop",
    "format_count",
    "format_flop",
    "parse_quantity",
]

FLOP_PER_PARAM_TOKEN_TRAIN = 6.0
"""Training FLOP per parameter per token: forward 2N + backward 4N (Kaplan et al. 2020, §2.1)."""

FLOP_PER_PARAM_TOKEN_INFER = 2.0
"""Inference (forward-pass) FLOP per parameter per generated token (Kaplan et al. 2020, §2.1)."""

PF_DAY = 1e15 * 86_400
"""One petaflop/s-day in FLOP: 1e15 FLOP/s for 86,400 s = 8.64e19 FLOP."""


def training_flops(params: ArrayLike, tokens: ArrayLike):
    """Training compute C = 6·N·D in FLOP for N parameters trained on D tokens."""
    n = as_positive("params", params, "parameters")
    d = as_positive("tokens", tokens, "tokens")
    broadcast(params=n, tokens=d)
    return FLOP_PER_PARAM_TOKEN_TRAIN * n * d


def inference_flops(params: ArrayLike, tokens: ArrayLike = 1.0):
    """Inference compute 2·N per generated token, times ``tokens`` tokens, in FLOP."""
    n = as_positive("params", params, "parameters")
    t = as_positive("tokens", tokens, "tokens")
    broadcast(params=n, tokens=t)
    return FLOP_PER_PARAM_TOKEN_INFER * n * t


def tokens_per_param(params: ArrayLike, tokens: ArrayLike):
    """Training tokens per parameter, D / N (dimensionless)."""
    n = as_positive("params", params, "parameters")
    d = as_positive("tokens", tokens, "tokens")
    broadcast(params=n, tokens=d)
    return d / n


def flop_to_pf_days(flop: ArrayLike):
    """Convert FLOP to petaflop/s-days (1 PF-day = 8.64e19 FLOP)."""
    return as_positive("flop", flop, "FLOP") / PF_DAY


def pf_days_to_flop(pf_days: ArrayLike):
    """Convert petaflop/s-days to FLOP (1 PF-day = 8.64e19 FLOP)."""
    return as_positive("pf_days", pf_days, "PF-days") * PF_DAY


_SUFFIXES = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
_SUFFIX_VALUE = {"K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12, "P": 1e15}
_WORD_VALUE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "quadrillion": 1e15}


def _sig(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant figures without trailing zeros."""
    return f"{x:.{digits}g}"


def format_count(x: float, digits: int = 3) -> str:
    """Format a count of parameters or tokens with a suffix: 7e10 -> '70B', 1.4e12 -> '1.4T'.

    Values of 1e15 and above are shown in scientific notation ('2.2e16').
    """
    x = float(as_positive("x", x))
    if x >= 1e15:
        return _scientific(x, digits)
    for scale, suffix in _SUFFIXES:
        if x >= scale * (1 - 0.5 * 10 ** (-digits)):  # what rounds up to 1 of this unit
            return f"{_sig(x / scale, digits)}{suffix}"
    return _sig(x, digits)


def _scientific(x: float, digits: int) -> str:
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def format_flop(x: float, digits: int = 2) -> str:
    """Format a FLOP count in scientific notation: 5.76e23 -> '5.8e23 FLOP'."""
    return f"{_scientific(float(as_positive('x', x, 'FLOP')), digits)} FLOP"


_QUANTITY = re.compile(
    r"^\s*(?P<num>[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*"
    r"(?P<unit>[kKmMbBgGtTpP]|thousand|million|billion|trillion|quadrillion)?\s*"
    r"(?P<tail>flops?|flop/s|params?|parameters|tokens?)?\s*$",
    re.IGNORECASE,
)


def parse_quantity(text: str | float | int) -> float:
    """Parse a number a learner typed: '1.4T', '70B', '70 billion', '5.8e23', '5.8e23 FLOP'.

    Suffixes: K = 1e3, M = 1e6, B or G = 1e9, T = 1e12, P = 1e15 (case-insensitive).
    Raises ValueError with the accepted forms when the text is not understood.
    """
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        value = float(text)
    elif isinstance(text, str):
        cleaned = text.replace(",", "").replace("_", "").replace("×10^", "e").replace("x10^", "e")
        match = _QUANTITY.match(cleaned)
        if not match:
            raise ValueError(
                f"could not read {text!r} as a quantity; write a number such as 1.4e12, "
                "1.4T, 70B, 70 billion or 5.8e23 FLOP"
            )
        value = float(match["num"])
        unit = match["unit"]
        if unit:
            value *= _WORD_VALUE.get(unit.lower(), _SUFFIX_VALUE.get(unit.upper(), 1.0))
    else:
        raise ValueError(f"expected a number or a string such as '1.4T'; got {type(text).__name__} {text!r}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite quantity; got {text!r}")
    return value
