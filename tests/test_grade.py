"""The grading command: runs submitted notebooks (nothing else), one bad notebook never stops the rest."""
import csv
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from scalinglaws.course.checks import RESULT_MIMETYPE, STATUS_MARKS, CheckResult
from scalinglaws.course.grade import FIELDS, check_results, grade_folder, main, question_ids
from scalinglaws.course.layout import PAGE_WIDTH, fit_lines

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path: Path, *sources: str) -> Path:
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _read(csv_path: Path) -> list[dict]:
    with csv_path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def key_and_blank(tmp_path_factory):
    """Grade copies of every solution (student 'key') and every blank exercise (student 'blank') in one run."""
    folder = tmp_path_factory.mktemp("submissions")
    shutil.copytree(ROOT / "solutions", folder / "key")
    shutil.copytree(ROOT / "exercises", folder / "blank")
    out = folder.parent / "results.csv"
    assert main([str(folder), "--out", str(out), "--reference", str(ROOT / "exercises")]) == 0
    return _read(out)


def test_the_csv_has_one_row_per_notebook_and_question_with_the_documented_columns(key_and_blank):
    assert list(key_and_blank[0]) == list(FIELDS)
    for student in ("key", "blank"):
        for path in sorted((ROOT / "exercises").glob("*.ipynb")):
            ids = question_ids(nbformat.read(path, as_version=4))
            got = [r["question"] for r in key_and_blank if r["student"] == student and r["notebook"].endswith(path.name)]
            assert got == ids and len(ids) >= 4, (student, path.name)


def test_every_solution_grades_all_correct(key_and_blank):
    wrong = [r for r in key_and_blank if r["student"] == "key" and r["status"] != "correct"]
    assert wrong == []


def test_every_blank_exercise_grades_all_unanswered(key_and_blank):
    other = [r for r in key_and_blank if r["student"] == "blank" and r["status"] != "unanswered"]
    assert other == []


def test_broken_notebooks_are_reported_and_the_others_still_graded(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "bad_json.ipynb").write_text("{not json", encoding="utf-8")
    (sub / "empty.ipynb").write_text("", encoding="utf-8")
    imports = "from scalinglaws.course.checks import check"
    _notebook(sub / "raises.ipynb", imports, "check('pl-slope', -0.3)", "slope = 1 / 0", "check('pl-tenfold', slope)",
              "check('pl-floor-slope', ...)")
    _notebook(sub / "missing_file.ipynb", imports, "data = open('no-such-file.csv').read()", "check('pl-slope', data)")
    _notebook(sub / "no_imports.ipynb", "check('pl-slope', -0.3)")
    _notebook(sub / "good.ipynb", imports, "check('pl-slope', -0.3)", "check('pl-tenfold', 10.0)")
    out = tmp_path / "r.csv"
    assert main([str(sub), "--out", str(out), "--timeout", "60"]) == 0
    rows = {(r["notebook"], r["question"]): (r["status"], r["message"]) for r in _read(out)}

    assert rows[("bad_json.ipynb", "")][0] == "error" and "could not read" in rows[("bad_json.ipynb", "")][1]
    assert rows[("empty.ipynb", "")][0] == "error"
    assert rows[("raises.ipynb", "pl-slope")][0] == "correct"
    status, message = rows[("raises.ipynb", "pl-tenfold")]
    assert status == "error" and "NameError" in message and "ZeroDivisionError" in message
    assert rows[("raises.ipynb", "pl-floor-slope")][0] == "unanswered"  # the cells after an error still ran
    status, message = rows[("missing_file.ipynb", "pl-slope")]
    assert status == "error" and "FileNotFoundError" in message
    assert rows[("no_imports.ipynb", "pl-slope")][0] == "error"
    assert rows[("good.ipynb", "pl-slope")][0] == "correct" and rows[("good.ipynb", "pl-tenfold")][0] == "wrong"


