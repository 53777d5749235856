"""Build data/gadre2024/ (git-ignored) from a checkout of github.com/mlfoundations/scaling.

Usage: python tools/build_gadre2024.py PATH [--out DIR]

The table is not committed to this repository: the workplace does not allow committing data fetched from
GitHub, so each developer builds it locally. PATH is a clone of mlfoundations/scaling (a work tree or a bare
git directory). The script asserts that its HEAD is the commit recorded below, reads every file through
``git show COMMIT:path`` (so the result does not depend on local edits), and writes into DIR (default
``data/gadre2024/`` at the repository root, where ``scalinglaws.runs`` looks; elsewhere, point the
environment variable SCALINGLAWS_GADRE2024 at DIR):

- ``runs.csv``: one row per model JSON in exp_data/models (104 runs): identity, N, D, M, the eight
  validation losses (nats/token), the 46 per-task top-1 errors and their two averages, computed as
  ``scaling/shared.py: parse_model_json`` computes ``err_avg`` and ``err_avg_subset``.
- ``tasks.csv``: the 46 tasks, whether each is in the 17-task subset, and its chance-level error
  (1 - random baseline accuracy of exp_data/eval_metadata.csv).
- ``LICENSE``: their MIT licence text (``LICENSE.txt`` at that commit), unchanged.
- ``README.md``: source, commit, licence and the columns with their units (generated here).

The task lists (``FRIENDLY_CITATIONS`` keys, ``SUBSET``) are read from scaling/constants.py with ``ast``
(the literals only; none of their code runs). No network is used.
"""
from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import subprocess
from pathlib import Path

REPO = "https://github.com/mlfoundations/scaling"
COMMIT = "a003c4913793ac2ae7ef87b28ecb562955d026d5"
DATASETS = ("c4_original", "rpj", "rw_original")
VAL_SETS = ("openlm", "c4_val", "paloma_c4_en", "paloma_redpajama", "paloma_falcon-refinedweb",
            "paloma_dolma_100_programing_languages", "paloma_ptb", "val_de-en_100")
OUT = Path(__file__).resolve().parents[1] / "data" / "gadre2024"
"""Default output: data/gadre2024/ at the repository root (git-ignored; scalinglaws.runs.DEFAULT_DIR)."""


def git(checkout: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(checkout), *args], check=True, capture_output=True).stdout


def show(checkout: Path, path: str) -> bytes:
    return git(checkout, "show", f"{COMMIT}:{path}")


def literal(source: str, name: str):
    """The value of the top-level assignment ``name = <literal>`` in a Python source text."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise KeyError(name)


def task_lists(checkout: Path) -> tuple[list[str], list[str]]:
    source = show(checkout, "scaling/constants.py").decode()
    tasks, subset = list(literal(source, "FRIENDLY_CITATIONS")), list(literal(source, "SUBSET"))
    assert len(tasks) == 46 and len(subset) == 17 and set(subset) <= set(tasks)
    return tasks, subset


def loss_suffix(val_data: str) -> str:
    """The validation-set name, as parse_model_json derives it from the shard path."""
    suffix = val_data.split("/")[-2]
    return val_data.split("/")[-1].split(".")[0] if "de-en" in suffix else suffix


def run_row(checkout: Path, path: str, tasks: list[str], subset: list[str]) -> dict:
    model = json.loads(show(checkout, path))
    hp = model["hyperparameters"]
    row = {"name": model["name"], "dataset": model["dataset_name"],
           "model": hp["model"].split("/")[-1].split(".")[0], "N": hp["params"], "D": hp["tokens"],
           "cc_mult": hp["chinchilla_multiplier"], "M": hp["chinchilla_multiplier"] * 20}
    losses = {loss_suffix(r["val_data"][0]): r["loss"] for r in model["results"]}
    assert set(losses) == set(VAL_SETS), (path, sorted(losses))
    row.update({f"loss_{v}": repr(float(losses[v])) for v in VAL_SETS})
    stem = Path(path).stem
    icl = json.loads(show(checkout, f"exp_data/evals/evaluation_{stem}_heavy.json"))["eval_metrics"]["icl"]
    errors = {k: 1.0 - icl[k] for k in icl if k in tasks}
    assert len(errors) == 46, (path, len(errors))
    # their averages: sum in the eval file's key order, divided by the count (shared.py)
    row["err_avg"] = repr(sum(errors.values()) / len(errors))
    in_subset = [errors[k] for k in errors if k in subset]
    row["err_avg_subset"] = repr(sum(in_subset) / len(in_subset))
    row.update({f"err_{k}": repr(errors[k]) for k in tasks})
    return row


def chance_errors(checkout: Path, tasks: list[str]) -> dict[str, float]:
    rows = csv.DictReader(io.StringIO(show(checkout, "exp_data/eval_metadata.csv").decode()))
    baseline = {r["Eval Task"]: float(r["Random baseline"]) / 100.0 for r in rows}
    return {k: 1.0 - baseline[k] for k in tasks}


def write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


README = """# Gadre et al. (2024): 104 language-model training runs

