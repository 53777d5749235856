"""Real training runs: the 104 language models of Gadre et al. (2024), loaded as plain arrays.

Gadre et al., "Language models scale reliably with over-training and on downstream tasks" (arXiv 2403.08540),
released the evaluations of 104 models (0.011B to 6.9B parameters; trained on C4, RedPajama and RefinedWeb;
M = D/N from 5 to 640 tokens per parameter) under the MIT licence in github.com/mlfoundations/scaling.

The table is not shipped: this workplace does not allow committing data fetched from GitHub. Build it
locally with ``python tools/build_gadre2024.py /path/to/a/checkout/of/mlfoundations/scaling`` (commit
:data:`GADRE_2024_COMMIT`), which writes ``runs.csv`` and ``tasks.csv`` with their LICENSE and a README
(source, commit, units) into the git-ignored ``data/gadre2024/`` at the repository root. The loaders read
the folder given by their ``path`` argument, else by the environment variable ``SCALINGLAWS_GADRE2024``,
else that default (see :func:`data_dir`).

Units: N in parameters, D in tokens, M = D/N in tokens per parameter, C = 6·N·D in FLOP, losses in
nats/token, top-1 errors as fractions in [0, 1]. No chapter uses it yet: the real-runs sections planned for
chapters 4, 5 and 7 (issue 13) need the table, which is not shipped.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .compute import FLOP_PER_PARAM_TOKEN_TRAIN

__all__ = [
    "GADRE_2024_COMMIT",
    "ENV_VAR",
    "DEFAULT_DIR",
    "data_dir",
    "TRAINING_SETS",
    "VALIDATION_SETS",
    "FIT_SHAPES",
    "GADRE_2024_FIG1_RELATIVE_ERROR",
    "Runs",
    "Tasks",
    "load_runs",
    "load_tasks",
    "relative_error",
]

GADRE_2024_COMMIT = "a003c4913793ac2ae7ef87b28ecb562955d026d5"
"""The commit of github.com/mlfoundations/scaling the table is built from."""

ENV_VAR = "SCALINGLAWS_GADRE2024"
"""Environment variable naming the folder that holds the built table (``runs.csv``, ``tasks.csv``)."""

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "gadre2024"
"""Where ``tools/build_gadre2024.py`` writes the table: ``data/gadre2024/`` at the repository root
(git-ignored)."""

NOT_SHIPPED = (
    "The Gadre et al. (2024) table is not shipped with scalinglaws: this workplace does not allow committing "
    "data fetched from GitHub. Build it with `python tools/build_gadre2024.py "
    "/path/to/a/checkout/of/mlfoundations/scaling` (commit " + GADRE_2024_COMMIT + ", MIT licence), which "
    "writes it, with their LICENSE and a README, into data/gadre2024/ at the repository root; or set "
    + ENV_VAR + " (or pass path=) to a folder holding runs.csv and tasks.csv."
)

TRAINING_SETS = {"c4_original": "C4", "rpj": "RedPajama", "rw_original": "RefinedWeb"}
"""Training-set keys of the table and their names."""

VALIDATION_SETS = ("openlm", "c4_val", "paloma_c4_en", "paloma_redpajama", "paloma_falcon-refinedweb",
                   "paloma_dolma_100_programing_languages", "paloma_ptb", "val_de-en_100")
"""The eight validation sets each run was evaluated on; "c4_val" (C4 eval) is the one their laws fit."""

FIT_SHAPES = ("d=96_l=8_h=4", "d=512_l=8_h=4", "d=576_l=24_h=8", "d=1024_l=24_h=8")
"""The four small architectures of their fit set (``scaling/shared.py``, ``fit_ds``), smallest first."""

GADRE_2024_FIG1_RELATIVE_ERROR = {
    ("loss", "open_lm_1b", 640.0): 0.007103,
    ("loss", "open_lm_7b", 20.0): 0.007320,
    ("err_avg_subset", "open_lm_1b", 640.0): 0.036365,
    ("err_avg_subset", "open_lm_7b", 20.0): 0.000464,
}
"""Gadre et al.'s relative errors for RedPajama, C4 eval loss and the 17-task average top-1 error, keyed by
(quantity, model, M): the four lines their notebook ``scaling_explorer.ipynb`` (cell "reproduce figure 1",
stored output at :data:`GADRE_2024_COMMIT`) prints for the paper's Fig. 1 ("0.7103%", "0.7320%", "3.6365%",
"0.0464%"). The loss law is fitted on the five small runs, the error law on those plus the 1.4B M = 20 run;
the errors are predicted from the predicted losses."""


@dataclass(frozen=True, eq=False)
class Runs:
    """Training runs as parallel arrays (one entry per run).

    Attributes
    ----------
    name, training_set, shape : ndarray of str
        The run's name, training-set key (see :data:`TRAINING_SETS`) and architecture.
    N, D, M, C : ndarray
        Parameters, training tokens, tokens per parameter D/N and training compute 6·N·D in FLOP.
    loss : dict of str to ndarray
        Final validation loss (nats/token) on each of :data:`VALIDATION_SETS`.
    err_avg, err_avg_subset : ndarray
        Average top-1 error over the 46 tasks and over their 17-task subset, as Gadre et al. define them.
    task_error : dict of str to ndarray
        Top-1 error of each of the 46 tasks.
    """

    name: np.ndarray
    training_set: np.ndarray
    shape: np.ndarray
    N: np.ndarray
    D: np.ndarray
    M: np.ndarray
    C: np.ndarray
    loss: dict
    err_avg: np.ndarray
    err_avg_subset: np.ndarray
    task_error: dict

    def __len__(self) -> int:
        return int(self.N.size)

    def take(self, index) -> "Runs":
        """The runs selected by a boolean mask or an index array, in that order."""
        pick = np.asarray(index)
        return Runs(name=self.name[pick], training_set=self.training_set[pick], shape=self.shape[pick],
                    N=self.N[pick], D=self.D[pick], M=self.M[pick], C=self.C[pick],
                    loss={k: v[pick] for k, v in self.loss.items()}, err_avg=self.err_avg[pick],
                    err_avg_subset=self.err_avg_subset[pick],
                    task_error={k: v[pick] for k, v in self.task_error.items()})

    def fit_set(self) -> "Runs":
        """Gadre et al.'s five fitting runs (``fit_ds``): the :data:`FIT_SHAPES` at M = 20, by compute, then
        the smallest at M = 320. Call it on the runs of one training set."""
        _one_training_set(self)
        at_20 = np.flatnonzero(np.isin(self.shape, FIT_SHAPES) & (self.M == 20.0))
        at_20 = at_20[np.argsort(self.C[at_20], kind="stable")]
        small = np.flatnonzero((self.shape == FIT_SHAPES[0]) & (self.M == 320.0))
        return self.take(np.concatenate([at_20, small]))

    def large(self) -> "Runs":
        """The 1.4B and 6.9B runs (``open_lm_1b``, ``open_lm_7b``), by compute."""
        pick = np.flatnonzero(np.isin(self.shape, ("open_lm_1b", "open_lm_7b")))
        return self.take(pick[np.argsort(self.C[pick], kind="stable")])

    def held_out(self) -> "Runs":
        """The large runs Gadre et al. predict: every 1.4B and 6.9B run except the 1.4B at M = 20 (which the
        downstream law is fitted on)."""
        big = self.large()
        return big.take(~((big.shape == "open_lm_1b") & (big.M == 20.0)))

    def small(self) -> "Runs":
        """Every run of the four small architectures (all M)."""
        return self.take(np.isin(self.shape, FIT_SHAPES))


def _one_training_set(runs: Runs) -> None:
    sets = set(runs.training_set.tolist())
    if len(sets) != 1:
        raise ValueError(f"select one training set first (load_runs(training_set)); these runs mix {sorted(sets)}")


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The folder the Gadre et al. table is read from: ``path`` if given, else the environment variable
    :data:`ENV_VAR` if set, else :data:`DEFAULT_DIR`. It must hold ``runs.csv``; if not, FileNotFoundError
    says how to build it (the table is not shipped)."""
    if path is not None:
        folder, origin = Path(path), "path="
    elif os.environ.get(ENV_VAR):
        folder, origin = Path(os.environ[ENV_VAR]), ENV_VAR
    else:
        folder, origin = DEFAULT_DIR, "the default folder"
    if not (folder / "runs.csv").is_file():
        raise FileNotFoundError(f"no runs.csv in {folder} ({origin}). {NOT_SHIPPED}")
    return folder.resolve()


