"""Every question's hint ladder ends in code that runs as printed, in the kernel state of its practice notebook.

Each practice notebook in exercises/ (the version learners get, answers still ``...``) is run cell by cell in
one namespace, as a kernel runs it; at each check cell the question's third hint is executed in a copy of that
namespace. A number question's code must compute an accepted answer, a function question's code (the body of
the function the notebook hands out) must give a correct function, and a choice question's code must run.
"""
import contextlib
import io
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from scalinglaws.course.checks import judge, questions

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "exercises").glob("*.ipynb"))
_DEF = re.compile(r"^def (\w+)\((.*?)\):", re.M)


def _statements(code: str) -> list[str]:
    """A code step "stmt; stmt; expression" as the lines a learner would type."""
    return [part.strip() for part in code.split("; ")]


def _run_number_or_choice(code: str, namespace: dict):
    *statements, last = _statements(code)
    for statement in statements:
        exec(statement, namespace)
    return eval(last, namespace)


def _run_function(code: str, answer_cell: str, namespace: dict):
    """The handed-out function (its def line from the answer cell) with the code step as its body."""
    name, params = _DEF.search(answer_cell).groups()
    body = "\n".join(f"    {line}" for line in _statements(code))
    exec(f"def {name}({params}):\n{body}\n", namespace)
    return namespace[name]


def _check_cells(path: Path):
    """(question id, answer cell source, namespace before its check cell) for each check cell, in order."""
    nb = nbformat.read(path, as_version=4)
    transform = TransformerManager().transform_cell
    namespace = {"__name__": "__main__"}
    answers = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-answer"):
            answers[grade_id[:-len("-answer")]] = cell.source
        if grade_id in questions():
            yield grade_id, answers.get(grade_id, ""), namespace
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(transform(cell.source), str(path), "exec"), namespace)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_code_hint_runs_as_printed_in_its_notebook(path):
    failures, seen = [], 0
    for qid, answer_cell, namespace in _check_cells(path):
        q, seen = questions()[qid], seen + 1
        if len(q.ladder) != 3:
            failures.append(f"{qid}: no three-step ladder (idea, method, code)")
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                if q.kind == "function":
                    result = judge(q, _run_function(q.ladder[2], answer_cell, dict(namespace)))
                    ok = result.status == "correct"
                else:
                    value = _run_number_or_choice(q.ladder[2], dict(namespace))
                    result = judge(q, value) if q.kind == "number" else None
                    ok = result is None or result.status == "correct"
        except Exception as err:  # noqa: BLE001 (any exception is the failure being reported)
            failures.append(f"{qid}: {type(err).__name__}: {err}")
            continue
        if not ok:
            failures.append(f"{qid}: the code step gives a wrong answer: {result.message[:160]}")
    assert seen, f"no check cells in {path.name}"
    assert not failures, "\n".join(failures)
