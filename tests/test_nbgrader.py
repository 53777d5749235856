"""Real nbgrader on a temporary course folder: release, autograde, feedback (instructor.md's commands).

The course folder is set up by ``python -m scalinglaws.course.classroom`` (its ``main``), and
``nbgrader autograde`` runs as a command in it, reading the ``nbgrader_config.py`` written there.

- ``exercises/`` is exactly what nbgrader's ``generate_assignment`` releases from ``solutions/``;
- ``autograde`` gives every solution notebook full marks, and, for ``07_limits`` through nbgrader's command
  line, the blank release zero and a partly answered notebook exactly its part;
- ``generate_feedback`` writes HTML that names each question's result.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from _classroom import (ROOT, answered, autograde, autograded, is_test, released, score, source, submit,
                        with_gradebook)
from scalinglaws.course import classroom
from scalinglaws.course.classroom import release

NAMES = sorted(p.stem for p in (ROOT / "solutions").glob("*.ipynb"))
BIN = Path(sys.executable).parent


def _cells(nb):
    return [(c.cell_type, c.get("id"), c.source, c.metadata.get("nbgrader"), c.metadata.get("editable"),
             c.metadata.get("deletable")) for c in nb.cells]


def _nbgrader(course: Path, *args: str) -> str:
    """Run one of nbgrader's commands in the course folder, as an instructor does."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def course(tmp_path_factory, gradebook):
    """All practice notebooks released; 07_limits autograded by nbgrader's command line for three students
    (the key, the blank release, the first 3 answers filled in) and their feedback generated."""
    folder = with_gradebook(tmp_path_factory.mktemp("course"), gradebook)
    assert classroom.main([str(folder), "--solutions", str(ROOT / "solutions")]) == 0
    release(folder, NAMES)
    blank, key = released(folder, "07_limits"), source(folder, "07_limits")
    for student, nb in [("key", key), ("blank", blank), ("partial", answered(blank, key, 3))]:
        submit(folder, "07_limits", student, nb)
    (folder / "autograde.log").write_text(_nbgrader(folder, "autograde", "07_limits"))
    assert classroom.nbgrader_api(folder).generate_feedback("07_limits")["success"]
    return folder


@pytest.mark.parametrize("name", NAMES)
def test_the_exercise_is_nbgraders_release_of_the_solution(course, name):
    exercise = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    assert _cells(exercise) == _cells(released(course, name)), "run `make exercises` to regenerate exercises/"


@pytest.mark.parametrize("name", [n for n in NAMES if n != "07_limits"])  # 07_limits: below, by command line
def test_every_solution_notebook_earns_full_marks(course, name):
    submit(course, name, "key", source(course, name))
    got, most = autograde(course, name, "key")
    assert most == sum(is_test(c) for c in source(course, name).cells) >= 4
    assert got == most, [o.text for c in autograded(course, name, "key").cells if is_test(c)
                         for o in c.outputs if o.output_type == "stream" and not o.text.startswith("✅")]


@pytest.mark.parametrize("student, points", [("key", 8), ("blank", 0), ("partial", 3)])
def test_autograde_scores_the_key_full_the_blank_zero_and_a_partial_answer_its_part(course, student, points):
    assert score(course, "07_limits", student) == (points, 8)


def test_the_feedback_names_each_questions_result(course):
    html = (course / "feedback" / "partial" / "07_limits" / "07_limits.html").read_text(encoding="utf-8")
    tests = [c for c in source(course, "07_limits").cells if is_test(c)]
    assert len(tests) == 8
    for n, cell in enumerate(tests):
        qid = cell.metadata["nbgrader"]["grade_id"]
        assert f"{'✅' if n < 3 else '⏳'} {qid}:" in html, qid
    assert "3.0 / 8.0" in html


EXPLAINED = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel.")
"""The lines besides INFO that instructor.md ("What nbgrader autograde prints") explains for an ordinary class."""


def test_autograde_prints_only_what_the_instructor_guide_explains(course):
    """Three ordinary submissions: every line of ``nbgrader autograde`` is INFO or one that instructor.md explains
    (SQLAlchemy's warning about nbgrader's submission rows is hidden by ``configure``)."""
    guide = (ROOT / "instructor.md").read_text(encoding="utf-8")
    assert all(line in guide for line in EXPLAINED)
    log = (course / "autograde.log").read_text().splitlines()
    other = [line for line in log if line.strip() and "| INFO]" not in line and not any(e in line for e in EXPLAINED)]
    assert not other, "\n".join(other)


def test_the_course_folder_may_be_given_under_home_and_is_created(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert classroom.main(["~/new/course", "07_limits", "--solutions", str(ROOT / "solutions")]) == 0
    config = (tmp_path / "new" / "course" / "nbgrader_config.py").read_text()
    assert repr(str(tmp_path / "new" / "course")) in config
    assert (tmp_path / "new" / "course" / "source" / "07_limits" / "07_limits.ipynb").is_file()


def test_the_roster_and_an_lms_download_reach_nbgrader_as_written(tmp_path, gradebook):
    """instructor.md's class set-up: ``--roster`` fills nbgrader's student list, and ``nbgrader zip_collect``
    files an LMS download (a folder or a zip per student) under submitted/ with no extra configuration."""
    import zipfile

    from nbgrader.api import Gradebook

    folder = with_gradebook(tmp_path / "course", gradebook)
    (tmp_path / "roster.txt").write_text("# the class\nada\nbo.li\n\nada\n")
    assert classroom.main([str(folder), "07_limits", "--solutions", str(ROOT / "solutions"),
                           "--roster", str(tmp_path / "roster.txt")]) == 0
    with Gradebook(f"sqlite:///{folder}/gradebook.db") as gb:
        assert sorted(s.id for s in gb.students) == ["ada", "bo.li"]
    blank = release(folder, ["07_limits"])["07_limits"]
    archive = folder / "downloaded" / "07_limits" / "archive"
    (archive / "ada").mkdir(parents=True)
    (archive / "ada" / "07_limits.ipynb").write_bytes(blank.read_bytes())
    with zipfile.ZipFile(archive / "bo.li.zip", "w") as zipped:
        zipped.write(blank, "07_limits.ipynb")
    _nbgrader(folder, "zip_collect", "07_limits")
    for student in ("ada", "bo.li"):
        assert (folder / "submitted" / student / "07_limits" / "07_limits.ipynb").read_bytes() == blank.read_bytes()


def test_a_bad_roster_line_is_named(tmp_path, capsys):
    (tmp_path / "roster.txt").write_text("ada\nbo li\n")
    with pytest.raises(SystemExit):
        classroom.main([str(tmp_path / "course"), "--roster", str(tmp_path / "roster.txt")])
    assert "roster.txt, line 2: a student id must be non-empty with no spaces" in capsys.readouterr().err
