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

from scalinglaws.course.lab.ledger import Ledger
from scalinglaws.course.lab.scoring import Score, judge
from scalinglaws.course.lab.serve import read_secret
from scalinglaws.course.lab.world import World, world_seed_for

__all__ = ["grade_student", "grade_class", "record_in_gradebook", "FIELDS", "main"]

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


def record_in_gradebook(rows: list[dict], db_url: str) -> tuple[list[str], list[str]]:
    """Write each row's points into nbgrader's gradebook as the manual score of the lab's score cell.

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
            written.append(row["student"])
        gradebook.db.commit()
    return written, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.lab.grade", description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--out", default="lab_scores.csv")
    parser.add_argument("--gradebook", metavar="DB_URL",
                        help="also write the points into nbgrader's gradebook, e.g. sqlite:///gradebook.db")
    args = parser.parse_args(argv)
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
