"""Helpers for the tests that run real nbgrader on a temporary course folder."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
from filelock import FileLock

from scalinglaws.course.classroom import init_course, nbgrader_api, release

ROOT = Path(__file__).resolve().parents[1]


def empty_gradebook(shared: Path) -> Path:
    """An empty gradebook made by nbgrader itself, once per test run, in the folder ``shared``.

    nbgrader makes a new gradebook by running the ``alembic heads`` command (about 2.2 s on 2 cores), so the
    suite makes one (the first worker that needs it, under a file lock) and each course folder gets a copy.
    """
    made = shared / "empty-gradebook.db"
    with FileLock(str(shared / "empty-gradebook.lock")):
        if not made.exists():
            folder = shared / "empty-gradebook-course"
            folder.mkdir(exist_ok=True)
            with nbgrader_api(folder).gradebook:
                pass
            (folder / "gradebook.db").rename(made)
    return made


def make_course(folder: Path, names: list[str], gradebook: Path) -> Path:
    """A course folder (with a copy of the empty ``gradebook``) holding the given practice notebooks, released
    by nbgrader's generate_assignment."""
    with_gradebook(folder, gradebook)
    release(folder, init_course(folder, ROOT / "solutions", names))
    return folder


def with_gradebook(folder: Path, gradebook: Path) -> Path:
    """``folder`` (created if missing) with a copy of the empty ``gradebook`` as its gradebook.db."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(gradebook, folder / "gradebook.db")
    return folder


def released(course: Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)


def source(course: Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)


def submit(course: Path, name: str, student: str, nb: nbformat.NotebookNode) -> None:
    target = course / "submitted" / student / name / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


def autograde(course: Path, name: str, student: str, config=None) -> tuple[float, float]:
    """Run nbgrader autograde for one student; return (score, max score) from the gradebook."""
    api = nbgrader_api(course, config)
    result = api.autograde(name, student, force=True, create=True)
    assert result["success"], result.get("log", "") + result.get("error", "")
    return score(course, name, student)


def score(course: Path, name: str, student: str) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        submission = gb.find_submission(name, student)
        return submission.score, submission.max_score


def autograded(course: Path, name: str, student: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "autograded" / student / name / f"{name}.ipynb", as_version=4)


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_test(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def answered(blank: nbformat.NotebookNode, key: nbformat.NotebookNode, how_many: int) -> nbformat.NotebookNode:
    """The blank notebook with its first ``how_many`` answer cells taken from the key."""
    nb = copy.deepcopy(blank)
    answers = {grade_id(c): c.source for c in key.cells if c.metadata.get("nbgrader", {}).get("solution")}
    done = 0
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and done < how_many:
            cell.source, done = answers[grade_id(cell)], done + 1
    return nb
