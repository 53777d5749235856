"""The budget ledger: students and tokens, every run, prediction and checked answer in SQLite; a run is paid for
inside one transaction.

``spend`` opens ``BEGIN IMMEDIATE`` (the write lock), sums what the student has spent, refuses the run with
:class:`BudgetExceeded` if it does not fit, else records it, and commits: two requests can never both spend the
last FLOP, across threads, processes or restarts. FLOP are stored as exact integers. The same class backs the
self-study lab (a private in-memory database) and the class service (a file). Taught in chapters/08_lab.ipynb.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from scalinglaws.course.lab.world import RunSpec

__all__ = ["LabError", "BudgetExceeded", "LedgerBusy", "IdempotencyConflict", "RunRecord", "Prediction", "Attempt",
           "Ledger", "MAX_RUNS", "BUSY_TIMEOUT"]

MAX_RUNS = 2000
"""Most runs one student may log (bounds the ledger and the grading work; a good campaign needs about 50)."""

BUSY_TIMEOUT = 5.0
"""Seconds a write waits for the ledger's write lock (held by another process, or an open ``sqlite3`` shell)
before it is refused with :class:`LedgerBusy`."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY, token_sha256 TEXT UNIQUE NOT NULL, budget_flop INTEGER NOT NULL,
    token_generation INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, student TEXT NOT NULL REFERENCES students(student),
    n_layer INTEGER NOT NULL, d_model INTEGER NOT NULL, n_heads INTEGER NOT NULL, tokens INTEGER NOT NULL,
    lr REAL NOT NULL, params INTEGER NOT NULL, flop INTEGER NOT NULL, loss REAL NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), request_key TEXT);
CREATE INDEX IF NOT EXISTS runs_by_student ON runs(student);
CREATE TABLE IF NOT EXISTS predictions (
    student TEXT PRIMARY KEY REFERENCES students(student), n_opt REAL NOT NULL, loss REAL NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), request_key TEXT);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, student TEXT NOT NULL REFERENCES students(student),
    question TEXT NOT NULL, status TEXT NOT NULL, answer TEXT NOT NULL, line TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE INDEX IF NOT EXISTS attempts_by_student ON attempts(student, question);
"""

_ADDED_COLUMNS = {  # columns later versions added: (table, column) -> definition; added to older ledgers on open
    ("students", "token_generation"): "INTEGER NOT NULL DEFAULT 0",
    ("students", "revoked"): "INTEGER NOT NULL DEFAULT 0",
    ("runs", "request_key"): "TEXT",
    ("predictions", "request_key"): "TEXT",
}
_AFTER_COLUMNS = ("CREATE UNIQUE INDEX IF NOT EXISTS runs_by_request ON runs(student, request_key) "
                  "WHERE request_key IS NOT NULL")


class LabError(Exception):
    """A request the lab refuses; ``status`` is the HTTP status the service answers with."""

    status = 400
    code = "bad_request"


class LedgerBusy(LabError):
    """The ledger's write lock stayed taken for longer than the busy timeout; nothing was written."""

    status = 503
    code = "busy"


class IdempotencyConflict(LabError):
    """An idempotency key was sent again with a different request."""

    status = 422
    code = "idempotency_key_reused"


class BudgetExceeded(LabError):
    """The run would take the student over budget; ``remaining`` FLOP are left."""

    status = 409
    code = "budget_exceeded"

    def __init__(self, cost: int, remaining: int, budget: int):
        self.cost, self.remaining, self.budget = int(cost), int(remaining), int(budget)
        super().__init__(f"this run costs {self.cost:.3e} FLOP but only {self.remaining:.3e} of your "
                         f"{self.budget:.3e} FLOP are left; choose a cheaper run (fewer tokens or a smaller shape)")


@dataclass(frozen=True)
class RunRecord:
    """One logged run: its number (1, 2, ...), spec, parameters, FLOP charged and final loss (nats/token)."""

    index: int
    n_layer: int
    d_model: int
    n_heads: int
    tokens: int
    lr: float
    params: int
    flop: int
    loss: float

    @property
    def spec(self) -> RunSpec:
        return RunSpec(self.n_layer, self.d_model, self.n_heads, self.tokens, self.lr)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Prediction:
    """A submitted prediction at the target budget: N_opt in parameters, loss in nats/token."""

    N_opt: float
    loss: float


