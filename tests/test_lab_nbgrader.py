"""The lab's score reaches nbgrader's gradebook from the ledger, never from the student's notebook.

Real nbgrader on a temporary course folder: the ``lab`` assignment is released, submitted and autograded
(it scores 0 of 100 by itself), then ``python -m scalinglaws.course.lab.grade --gradebook`` writes each
student's points, computed from the ledger and their world.
"""
from __future__ import annotations

import nbformat
import pytest

from _classroom import autograde, score, submit, with_gradebook
from scalinglaws.course.classroom import nbgrader_api
from scalinglaws.course.classroom import LAB_ASSIGNMENT, LAB_POINTS, init_lab, release
from scalinglaws.course.lab import grade
from scalinglaws.course.lab.ledger import Ledger, Prediction
from scalinglaws.course.lab.service import register_roster
from scalinglaws.course.lab.world import RunSpec, World, world_seed_for

SECRET = b"lab-gradebook-secret-0123456789"


@pytest.fixture(scope="module")
def course(tmp_path_factory, gradebook):
    folder = with_gradebook(tmp_path_factory.mktemp("labcourse"), gradebook)
    released = release(folder, [init_lab(folder)])[LAB_ASSIGNMENT]
    return folder, nbformat.read(released, as_version=4)


def _ledger(path, students):
    ledger = Ledger(path)
    register_roster(ledger, SECRET, students)
    return ledger


def test_the_lab_points_come_from_the_ledger_and_only_from_it(course, tmp_path):
    folder, blank = course
    ledger = _ledger(tmp_path / "lab.sqlite", ["ada", "bea", "cyd"])
    ada_truth = World.from_seed(world_seed_for(SECRET, "ada")).truth()
    ledger.spend("ada", RunSpec.make(n_layer=4, d_model=256, n_heads=4, lr=3e-3, tokens=1_000_000), 5.0)
    ledger.submit("ada", Prediction(N_opt=float(ada_truth.N), loss=float(ada_truth.loss)))
    faked = nbformat.from_dict(blank)  # bea claims full marks in her notebook; she submitted no prediction
    faked.cells[-1].source += "\n\n**Lab score: 100 / 100** ✅"
    for student, nb in (("ada", blank), ("bea", faked)):
        submit(folder, LAB_ASSIGNMENT, student, nb)
        assert autograde(folder, LAB_ASSIGNMENT, student) == (0.0, LAB_POINTS)

    grade.main(["--db", ledger.path, "--secret-file", str(_secret(tmp_path)), "--out", str(tmp_path / "s.csv"),
                "--gradebook", f"sqlite:///{folder}/gradebook.db"])

    rows = {row["student"]: row for row in grade.grade_class(ledger, SECRET)}
    assert rows["ada"]["points"] == pytest.approx(100.0)  # the exact truth, predicted
    assert score(folder, LAB_ASSIGNMENT, "ada") == (pytest.approx(rows["ada"]["points"]), LAB_POINTS)
    assert score(folder, LAB_ASSIGNMENT, "bea") == (0.0, LAB_POINTS)
    assert nbgrader_api(folder).generate_feedback(LAB_ASSIGNMENT, "ada")["success"]
    feedback = (folder / "feedback" / "ada" / LAB_ASSIGNMENT / f"{LAB_ASSIGNMENT}.html").read_text()
    assert f"Lab score: {rows['ada']['points']} / 100." in feedback and "Your prediction" in feedback


def test_the_released_lab_notebook_keeps_its_instructions(course):
    _, blank = course
    assert "Nothing to write: submit this notebook as it is." in blank.cells[0].source


@pytest.mark.parametrize("where", ["missing-folder", "missing-folder/gradebook.db", "sqlite:///missing.db"])
def test_a_wrong_gradebook_path_is_an_error_not_a_new_gradebook(tmp_path, monkeypatch, capsys, where):
    monkeypatch.chdir(tmp_path)
    ledger = _ledger(tmp_path / "lab.sqlite", ["eve"])
    with pytest.raises(SystemExit) as stop:
        grade.main(["--db", ledger.path, "--secret-file", str(_secret(tmp_path)), "--out", "s.csv",
                    "--gradebook", where])
    assert stop.value.code == 2 and "no nbgrader gradebook at" in capsys.readouterr().err
    assert not any(p.name.startswith(("missing", "s.csv")) for p in tmp_path.iterdir())


def test_a_gradebook_without_the_lab_assignment_is_an_error(tmp_path, gradebook):
    folder = with_gradebook(tmp_path / "course", gradebook)
    with pytest.raises(ValueError, match="has no 'lab' assignment"):
        grade.gradebook_url(str(folder))


def test_a_student_without_a_lab_submission_is_reported_not_invented(course, tmp_path):
    folder, _ = course
    ledger = _ledger(tmp_path / "lab.sqlite", ["dee"])
    truth = World.from_seed(world_seed_for(SECRET, "dee")).truth()
    ledger.submit("dee", Prediction(N_opt=float(truth.N), loss=float(truth.loss)))
    written, missing = grade.record_in_gradebook(grade.grade_class(ledger, SECRET),
                                                 f"sqlite:///{folder}/gradebook.db")
    assert (written, missing) == ([], ["dee"])


def _secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET.decode())
    return path
