"""Gadre et al. (2024)'s released evaluations, turned into the table of runs that :mod:`scalinglaws.runs` reads.

S. Y. Gadre et al., "Language models scale reliably with over-training and on downstream tasks" (arXiv
2403.08540), released the evaluations of their 104 models under the MIT licence in github.com/mlfoundations/scaling.
The table stays with its authors' release: the course holds none of it, and :func:`fetch` downloads the release at
the pinned :data:`COMMIT` (one archive, :data:`ARCHIVE_SIZE`), builds ``runs.csv`` and ``tasks.csv`` from it with
:func:`build`, checks them against :data:`SHA256` and caches them with the authors' licence and a README.

Why one archive: the table needs 211 of the release's files (104 model files, 104 evaluation files, the task
metadata, the task lists and the licence: 1.24 MB); GitHub's archive of the whole commit is one request of about
0.5 MB compressed, where the files one by one are 211 requests and 1.24 MB, and their names would have to be
listed here. The archive's bytes are not checked, because GitHub does not promise byte-identical archives over
time; the table built from it is, so what the learner reads is exactly the table the course was checked on.

:func:`build` reads the files as ``scaling/shared.py: parse_model_json`` does and runs none of their code: the
task lists are read from ``scaling/constants.py`` with ``ast`` (the literals only).
"""
from __future__ import annotations

import ast
import csv
import io
import json
import os
import tarfile
import warnings
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .download import FetchError, download, sha256, write_folder

__all__ = [
    "REPO",
    "COMMIT",
    "COMMIT_DATE",
    "LICENCE",
    "URL_ENV_VAR",
    "DEFAULT_URL",
    "ARCHIVE_SIZE",
    "SHA256",
    "TABLE_FILES",
    "VALIDATION_SETS",
    "archive_url",
    "needed",
    "read_folder",
    "read_archive",
    "build",
    "verify",
    "fetch",
]

REPO = "https://github.com/mlfoundations/scaling"
"""The authors' repository."""

COMMIT = "a003c4913793ac2ae7ef87b28ecb562955d026d5"
"""The commit of :data:`REPO` the table is built from."""

COMMIT_DATE = "2024-04-01"
"""The committer date of :data:`COMMIT` (written into the table's README)."""

LICENCE = "MIT"
"""The licence of the authors' release (their ``LICENSE.txt``, copied beside the table as ``LICENSE``)."""

URL_ENV_VAR = "SCALINGLAWS_GADRE2024_URL"
"""Environment variable replacing :data:`DEFAULT_URL` (a mirror, or a test's local server)."""

DEFAULT_URL = "https://codeload.github.com/mlfoundations/scaling/tar.gz"
"""Where GitHub serves an archive of any commit of :data:`REPO`: ``<DEFAULT_URL>/<COMMIT>`` (a .tar.gz)."""

ARCHIVE_SIZE = "about 0.5 MB"
"""The download's size: ``git archive --format=tar.gz`` of :data:`COMMIT` is 509,059 bytes (1.97 MB unpacked)."""

SHA256 = {
    "runs.csv": "3ba0548f03716d94fed2e65707864d6331cb4b9a6db495189d0b41edd0e5c491",
    "tasks.csv": "ad4bb3023167fb392476350bab881802fe96d5d04d08eb97f7d59a5ce572c95f",
}
"""SHA-256 of the two tables :func:`build` makes from :data:`COMMIT` (``runs.csv``: 112,969 bytes, 104 runs;
``tasks.csv``: 1,125 bytes, 46 tasks)."""

TABLE_FILES = ("runs.csv", "tasks.csv", "LICENSE", "README.md")
"""The files of a built table."""

VALIDATION_SETS = ("openlm", "c4_val", "paloma_c4_en", "paloma_redpajama", "paloma_falcon-refinedweb",
                   "paloma_dolma_100_programing_languages", "paloma_ptb", "val_de-en_100")
"""The eight validation sets each run was evaluated on; "c4_val" (C4 eval) is the one their laws fit."""

MODELS, EVALS = "exp_data/models/", "exp_data/evals/"
METADATA, CONSTANTS, LICENCE_FILE = "exp_data/eval_metadata.csv", "scaling/constants.py", "LICENSE.txt"


def archive_url() -> str:
    """The address of the archive of :data:`COMMIT`: ``$SCALINGLAWS_GADRE2024_URL`` (else :data:`DEFAULT_URL`)
    followed by ``/<COMMIT>``."""
    base = os.environ.get(URL_ENV_VAR) or DEFAULT_URL
    return f"{base.rstrip('/')}/{COMMIT}"