def test_an_infinite_loop_times_out_and_later_questions_count_as_not_reached(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    _notebook(sub / "loop.ipynb", "from scalinglaws.course.checks import check", "check('pl-slope', -0.3)",
              "while True:\n    pass", "check('pl-tenfold', 0.84)")
    _notebook(sub / "after.ipynb", "from scalinglaws.course.checks import check", "check('pl-slope', 0.3)")
    rows = {(r.notebook, r.question): r for r in grade_folder(sub, timeout=3)}
    assert rows[("loop.ipynb", "pl-slope")].status == "correct"
    late = rows[("loop.ipynb", "pl-tenfold")]
    assert late.status == "error" and "not reached" in late.message and "timed out" in late.message
    assert rows[("after.ipynb", "pl-slope")].status == "wrong"  # the next notebook still ran


def test_stored_outputs_are_ignored_only_what_runs_counts(tmp_path):
    forged = new_code_cell("pass  # check('pl-slope', -0.3)")
    forged.outputs = [new_output("stream", name="stdout", text=CheckResult("pl-slope", "correct", "forged").line() + "\n")]
    nb = new_notebook(cells=[forged])
    nbformat.write(nb, tmp_path / "forged.ipynb")
    (row,) = grade_folder(tmp_path, timeout=30)
    assert row.status == "error" and row.message != "forged"


def test_a_question_missing_from_a_submission_is_reported_from_the_reference(tmp_path):
    reference = tmp_path / "reference"
    reference.mkdir()
    _notebook(reference / "hw.ipynb", "check('pl-slope', ...)", "check('pl-tenfold', ...)")
    sub = tmp_path / "sub" / "alice"
    sub.mkdir(parents=True)
    _notebook(sub / "hw.ipynb", "from scalinglaws.course.checks import check", "check('pl-slope', -0.3)")
    rows = grade_folder(tmp_path / "sub", timeout=30, reference=reference)
    assert [(r.student, r.question, r.status) for r in rows] == [("alice", "pl-slope", "correct"),
                                                                 ("alice", "pl-tenfold", "error")]


@pytest.mark.parametrize("status", sorted(STATUS_MARKS))
def test_printed_lines_parse_back_to_the_result_for_every_status(status):
    result = CheckResult("lim-x", status, "a message: with a colon")
    cell = new_code_cell("")
    cell.outputs = [new_output("stream", name="stdout", text=f"my own print\n{result.line()}\n")]
    assert check_results(cell) == [result]


def test_machine_readable_records_take_precedence_over_printed_lines():
    cell = new_code_cell("")
    record = {"qid": "lim-x", "status": "wrong", "message": "two\nlines"}
    cell.outputs = [new_output("stream", name="stdout", text=CheckResult("lim-x", "correct", "x").line() + "\n"),
                    new_output("display_data", data={RESULT_MIMETYPE: record})]
    assert check_results(cell) == [CheckResult("lim-x", "wrong", "two\nlines")]


def test_bad_arguments_are_refused_with_a_message(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "nowhere")])
    assert "SUBMISSIONS_DIR" in capsys.readouterr().err
    with pytest.raises(ValueError, match="folder"):
        grade_folder(tmp_path / "nowhere")


def test_feedback_copies_keep_the_printed_lines_and_drop_the_grader_records(tmp_path):
    sub, executed = tmp_path / "sub", tmp_path / "executed"
    sub.mkdir()
    _notebook(sub / "hw.ipynb", "from scalinglaws.course.checks import check", "check('pl-slope', -0.3)")
    grade_folder(sub, timeout=30, executed=executed)
    outputs = nbformat.read(executed / "hw.ipynb", as_version=4).cells[1].outputs
    assert [o.output_type for o in outputs] == ["stream"] and outputs[0].text.startswith(STATUS_MARKS["correct"])


def test_outside_a_kernel_check_prints_only_its_result_even_while_recording(monkeypatch, capsys):
    from scalinglaws.course.checks import RECORD_ENV, check, evaluate

    monkeypatch.setenv(RECORD_ENV, "1")
    check("pl-slope", -0.3)
    assert capsys.readouterr().out == fit_lines(evaluate("pl-slope", -0.3).line()) + "\n"


def test_a_result_wrapped_to_the_page_width_parses_back_whole():
    result = CheckResult("lim-x", "wrong", "a long message: " + " ".join(["word"] * 40))
    printed = fit_lines(result.line())
    assert printed.count("\n") >= 2 and max(map(len, printed.splitlines())) <= PAGE_WIDTH
    cell = new_code_cell("")
    cell.outputs = [new_output("stream", name="stdout", text=f"{printed}\nmy own print\n")]
    assert check_results(cell) == [result]
