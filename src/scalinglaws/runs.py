"""Real training runs: the 104 language models of Gadre et al. (2024), loaded as plain arrays.

Gadre et al., "Language models scale reliably with over-training and on downstream tasks" (arXiv 2403.08540),
released the evaluations of 104 models (0.011B to 6.9B parameters; trained on C4, RedPajama and RefinedWeb;
M = D/N from 5 to 640 tokens per parameter) under the MIT licence in github.com/mlfoundations/scaling.

The table stays with its authors' release and is fetched from it, as scikit-learn's ``fetch_*`` functions
fetch public datasets: :func:`load_runs` and :func:`load_tasks` read the folder given by ``path=``, else by
the environment variable ``SCALINGLAWS_GADRE2024``, else the copy in the user's data folder
(``$SCALINGLAWS_DATA/gadre2024``, by default ``~/.cache/scalinglaws/gadre2024``); if there is none and
``download`` is true, they download the release at :data:`GADRE_2024_COMMIT` once (about 0.5 MB), build
``runs.csv`` and ``tasks.csv`` from it, check them against a recorded SHA-256 and cache them there with the
authors' licence and a README (:mod:`scalinglaws.gadre2024`; see :func:`data_dir`).

Units: N in parameters, D in tokens, M = D/N in tokens per parameter, C = 6·N·D in FLOP, losses in
nats/token, top-1 errors as fractions in [0, 1]. For chapters 4, 5 and 7.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import gadre2024
from .compute import FLOP_PER_PARAM_TOKEN_TRAIN
from .download import DATA_ENV_VAR, FetchError, data_home

__all__ = [
    "GADRE_2024_COMMIT",
    "ENV_VAR",
    "DATA_ENV_VAR",
    "URL_ENV_VAR",
    "FetchError",
    "user_dir",
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

GADRE_2024_COMMIT = gadre2024.COMMIT
"""The commit of github.com/mlfoundations/scaling the table is built from."""

ENV_VAR = "SCALINGLAWS_GADRE2024"
"""Environment variable naming a folder that holds the built table (``runs.csv``, ``tasks.csv``); it is read,
never written."""

URL_ENV_VAR = gadre2024.URL_ENV_VAR
"""Environment variable replacing the address the release is downloaded from (see
:func:`scalinglaws.gadre2024.archive_url`)."""

TABLE = ("runs.csv", "tasks.csv")
"""The files a folder must hold to be read as the table."""

WHERE_FROM = (f"Gadre et al. (2024)'s table is built from their release, github.com/mlfoundations/scaling @ "
              f"{GADRE_2024_COMMIT[:7]} ({gadre2024.LICENCE} licence)")

TRAINING_SETS = {"c4_original": "C4", "rpj": "RedPajama", "rw_original": "RefinedWeb"}
"""Training-set keys of the table and their names."""

VALIDATION_SETS = gadre2024.VALIDATION_SETS
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


def user_dir() -> Path:
    """Where a downloaded table is kept: ``gadre2024`` in the user's data folder (``$SCALINGLAWS_DATA``, by
    default the platform's cache folder, e.g. ``~/.cache/scalinglaws``; see
    :func:`scalinglaws.download.data_home`)."""
    return data_home() / "gadre2024"


def _state(folder: Path) -> str:
    """"table" if ``folder`` holds runs.csv and tasks.csv, "empty" if neither (or no folder), else "partial"."""
    present = [(folder / name).is_file() for name in TABLE]
    return "table" if all(present) else "partial" if any(present) else "empty"


def _missing(folder: Path) -> str:
    return " and ".join(name for name in TABLE if not (folder / name).is_file())


def data_dir(path: str | os.PathLike | None = None, download: bool = True) -> Path:
    """The folder the Gadre et al. table is read from, fetching it first if needed.

    In order: ``path`` if given; else the folder in the environment variable :data:`ENV_VAR`; else
    :func:`user_dir` if it holds the table; else, if ``download`` is true, the table is downloaded from the
    authors' release, built, checked and written there (one line is printed meanwhile). ``path`` and
    :data:`ENV_VAR` folders are read, never written. Raises FileNotFoundError when a named folder lacks
    ``runs.csv`` or ``tasks.csv`` or when there is no table and ``download`` is false, and
    :class:`~scalinglaws.download.FetchError` (an OSError) when the download fails (nothing is cached then).
    """
    if not isinstance(download, bool):
        raise ValueError(f"download must be True or False; got {download!r}")
    if path is not None or os.environ.get(ENV_VAR):
        folder, origin = (Path(path), "path=") if path is not None else (Path(os.environ[ENV_VAR]), ENV_VAR)
        if _state(folder) != "table":
            raise FileNotFoundError(f"no {_missing(folder)} in {folder} ({origin}): point {origin} at a folder "
                                    f"holding runs.csv and tasks.csv. {WHERE_FROM}; without {origin}, "
                                    f"load_runs() downloads it once into {user_dir()}.")
        return folder.resolve()
    folder = user_dir()
    state = _state(folder)
    if state == "table":
        return folder.resolve()
    if state == "partial":
        raise FileNotFoundError(f"{folder} holds a partial table (no {_missing(folder)}): delete that folder "
                                f"and run again to download it afresh, or set {ENV_VAR} to a folder holding "
                                "runs.csv and tasks.csv.")
    if not download:
        raise FileNotFoundError(f"no table in {folder} and download=False: run once with a connection (and "
                                f"download=True) to fetch it, or set {ENV_VAR} to a folder holding runs.csv "
                                f"and tasks.csv. {WHERE_FROM}.")
    return gadre2024.fetch(folder)


def _read(folder: Path, name: str) -> str:
    file = folder / name
    if not file.is_file():
        raise FileNotFoundError(f"no {name} in {folder}: a partial table; point {ENV_VAR} or path= at a folder "
                                "holding runs.csv and tasks.csv")
    return file.read_text()


@lru_cache(maxsize=4)
def _table(folder: Path) -> tuple[list[str], tuple[tuple[str, ...], ...]]:
    rows = list(csv.reader(_read(folder, "runs.csv").splitlines()))
    return rows[0], tuple(tuple(r) for r in rows[1:])


def load_runs(training_set: str | None = None, path: str | os.PathLike | None = None,
              download: bool = True) -> Runs:
    """The 104 runs of Gadre et al. (2024), or those of one training set ("c4_original", "rpj", "rw_original").

    ``path`` is the folder holding ``runs.csv`` and ``tasks.csv``; without it the table is found or fetched as
    :func:`data_dir` says (``download=False`` never touches the network). Errors say what to do.
    """
    if training_set is not None and training_set not in TRAINING_SETS:
        raise ValueError(f"training_set must be None or one of {', '.join(map(repr, TRAINING_SETS))}; "
                         f"got {training_set!r}")
    header, rows = _table(data_dir(path, download))
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


def load_tasks(path: str | os.PathLike | None = None, download: bool = True) -> Tasks:
    """The 46 tasks of Gadre et al.'s average, in their order, with the 17-task subset and chance error
    (1 − random-baseline accuracy of their ``exp_data/eval_metadata.csv``). ``path`` and ``download`` as in
    :func:`load_runs`."""
    rows = list(csv.DictReader(_read(data_dir(path, download), "tasks.csv").splitlines()))
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