def needed(path: str) -> bool:
    """Whether :func:`build` reads the release's file ``path`` (relative to the repository's root)."""
    parent = str(PurePosixPath(path).parent) + "/"
    return (path in (METADATA, CONSTANTS, LICENCE_FILE) or (parent == MODELS and path.endswith(".json"))
            or (parent == EVALS and path.endswith("_heavy.json")))


def read_folder(root: str | os.PathLike) -> dict[str, bytes]:
    """The needed files (see :func:`needed`) of a folder holding the release: a clone's work tree or an
    unpacked archive. Keys are paths relative to ``root``, with ``/``."""
    root = Path(root)
    files = {}
    for file in root.rglob("*"):
        name = file.relative_to(root).as_posix()
        if file.is_file() and needed(name):
            files[name] = file.read_bytes()
    return files


def read_archive(data: bytes) -> dict[str, bytes]:
    """The needed files of a tar archive of the release (gzip-compressed or not), as GitHub or ``git archive
    --prefix=...`` makes it: every member sits in one top folder, which is dropped. Nothing is unpacked to disk.
    Raises ``ValueError`` if ``data`` is not such an archive."""
    files = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive:
                name = PurePosixPath(member.name)
                inner = PurePosixPath(*name.parts[1:]).as_posix() if len(name.parts) > 1 else ""
                if member.isfile() and needed(inner):
                    files[inner] = archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ValueError(f"not a complete tar archive of {REPO} ({type(error).__name__}: {error})") from None
    return files