@dataclass(frozen=True)
class Attempt:
    """One answer checked by the service: who, when (UTC, ISO 8601), which question, the verdict and line."""

    student: str
    created: str
    question: str
    status: str
    answer: str
    line: str


class Ledger:
    """Students, their tokens and budgets, runs, predictions and checked answers in SQLite.

    ``path`` is a file (created 0600, WAL mode, shared safely by several processes) or ``":memory:"``.
    ``busy_timeout`` (seconds) bounds how long a write waits for the write lock before :class:`LedgerBusy`;
    ``fsync`` makes every commit wait for the disk (survives a power cut, not only a killed process).
    """

    def __init__(self, path: str | Path = ":memory:", busy_timeout: float = BUSY_TIMEOUT, fsync: bool = False):
        self.path = str(path)
        self.busy_timeout = float(busy_timeout)
        self.fsync = bool(fsync)
        self._memory = self.path == ":memory:"
        self._lock = threading.Lock()
        if not self._memory and not os.path.exists(self.path):
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))  # SQLite's -wal/-shm files copy it
        self._shared = (sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
                        if self._memory else None)
        self._local = threading.local()
        db = self._connection()
        if not self._memory:
            db.execute("PRAGMA journal_mode=WAL")
        with self._write() as db:  # one transaction: processes opening the same file at once agree
            if db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0:
                for statement in _SCHEMA.split(";")[:-1]:  # a new ledger
                    db.execute(statement)
            else:  # an existing ledger, perhaps from an earlier version
                for (table, column), definition in _ADDED_COLUMNS.items():
                    if column not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
                for statement in _SCHEMA.split(";")[:-1]:
                    db.execute(statement)
            db.execute(_AFTER_COLUMNS)

    # --- connections ----------------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._memory:
            return self._shared
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            # WAL with synchronous=NORMAL: a commit survives the server process being killed (the kill tests);
            # only a power cut or kernel crash can lose the last commits. fsync=True (FULL) survives those too, at
            # the disk's rate of flushes (benchmarks/lab_service.py --fsync; instructor.md).
            db.execute(f"PRAGMA synchronous={'FULL' if self.fsync else 'NORMAL'}")
            self._local.db = db
        return db

    def _write(self) -> "_Transaction":
        # Writers of this process queue on a lock before BEGIN IMMEDIATE: SQLite's busy handler would otherwise
        # make them poll with sleeps (up to seconds when the lock holder is descheduled). The transaction still
        # guards against writers in other processes.
        return _Transaction(self._connection(), self._lock, self.busy_timeout)

    # --- students and tokens --------------------------------------------------------------------------
    def add_student(self, student: str, token_sha256: str, budget_flop: int) -> bool:
        """Register a student with a token digest; True if new. An existing student keeps their runs, token
        and revocation (see :meth:`set_token`, :meth:`revoke`); only the budget is updated."""
        if not isinstance(budget_flop, int) or isinstance(budget_flop, bool) or budget_flop < 1:
            raise ValueError(f"budget_flop must be a whole number of FLOP >= 1; got {budget_flop!r}")
        with self._write() as db:
            new = db.execute("SELECT 1 FROM students WHERE student = ?", (student,)).fetchone() is None
            db.execute("INSERT INTO students (student, token_sha256, budget_flop) VALUES (?, ?, ?) "
                       "ON CONFLICT(student) DO UPDATE SET budget_flop = excluded.budget_flop",
                       (student, token_sha256, int(budget_flop)))
        return new

    def set_token(self, student: str, token_sha256: str, generation: int) -> None:
        """Give a registered student a new token (digest and generation); lifts a revocation."""
        with self._write() as db:
            changed = db.execute("UPDATE students SET token_sha256 = ?, token_generation = ?, revoked = 0 "
                                 "WHERE student = ?", (token_sha256, int(generation), student)).rowcount
        if not changed:
            raise LabError(f"unknown student {student!r}")

    def revoke(self, student: str) -> None:
        """Refuse the student's token from now on, in every process sharing this ledger (runs are kept)."""
        with self._write() as db:
            changed = db.execute("UPDATE students SET revoked = 1 WHERE student = ?", (student,)).rowcount
        if not changed:
            raise LabError(f"unknown student {student!r}")

    def student_for(self, token_sha256: str) -> str | None:
        """The student holding the token with this digest, or None (unknown or revoked)."""
        rows = self._read("SELECT student FROM students WHERE token_sha256 = ? AND revoked = 0", (token_sha256,))
        return rows[0][0] if rows else None

    def roster(self) -> list[tuple[str, int, bool]]:
        """(student, token generation, revoked) for every registered student, in name order."""
        rows = self._read("SELECT student, token_generation, revoked FROM students ORDER BY student")
        return [(student, int(generation), bool(revoked)) for student, generation, revoked in rows]

    def students(self) -> dict[str, str]:
        """token_sha256 -> student, for every registered student (revoked ones included)."""
        rows = self._read("SELECT token_sha256, student FROM students")
        return dict(rows)

    def budget(self, student: str) -> int:
        """The student's budget in FLOP."""
        rows = self._read("SELECT budget_flop FROM students WHERE student = ?", (student,))
        if not rows:
            raise LabError(f"unknown student {student!r}")
        return int(rows[0][0])

    def remaining(self, student: str) -> int:
        """FLOP the student has left (budget minus spent), in one query."""
        rows = self._read("SELECT budget_flop - (SELECT COALESCE(SUM(flop), 0) FROM runs WHERE student = ?) "
                          "FROM students WHERE student = ?", (student, student))
        if not rows:
            raise LabError(f"unknown student {student!r}")
        return int(rows[0][0])

    def spent(self, student: str) -> int:
        """FLOP the student has spent so far."""
        return int(self._read("SELECT COALESCE(SUM(flop), 0) FROM runs WHERE student = ?", (student,))[0][0])

    # --- runs -----------------------------------------------------------------------------------------
    def spend(self, student: str, spec: RunSpec, loss: float, request_key: str | None = None) -> RunRecord:
        """Charge ``spec.flop`` and log the run in one transaction; BudgetExceeded if it does not fit.

        With ``request_key``, a second call with the same key returns the first call's record and charges
        nothing (the same key with a different run raises :class:`IdempotencyConflict`).
        """
        return self.charge(student, spec, loss, request_key)[0]

    def charge(self, student: str, spec: RunSpec, loss: float,
               request_key: str | None = None) -> tuple[RunRecord, int]:
        """:meth:`spend`, returning also the FLOP left afterwards (read in the same transaction)."""
        with self._write() as db:
            row = db.execute("SELECT budget_flop FROM students WHERE student = ?", (student,)).fetchone()
            if row is None:
                raise LabError(f"unknown student {student!r}")
            spent, count = db.execute("SELECT COALESCE(SUM(flop), 0), COUNT(*) FROM runs WHERE student = ?",
                                      (student,)).fetchone()
            if request_key is not None:
                done = self._replayed_run(db, student, request_key)
                if done is not None:
                    if done.spec != spec:
                        raise IdempotencyConflict(f"the idempotency key {request_key!r} was used for another run "
                                                  "(send a new key for a new run)")
                    return done, row[0] - spent
            if spent + spec.flop > row[0]:
                raise BudgetExceeded(spec.flop, row[0] - spent, row[0])
            if count >= MAX_RUNS:
                error = LabError(f"you have logged {count} runs, the most the lab allows ({MAX_RUNS})")
                error.status, error.code = 409, "run_limit"
                raise error
            db.execute("INSERT INTO runs (student, n_layer, d_model, n_heads, tokens, lr, params, flop, loss, "
                       "request_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (student, spec.n_layer, spec.d_model, spec.n_heads, spec.tokens, spec.lr, spec.params,
                        spec.flop, float(loss), request_key))
        record = RunRecord(count + 1, spec.n_layer, spec.d_model, spec.n_heads, spec.tokens, spec.lr, spec.params,
                           spec.flop, float(loss))
        return record, row[0] - spent - spec.flop

    @staticmethod
    def _replayed_run(db: sqlite3.Connection, student: str, request_key: str) -> RunRecord | None:
        row = db.execute("SELECT id, n_layer, d_model, n_heads, tokens, lr, params, flop, loss FROM runs "
                         "WHERE student = ? AND request_key = ?", (student, request_key)).fetchone()
        if row is None:
            return None
        index = db.execute("SELECT COUNT(*) FROM runs WHERE student = ? AND id <= ?", (student, row[0])).fetchone()
        return RunRecord(index[0], *row[1:])

    def runs(self, student: str) -> list[RunRecord]:
        """The student's runs, oldest first."""
        rows = self._read("SELECT n_layer, d_model, n_heads, tokens, lr, params, flop, loss FROM runs "
                          "WHERE student = ? ORDER BY id", (student,))
        return [RunRecord(i + 1, *row) for i, row in enumerate(rows)]

    # --- predictions ----------------------------------------------------------------------------------
    def submit(self, student: str, prediction: Prediction, request_key: str | None = None) -> None:
        """Store the student's prediction (a later one replaces an earlier one; a retry with the request key
        of the stored prediction changes nothing)."""
        with self._write() as db:
            if request_key is not None:
                row = db.execute("SELECT n_opt, loss FROM predictions WHERE student = ? AND request_key = ?",
                                 (student, request_key)).fetchone()
                if row is not None:
                    if Prediction(*row) != prediction:
                        raise IdempotencyConflict(f"the idempotency key {request_key!r} was used for another "
                                                  "prediction (send a new key for a new prediction)")
                    return
            db.execute("INSERT INTO predictions (student, n_opt, loss, request_key) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(student) DO UPDATE SET n_opt = excluded.n_opt, loss = excluded.loss, "
                       "created = excluded.created, request_key = excluded.request_key",
                       (student, float(prediction.N_opt), float(prediction.loss), request_key))

    def prediction(self, student: str) -> Prediction | None:
        """The student's latest prediction, or None."""
        rows = self._read("SELECT n_opt, loss FROM predictions WHERE student = ?", (student,))
        return Prediction(*rows[0]) if rows else None

    # --- checked answers ------------------------------------------------------------------------------
    def misses(self, student: str, question: str) -> int:
        """Wrong answers the student has sent for ``question`` (their position on its hint ladder)."""
        rows = self._read("SELECT COUNT(*) FROM attempts WHERE student = ? AND question = ? AND status = 'wrong'",
                          (student, question))
        return int(rows[0][0])

    def log_attempt(self, student: str, question: str, status: str, answer: str, line: str) -> None:
        """Record one checked answer (the answer as sent, JSON text; the verdict and the line shown)."""
        with self._write() as db:
            db.execute("INSERT INTO attempts (student, question, status, answer, line) VALUES (?, ?, ?, ?, ?)",
                       (student, question, status, answer, line))

    def attempts(self) -> list[Attempt]:
        """Every checked answer, oldest first."""
        rows = self._read("SELECT student, created, question, status, answer, line FROM attempts ORDER BY id")
        return [Attempt(*row) for row in rows]

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self._memory:
            with self._lock:
                return self._shared.execute(sql, args).fetchall()
        return self._connection().execute(sql, args).fetchall()

    def close(self) -> None:
        """Close this thread's connection (other threads' close when they end)."""
        db = self._shared if self._memory else getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


