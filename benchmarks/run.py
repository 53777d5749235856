"""Benchmarks: print figures, assert nothing. Run with `make bench` (or `.venv/bin/python benchmarks/run.py`).

1. Widget update time: for every registered Explorer, 100 slider moves to seeded random positions inside each
   control's range, timing the live redraw path (update artists + render the PNG the slider shows).
2. Full test-suite time: `make test` (parallel, one pytest-xdist worker per core plus one) in a subprocess, wall clock
   (skip with --no-suite).
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import scalinglaws
from scalinglaws.course.widgets import Explorer

ROOT = Path(__file__).resolve().parents[1]


def _import_all() -> None:
    for info in pkgutil.walk_packages(scalinglaws.__path__, "scalinglaws."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def _random_values(explorer: Explorer, rng: np.random.Generator) -> dict[str, float]:
    values = {}
    for c in explorer.controls:
        lo, hi = float(c.values[0]), float(c.values[-1])
        values[c.name] = float(10 ** rng.uniform(np.log10(lo), np.log10(hi))) if c.log else float(rng.uniform(lo, hi))
    return values


def bench_widgets(moves: int = 100) -> None:
    _import_all()
    print(f"Widget update time over {moves} slider moves (update artists + render PNG), in ms:")
    print(f"  {'explorer':42s} {'median':>8s} {'p95':>8s} {'max':>8s}")
    for cls in Explorer.registry:
        explorer = cls()
        rng = np.random.default_rng(0)
        explorer.png(**_random_values(explorer, rng))  # warm-up
        times = []
        for _ in range(moves):
            values = _random_values(explorer, rng)
            start = time.perf_counter()
            explorer.png(**values)
            times.append((time.perf_counter() - start) * 1e3)
        t = np.array(times)
        name = f"{cls.__module__.removeprefix('scalinglaws.')}.{cls.__name__}"
        print(f"  {name:42s} {np.median(t):8.2f} {np.percentile(t, 95):8.2f} {t.max():8.2f}")


def bench_suite() -> None:
    start = time.perf_counter()
    proc = subprocess.run(["make", "--no-print-directory", "test", "PYTEST_ARGS=-q"], cwd=ROOT,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "(no output)"
    print(f"Full test suite (make test, {os.cpu_count()} cores): {elapsed:.1f} s wall clock ({last})")
    for line in proc.stdout.splitlines():
        if line.startswith(("FAILED", "ERROR")):
            print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-suite", action="store_true", help="skip timing the full test suite")
    parser.add_argument("--moves", type=int, default=100)
    args = parser.parse_args()
    bench_widgets(args.moves)
    if not args.no_suite:
        bench_suite()


if __name__ == "__main__":
    main()
