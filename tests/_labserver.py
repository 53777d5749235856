"""The class lab service as tests run it: real uvicorn on 127.0.0.1 (in a thread, or the documented command in
a process), real HTTP from http.client or a raw socket."""
from __future__ import annotations

import csv
import http.client
import json
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from scalinglaws.course.lab.ledger import Ledger
from scalinglaws.course.lab.server import make_server, run_in_thread
from scalinglaws.course.lab.service import register_roster
from scalinglaws.course.lab.web import Limits

SECRET = b"test-secret-0123456789"
GENEROUS = Limits(rate=10_000, burst=10_000, header_timeout=2, body_timeout=2)
"""Limits for tests that are not about limits: no rate limit in the way; the documented busy timeout, so a race
on a machine busy with the rest of the suite is decided by the ledger, not cut short by a 503."""

SHORT_BUSY = replace(GENEROUS, busy_timeout=0.3)
"""For the tests that hold the write lock on purpose: a busy ledger answers 503 after 0.3 s."""


class LabServer:
    """The lab app under uvicorn in a thread, over the ledger file ``db``; new students can join at any time."""

    def __init__(self, db, limits: Limits = GENEROUS, secret: bytes = SECRET):
        self.ledger = Ledger(db, busy_timeout=limits.busy_timeout)
        self.secret = secret
        self.server = make_server(self.ledger, secret, limits)
        self.thread, self.port = run_in_thread(self.server)
        self.url = f"http://127.0.0.1:{self.port}"

    def enrol(self, *students, budget=None) -> dict[str, str]:
        kwargs = {} if budget is None else {"budget_flop": budget}
        tokens = register_roster(self.ledger, self.secret, students, **kwargs)
        return {s: tokens[s] for s in students}

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)

    def request(self, method, path, body=None, token=None, raw=None, headers=None, timeout=30):
        """(status, JSON payload, headers) over a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        head = {"Content-Type": "application/json", **(headers or {})}
        if token:
            head["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=data, headers=head)
        response = conn.getresponse()
        text = response.read()
        conn.close()
        return response.status, json.loads(text), dict(response.getheaders())

    def raw(self, data: bytes, timeout=10) -> bytes:
        """Send bytes on a new connection; everything the server answers until it closes or goes quiet."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            return read_all(sock)


def read_all(sock: socket.socket, quiet: float = 0.5) -> bytes:
    """Bytes until the peer closes, or nothing arrives for ``quiet`` seconds after something has."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        chunks.append(chunk)
        sock.settimeout(quiet)
    return b"".join(chunks)


def responses(data: bytes) -> list[tuple[int, dict]]:
    """(status, JSON body) of each HTTP response in ``data`` (Content-Length framed)."""
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(fields["content-length"])
        out.append((int(lines[0].split()[1]), json.loads(rest[:length])))
        data = rest[length:]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(folder: Path, port: int, *extra: str) -> subprocess.Popen:
    """``python -m scalinglaws.course.lab.serve`` on ``folder``'s lab.sqlite, secret.txt and roster.txt."""
    process = subprocess.Popen(
        [sys.executable, "-m", "scalinglaws.course.lab.serve", "--db", str(folder / "lab.sqlite"),
         "--secret-file", str(folder / "secret.txt"), "--roster", str(folder / "roster.txt"),
         "--tokens-out", str(folder / "tokens.csv"), "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read())
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the service did not start")


def tokens_of(path: Path) -> dict[str, str]:
    with open(path) as f:
        return {row["student"]: row["token"] for row in csv.DictReader(f)}
