"""Benchmark the class lab service: 300 students spending their whole budgets at once. Prints figures.

Starts ``python -m scalinglaws.course.lab.serve`` as a separate process on a fresh SQLite ledger, then runs one
client thread per student (a persistent HTTP/1.1 connection each): every student asks for runs of 1e17 FLOP until
the service refuses one for lack of budget. Prints requests per second, latency percentiles, and checks the
ledger afterwards (every budget spent, none exceeded).

    .venv/bin/python benchmarks/lab_service.py [--students 300] [--run-flop 1e17]
"""
from __future__ import annotations

import argparse
import csv
import http.client
import json
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
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


def _student(port: int, token: str, run_flop: float, latencies: list, counts: dict, lock, errors: list) -> None:
    try:
        _spend_all(port, token, run_flop, latencies, counts, lock)
    except Exception as error:  # counted and reported: a benchmark must not hide failures
        with lock:
            errors.append(repr(error))


def _spend_all(port: int, token: str, run_flop: float, latencies: list, counts: dict, lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    head = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps({**RUN, "flop": run_flop})
    mine = []
    status = 0
    while status != 409:
        start = time.perf_counter()
        conn.request("POST", "/v1/runs", body=body, headers=head)
        response = conn.getresponse()
        response.read()
        mine.append(time.perf_counter() - start)
        status = response.status
        if status not in (200, 409):
            raise RuntimeError(f"unexpected HTTP {status}")
    conn.close()
    with lock:
        latencies.extend(mine)
        counts[token] = len(mine)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--run-flop", type=float, default=1e17)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "secret.txt").write_text(secrets.token_hex(32))
        (folder / "roster.txt").write_text("\n".join(f"student{i:03d}" for i in range(args.students)))
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "scalinglaws.course.lab.serve", "--db",
                                   str(folder / "lab.sqlite"), "--secret-file", str(folder / "secret.txt"),
                                   "--roster", str(folder / "roster.txt"), "--tokens-out",
                                   str(folder / "tokens.csv"), "--port", str(port)], stdout=subprocess.DEVNULL)
        try:
            _wait_for(port)
            with open(folder / "tokens.csv") as f:
                tokens = [row["token"] for row in csv.DictReader(f)]
            latencies, counts, lock, errors = [], {}, threading.Lock(), []
            threads = [threading.Thread(target=_student, args=(port, t, args.run_flop, latencies, counts, lock,
                                                               errors))
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
    if errors:
        print(f"{len(errors)} students failed, e.g. {errors[0]}")
        return 1
    total = len(latencies)
    ms = 1000 * np.array(latencies)
    print(f"{args.students} students, each spending its budget in runs of {args.run_flop:.0e} FLOP until refused")
    print(f"  {total} requests ({total - len(counts)} runs + {len(counts)} refusals) in {elapsed:.2f} s: "
          f"{total / elapsed:.0f} requests/s")
    print(f"  latency ms: median {np.median(ms):.1f}, 90% {np.percentile(ms, 90):.1f}, 99% {np.percentile(ms, 99):.1f}")
    print(f"  ledger: {int((spent <= budgets).sum())}/{len(students)} within budget, "
          f"largest remainder {int((budgets - spent).max()):.3e} FLOP (less than one run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
