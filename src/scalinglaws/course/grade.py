"""Grade a folder of submitted exercise notebooks and write one CSV row per notebook × question.

Each notebook runs top to bottom on a fresh kernel (nbclient) with a time limit for the whole notebook.
Nothing else is executed: the grader only reads what the notebook's own ``check(...)`` calls report.
Stored outputs in a submission are discarded before it runs. A cell that raises does not stop the
notebook (later questions are still graded); a notebook that cannot be read, times out or kills its
kernel is reported in the CSV and grading moves on to the next one.

Statuses: ``correct``, ``wrong``, ``unanswered``, ``invalid`` (as printed by ``check``) and ``error``
(the check never reported: its cell raised, was never reached, or is missing).

Usage::

    python -m scalinglaws.course.grade SUBMISSIONS_DIR --out results.csv [--reference exercises/] [--timeout 120]

A student is the first folder under SUBMISSIONS_DIR (``SUBMISSIONS_DIR/alice/07_limits.ipynb``), or the
file's name when notebooks sit directly in it. Taught in instructor.md.
"""
from __future__ import annotations

import argparse
import copy
import csv
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import nbformat

from scalinglaws.course.checks import RECORD_ENV, RESULT_MIMETYPE, STATUS_MARKS, CheckResult
from scalinglaws.course.layout import CONTINUATION

__all__ = ["STATUSES", "FIELDS", "GradeRow", "question_ids", "check_results", "grade_notebook", "grade_folder",
           "write_csv", "main"]

STATUSES = ("correct", "wrong", "unanswered", "invalid", "error")
"""Every status a row can have: the four of ``check`` and ``error`` (the check never reported)."""

FIELDS = ("student", "notebook", "question", "status", "message")
"""The CSV columns, in order."""

DEFAULT_TIMEOUT = 120.0
"""Seconds one notebook may run, in total, before it is stopped."""

