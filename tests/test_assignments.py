from pathlib import Path

import nbformat
import pytest

from scalinglaws.course.assignments import BEGIN, END, out_of_date, strip_solutions, student_notebook

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_solution_becomes_placeholder_assignments():
    src = f"x = 1\n{BEGIN}\nanswer = 6 * 70e9\nother, third = 1, 2\n{END}\ncheck('q', answer)"
    out = strip_solutions(src)
    assert out.splitlines() == ["x = 1", "# YOUR ANSWER HERE", "answer = ...", "other = ...", "third = ...",
                                "check('q', answer)"]


def test_solution_inside_a_function_body_becomes_ellipsis():
    src = f"def f(x):\n    {BEGIN}\n    return x * 2\n    {END}\n"
    namespace = {}
    exec(strip_solutions(src), namespace)
    assert namespace["f"](3) is None


@pytest.mark.parametrize("src", [f"{BEGIN}\nx = 1", f"x = 1\n{END}", f"{BEGIN}\n{BEGIN}\n{END}"])
def test_unbalanced_markers_are_errors(src):
    with pytest.raises(ValueError):
        strip_solutions(src)


def test_student_notebooks_hold_no_solution_text_and_no_outputs():
    for path in (ROOT / "solutions").glob("*.ipynb"):
        nb = student_notebook(nbformat.read(path, as_version=4))
        for cell in nb.cells:
            assert BEGIN not in cell.source and END not in cell.source
            if cell.cell_type == "code":
                assert cell.outputs == []


def test_exercises_are_up_to_date_with_solutions():
    stale = out_of_date(ROOT)
    assert stale == [], f"run 'make exercises' to regenerate: {stale}"


def test_every_solution_notebook_has_an_exercise_and_checks_at_least_four_questions():
    for path in (ROOT / "solutions").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        checks = sum(cell.source.count("check(") for cell in nb.cells if cell.cell_type == "code")
        assert checks >= 4, path.name
        assert (ROOT / "exercises" / path.name).exists()
