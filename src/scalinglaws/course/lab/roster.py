"""Change the class roster while the service runs: ``python -m scalinglaws.course.lab.roster --db lab.sqlite
--secret-file lab-secret.txt add|revoke|reissue STUDENT [--tokens-out tokens.csv]``.

``add`` registers a student and prints their token; ``revoke`` makes their token fail from the next request on;
``reissue`` gives them a new token (the old one fails) and prints it. Every server process sharing the ledger
reads tokens from it on each request, so no restart is needed. With ``--tokens-out`` the ``student,token`` file
is rewritten (0600) with every current token. ``list`` prints the roster. Taught in instructor.md.
"""
from __future__ import annotations

import argparse
import sys

from scalinglaws.course.lab.ledger import LabError, Ledger
from scalinglaws.course.lab.secret import read_secret
from scalinglaws.course.lab.serve import write_tokens
from scalinglaws.course.lab.service import register_roster, reissue

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.lab.roster", description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="the service's SQLite ledger")
    parser.add_argument("--secret-file", required=True, help="the instructor secret the service uses")
    parser.add_argument("--tokens-out", help="rewrite this student,token file with every current token")
    parser.add_argument("action", choices=("add", "revoke", "reissue", "list"))
    parser.add_argument("student", nargs="?", help="the student id (not for list)")
    args = parser.parse_args(argv)
    if args.action != "list" and not args.student:
        parser.error(f"{args.action} needs a student id")
    secret = read_secret(args.secret_file)
    ledger = Ledger(args.db)
    try:
        if args.action == "add":
            print(f"{args.student},{register_roster(ledger, secret, [args.student])[args.student]}")
        elif args.action == "revoke":
            ledger.revoke(args.student)
            print(f"revoked {args.student}: their token fails from the next request on (runs are kept)")
        elif args.action == "reissue":
            print(f"{args.student},{reissue(ledger, secret, args.student)}")
        else:
            for student, generation, revoked in ledger.roster():
                print(f"{student}\t{'revoked' if revoked else 'active'}\ttoken {generation + 1}")
    except (LabError, ValueError) as error:
        raise SystemExit(str(error)) from None
    if args.tokens_out:
        write_tokens(args.tokens_out, register_roster(ledger, secret, []))
    return 0


if __name__ == "__main__":
    sys.exit(main())