def build(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The table (``runs.csv``, ``tasks.csv``, ``LICENSE``, ``README.md``, name to bytes) built from the
    release's files (path to bytes; see :func:`needed`).

    ``runs.csv``: one row per model file in ``exp_data/models`` (by name): identity, N (parameters), D (tokens),
    M = D/N (tokens per parameter), the eight validation losses (nats/token), the top-1 error of each task
    (fraction) and their 46- and 17-task averages, computed as ``parse_model_json`` computes ``err_avg`` and
    ``err_avg_subset``. ``tasks.csv``: each task, whether it is in the 17-task subset, and its chance-level
    error (1 − random-baseline accuracy of ``exp_data/eval_metadata.csv``). Floats are written with ``repr``
    (exact round trip). Raises ``ValueError`` naming the file that is missing or malformed.
    """
    tasks, subset = _task_lists(_text(files, CONSTANTS))
    models = sorted(p for p in files if p.startswith(MODELS))
    if not models:
        raise ValueError(f"no model files ({MODELS}*.json) among the release's files")
    runs = [_run_row(files, p, tasks, subset) for p in models]
    chance = _chance_errors(_text(files, METADATA), tasks)
    table = [{"task": k, "in_17_task_subset": int(k in subset), "chance_error": repr(chance[k])} for k in tasks]
    readme = README.format(repo=REPO, commit=COMMIT, date=COMMIT_DATE, n_runs=len(runs),
                           val_sets=", ".join(f"`{v}`" for v in VALIDATION_SETS))
    return {"runs.csv": _csv(runs), "tasks.csv": _csv(table), "LICENSE": _file(files, LICENCE_FILE),
            "README.md": readme.encode()}


def verify(table: Mapping[str, bytes], expected: Mapping[str, str] | None = None) -> None:
    """Check the built tables against their recorded SHA-256 (:data:`SHA256` unless ``expected`` is given);
    raise :class:`~scalinglaws.download.FetchError` naming the first that differs."""
    for name, digest in (SHA256 if expected is None else expected).items():
        got = sha256(table[name])
        if got != digest:
            raise FetchError(f"checksum mismatch: the {name} built from the download has SHA-256 {got}, not the "
                             f"recorded {digest} of {REPO} @ {COMMIT[:7]}; nothing was cached")


def fetch(folder: str | os.PathLike) -> Path:
    """Download the release at :data:`COMMIT` from :func:`archive_url`, build the table, :func:`verify` it and
    write it as the new folder ``folder`` atomically (nothing is left on failure). One line is printed while
    it downloads. Raises :class:`~scalinglaws.download.FetchError` saying what happened and what to do."""
    url = archive_url()
    what = f"Gadre et al. (2024)'s evaluations, mlfoundations/scaling @ {COMMIT[:7]}"
    data = download(url, what=what, licence=LICENCE, size_hint=ARCHIVE_SIZE,
                    offline_hint="set SCALINGLAWS_GADRE2024 to a folder holding runs.csv, or run once with a connection")
    try:
        table = build(read_archive(data))
    except ValueError as error:
        raise FetchError(f"the download from {url} is not the expected release: {error}; nothing was cached") \
            from None
    verify(table)
    return write_folder(Path(folder), table)


# --- reading their files ------------------------------------------------------------------------------------
def _file(files: Mapping[str, bytes], path: str) -> bytes:
    if path not in files:
        raise ValueError(f"the release's file {path} is missing")
    return files[path]


def _text(files: Mapping[str, bytes], path: str) -> str:
    return _file(files, path).decode("utf-8")


def _json(files: Mapping[str, bytes], path: str) -> dict:
    try:
        return json.loads(_file(files, path))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error})") from None


def _literal(source: str, name: str):
    """The value of the top-level assignment ``name = <literal>`` in a Python source text."""
    with warnings.catch_warnings():  # their strings hold LaTeX such as "\cite", an invalid escape
        warnings.simplefilter("ignore")
        body = ast.parse(source).body
    for node in body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"{CONSTANTS} assigns no literal {name}")


def _task_lists(source: str) -> tuple[list[str], list[str]]:
    """Their task keys (``FRIENDLY_CITATIONS``, 46) and the subset (``SUBSET``, 17)."""
    tasks, subset = list(_literal(source, "FRIENDLY_CITATIONS")), list(_literal(source, "SUBSET"))
    if not set(subset) <= set(tasks):
        raise ValueError(f"{CONSTANTS}: SUBSET names tasks not in FRIENDLY_CITATIONS")
    return tasks, subset


def _loss_suffix(val_data: str) -> str:
    """The validation-set name, as parse_model_json derives it from the shard path."""
    suffix = val_data.split("/")[-2]
    return val_data.split("/")[-1].split(".")[0] if "de-en" in suffix else suffix


def _run_row(files: Mapping[str, bytes], path: str, tasks: list[str], subset: list[str]) -> dict:
    model = _json(files, path)
    try:
        hp = model["hyperparameters"]
        row = {"name": model["name"], "dataset": model["dataset_name"],
               "model": hp["model"].split("/")[-1].split(".")[0], "N": hp["params"], "D": hp["tokens"],
               "cc_mult": hp["chinchilla_multiplier"], "M": hp["chinchilla_multiplier"] * 20}
        losses = {_loss_suffix(r["val_data"][0]): r["loss"] for r in model["results"]}
    except (KeyError, IndexError, TypeError, AttributeError) as error:
        raise ValueError(f"{path} lacks the field {error}") from None
    if set(losses) != set(VALIDATION_SETS):
        raise ValueError(f"{path} has losses on {sorted(losses)}, not on the eight {VALIDATION_SETS}")
    row.update({f"loss_{v}": repr(float(losses[v])) for v in VALIDATION_SETS})
    evals = f"{EVALS}evaluation_{PurePosixPath(path).stem}_heavy.json"
    try:
        icl = _json(files, evals)["eval_metrics"]["icl"]
    except (KeyError, TypeError) as error:
        raise ValueError(f"{evals} lacks the field {error}") from None
    errors = {k: 1.0 - icl[k] for k in icl if k in tasks}
    if len(errors) != len(tasks):
        raise ValueError(f"{evals} scores {len(errors)} of the {len(tasks)} tasks")
    # their averages: sum in the evaluation file's key order, divided by the count (shared.py)
    row["err_avg"] = repr(sum(errors.values()) / len(errors))
    in_subset = [errors[k] for k in errors if k in subset]
    row["err_avg_subset"] = repr(sum(in_subset) / len(in_subset))
    row.update({f"err_{k}": repr(errors[k]) for k in tasks})
    return row


def _chance_errors(metadata: str, tasks: list[str]) -> dict[str, float]:
    baseline = {r["Eval Task"]: float(r["Random baseline"]) / 100.0 for r in csv.DictReader(io.StringIO(metadata))}
    missing = [k for k in tasks if k not in baseline]
    if missing:
        raise ValueError(f"{METADATA} has no random baseline for {missing}")
    return {k: 1.0 - baseline[k] for k in tasks}


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


README = """# Gadre et al. (2024): 104 language-model training runs

Built by the scalinglaws course (`scalinglaws.gadre2024`) from the authors' release named below. The table
stays with its authors' release: the course's repository holds none of it, and `scalinglaws.runs.load_runs()`
fetches the release on first use, builds this folder, checks `runs.csv` and `tasks.csv` against their recorded
SHA-256 and keeps it in the user's data folder.

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

`scalinglaws.runs.load_runs()` downloads the release and rebuilds this folder when it is missing. From a clone,
a folder or an archive of the release instead:

```bash
git clone {repo} gadre-scaling
git -C gadre-scaling checkout {commit}
python tools/build_gadre2024.py gadre-scaling     # writes the table into the user's data folder
```
"""
