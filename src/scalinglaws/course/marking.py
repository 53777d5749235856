"""nbgrader cell metadata for the practice notebooks, derived from what the cells contain.

An author writes a question in ``solutions/NN_name.ipynb`` as one code cell::

    law = sl.HOFFMANN_2022            # context the learner keeps (optional)
    ### BEGIN SOLUTION
    n_half = (20 * law.A / np.log(2)) ** (1 / law.alpha)
    ### END SOLUTION
    check("lim-threshold", n_half)

``mark`` splits it into the two cells nbgrader grades: an *autograded answer* (solution) cell holding
everything up to ``### END SOLUTION``, and a locked *autograder test* cell holding the ``check`` call, worth
``DEFAULT_POINTS`` unless the cell's metadata already gives it other points. ``problems`` lists the cells
that are not marked that way (tests/test_marking.py fails on any). Taught in CONTRIBUTING.md and
instructor.md.
"""
from __future__ import annotations

import ast
import copy
import re

import nbformat

from scalinglaws.course.placeholders import BEGIN, END

__all__ = ["DEFAULT_POINTS", "SCHEMA_VERSION", "check_call", "mark", "problems", "solution_id"]

DEFAULT_POINTS = 1
"""Points of a question's test cell unless its metadata says otherwise."""

SCHEMA_VERSION = 3
"""nbgrader's cell-metadata schema version (nbgrader 0.9)."""

_GRADE_ID = re.compile(r"^[A-Za-z0-9_-]+$")  # what nbgrader accepts as a grade_id


def check_call(source: str) -> tuple[str, str] | None:
    """``(question id, answer expression)`` if ``source`` is exactly one ``check("id", expr)`` call, else None."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return None
    call = body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check"
            and len(call.args) == 2 and not call.keywords):
        return None
    qid = call.args[0]
    if not (isinstance(qid, ast.Constant) and isinstance(qid.value, str) and _GRADE_ID.match(qid.value)):
        return None
    return qid.value, ast.unparse(call.args[1])


def solution_id(qid: str) -> str:
    """The grade_id of a question's answer cell (the test cell's grade_id is the question id)."""
    return f"{qid}-answer"


def _solution_meta(qid: str) -> dict:
    return {"grade": False, "grade_id": solution_id(qid), "locked": False, "schema_version": SCHEMA_VERSION,
            "solution": True, "task": False}


def _test_meta(qid: str, points: float) -> dict:
    return {"grade": True, "grade_id": qid, "locked": True, "points": points, "schema_version": SCHEMA_VERSION,
            "solution": False, "task": False}


def _split(cell: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode] | None:
    """An answer cell whose ``check`` call follows ``### END SOLUTION``, split into (answer, test)."""
    lines = cell.source.split("\n")
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not ends or not any(line.strip() == BEGIN for line in lines):
        return None
    head, tail = "\n".join(lines[: ends[-1] + 1]), "\n".join(lines[ends[-1] + 1:]).strip()
    if check_call(tail) is None:
        return None
    answer, test = copy.deepcopy(cell), copy.deepcopy(cell)
    answer.source, answer.outputs, answer.execution_count = head, [], None
    test.source, test.id = tail, f"{cell.id}-test"[:64]
    return answer, test


def mark(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of a solution notebook with every question split and marked for nbgrader.

    Raises ValueError for a solution region that no ``check`` call follows (the cell cannot be graded).
    """
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        parts = _split(cell) if cell.cell_type == "code" else None
        cells.extend(parts or [cell])
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        call = check_call(cell.source)
        if call is not None:
            old = cell.metadata.get("nbgrader", {})
            cell.metadata["nbgrader"] = _test_meta(call[0], old.get("points", DEFAULT_POINTS))
        elif BEGIN in cell.source:
            following = cells[i + 1] if i + 1 < len(cells) else None
            call = check_call(following.source) if following is not None and following.cell_type == "code" else None
            if call is None:
                raise ValueError(f"cell {cell.get('id', i)!r} holds a solution but the next cell is not a "
                                 f"check(\"question-id\", answer) call; see CONTRIBUTING.md")
            cell.metadata["nbgrader"] = _solution_meta(call[0])
    out.cells = cells
    return out


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """How the notebook differs from ``mark(nb)``: one line per cell that is not split or marked."""
    try:
        want = mark(nb)
    except ValueError as err:
        return [str(err)]
    if len(want.cells) != len(nb.cells):
        return [f"{len(want.cells) - len(nb.cells)} answer cell(s) still hold their check(...) call"]
    return [f"cell {cell.get('id', i)!r} lacks nbgrader metadata {w.metadata['nbgrader']}"
            for i, (cell, w) in enumerate(zip(nb.cells, want.cells))
            if "nbgrader" in w.metadata and cell.metadata.get("nbgrader") != w.metadata["nbgrader"]]
