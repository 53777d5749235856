"""Input validation shared by every public function.

Each checker turns its input into a float or a float array and raises ``ValueError``
naming the argument, the offending value and what is allowed.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["as_positive", "as_nonnegative", "as_probability", "broadcast", "as_int"]


def _as_float_array(name: str, value: Any, unit: str) -> np.ndarray:
    """Convert ``value`` to a float array or raise a ValueError that says what was wrong."""
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a number or an array of numbers ({unit}); got the string {value!r}")
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number ({unit}); got the boolean {value!r}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and other oddities
        raise ValueError(f"{name} must be a number or a regular array of numbers ({unit}); got {value!r}") from exc
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise ValueError(f"{name} must be a number or an array of numbers ({unit}); got {type(value).__name__} {value!r}")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} must be real ({unit}); got the complex value {value!r}")
    return arr.astype(float)


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    if arr.ndim == 0:
        return f"{arr.item()!r}"
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = index[0] if len(index) == 1 else index
    return f"{arr[index].item()!r} at index {where}"


def _finish(arr: np.ndarray, value: Any):
    """Return a Python float for scalar input and the array otherwise."""
    if arr.ndim == 0 and isinstance(value, (numbers.Number, np.generic)):
        return float(arr)
    return arr


def as_positive(name: str, value: Any, unit: str = ""):
    """``value`` as float(s), each finite and > 0, else a ValueError naming ``name``."""
    arr = _as_float_array(name, value, unit)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty ({unit})")
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        raise ValueError(f"{name} must be finite and positive ({unit}); got {_first_bad(arr, bad)}")
    return _finish(arr, value)


def as_nonnegative(name: str, value: Any, unit: str = ""):
    """``value`` as float(s), each finite and >= 0, else a ValueError naming ``name``."""
    arr = _as_float_array(name, value, unit)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty ({unit})")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise ValueError(f"{name} must be finite and non-negative ({unit}); got {_first_bad(arr, bad)}")
    return _finish(arr, value)


def as_probability(name: str, value: Any, *, open_low: bool = False, open_high: bool = False):
    """``value`` as float(s) in [0, 1] (ends excluded on request), else a ValueError."""
    arr = _as_float_array(name, value, "a probability")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    low_bad = arr <= 0 if open_low else arr < 0
    high_bad = arr >= 1 if open_high else arr > 1
    bad = ~np.isfinite(arr) | low_bad | high_bad
    if bad.any():
        lo, hi = "(0" if open_low else "[0", "1)" if open_high else "1]"
        raise ValueError(f"{name} must be a probability in {lo}, {hi}; got {_first_bad(arr, bad)}")
    return _finish(arr, value)


def as_int(name: str, value: Any, *, minimum: int = 0) -> int:
    """``value`` as a Python int >= ``minimum``, else a ValueError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value!r}")
    return int(value)


def broadcast(**arrays: Any) -> None:
    """Raise a ValueError if the named arrays do not broadcast against each other."""
    shapes = {k: np.shape(v) for k, v in arrays.items()}
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        described = ", ".join(f"{k} {s}" for k, s in shapes.items())
        raise ValueError(f"shapes do not broadcast together: {described}") from None
