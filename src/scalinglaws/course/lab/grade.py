"""Grade a class's lab from the ledger: ``python -m scalinglaws.course.lab.grade --db lab.sqlite
--secret-file secret.txt --out lab_scores.csv``.

Runs in the instructor's process, never in a student's kernel: each student's world is re-derived from the
secret, their runs and prediction are read from the ledger, and :func:`~scalinglaws.course.lab.scoring.judge`
scores them. Writes one CSV row per student (points, errors, notes). Taught in instructor.md.
"""
from __future__ import annotations

import argparse
import csv
import sys

from scalinglaws.course.lab.ledger import Ledger
from scalinglaws.course.lab.scoring import Score, judge
from scalinglaws.course.lab.serve import read_secret
from scalinglaws.course.lab.world import World, world_seed_for

__all__ = ["grade_student", "grade_class", "FIELDS", "main"]

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.lab.grade", description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--out", default="lab_scores.csv")
    args = parser.parse_args(argv)
    rows = grade_class(Ledger(args.db), read_secret(args.secret_file))
    with open(args.out, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
