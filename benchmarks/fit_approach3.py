"""Benchmark: Approach 3 on Hoffmann's full 4,500-start grid, batched L-BFGS vs a loop of SciPy L-BFGS-B.

Prints figures; it is not a test. The SciPy loop runs as Epoch AI's notebook runs it: one
``scipy.optimize.minimize(method="L-BFGS-B")`` per start, without ``jac`` (finite-difference gradients).
By default a seeded sample of starts is timed and the time scaled to the whole grid; ``--full`` runs all.

Data: Besiroglu et al. (2024) svg_extracted_data.csv if SCALINGLAWS_EPOCH_CSV points at it (the 5 highest
losses dropped, D = C/(6N), 240 points), else a seeded synthetic 240-point set shaped like it.

    .venv/bin/python benchmarks/fit_approach3.py [--sample 100] [--full] [--repeat 3]
"""
from __future__ import annotations

import argparse
import csv
import os
import time
import warnings

import numpy as np
from scipy.optimize import minimize

from scalinglaws import BESIROGLU_2024
from scalinglaws.fit import HOFFMANN_GRID, fit_approach3


def epoch_data(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    n = np.array([float(r["Model Size"]) for r in rows])
    c = np.array([float(r["Training FLOP"]) for r in rows])
    loss = np.array([float(r["loss"]) for r in rows])
    keep = loss < np.sort(loss)[-5]
    return n[keep], c[keep] / (6 * n[keep]), loss[keep]


def synthetic_data(seed=0):
    """12 budgets 6e18..3e21 FLOP x 20 sizes 4e7..1.6e10 parameters; Epoch's law with 1% log-normal noise."""
    rng = np.random.default_rng(seed)
    budgets = np.geomspace(6e18, 3e21, 12)
    sizes = np.geomspace(4e7, 1.6e10, 20)
    n = np.tile(sizes, budgets.size)
    c = np.repeat(budgets, sizes.size)
    d = c / (6 * n)
    loss = BESIROGLU_2024.loss(n, d) * np.exp(0.01 * rng.standard_normal(n.size))
    return n, d, loss


try:  # Epoch's notebook runs its objective through autograd.numpy; plain numpy computes the same values
    import autograd.numpy as anp
    OBJECTIVE_NUMPY = "autograd.numpy"
except ImportError:
    anp = np
    OBJECTIVE_NUMPY = "numpy (autograd not installed)"


def epoch_style_objective(params, n, d, loss):
    """The objective as Epoch's notebook writes it: log of a sum of exps, then a summed np.where Huber, delta = 1e-3."""
    a, b, e, alpha, beta = params
    pred = anp.log(anp.exp(a - alpha * anp.log(n)) + anp.exp(b - beta * anp.log(d)) + anp.exp(e))
    diff = anp.log(loss) - pred
    return anp.sum(anp.where(anp.abs(diff) <= 1e-3, 0.5 * diff**2, 1e-3 * (anp.abs(diff) - 0.5 * 1e-3)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=100, help="starts timed in the SciPy loop (default 100)")
    parser.add_argument("--full", action="store_true", help="run the SciPy loop on all 4,500 starts")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats of the batched fit (best is kept)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # overflow in exp, as in Epoch's notebook

    path = os.environ.get("SCALINGLAWS_EPOCH_CSV")
    n, d, loss = epoch_data(path) if path else synthetic_data()
    print(f"data: {'Epoch CSV ' + path if path else 'synthetic (seed 0)'}; {n.size} points; {os.cpu_count()} CPUs")

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        fit = fit_approach3(n, d, loss)
        times.append(time.perf_counter() - start)
    law = fit.law
    print(f"batched L-BFGS, {fit.n_starts} starts: best {min(times):.3f} s (runs: "
          f"{', '.join(f'{t:.3f}' for t in times)}); {fit.n_evaluations} single-start evaluations")
    print(f"  objective {fit.objective:.10e}; E={law.E:.4f} A={law.A:.2f} B={law.B:.2f} alpha={law.alpha:.5f} "
          f"beta={law.beta:.5f}; converged={fit.converged}; {fit.n_at_optimum} starts within "
          f"{fit.optimum_rtol:g} (relative) of the best")

    grid = HOFFMANN_GRID.points()
    rng = np.random.default_rng(0)
    picks = np.arange(len(grid)) if args.full else np.sort(rng.choice(len(grid), args.sample, replace=False))
    start = time.perf_counter()
    results = [minimize(epoch_style_objective, grid[i], args=(n, d, loss), method="L-BFGS-B") for i in picks]
    elapsed = time.perf_counter() - start
    per_start = elapsed / picks.size
    scipy_full = per_start * len(grid)
    label = "all" if args.full else f"{picks.size} sampled"
    print(f"SciPy L-BFGS-B loop without jac, objective in {OBJECTIVE_NUMPY}, {label} starts: {elapsed:.2f} s = {per_start * 1e3:.1f} ms/start -> "
          f"{scipy_full:.1f} s for {len(grid)} starts{'' if args.full else ' (scaled)'}")
    print(f"  speed-up: {scipy_full / min(times):.0f}x")

    fun = np.array([r.fun for r in results])
    best = results[int(np.argmin(fun))]
    print(f"  SciPy best over these starts: objective {best.fun:.10e} (start {picks[int(np.argmin(fun))]}); "
          f"batched best minus SciPy best = {fit.objective - best.fun:+.3e} "
          f"(relative {(fit.objective - best.fun) / best.fun:+.2e})")
    print(f"  SciPy starts within 1e-6 of its best: {int(np.sum(fun <= best.fun * (1 + 1e-6)))} of {picks.size}")
    same = fit_approach3(n, d, loss, init_grid=grid[picks], merge_tol=None)
    print(f"  batched L-BFGS on the same {picks.size} starts: best objective {same.objective:.10e} "
          f"(relative difference to SciPy {(same.objective - best.fun) / best.fun:+.2e})")


if __name__ == "__main__":
    main()