def _read(folder: Path, name: str) -> str:
    file = folder / name
    if not file.is_file():
        raise FileNotFoundError(f"no {name} in {folder}. {NOT_SHIPPED}")
    return file.read_text()


@lru_cache(maxsize=4)
def _table(folder: Path) -> tuple[list[str], tuple[tuple[str, ...], ...]]:
    rows = list(csv.reader(_read(folder, "runs.csv").splitlines()))
    return rows[0], tuple(tuple(r) for r in rows[1:])


def load_runs(training_set: str | None = None, path: str | os.PathLike | None = None) -> Runs:
    """The 104 runs of Gadre et al. (2024), or those of one training set ("c4_original", "rpj", "rw_original").

    ``path`` is the folder holding ``runs.csv`` (default: see :func:`data_dir`); the table is not shipped,
    and FileNotFoundError says how to build it.
    """
    if training_set is not None and training_set not in TRAINING_SETS:
        raise ValueError(f"training_set must be None or one of {', '.join(map(repr, TRAINING_SETS))}; "
                         f"got {training_set!r}")
    header, rows = _table(data_dir(path))
    if training_set is not None:
        rows = tuple(r for r in rows if r[header.index("dataset")] == training_set)
    col = {h: [r[i] for r in rows] for i, h in enumerate(header)}

    def num(key: str) -> np.ndarray:
        return np.array(col[key], dtype=float)

    n, d = num("N"), num("D")
    tasks = [h[len("err_"):] for h in header if h.startswith("err_") and h not in ("err_avg", "err_avg_subset")]
    return Runs(name=np.array(col["name"]), training_set=np.array(col["dataset"]), shape=np.array(col["model"]),
                N=n, D=d, M=num("M"), C=FLOP_PER_PARAM_TOKEN_TRAIN * n * d,
                loss={v: num(f"loss_{v}") for v in VALIDATION_SETS}, err_avg=num("err_avg"),
                err_avg_subset=num("err_avg_subset"), task_error={t: num(f"err_{t}") for t in tasks})


