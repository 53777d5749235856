"""Running the class lab: a held write lock, lost answers, roster changes across server processes, private files."""
import os
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scalinglaws.course.classroom import PRIVATE_FILES, ignore_private_files
from scalinglaws.course.lab import roster
from scalinglaws.course.lab.client import AuthError, RemoteLab
from scalinglaws.course.lab.ledger import Ledger
from scalinglaws.course.lab.serve import read_roster, read_secret
from scalinglaws.course.lab.service import register_roster
from scalinglaws.course.lab.world import RunSpec

from _labserver import SHORT_BUSY, LabServer, free_port, read_all, responses, start_serve, tokens_of

RUN = dict(n_layer=4, d_model=256, n_heads=4, lr=3e-3, tokens=1_000_000)
COST = RunSpec.make(**RUN).flop


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("ops") / "lab.sqlite", limits=SHORT_BUSY)
    yield server
    server.stop()


def test_a_write_lock_held_outside_gets_503_and_the_next_write_succeeds_once_released(lab):
    token = lab.enrol("lee")["lee"]
    outside = sqlite3.connect(lab.ledger.path, isolation_level=None)  # as an open `sqlite3 lab.sqlite` would
    outside.execute("BEGIN IMMEDIATE")
    try:
        for path, body in [("/v1/runs", RUN), ("/v1/prediction", {"N_opt": 1e8, "loss": 3.0}), ("/v1/runs", RUN)]:
            status, payload, headers = lab.request("POST", path, body, token)
            assert (status, payload["error"]) == (503, "busy") and int(headers["retry-after"]) >= 1
        assert lab.request("GET", "/v1/me", token=token)[0] == 200  # reads go on (WAL)
    finally:
        outside.execute("ROLLBACK")
        outside.close()
    start = time.monotonic()
    status, payload, _ = lab.request("POST", "/v1/runs", RUN, token, timeout=10)
    assert status == 200 and payload["run"]["index"] == 1
    assert time.monotonic() - start < 1.0  # the in-process lock was released on every refused path
    assert lab.ledger.spent("lee") == COST and lab.ledger.prediction("lee") is None


def test_a_run_whose_answer_was_lost_is_answered_again_and_charged_once(lab):
    token = lab.enrol("ida")["ida"]
    body = b'{"n_layer": 4, "d_model": 256, "n_heads": 4, "lr": 0.003, "tokens": 1000000}'
    request = (f"POST /v1/runs HTTP/1.1\r\nHost: lab\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: run-1\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", lab.port)) as sock:
        sock.sendall(request)
        deadline = time.monotonic() + 10
        while not lab.ledger.runs("ida") and time.monotonic() < deadline:  # committed ...
            time.sleep(0.01)
    # ... and the connection cut before the answer was read
    with socket.create_connection(("127.0.0.1", lab.port), timeout=10) as sock:
        sock.sendall(request)
        [(status, payload)] = responses(read_all(sock))
    assert status == 200 and payload["run"]["index"] == 1
    assert payload["run"]["loss"] == lab.ledger.runs("ida")[0].loss
    assert lab.ledger.spent("ida") == COST and len(lab.ledger.runs("ida")) == 1
    other = lab.request("POST", "/v1/runs", {**RUN, "tokens": 2_000_000}, token, headers={"Idempotency-Key": "run-1"})
    assert (other[0], other[1]["error"]) == (422, "idempotency_key_reused")
    assert lab.ledger.spent("ida") == COST


class _DropFirstAnswer:
    """A TCP relay to the lab that forwards the first request but cuts the connection instead of its answer."""

    def __init__(self, port):
        self.port, self.dropped = port, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        with client, socket.create_connection(("127.0.0.1", self.port)) as upstream:
            client.settimeout(0.3)
            request = read_all(client, quiet=0.3)
            upstream.sendall(request)
            upstream.settimeout(10)
            answer = upstream.recv(65536)
            if b"POST /v1/runs" in request and not self.dropped:
                self.dropped += 1
                return  # the run is committed; its answer is lost
            client.sendall(answer)


def test_the_client_retries_a_lost_answer_with_the_same_key_and_pays_once(lab):
    token = lab.enrol("kim")["kim"]
    relay = _DropFirstAnswer(lab.port)
    student = RemoteLab(relay.url, token)
    record = student.run(**RUN)
    assert relay.dropped == 1 and record.index == 1
    assert lab.ledger.spent("kim") == COST and len(lab.ledger.runs("kim")) == 1


def test_a_retried_prediction_is_stored_once(lab):
    token = lab.enrol("liv")["liv"]
    for _ in range(2):
        status, payload, _ = lab.request("POST", "/v1/prediction", {"N_opt": 2e8, "loss": 3.0}, token,
                                         headers={"Idempotency-Key": "p-1"})
        assert status == 200
    status, payload, _ = lab.request("POST", "/v1/prediction", {"N_opt": 3e8, "loss": 3.0}, token,
                                     headers={"Idempotency-Key": "p-1"})
    assert (status, payload["error"]) == (422, "idempotency_key_reused")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "roster.txt").write_text("ann\nben\n")
    return tmp_path


