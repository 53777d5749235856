"""The course's nbgrader set-up: named placeholders on release, sealed verdicts on autograde.

Needs the ``classroom`` extra (nbgrader); ``configure(c)`` is all an ``nbgrader_config.py`` calls.

- ``NamedPlaceholders`` replaces nbgrader's ``ClearSolutions`` in ``generate_assignment``: a solution region
  becomes ``name = ...`` for every name it assigns (``...`` inside a function body), as
  ``scalinglaws.course.placeholders.strip_solutions`` writes it, instead of ``raise NotImplementedError()``.
- ``SealedExecute`` replaces nbgrader's ``Execute`` in ``autograde``. After the learner's kernel runs a test
  cell, it asks that kernel for the answer's value (``scalinglaws.course.answers``), judges it in the
  grading process, and makes the cell's outputs the verdict alone: the line ``check`` prints, plus an error
  when the answer is not correct (nbgrader gives a test cell with an error zero points, otherwise its points).
  Before anything runs, every test cell's source and points are restored from nbgrader's database and its
  outputs set to "not graded", so a test cell the kernel never reaches (stopped, crashed, timed out) scores 0.
- ``RepairSubmission`` runs first when autograde sanitizes a submission, so a damaged notebook is graded rather
  than failed: nbgrader marking with no known ``grade_id`` is dropped (the cell counts as plain), a duplicated
  cell counts once (the last copy, as nbgrader's ``DeduplicateIds`` keeps), and a deleted answer cell comes back
  blank with a line saying why, so its question scores 0 while the others are judged.

Taught in instructor.md.
"""
from __future__ import annotations

import ast
from typing import Any

from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearSolutions, Execute, NbGraderPreprocessor

from scalinglaws.course.answers import READER_SOURCE, reader_expression, verdict
from scalinglaws.course.checks import CheckResult, questions
from scalinglaws.course.marking import check_call
from scalinglaws.course.placeholders import strip_solutions

__all__ = ["NamedPlaceholders", "RepairSubmission", "SealedExecute", "configure", "NOT_GRADED", "MISSING_ANSWER"]

NOT_GRADED = "not graded: the notebook stopped before this test cell ran"
"""The error a test cell shows (and scores 0 with) until its answer is judged."""

MISSING_ANSWER = ("# This answer cell was missing from the submission (deleted, or its nbgrader marking changed),\n"
                  "# so the blank one is back and this question scores 0.\n")
"""The first lines of an answer cell that autograde puts back."""


class NamedPlaceholders(ClearSolutions):
    """nbgrader's ClearSolutions with the course's placeholders (``name = ...``)."""

    def _replace_solution_region(self, cell: NotebookNode, language: str) -> bool:
        if cell.cell_type != "code" or self.begin_solution_delimeter not in cell.source:
            return super()._replace_solution_region(cell, language)
        cell.source = strip_solutions(cell.source)
        return True


