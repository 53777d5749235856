"""Grade a class's lab from the ledger: ``python -m scalinglaws.course.lab.grade --db lab.sqlite
--secret-file secret.txt --out lab_scores.csv``.

Runs in the instructor's process, never in a student's kernel: each student's world is re-derived from the
secret, their runs and prediction are read from the ledger, and :func:`~scalinglaws.course.lab.scoring.judge`
scores them. Writes one CSV row per student (points, errors, notes) and, with ``--gradebook``, the points into
nbgrader's gradebook (the ``lab`` assignment's score cell). Taught in instructor.md.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from scalinglaws.course.lab.ledger import Ledger
from scalinglaws.course.lab.scoring import Score, judge
from scalinglaws.course.lab.serve import read_secret
from scalinglaws.course.lab.world import World, world_seed_for

__all__ = ["grade_student", "grade_class", "gradebook_url", "record_in_gradebook", "FIELDS", "main"]

FIELDS = ("student", "points", "n_points", "loss_points", "predicted_N_opt", "true_N_opt", "predicted_loss",
          "true_loss", "runs", "spent_flop", "notes")
"""The CSV columns."""


def grade_student(ledger: Ledger, secret: bytes, student: str) -> Score | None:
    """The student's score from the ledger, or None if they submitted no prediction."""
    prediction = ledger.prediction(student)
    if prediction is None:
        return None
    world = World.from_seed(world_seed_for(secret, student))
    return judge(world, ledger.runs(student), prediction)


def grade_class(ledger: Ledger, secret: bytes) -> list[dict]:
    """One row (dict over :data:`FIELDS`) per registered student, in name order."""
    rows = []
    for student in sorted(ledger.students().values()):
        score = grade_student(ledger, secret, student)
        base = {"student": student, "runs": len(ledger.runs(student)), "spent_flop": ledger.spent(student)}
        if score is None:
            rows.append({**dict.fromkeys(FIELDS, ""), **base, "points": 0.0, "notes": "no prediction submitted"})
            continue
        rows.append({**base, "points": round(score.points, 2), "n_points": round(score.n_points, 2),
                     "loss_points": round(score.loss_points, 2), "predicted_N_opt": score.prediction.N_opt,
                     "true_N_opt": score.true_N_opt, "predicted_loss": score.prediction.loss,
                     "true_loss": score.true_loss, "notes": " | ".join(score.notes)})
    return rows


def gradebook_url(where: str) -> str:
    """The database URL of an existing nbgrader gradebook that holds the ``lab`` assignment.

    ``where`` is a course folder, a ``gradebook.db`` file or an SQLAlchemy URL (``sqlite:///...``, ``~``
    allowed). Raises ValueError if no such gradebook exists: nbgrader would otherwise create an empty one and
    every student would be reported as missing.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from scalinglaws.course.classroom import LAB_ASSIGNMENT

    if "://" not in where:
        path = Path(where).expanduser()
        where = f"sqlite:///{(path / 'gradebook.db' if path.is_dir() else path).resolve()}"
    elif where.startswith("sqlite:///"):
        where = f"sqlite:///{Path(where[len('sqlite:///'):]).expanduser().resolve()}"
    if where.startswith("sqlite:///") and not Path(where[len("sqlite:///"):]).is_file():
        raise ValueError(f"no nbgrader gradebook at {where[len('sqlite:///'):]}: give the course folder (where "
                         "nbgrader_config.py and gradebook.db are) or its gradebook.db")
    with Gradebook(where) as gradebook:
        try:
            gradebook.find_assignment(LAB_ASSIGNMENT)
        except MissingEntry:
            raise ValueError(f"the gradebook {where} has no {LAB_ASSIGNMENT!r} assignment: run nbgrader "
                             f"generate_assignment {LAB_ASSIGNMENT} in the course folder first") from None
    return where


def record_in_gradebook(rows: list[dict], db_url: str) -> tuple[list[str], list[str]]:
    """Write each row's points (and notes, as the cell's comment) into nbgrader's gradebook for the lab's score
    cell, so they reach the student's nbgrader feedback.

    The cell is :data:`~scalinglaws.course.classroom.LAB_SCORE_CELL` of the ``lab`` assignment (set up by
    ``python -m scalinglaws.course.classroom``); a student needs a submitted and autograded ``lab`` notebook
    to hold the grade. Returns (students written, students without that submission). Needs nbgrader (the
    ``classroom`` extra).
    """
    from nbgrader.api import Gradebook, MissingEntry

    from scalinglaws.course.classroom import LAB_ASSIGNMENT, LAB_SCORE_CELL

    written, missing = [], []
    with Gradebook(db_url) as gradebook:
        for row in rows:
            try:
                grade = gradebook.find_grade(LAB_SCORE_CELL, LAB_ASSIGNMENT, LAB_ASSIGNMENT, row["student"])
            except MissingEntry:
                missing.append(row["student"])
                continue
            grade.manual_score = float(row["points"])
            comment = gradebook.find_comment(LAB_SCORE_CELL, LAB_ASSIGNMENT, LAB_ASSIGNMENT, row["student"])
            comment.manual_comment = _feedback(row)
            written.append(row["student"])
        gradebook.db.commit()
    return written, missing


def _feedback(row: dict) -> str:
    """The text a student reads in their nbgrader feedback: points, then each note on its own line."""
    lines = [f"Lab score: {row['points']} / 100."]
    if row.get("predicted_N_opt") not in ("", None):
        lines.append(f"Your prediction: N_opt = {row['predicted_N_opt']:.3g} parameters, loss = "
                     f"{row['predicted_loss']:.4g} nats/token; the truth: {row['true_N_opt']:.3g}, "
                     f"{row['true_loss']:.4g}.")
    lines += [f"- {note}" for note in str(row.get("notes") or "").split(" | ") if note]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.lab.grade", description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--out", default="lab_scores.csv")
    parser.add_argument("--gradebook", metavar="COURSE_DIR",
                        help="also write the points and notes into nbgrader's gradebook: the course folder, its "
                             "gradebook.db, or a database URL (sqlite:///...)")
    args = parser.parse_args(argv)
    if args.gradebook:
        try:
            args.gradebook = gradebook_url(args.gradebook)
        except ValueError as err:
            parser.error(str(err))
    rows = grade_class(Ledger(args.db), read_secret(args.secret_file))
    with open(args.out, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")
    if args.gradebook:
        written, missing = record_in_gradebook(rows, args.gradebook)
        print(f"gradebook: lab points written for {len(written)} students")
        if missing:
            print(f"no autograded 'lab' submission (nothing written) for: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
