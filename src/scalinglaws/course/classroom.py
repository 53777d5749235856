"""Set up an nbgrader course folder for the practice notebooks, and run nbgrader in it.

Usage (needs the ``classroom`` extra, which ``dev`` includes)::

    python -m scalinglaws.course.classroom COURSE_DIR     # source/<NN_name>/<NN_name>.ipynb + nbgrader_config.py

then, in COURSE_DIR, nbgrader's own commands (``nbgrader generate_assignment 07_limits``, ``autograde``,
``generate_feedback``, ``export``). One assignment per practice notebook, named after it, and ``lab``, which
carries each student's score in the class lab (chapter 8). Taught in instructor.md.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat

from scalinglaws.course.marking import mark
from scalinglaws.course.roster import read_roster

__all__ = ["CONFIG", "COLLECT_REGEXP", "LAB_ASSIGNMENT", "LAB_SCORE_CELL", "LAB_POINTS", "init_course", "init_lab",
           "import_roster", "nbgrader_api", "release", "main"]

CONFIG = '''\
# nbgrader configuration for "Scaling Laws, Executable" (written by python -m scalinglaws.course.classroom).
c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "scaling-laws-executable"
c.CourseDirectory.root = {root!r}

from scalinglaws.course.autograde import configure  # noqa: E402

configure(c)  # named placeholders on release; answers judged outside the student's kernel on autograde

# nbgrader release_assignment / collect: the exchange folder students fetch from and submit to.
c.Exchange.root = {exchange!r}
# nbgrader zip_collect: files from a learning platform's download, put in downloaded/<assignment>/archive/
# (a zip per student, or a folder per student); each notebook must sit in a folder named with the student's id.
c.FileNameCollectorPlugin.named_regexp = {collect!r}
'''
"""The ``nbgrader_config.py`` written into a course folder."""

COLLECT_REGEXP = r".*/(?P<student_id>[^/]+)/(?P<file_id>[^/]+\.ipynb)$"
"""How ``nbgrader zip_collect`` reads a student id and a notebook from an extracted file's path."""


def init_course(course: Path, solutions: Path, names: list[str] | None = None) -> list[str]:
    """Write ``course/nbgrader_config.py`` and copy each solution notebook (marked) into ``course/source/``.

    Returns the assignment names. Raises ValueError if ``solutions`` holds no notebook.
    """
    course, paths = Path(course).expanduser().resolve(), sorted(Path(solutions).expanduser().glob("*.ipynb"))
    paths = [p for p in paths if not names or p.stem in names or p.name in names]
    if not paths:
        raise ValueError(f"no solution notebooks found in {str(solutions)!r} (names: {names or 'all'})")
    course.mkdir(parents=True, exist_ok=True)
    exchange = course / "exchange"
    exchange.mkdir(exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        CONFIG.format(root=str(course), exchange=str(exchange), collect=COLLECT_REGEXP), encoding="utf-8")
    for path in paths:
        target = course / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(mark(nbformat.read(path, as_version=4)), target)
    return [p.stem for p in paths]


LAB_ASSIGNMENT = "lab"
"""The nbgrader assignment (and notebook) that carries each student's lab score (chapter 8)."""

LAB_SCORE_CELL = "lab-score"
"""Its one manually graded cell: ``python -m scalinglaws.course.lab.grade --gradebook ...`` writes the points."""

LAB_POINTS = 100
"""Points of the lab, as :func:`scalinglaws.course.lab.scoring.judge` gives them."""


def init_lab(course: Path) -> str:
    """Write ``course/source/lab/lab.ipynb``: the assignment that carries the lab's score into nbgrader.

    Students hand it in unchanged (nbgrader needs a submission to hold a grade); the points come from the
    ledger and the world, never from the notebook. Returns the assignment name.
    """
    about = nbformat.v4.new_markdown_cell(
        "# The scaling-law lab (chapter 8)\n\nYour score is computed by your instructor from the class lab's "
        "ledger (your runs and your submitted prediction) and entered below, with notes on what cost points. "
        "Nothing to write: submit this notebook as it is.")
    cell = nbformat.v4.new_markdown_cell("Your lab score and notes appear in your feedback.")
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "task": False,
                                 "points": LAB_POINTS, "grade_id": LAB_SCORE_CELL, "schema_version": 3}
    target = Path(course) / "source" / LAB_ASSIGNMENT / f"{LAB_ASSIGNMENT}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[about, cell]), target)
    return LAB_ASSIGNMENT


def _alembic_on_path() -> None:
    """nbgrader runs the ``alembic`` command when it creates a gradebook: find it next to this Python."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_api(course: Path, config=None):
    """nbgrader's API on ``course``, configured as its nbgrader_config.py would (or with ``config``)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from scalinglaws.course.autograde import configure

    _alembic_on_path()
    if config is None:
        config = Config()
        configure(config)
    config.CourseDirectory.root = str(Path(course).resolve())
    config.CourseDirectory.course_id = "scaling-laws-executable"
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def import_roster(course: Path, students: list[str]) -> None:
    """Add each student id to the course's nbgrader gradebook (as ``nbgrader db student import`` does)."""
    with nbgrader_api(course).gradebook as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


def release(course: Path, assignments: list[str]) -> dict[str, Path]:
    """Run nbgrader's generate_assignment for each assignment; return {name: released notebook}."""
    api, out = nbgrader_api(course), {}
    for name in assignments:
        result = api.generate_assignment(name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.get('log', '')}"
                               f"{result.get('error', '')}")
        out[name] = Path(course) / "release" / name / f"{name}.ipynb"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.classroom", description=__doc__.splitlines()[0])
    parser.add_argument("course", type=lambda text: Path(text).expanduser(),
                        help="folder to set up (created if missing; ~ is your home folder)")
    parser.add_argument("--solutions", type=Path, default=Path("solutions"), help="default: solutions/")
    parser.add_argument("--roster", type=Path, help="student ids, one per line: added to nbgrader's gradebook "
                        "(the class lab reads the same file)")
    parser.add_argument("names", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    try:
        students = read_roster(args.roster) if args.roster else []
        made = init_course(args.course, args.solutions, args.names or None)
    except ValueError as err:
        parser.error(str(err))
    if students:
        import_roster(args.course, students)
        print(f"roster: {len(students)} students in {args.course / 'gradebook.db'}")
    if not args.names:
        made.append(init_lab(args.course))
    print(f"nbgrader course folder {args.course}: assignments {', '.join(made)}")
    print(f"next: cd {args.course} && nbgrader generate_assignment {made[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