Built locally by `tools/build_gadre2024.py` of the scalinglaws course; not part of its repository (the
workplace does not allow committing data fetched from GitHub).

Source: the evaluations released with S. Y. Gadre et al., "Language models scale reliably with over-training and
on downstream tasks" (arXiv 2403.08540), in the GitHub repository {repo}, commit `{commit}` ({date}), files
`exp_data/models/*.json` (losses), `exp_data/evals/*_heavy.json` (downstream accuracies),
`exp_data/eval_metadata.csv` (random baselines) and the task lists of `scaling/constants.py`. MIT licence,
copyright (c) 2024 mlfoundations: see `LICENSE` (their `LICENSE.txt`, unchanged). None of their code is copied.

Load it with `scalinglaws.runs.load_runs()` and `scalinglaws.runs.load_tasks()` (plain NumPy arrays).

## `runs.csv`: one row per model ({n_runs} rows)

| column | meaning | unit |
| --- | --- | --- |
| `name` | their run name, `<dataset>-<architecture>-<cc_mult>` | |
| `dataset` | training set: `c4_original` (C4), `rpj` (RedPajama), `rw_original` (RefinedWeb) | |
| `model` | architecture: `d=96_l=8_h=4` ... `d=1024_l=24_h=8`, `open_lm_1b`, `open_lm_7b` | |
| `N` | parameters (`hyperparameters.params`, embeddings included) | parameters |
| `D` | training tokens (`hyperparameters.tokens`) | tokens |
| `cc_mult` | their "Chinchilla multiplier" (`hyperparameters.chinchilla_multiplier`) | multiples of 20 tokens/parameter |
| `M` | token multiplier M = 20 · `cc_mult` (their `tok_mult`); D = M · N exactly for every run | tokens per parameter |
| `loss_<set>` | final validation loss on each of 8 sets: {val_sets} (`c4_val`, C4 eval, is the one their fits use) | nats/token |
| `err_avg` | mean top-1 error over their 46 tasks | fraction in [0, 1] |
| `err_avg_subset` | mean top-1 error over their 17-task subset (`SUBSET`) | fraction in [0, 1] |
| `err_<task>` | top-1 error (1 − accuracy) of each of the 46 tasks | fraction in [0, 1] |

The two averages are computed as their loader (`scaling/shared.py`, `parse_model_json`) computes them: the
errors of the tasks in `FRIENDLY_CITATIONS` (46) or `SUBSET` (17), summed in the evaluation file's order and
divided by the count. Floats are written with Python's `repr` (exact round trip). Training compute is not stored:
the loader computes C = 6·N·D FLOP, as their loader does.

## `tasks.csv`: the 46 tasks

| column | meaning | unit |
| --- | --- | --- |
| `task` | task key, in their `FRIENDLY_CITATIONS` order | |
| `in_17_task_subset` | 1 if the task is in their 17-task `SUBSET` | 0 or 1 |
| `chance_error` | 1 − (random baseline accuracy of `exp_data/eval_metadata.csv`) / 100 | fraction in [0, 1] |

## Rebuild

```bash
git clone {repo} /tmp/gadre-scaling
git -C /tmp/gadre-scaling checkout {commit}
python tools/build_gadre2024.py /tmp/gadre-scaling     # writes data/gadre2024/ in the course repository
```
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="clone of mlfoundations/scaling (work tree or bare)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    head = git(args.checkout, "rev-parse", "HEAD").decode().strip()
    assert head == COMMIT, f"{args.checkout} is at {head}; this table is built from {COMMIT}"
    tasks, subset = task_lists(args.checkout)
    paths = sorted(p for p in git(args.checkout, "ls-tree", "-r", "--name-only", COMMIT,
                                  "exp_data/models").decode().split() if p.endswith(".json"))
    runs = [run_row(args.checkout, p, tasks, subset) for p in paths]
    assert len(runs) == 104 and {r["dataset"] for r in runs} == set(DATASETS)
    chance = chance_errors(args.checkout, tasks)
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "runs.csv", runs)
    write(args.out / "tasks.csv", [{"task": k, "in_17_task_subset": int(k in subset),
                                    "chance_error": repr(chance[k])} for k in tasks])
    (args.out / "LICENSE").write_bytes(show(args.checkout, "LICENSE.txt"))
    date = git(args.checkout, "show", "-s", "--format=%cs", COMMIT).decode().strip()
    (args.out / "README.md").write_text(README.format(
        repo=REPO, commit=COMMIT, date=date, n_runs=len(runs), val_sets=", ".join(f"`{v}`" for v in VAL_SETS)))
    print(f"wrote {len(runs)} runs, {len(tasks)} tasks, LICENSE and README.md to {args.out} "
          f"(source {REPO} @ {COMMIT})")


if __name__ == "__main__":
    main()
