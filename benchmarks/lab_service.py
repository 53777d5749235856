"""Benchmark the class lab service: 300 students spending their whole budgets at once, then checking answers.

Starts ``python -m scalinglaws.course.lab.serve --workers N`` as separate processes on a fresh SQLite ledger (WAL
mode, shared by the workers), then runs one client thread per student (a persistent HTTP/1.1 connection each):
every student asks for runs of 1e17 FLOP until the service refuses one for lack of budget, then sends
``--checks`` answers to ``POST /v1/check``. Prints requests per second, latency percentiles, and checks the ledger
afterwards (every budget spent, none exceeded, every check logged).

    .venv/bin/python benchmarks/lab_service.py [--students 300] [--run-flop 1e17] [--workers 2] [--checks 3] [--fsync]
"""
from __future__ import annotations

import argparse
import csv
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np

from scalinglaws.course.lab.ledger import Ledger

RUN = {"n_layer": 12, "d_model": 768, "n_heads": 12, "lr": 2e-3}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the service did not start on port {port}")


CHECKS = [("pl-slope", 0.3), ("pl-slope", -3.0), ("pl-slope", -0.3)]
"""Answers each student sends to POST /v1/check after the campaign (two wrong, climbing the ladder, then right)."""


def _student(port: int, token: str, run_flop: float, checks: int, latencies: dict, counts: dict, lock,
             errors: list) -> None:
    try:
        _campaign(port, token, run_flop, checks, latencies, counts, lock)
    except Exception as error:  # counted and reported: a benchmark must not hide failures
        with lock:
            errors.append(repr(error))


def _campaign(port: int, token: str, run_flop: float, checks: int, latencies: dict, counts: dict, lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    head = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({**RUN, "flop": run_flop})
    runs, answers = [], []
    status = 0
    while status != 409:
        status, seconds = _post(conn, "/v1/runs", body, {**head, "Idempotency-Key": uuid.uuid4().hex})
        runs.append(seconds)
        if status not in (200, 409):
            raise RuntimeError(f"unexpected HTTP {status} for a run")
    for question, answer in (CHECKS * checks)[:checks]:
        status, seconds = _post(conn, "/v1/check", json.dumps({"question": question, "answer": answer}), head)
        answers.append(seconds)
        if status != 200:
            raise RuntimeError(f"unexpected HTTP {status} for a check")
    conn.close()
    with lock:
        latencies["runs"].extend(runs)
        latencies["checks"].extend(answers)
        counts[token] = len(runs)


def _post(conn: http.client.HTTPConnection, path: str, body: str, head: dict) -> tuple[int, float]:
    start = time.perf_counter()
    conn.request("POST", path, body=body, headers=head)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--run-flop", type=float, default=1e17)
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2, one per core)")
    parser.add_argument("--checks", type=int, default=3, help="answers each student checks after the campaign")
    parser.add_argument("--fsync", action="store_true", help="serve with --fsync (every commit waits for the disk)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # serve creates the secret (0600) on its first start, as an instructor's first start does
        (folder / "roster.txt").write_text("\n".join(f"student{i:03d}" for i in range(args.students)))
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "scalinglaws.course.lab.serve", "--db",
                                   str(folder / "lab.sqlite"), "--secret-file", str(folder / "secret.txt"),
                                   "--roster", str(folder / "roster.txt"), "--tokens-out",
                                   str(folder / "tokens.csv"), "--port", str(port), "--workers",
                                   str(args.workers)] + ["--fsync"] * args.fsync, stdout=subprocess.DEVNULL)
        try:
            _wait_for(port)
            with open(folder / "tokens.csv") as f:
                tokens = [row["token"] for row in csv.DictReader(f)]
            _wait_for_workers(port, tokens[0], args.workers)
            latencies, counts, lock, errors = {"runs": [], "checks": []}, {}, threading.Lock(), []
            threads = [threading.Thread(target=_student, args=(port, t, args.run_flop, args.checks, latencies,
                                                               counts, lock, errors))
                       for t in tokens]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait()
        ledger = Ledger(folder / "lab.sqlite")
        students = list(ledger.students().values())
        spent = np.array([ledger.spent(s) for s in students])
        budgets = np.array([ledger.budget(s) for s in students])
        logged = len(ledger.attempts())
        mode = ledger._connection().execute("PRAGMA journal_mode").fetchone()[0]
    if errors:
        print(f"{len(errors)} students failed, e.g. {errors[0]}")
        return 1
    every = latencies["runs"] + latencies["checks"]
    total = len(every)
    print(f"{args.students} students, each spending its budget in runs of {args.run_flop:.0e} FLOP until refused, "
          f"then checking {args.checks} answers; {args.workers} server processes on one ledger ({mode} mode)")
    print(f"  {total} requests ({len(latencies['runs']) - len(counts)} runs + {len(counts)} refusals + "
          f"{len(latencies['checks'])} checks) in {elapsed:.2f} s: {total / elapsed:.0f} requests/s")
    for name, values in [("all", every), ("runs", latencies["runs"]), ("checks", latencies["checks"])]:
        if values:
            ms = 1000 * np.array(values)
            print(f"  latency ms ({name}): median {np.median(ms):.1f}, 90% {np.percentile(ms, 90):.1f}, "
                  f"99% {np.percentile(ms, 99):.1f}")
    print(f"  ledger: {int((spent <= budgets).sum())}/{len(students)} within budget, "
          f"largest remainder {int((budgets - spent).max()):.3e} FLOP (less than one run); "
          f"{logged} checks logged")
    return 0


def _wait_for_workers(port: int, token: str, workers: int, timeout: float = 60.0) -> None:
    """Wait until every worker answers (each accepts connections only once its app is loaded)."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 4 * workers and time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/v1/health")
            conn.getresponse().read()
            answered += 1
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()


if __name__ == "__main__":
    sys.exit(main())