@dataclass(frozen=True, eq=False)
class Tasks:
    """The 46 downstream tasks: name, membership of the 17-task subset, chance-level top-1 error."""

    name: np.ndarray
    in_subset: np.ndarray
    chance_error: np.ndarray


def load_tasks(path: str | os.PathLike | None = None) -> Tasks:
    """The 46 tasks of Gadre et al.'s average, in their order, with the 17-task subset and chance error
    (1 − random-baseline accuracy of their ``exp_data/eval_metadata.csv``). ``path`` as in :func:`load_runs`."""
    rows = list(csv.DictReader(_read(data_dir(path), "tasks.csv").splitlines()))
    return Tasks(name=np.array([r["task"] for r in rows]),
                 in_subset=np.array([r["in_17_task_subset"] == "1" for r in rows]),
                 chance_error=np.array([float(r["chance_error"]) for r in rows]))


def relative_error(predicted, actual):
    """|predicted − actual| / actual, elementwise: how far a prediction misses, as a fraction of the truth."""
    p, a = np.asarray(predicted, dtype=float), np.asarray(actual, dtype=float)
    if p.shape != a.shape or not (np.isfinite(p).all() and np.isfinite(a).all() and (a != 0).all()):
        raise ValueError(f"predicted and actual must be finite arrays of one shape, actual non-zero; got {predicted!r} "
                         f"and {actual!r}")
    return np.abs(p - a) / np.abs(a)