def _me(port, token):
    try:
        return RemoteLab(f"http://127.0.0.1:{port}", token, retries=0).student
    except AuthError:
        return None


def test_roster_changes_hold_at_once_on_every_server_process_sharing_the_ledger(folder):
    ports = [free_port(), free_port()]
    servers = [start_serve(folder, ports[0])]  # the first creates the secret, the second finds it
    servers.append(start_serve(folder, ports[1]))
    try:
        secret, ledger = folder / "secret.txt", folder / "lab.sqlite"
        tokens = tokens_of(folder / "tokens.csv")
        assert [_me(port, tokens["ann"]) for port in ports] == ["ann", "ann"]

        command = ["--db", str(ledger), "--secret-file", str(secret), "--tokens-out", str(folder / "tokens.csv")]
        assert roster.main(command + ["add", "cat"]) == 0
        assert [_me(port, tokens_of(folder / "tokens.csv")["cat"]) for port in ports] == ["cat", "cat"]

        assert roster.main(command + ["revoke", "ann"]) == 0
        assert [_me(port, tokens["ann"]) for port in ports] == [None, None]
        assert "ann" not in tokens_of(folder / "tokens.csv")

        assert roster.main(command + ["reissue", "ben"]) == 0
        new = tokens_of(folder / "tokens.csv")["ben"]
        assert new != tokens["ben"]
        assert [_me(port, new) for port in ports] == ["ben", "ben"]
        assert [_me(port, tokens["ben"]) for port in ports] == [None, None]
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    # a restart registers the roster again (as serve does on start) but keeps the revocation and the new token
    again = register_roster(Ledger(ledger), read_secret(secret), read_roster(folder / "roster.txt"))
    assert again == {"ben": new, "cat": tokens_of(folder / "tokens.csv")["cat"]}
    for name in ["secret.txt", "tokens.csv", "lab.sqlite"]:
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600, name


def test_the_classroom_set_up_ignores_the_labs_private_files(tmp_path):
    (tmp_path / ".gitignore").write_text("*.pyc\n")
    ignore_private_files(tmp_path)
    ignore_private_files(tmp_path)  # idempotent
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[0] == "*.pyc" and {"lab-secret.txt", "tokens.csv", "lab.sqlite"} <= set(lines)
    assert all(lines.count(name) == 1 for name in PRIVATE_FILES)
    solutions = Path(__file__).parent.parent / "solutions"
    from scalinglaws.course.classroom import init_course

    init_course(tmp_path / "course", solutions, ["08_lab"])
    assert set(PRIVATE_FILES) <= set((tmp_path / "course" / ".gitignore").read_text().splitlines())


def test_starting_where_the_ledger_cannot_be_written_says_so_in_one_line(folder):
    result = subprocess.run([sys.executable, "-m", "scalinglaws.course.lab.serve", "--db", "/proc/lab.sqlite",
                             "--secret-file", str(folder / "secret.txt"), "--roster", str(folder / "roster.txt"),
                             "--tokens-out", str(folder / "tokens.csv")], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("cannot start the lab service:") and len(result.stderr.splitlines()) == 1


def test_a_ledger_from_the_earlier_version_opens_with_its_runs_and_gains_the_new_columns(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # the schema the first class service wrote
        db.executescript("""
            CREATE TABLE students (student TEXT PRIMARY KEY, token_sha256 TEXT UNIQUE NOT NULL,
                                   budget_flop INTEGER NOT NULL);
            CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, student TEXT NOT NULL, n_layer INTEGER NOT NULL,
                               d_model INTEGER NOT NULL, n_heads INTEGER NOT NULL, tokens INTEGER NOT NULL,
                               lr REAL NOT NULL, params INTEGER NOT NULL, flop INTEGER NOT NULL, loss REAL NOT NULL,
                               created TEXT NOT NULL DEFAULT '2026-01-01');
            CREATE TABLE predictions (student TEXT PRIMARY KEY, n_opt REAL NOT NULL, loss REAL NOT NULL,
                                      created TEXT NOT NULL DEFAULT '2026-01-01');""")
        db.execute("INSERT INTO students VALUES ('amy', 'digest', ?)", (10 * COST,))
        db.execute("INSERT INTO runs (student, n_layer, d_model, n_heads, tokens, lr, params, flop, loss) "
                   "VALUES ('amy', 4, 256, 4, 1000000, 0.003, 3145728, ?, 3.5)", (COST,))
    ledger = Ledger(path)
    assert ledger.student_for("digest") == "amy" and ledger.spent("amy") == COST
    assert ledger.spend("amy", RunSpec.make(**RUN), 3.4, request_key="k").index == 2
    assert ledger.spend("amy", RunSpec.make(**RUN), 3.4, request_key="k").index == 2 and ledger.spent("amy") == 2 * COST
    ledger.revoke("amy")
    assert ledger.student_for("digest") is None
