"""Generate the student notebooks in ``exercises/`` from the solutions in ``solutions/``.

The student notebooks are nbgrader's release: ``generate`` first marks each solution notebook for nbgrader
(``scalinglaws.course.marking``: answer cells become solution cells, each ``check`` call a locked test
cell), then runs nbgrader's ``generate_assignment`` on it (``scalinglaws.course.classroom``), then executes
the released notebook into ``exercises/``. Generating needs the ``classroom`` extra (nbgrader).

In a solution code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's
markers) are the answer; the student version holds a placeholder instead (``scalinglaws.course.placeholders``).

The classroom modules are layers, each importing only those below it: ``placeholders`` and ``marking`` (text and
metadata), ``autograde`` (nbgrader's preprocessors), ``classroom`` (a course folder and nbgrader's commands), and
this module (the committed ``exercises/``) on top.

Usage::

    python -m scalinglaws.course.assignments            # regenerate and execute exercises/
    python -m scalinglaws.course.assignments --check    # exit 1 if exercises/ is out of date
    python -m scalinglaws.course.assignments --execute-all   # re-run every notebook in place
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from scalinglaws.course.marking import mark
from scalinglaws.course.placeholders import BEGIN, END, strip_solutions

__all__ = ["BEGIN", "END", "strip_solutions", "student_notebook", "execute", "generate", "mark_solutions",
           "out_of_date"]

def student_notebook(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version of a solution notebook: marked, solutions stripped, outputs cleared.

    Its cells' types and sources are those of nbgrader's release (tests/test_nbgrader.py checks it); the
    release also carries nbgrader's locks and checksums in the cell metadata.
    """
    nb = mark(solution)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source)
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.setdefault("scalinglaws", {})["generated_from"] = "solutions/"
    return nb


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run a notebook top to bottom on a fresh kernel in ``cwd`` and return it with outputs."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
                            record_timing=False)
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def _sources(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def out_of_date(root: Path) -> list[str]:
    """Exercise notebooks whose cells differ from what ``solutions/`` generates (or are missing/extra)."""
    stale = []
    solutions = {p.name for p in (root / "solutions").glob("*.ipynb")}
    exercises = {p.name for p in (root / "exercises").glob("*.ipynb")}
    stale += [f"exercises/{n} (no solution)" for n in sorted(exercises - solutions)]
    for name in sorted(solutions):
        target = root / "exercises" / name
        if not target.exists():
            stale.append(f"exercises/{name} (missing)")
            continue
        want = student_notebook(nbformat.read(root / "solutions" / name, as_version=4))
        if _sources(want) != _sources(nbformat.read(target, as_version=4)):
            stale.append(f"exercises/{name}")
    return stale


def mark_solutions(root: Path, names: list[str] | None = None) -> list[Path]:
    """Mark each solution notebook for nbgrader in place (see ``marking.mark``); return those changed."""
    changed = []
    for path in sorted((root / "solutions").glob("*.ipynb")):
        if names and path.name not in names:
            continue
        nb = nbformat.read(path, as_version=4)
        marked = mark(nb)
        if marked != nb:
            nbformat.write(marked, path)
            changed.append(path)
    return changed


def generate(root: Path, names: list[str] | None = None) -> list[Path]:
    """Mark the solutions, release them with nbgrader, and execute each release into ``exercises/``."""
    import tempfile

    from scalinglaws.course.classroom import init_course, release

    for path in mark_solutions(root, names):
        print(f"marked {path} for nbgrader")
    written = []
    with tempfile.TemporaryDirectory(prefix="scalinglaws-release-") as course:
        made = init_course(Path(course), root / "solutions", [Path(n).stem for n in names or []] or None)
        for name, released in release(Path(course), made).items():
            nb = nbformat.read(released, as_version=4)
            nb.metadata.setdefault("scalinglaws", {})["generated_from"] = "solutions/"
            target = root / "exercises" / f"{name}.ipynb"
            execute(nb, target.parent)
            nbformat.write(nb, target)
            written.append(target)
    return written


def execute_in_place(paths: list[Path]) -> None:
    """Re-execute notebooks in place so their stored outputs are current."""
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        execute(nb, path.parent)
        nbformat.write(nb, path)
        print(f"executed {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if exercises/ is out of date")
    parser.add_argument("--execute-all", action="store_true", help="re-run chapters/ and solutions/ in place, then regenerate exercises/")
    parser.add_argument("names", nargs="*", help="solution notebook file names (default: all)")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if args.check:
        stale = out_of_date(root)
        for s in stale:
            print(f"out of date: {s}")
        return 1 if stale else 0
    if args.execute_all:
        chosen = lambda p: not args.names or p.name in args.names
        execute_in_place([p for d in ("chapters", "solutions") for p in sorted((root / d).glob("*.ipynb")) if chosen(p)])
    for path in generate(root, args.names or None):
        print(f"generated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