_CHECK_CALL = re.compile(r"""\bcheck\(\s*(['"])(?P<qid>[^'"\s]+)\1""")
_MARKS = {mark: status for status, mark in STATUS_MARKS.items()}
_LINE = re.compile(
    r"^(?P<mark>" + "|".join(re.escape(m) for m in sorted(_MARKS, key=len, reverse=True)) + r")"
    r" (?P<qid>[^\s:]+): (?P<message>.*)$"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class GradeRow:
    """One CSV row: a student's notebook, a question id, its status and the message shown to the learner."""

    student: str
    notebook: str
    question: str
    status: str
    message: str


# --- reading notebooks (no execution) ---------------------------------------------------------
def question_ids(nb: nbformat.NotebookNode) -> list[str]:
    """Question ids named by ``check("id", ...)`` calls in a notebook's code cells, in order."""
    ids: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for match in _CHECK_CALL.finditer(cell.source):
                if match["qid"] not in ids:
                    ids.append(match["qid"])
    return ids


def check_results(cell: nbformat.NotebookNode) -> list[CheckResult]:
    """The check results a code cell's outputs report, in order.

    The machine-readable records (``RESULT_MIMETYPE``, emitted while grading) are used when the cell
    has any; otherwise the printed one-line results (``CheckResult.line()``) are parsed.
    """
    records = [out.data[RESULT_MIMETYPE] for out in cell.get("outputs", [])
               if out.output_type == "display_data" and RESULT_MIMETYPE in out.get("data", {})]
    if records:
        return [CheckResult(str(r["qid"]), str(r["status"]), str(r["message"])) for r in records
                if isinstance(r, dict) and r.get("status") in STATUS_MARKS]
    results: list[CheckResult] = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream" and out.name == "stdout":
            last = None  # the result a wrapped continuation line belongs to
            for line in out.text.splitlines():
                match = _LINE.match(line)
                if match:
                    results.append(CheckResult(match["qid"], _MARKS[match["mark"]], match["message"]))
                    last = len(results) - 1
                elif last is not None and line.startswith(CONTINUATION) and line.strip():
                    r = results[last]
                    results[last] = CheckResult(r.qid, r.status, f"{r.message} {line.strip()}")
                else:
                    last = None
    return results


def _error_of(cell: nbformat.NotebookNode) -> str | None:
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            return _ANSI.sub("", f"{out.ename}: {out.evalue}").strip()
    return None


# --- running one notebook ----------------------------------------------------------------------
def _execute(nb: nbformat.NotebookNode, cwd: Path, timeout: float) -> tuple[int, str | None]:
    """Run ``nb`` in place on a fresh kernel; return (index of the last cell started, problem or None)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    started = {"index": -1, "at": None}

    def on_cell_start(cell, cell_index):
        started["index"] = cell_index
        if started["at"] is None:
            started["at"] = time.monotonic()

    def time_left(_cell) -> float:  # the limit is for the whole notebook, not each cell
        return max(0.05, timeout - (time.monotonic() - started["at"]))

    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout_func=time_left,
                            record_timing=False, store_widget_state=False, on_cell_start=on_cell_start,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute(env={**os.environ, RECORD_ENV: "1"}, stderr=subprocess.DEVNULL)  # kernel chatter
    except CellTimeoutError:
        return started["index"], f"timed out after {timeout:g} s"
    except DeadKernelError:
        return started["index"], "the kernel died (the notebook crashed or used too much memory)"
    except Exception as err:  # kernel failed to start, malformed cells, ...
        return started["index"], f"could not run: {type(err).__name__}: {_ANSI.sub('', str(err)).strip()[:300]}"
    return started["index"], None


def grade_notebook(path: Path, *, student: str = "", notebook: str = "", timeout: float = DEFAULT_TIMEOUT,
                   expected: Iterable[str] = (), executed_copy: Path | None = None) -> list[GradeRow]:
    """Run one submitted notebook and return a row for every question it (or ``expected``) names.

    ``expected`` lists question ids the notebook should answer (e.g. from the blank exercise), so that a
    notebook that cannot be read or that lost a question's cell still gets a row for it.
    """
    path = Path(path)
    student, notebook = student or path.stem, notebook or path.name
    wanted = list(dict.fromkeys(expected))

    def row(qid: str, status: str, message: str) -> GradeRow:
        return GradeRow(student, notebook, qid, status, message)

    try:
        nb = nbformat.read(path, as_version=4)
        cells = [c for c in nb.cells]  # raises on a structurally broken notebook
    except Exception as err:
        message = f"could not read the notebook ({type(err).__name__}: {str(err).splitlines()[0][:200] if str(err) else ''})"
        return [row(q, "error", message) for q in wanted] or [row("", "error", message)]
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None  # never trust stored outputs
    ids = list(dict.fromkeys(wanted + question_ids(nb)))
    last, problem = _execute(nb, path.parent, float(timeout))
    if executed_copy is not None:
        _save_feedback_copy(nb, executed_copy)
    return [row(q, *_status(q, nb, last, problem)) for q in _with_extras(ids, nb)]


def _with_extras(ids: list[str], nb: nbformat.NotebookNode) -> list[str]:
    """Expected ids, then any other id a check reported (e.g. a check called in a loop)."""
    reported = [r.qid for c in nb.cells if c.cell_type == "code" for r in check_results(c)]
    return list(dict.fromkeys(ids + reported))


def _status(qid: str, nb: nbformat.NotebookNode, last: int, problem: str | None) -> tuple[str, str]:
    """(status, message) for one question of an executed notebook: its last reported result, or why none."""
    found = [r for c in nb.cells if c.cell_type == "code" for r in check_results(c) if r.qid == qid]
    if found:
        return found[-1].status, found[-1].message
    home = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                 and any(m["qid"] == qid for m in _CHECK_CALL.finditer(c.source))), None)
    if home is None:
        return "error", "no check(...) call for this question in the notebook (was its cell deleted?)"
    if problem and home >= last:
        return "error", f"not reached: the notebook stopped at cell {last + 1} ({problem})"
    error = _error_of(nb.cells[home])
    if error:
        first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and _error_of(c)), home)
        earlier = f" (the first error was in cell {first + 1}: {_error_of(nb.cells[first])})" if first < home else ""
        return "error", f"the check cell raised {error}{earlier}"
    return "error", "the check cell ran but no result was reported"


def _save_feedback_copy(nb: nbformat.NotebookNode, target: Path) -> None:
    """Write the executed notebook without the grader's machine-readable records (feedback for learners)."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if RESULT_MIMETYPE not in o.get("data", {})]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(out, target)


# --- a folder ------------------------------------------------------------------------------------
def _submissions(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and p.is_file())


def _reference_ids(reference: Path | None) -> dict[str, list[str]]:
    """Question ids of each reference notebook (e.g. exercises/), by file name, read without running."""
    if reference is None:
        return {}
    ids = {}
    for path in sorted(Path(reference).glob("*.ipynb")):
        ids[path.name] = question_ids(nbformat.read(path, as_version=4))
    return ids


def grade_folder(folder: Path, *, timeout: float = DEFAULT_TIMEOUT, reference: Path | None = None,
                 executed: Path | None = None, log=None) -> list[GradeRow]:
    """Grade every ``*.ipynb`` under ``folder`` (one fresh kernel each) and return all rows.

    ``reference``: a folder of blank exercises whose question ids every submission with the same file
    name must answer. ``executed``: a folder to write the executed notebooks to (feedback copies).
    ``log``: a callable receiving one progress line per notebook.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing directory of notebooks; got {str(folder)!r}")
    expected = _reference_ids(reference)
    rows: list[GradeRow] = []
    for path in _submissions(folder):
        rel = path.relative_to(folder)
        student = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        start = time.perf_counter()
        got = grade_notebook(path, student=student, notebook=rel.as_posix(), timeout=timeout,
                             expected=expected.get(path.name, ()),
                             executed_copy=(Path(executed) / rel) if executed else None)
        rows += got
        if log:
            counts = Counter(r.status for r in got)
            summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
            log(f"{rel.as_posix()}: {summary} ({time.perf_counter() - start:.1f} s)")
    return rows


def write_csv(rows: Iterable[GradeRow], out: Path) -> None:
    """Write rows to ``out`` as UTF-8 CSV with the header ``FIELDS``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        for r in rows:
            writer.writerow([r.student, r.notebook, r.question, r.status, r.message])


def main(argv: list[str] | None = None) -> int:
    """Command line: grade a folder, write the CSV, print one line per notebook and a total."""
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.grade", description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks (searched recursively)")
    parser.add_argument("--out", type=Path, default=Path("results.csv"), help="CSV to write (default results.csv)")
    parser.add_argument("--reference", type=Path, default=None,
                        help="folder of blank exercises (e.g. exercises/): lists the questions each notebook must answer")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds each notebook may run in total (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--executed", type=Path, default=None,
                        help="also write each executed notebook here (feedback copies for learners)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds; got {args.timeout:g}")
    if not args.submissions.is_dir():
        parser.error(f"SUBMISSIONS_DIR must be an existing folder; got {str(args.submissions)!r}")
    if args.reference is not None and not args.reference.is_dir():
        parser.error(f"--reference must be an existing folder; got {str(args.reference)!r}")
    rows = grade_folder(args.submissions, timeout=args.timeout, reference=args.reference,
                        executed=args.executed, log=print)
    write_csv(rows, args.out)
    counts = Counter(r.status for r in rows)
    notebooks = len({(r.student, r.notebook) for r in rows})
    print(f"{notebooks} notebooks, {len(rows)} rows: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES)
          + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
