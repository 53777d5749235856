"""Export every answer the class service checked: ``python -m scalinglaws.course.lab.attempts --db lab.sqlite
--out attempts.csv``.

One row per attempt, oldest first: student, time (UTC, ISO 8601), question id, verdict (correct, wrong,
invalid, unanswered), the answer as sent (JSON) and the line the student was shown. Taught in instructor.md.
"""
from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import astuple, fields

from scalinglaws.course.lab.ledger import Attempt, Ledger

__all__ = ["FIELDS", "export", "main"]

FIELDS = tuple(f.name for f in fields(Attempt))
"""The CSV columns."""


def export(ledger: Ledger, path: str) -> int:
    """Write every attempt to the CSV file ``path``; return how many."""
    rows = ledger.attempts()
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        writer.writerows(astuple(row) for row in rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.lab.attempts",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="the service's SQLite ledger")
    parser.add_argument("--out", default="attempts.csv")
    args = parser.parse_args(argv)
    print(f"wrote {export(Ledger(args.db), args.out)} attempts to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
