"""Benchmark: fit_overtraining and fit_downstream vs Gadre et al.'s curve_fit procedures, on their data.

Prints figures; it is not a test. For each training set: the fitted constants, the sum of squared residuals
(SSR) of ours and theirs (their 128-start ``curve_fit`` grid, re-run as ``scaling/laws.py`` runs it), the
relative errors of the held-out 1.4B and 6.9B predictions, and the best-of-``--repeat`` wall time of each fit.
Also times ``fit_approach3`` (4,500 starts) and ``fit_overtraining`` on all small runs of RedPajama.

Their table stays with its authors' release: the script reads it from SCALINGLAWS_GADRE2024 or the user's
cached copy, or fetches it once (``scalinglaws.runs.data_dir``). Where it can be neither found nor fetched, the
script prints the loader's one-line reason and exits with status 0.

    .venv/bin/python benchmarks/fit_overtraining.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from scalinglaws.downstream import fit_downstream
from scalinglaws.fit import fit_approach3, fit_overtraining
from scalinglaws.runs import TRAINING_SETS, FetchError, data_dir, load_runs, relative_error

from gadre_baseline import their_downstream, their_fit


def best_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    try:
        folder = data_dir()
    except (FileNotFoundError, FetchError) as missing:
        print(f"benchmarks/fit_overtraining.py: nothing to measure without Gadre et al.'s table.\n{missing}")
        return
    print(f"Gadre et al. (2024) table from {folder}")
    for key, label in TRAINING_SETS.items():
        runs = load_runs(key)
        fit_set, held = runs.fit_set(), runs.held_out()
        y = fit_set.loss["c4_val"]
        ours, t_ours = best_time(lambda: fit_overtraining(fit_set.N, fit_set.D, y), args.repeat)
        (popt, ssr_theirs), t_theirs = best_time(lambda: their_fit(fit_set.N, fit_set.M, y), args.repeat)
        law = ours.law
        print(f"{label}: E = {law.E:.4f} nats/token, a = {law.a:.2f}, b = {law.b:.2f}, eta = {law.eta:.4f}; "
              f"M* = {law.optimal_tokens_per_param:.2f} tokens/parameter")
        print(f"  SSR ours {ours.ssr:.10e}  theirs {ssr_theirs:.10e}  (ours - theirs = {ours.ssr - ssr_theirs:+.1e})")
        print(f"  fit time: ours {t_ours * 1e3:.1f} ms ({ours.n_solves} solves), "
              f"theirs (128-start curve_fit) {t_theirs * 1e3:.1f} ms")
        rel = relative_error(ours.loss(held.N, held.D), held.loss["c4_val"])
        for s, m, r in zip(held.shape, held.M, rel):
            print(f"  held out {s} at M = {m:g}: relative error of the C4 eval loss {100 * r:.4f}%")
        big = runs.large()
        one = big.take((big.shape == "open_lm_1b") & (big.M == 20.0))
        x = np.r_[y, one.loss["c4_val"]]
        for q in ("err_avg", "err_avg_subset"):
            t = np.r_[getattr(fit_set, q), getattr(one, q)]
            d, t_d = best_time(lambda: fit_downstream(x, t), args.repeat)
            _, t_dt = best_time(lambda: their_downstream(x, t), args.repeat)
            rel = relative_error(d.error(ours.loss(held.N, held.D)), getattr(held, q))
            print(f"  {q}: eps = {d.law.epsilon:.4f}, k = {d.law.k:.4f}, gamma = {d.law.gamma:.4f}; "
                  f"fit {t_d * 1e3:.1f} ms (their curve_fit {t_dt * 1e3:.1f} ms); relative errors "
                  + ", ".join(f"{100 * r:.4f}%" for r in rel))
    small = load_runs("rpj").small()
    y = small.loss["c4_val"]
    a3, t_a3 = best_time(lambda: fit_approach3(small.N, small.D, y), 1)
    g, t_g = best_time(lambda: fit_overtraining(small.N, small.D, y), args.repeat)
    print(f"RedPajama, all {len(small)} small runs: fit_approach3 (4,500 starts) {t_a3:.2f} s, "
          f"fit_overtraining {t_g * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
