"""Marking the practice notebooks for nbgrader from their cell contents (scalinglaws.course.marking)."""
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from scalinglaws.course.marking import DEFAULT_POINTS, mark, problems, solution_id, check_call

ROOT = Path(__file__).resolve().parents[1]
ANSWER = 'law = 2\n### BEGIN SOLUTION\nx = law * 3\n### END SOLUTION\ncheck("q-one", x)'


def _nb(*cells):
    return new_notebook(cells=list(cells))


@pytest.mark.parametrize("source, expected", [
    ('check("q-one", x)', ("q-one", "x")),
    ("check('q_2', (a, b))", ("q_2", "(a, b)")),
    ('check("q", f)  # run me', ("q", "f")),
    ('print(1)\ncheck("q", x)', None),          # more than the call
    ('check(qid, x)', None),                     # id not a literal
    ('check("bad id", x)', None),                # not a valid nbgrader grade_id
    ('check("q", x, extra=1)', None),
    ('check("q"', None),                         # syntax error
])
def test_test_call_reads_only_a_lone_check_call(source, expected):
    assert check_call(source) == expected


def test_an_answer_cell_splits_into_a_solution_cell_and_a_locked_test_cell_keeping_its_outputs():
    cell = new_code_cell(ANSWER, id="c04", outputs=[nbformat.v4.new_output("stream", name="stdout", text="✅\n")])
    marked = mark(_nb(new_markdown_cell("Q1"), cell))
    answer, test = marked.cells[1], marked.cells[2]
    assert answer.source == "law = 2\n### BEGIN SOLUTION\nx = law * 3\n### END SOLUTION" and answer.outputs == []
    assert answer.metadata["nbgrader"] == {"grade": False, "grade_id": solution_id("q-one"), "locked": False,
                                           "schema_version": 3, "solution": True, "task": False}
    assert test.source == 'check("q-one", x)' and test.id == "c04-test" and test.outputs[0].text == "✅\n"
    assert test.metadata["nbgrader"]["grade"] and test.metadata["nbgrader"]["locked"]
    assert test.metadata["nbgrader"]["grade_id"] == "q-one"
    assert test.metadata["nbgrader"]["points"] == DEFAULT_POINTS


def test_marking_is_idempotent_and_keeps_points_an_instructor_set():
    once = mark(_nb(new_code_cell(ANSWER, id="c1")))
    once.cells[1].metadata["nbgrader"]["points"] = 3
    twice = mark(once)
    assert twice == once and problems(once) == []


def test_problems_name_an_unsplit_cell_and_a_cell_without_metadata():
    raw = _nb(new_code_cell(ANSWER, id="c1"))
    assert "still hold their check" in problems(raw)[0]
    marked = mark(raw)
    del marked.cells[1].metadata["nbgrader"]
    assert problems(marked) == [f"cell 'c1-test' lacks nbgrader metadata {mark(marked).cells[1].metadata['nbgrader']}"]


def test_a_solution_without_a_following_check_is_refused_with_a_message():
    with pytest.raises(ValueError, match="next cell is not a check"):
        mark(_nb(new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", id="c1"), new_code_cell("x")))


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.name)
def test_every_solution_notebook_is_marked_for_nbgrader(path):
    found = problems(nbformat.read(path, as_version=4))
    assert found == [], (f"{path.name} is not marked for nbgrader: {found}. Run `make exercises` (it marks "
                         "solutions/ from the cell contents; see CONTRIBUTING.md).")