class _Transaction:
    """``with``: BEGIN IMMEDIATE (take the write lock now), COMMIT on success, ROLLBACK on any exception.

    Every path releases both locks: if the write lock cannot be had within ``timeout`` seconds (the in-process
    lock or SQLite's), :class:`LedgerBusy` is raised with nothing held.
    """

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, timeout: float):
        self.db, self.lock, self.timeout = db, lock, timeout

    def __enter__(self) -> sqlite3.Connection:
        deadline = time.monotonic() + self.timeout
        if not self.lock.acquire(timeout=self.timeout):
            raise LedgerBusy(_BUSY_MESSAGE)
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self._begin(deadline)
        except BaseException:
            self.lock.release()
            raise
        return self.db

    def _begin(self, deadline: float) -> None:
        """BEGIN IMMEDIATE, retried every :data:`RETRY_PAUSE` seconds while another process holds the write lock.

        SQLite's own busy handler backs off in steps of up to 100 ms, so a writer of the other server process
        often slept long after the lock was free (the 300-student benchmark's slowest requests); polling in short
        steps hands the lock over within a fraction of a millisecond.
        """
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    if not ("locked" in str(error) or "busy" in str(error)):
                        raise
                    if time.monotonic() >= deadline:
                        raise LedgerBusy(_BUSY_MESSAGE) from None
                    time.sleep(RETRY_PAUSE)
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")

    def __exit__(self, kind, value, tb):
        try:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        except sqlite3.OperationalError as error:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if "locked" in str(error) or "busy" in str(error):
                raise LedgerBusy(_BUSY_MESSAGE) from None
            raise
        finally:
            self.lock.release()
        return False


RETRY_PAUSE = 0.0005
"""Seconds between a writer's attempts at the write lock while another process holds it."""

_BUSY_MESSAGE = ("the lab's ledger is busy (its write lock is held elsewhere); nothing was changed: try again in "
                 "a moment")
