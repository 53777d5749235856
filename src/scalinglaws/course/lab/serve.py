"""Start the class lab service: ``python -m scalinglaws.course.lab.serve --db lab.sqlite --secret-file secret.txt
--roster roster.txt --tokens-out tokens.csv [--host 127.0.0.1] [--port 8765]``.

Registers every student of the roster (one id per line; idempotent, existing runs are kept), writes
``student,token`` rows to ``--tokens-out`` for the instructor to hand out, and serves until interrupted.
Restarting with the same ``--db`` and secret continues where it stopped. Taught in instructor.md.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from scalinglaws.course.lab.ledger import Ledger
from scalinglaws.course.lab.service import make_server, register_roster

__all__ = ["read_secret", "read_roster", "main"]


def read_secret(path: str | Path) -> bytes:
    """The instructor secret: the file's content, stripped (at least 16 characters)."""
    file = Path(path)
    if not file.exists():
        raise SystemExit(f"no secret file {file}; create one with: python -c \"import secrets; "
                         f"print(secrets.token_hex(32))\" > {file}")
    secret = file.read_bytes().strip()
    if len(secret) < 16:
        raise SystemExit(f"the secret in {file} is too short ({len(secret)} bytes); use at least 16")
    return secret


def read_roster(path: str | Path) -> list[str]:
    """Student ids, one per line (blank lines and lines starting with # ignored)."""
    lines = Path(path).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scalinglaws.course.lab.serve", description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="SQLite ledger file (created if missing)")
    parser.add_argument("--secret-file", required=True, help="file holding the instructor secret")
    parser.add_argument("--roster", required=True, help="student ids, one per line")
    parser.add_argument("--tokens-out", default="tokens.csv", help="where to write student,token rows")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    secret = read_secret(args.secret_file)
    ledger = Ledger(args.db)
    tokens = register_roster(ledger, secret, read_roster(args.roster))
    with open(args.tokens_out, "w", newline="") as out:
        csv.writer(out).writerows([("student", "token"), *tokens.items()])
    server = make_server(ledger, secret, args.host, args.port)
    host, port = server.server_address[:2]
    print(f"lab service for {len(tokens)} students on http://{host}:{port} (ledger {args.db}; tokens in "
          f"{args.tokens_out}); Ctrl-C stops it", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