class RepairSubmission(NbGraderPreprocessor):
    """Make a damaged submission gradable: the first of autograde's sanitizing steps (see the module's text)."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            order = [c.name for c in notebook.source_cells]
            blanks = {c.name: c for c in notebook.source_cells}
            answers = {c.name for c in notebook.solution_cells} - {c.name for c in notebook.grade_cells}
        self._forget_unknown_and_repeated(nb, set(order))
        self._restore_answers(nb, order, [name for name in order if name in answers], blanks)
        return nb, resources

    def _forget_unknown_and_repeated(self, nb: NotebookNode, known: set[str]) -> None:
        seen: set[str] = set()
        for index in reversed(range(len(nb.cells))):
            cell = nb.cells[index]
            if "nbgrader" not in cell.metadata:
                continue
            grade_id = _grade_id(cell)
            if grade_id not in known or grade_id in seen:
                why = "a repeat of a later cell" if grade_id in seen else "no grade_id of this assignment"
                self.log.warning("Cell %d has nbgrader marking with %s: graded as a plain cell", index, why)
                del cell.metadata["nbgrader"]
            else:
                seen.add(grade_id)

    def _restore_answers(self, nb: NotebookNode, order: list[str], answers: list[str], blanks: dict) -> None:
        for name in answers:
            present = [_grade_id(c) for c in nb.cells]
            if name in present:
                continue
            self.log.warning("Answer cell %s is missing: the blank one is put back and its question scores 0", name)
            earlier = [n for n in order[:order.index(name)] if n in present]
            at = present.index(earlier[-1]) + 1 if earlier else 0
            blank = blanks[name]
            meta = {"grade": False, "solution": True, "locked": False, "grade_id": name, "schema_version": 3}
            nb.cells.insert(at, NotebookNode(cell_type="code", execution_count=None, outputs=[],
                                             source=MISSING_ANSWER + blank.source,
                                             metadata=NotebookNode(nbgrader=NotebookNode(meta))))


def _grade_id(cell: NotebookNode) -> str | None:
    meta = cell.metadata.get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def _error(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


def _line(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text + "\n")


def _autograded_tests(resources: dict) -> dict[str, tuple[str, float]]:
    """{grade_id: (source, points)} of every autograder test cell of this notebook, from the gradebook."""
    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gb:
        notebook = gb.find_notebook(info["notebook"], info["assignment"])
        solutions = {c.name for c in notebook.solution_cells}
        sources = {c.name: c.source for c in notebook.source_cells}
        return {c.name: (sources[c.name], float(c.max_score)) for c in notebook.grade_cells
                if c.name not in solutions and c.cell_type == "code"}


class SealedExecute(Execute):
    """nbgrader's Execute, but a test cell's points depend only on a verdict reached outside the kernel."""

    def preprocess(self, nb: NotebookNode, resources: dict, km: Any = None):
        self._tests = _autograded_tests(resources)
        for cell in nb.cells:
            grade_id = _grade_id(cell)
            if grade_id in self._tests:
                self._seal(cell, *self._tests[grade_id])
        try:
            return super().preprocess(nb, resources, km=km)
        except Exception as err:  # the kernel died or hung: unjudged test cells keep NOT_GRADED
            self.log.warning("Execution stopped (%s: %s); unjudged test cells score 0", type(err).__name__, err)
            return nb, resources

    @staticmethod
    def _seal(cell: NotebookNode, source: str, points: float) -> None:
        cell.cell_type, cell.source = "code", source
        cell.metadata["nbgrader"].update(grade=True, solution=False, locked=True, points=points)
        cell.outputs, cell.execution_count = [_error("NotGraded", NOT_GRADED)], None

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id") if cell.cell_type == "code" else None
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except Exception:
            # nbclient clears a cell's outputs before running it: if the kernel dies or hangs while a test cell
            # runs, that cell would keep no outputs, which nbgrader scores as full points. Seal it again.
            if grade_id in getattr(self, "_tests", {}):
                cell.outputs = [_error("NotGraded", NOT_GRADED)]
            raise
        if grade_id in getattr(self, "_tests", {}):
            cell.outputs = [_error("NotGraded", NOT_GRADED)]
            result = self._judge(cell.source)
            cell.outputs = [_line(result.line())]
            if result.status != "correct":
                cell.outputs.append(_error("NotCorrect", f"0 points: {result.status}"))
        return cell, resources

    def _judge(self, source: str) -> CheckResult:
        """Read the answer the test cell names out of the kernel and judge it here."""
        call = check_call(_without_comments(source))
        if call is None:
            return CheckResult("?", "invalid", "this test cell is not a check(\"question-id\", answer) call.")
        qid, expression = call
        if qid not in questions():
            return CheckResult(qid, "invalid", f"unknown question id {qid!r}.")
        payload, problem = self._read(reader_expression(questions()[qid], expression))
        if problem:
            return CheckResult(qid, "invalid", f"could not read {expression} from your notebook: {problem}")
        return verdict(qid, payload)

    def _read(self, expression: str) -> tuple[str, str]:
        """(payload, "") from the kernel's evaluation of ``expression``, or ("", why it failed)."""
        msg_id = self.kc.execute(READER_SOURCE, silent=True, store_history=False,
                                 user_expressions={"answer": expression})
        reply = self.wait_for_reply(msg_id)
        if reply is None:
            return "", "no reply from the kernel"
        found = reply["content"].get("user_expressions", {}).get("answer", {})
        if found.get("status") != "ok":
            return "", f"{found.get('ename', 'error')}: {found.get('evalue', reply['content'].get('evalue', ''))}"
        try:
            payload = ast.literal_eval(found.get("data", {}).get("text/plain", ""))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return "", "the kernel did not hand over a JSON string"
        return (payload, "") if isinstance(payload, str) else ("", "the kernel did not hand over a JSON string")


def _without_comments(source: str) -> str:
    """The source with comment lines dropped (nbgrader prefixes a re-added missing cell with one)."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))


def configure(c: Any) -> None:
    """Set an nbgrader config object ``c`` (``get_config()`` in nbgrader_config.py) for this course."""
    from nbgrader.converters import Autograde, GenerateAssignment

    release = GenerateAssignment.class_traits()["preprocessors"].default()
    grading = Autograde.class_traits()["autograde_preprocessors"].default()
    sanitizing = Autograde.class_traits()["sanitize_preprocessors"].default()
    c.GenerateAssignment.preprocessors = [NamedPlaceholders if p is ClearSolutions else p for p in release]
    c.Autograde.autograde_preprocessors = [SealedExecute if p is Execute else p for p in grading]
    c.Autograde.sanitize_preprocessors = [RepairSubmission, *sanitizing]
    c.OverwriteCells.add_missing_cells = True  # a deleted test cell comes back, and is judged
    _quiet_gradebook_warnings()


def _quiet_gradebook_warnings() -> None:
    """Hide SQLAlchemy 2's SAWarning "Object of type <Submitted...> not in session, add operation along ... will
    not proceed", printed three times per new submission: nbgrader 0.9's ``Gradebook.add_submission`` builds the
    submission's rows before ``db.add(submission)``, which then adds them all, so nothing is lost (every score test
    reads them back)."""
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", message=r"Object of type <Submitted", category=SAWarning)

