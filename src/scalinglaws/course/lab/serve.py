"""Start the class lab service: ``python -m scalinglaws.course.lab.serve --db lab.sqlite --secret-file secret.txt
--roster roster.txt --tokens-out tokens.csv [--host 127.0.0.1] [--port 8765] [--workers 2]``.

Creates the secret file (0600) if it is missing, registers every student of the roster (one id per line;
idempotent, existing runs and tokens are kept), writes ``student,token`` rows to ``--tokens-out`` (0600) for the
instructor to hand out, and serves until interrupted (a Starlette app under uvicorn; ``--workers`` processes
share the ledger). Restarting with the same ``--db`` and secret continues where it stopped. Taught in
instructor.md.
"""
from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import sys
from pathlib import Path

from scalinglaws.course.lab.ledger import LabError, Ledger
from scalinglaws.course.lab.secret import create_secret, read_secret
from scalinglaws.course.lab.service import register_roster
from scalinglaws.course.lab.web import Limits
from scalinglaws.course.roster import read_roster  # the class's one roster, as nbgrader's set-up reads it

__all__ = ["read_secret", "create_secret", "read_roster", "write_tokens", "main"]


def write_tokens(path: str | Path, tokens: dict[str, str]) -> None:
    """Write ``student,token`` rows to ``path``, readable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", newline="") as out:
        csv.writer(out).writerows([("student", "token"), *sorted(tokens.items())])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.lab.serve", description=__doc__.split("\n")[0])
    defaults = Limits()
    parser.add_argument("--db", required=True, help="SQLite ledger file (created 0600 if missing)")
    parser.add_argument("--secret-file", required=True, help="file holding the instructor secret (created if "
                                                             "missing)")
    parser.add_argument("--roster", required=True, help="student ids, one per line (the file the classroom set-up "
                                                        "gives nbgrader)")
    parser.add_argument("--tokens-out", default="tokens.csv", help="where to write student,token rows")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="server processes sharing the ledger (one per "
                                                               "core; default 1)")
    parser.add_argument("--rate", type=float, default=defaults.rate, help="requests per second per student "
                                                                          f"(default {defaults.rate:g})")
    parser.add_argument("--burst", type=int, default=defaults.burst, help="requests at once per student "
                                                                          f"(default {defaults.burst})")
    parser.add_argument("--fsync", action="store_true", help="make every commit wait for the disk (survives a "
                                                              "power cut; fewer runs per second)")
    args = parser.parse_args(argv)
    limits = Limits(rate=args.rate, burst=args.burst)
    try:
        if create_secret(args.secret_file):
            print(f"created a new secret in {args.secret_file} (keep it: grading needs it)", flush=True)
        secret = read_secret(args.secret_file)
        if os.stat(args.secret_file).st_mode & 0o077:
            print(f"warning: {args.secret_file} is readable by other users; make it private with: chmod 600 "
                  f"{args.secret_file}", file=sys.stderr, flush=True)
        tokens = register_roster(Ledger(args.db, busy_timeout=limits.busy_timeout), secret,
                                 read_roster(args.roster))
        write_tokens(args.tokens_out, tokens)
    except (OSError, sqlite3.Error, LabError, ValueError) as error:
        raise SystemExit(f"cannot start the lab service: {error}. Run it in a folder you can write to, with a "
                         f"roster file of student ids.") from None
    print(f"lab service for {len(tokens)} students on http://{args.host}:{args.port} (ledger {args.db}; tokens "
          f"in {args.tokens_out}); Ctrl-C stops it", flush=True)
    from scalinglaws.course.lab.server import serve

    serve(args.db, args.secret_file, args.host, args.port, workers=args.workers, limits=limits, fsync=args.fsync)
    return 0


if __name__ == "__main__":
    sys.exit(main())
