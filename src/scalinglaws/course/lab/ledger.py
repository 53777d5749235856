"""The budget ledger: every run and prediction in SQLite; a run is paid for inside one transaction.

``spend`` opens ``BEGIN IMMEDIATE`` (the write lock), sums what the student has spent, refuses the run with
:class:`BudgetExceeded` if it does not fit, else records it, and commits: two requests can never both spend the
last FLOP, across threads, processes or restarts. FLOP are stored as exact integers. The same class backs the
self-study lab (a private in-memory database) and the class service (a file). Taught in chapters/08_lab.ipynb.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from scalinglaws.course.lab.world import RunSpec

__all__ = ["LabError", "BudgetExceeded", "RunRecord", "Prediction", "Ledger", "MAX_RUNS"]

MAX_RUNS = 2000
"""Most runs one student may log (bounds the ledger and the grading work; a good campaign needs about 50)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY, token_sha256 TEXT UNIQUE NOT NULL, budget_flop INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, student TEXT NOT NULL REFERENCES students(student),
    n_layer INTEGER NOT NULL, d_model INTEGER NOT NULL, n_heads INTEGER NOT NULL, tokens INTEGER NOT NULL,
    lr REAL NOT NULL, params INTEGER NOT NULL, flop INTEGER NOT NULL, loss REAL NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE INDEX IF NOT EXISTS runs_by_student ON runs(student);
CREATE TABLE IF NOT EXISTS predictions (
    student TEXT PRIMARY KEY REFERENCES students(student), n_opt REAL NOT NULL, loss REAL NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
"""


class LabError(Exception):
    """A request the lab refuses; ``status`` is the HTTP status the service answers with."""

    status = 400
    code = "bad_request"


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


class Ledger:
    """Students, their budgets, runs and predictions in SQLite (``path`` a file, or ``":memory:"``)."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        self._memory = self.path == ":memory:"
        self._lock = threading.Lock()
        self._shared = (sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
                        if self._memory else None)
        self._local = threading.local()
        db = self._connection()
        if not self._memory:
            db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)

    # --- connections ----------------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._memory:
            return self._shared
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA synchronous=FULL")
            self._local.db = db
        return db

    def _write(self):
        # Writers of this process queue on a lock before BEGIN IMMEDIATE: SQLite's busy handler would otherwise
        # make them poll with sleeps (up to seconds when the lock holder is descheduled). The transaction still
        # guards against writers in other processes.
        return _Transaction(self._connection(), self._lock)

    # --- students -------------------------------------------------------------------------------------
    def add_student(self, student: str, token_sha256: str, budget_flop: int) -> None:
        """Register a student (idempotent: an existing student keeps their runs; token and budget are updated)."""
        if not isinstance(budget_flop, int) or isinstance(budget_flop, bool) or budget_flop < 1:
            raise ValueError(f"budget_flop must be a whole number of FLOP >= 1; got {budget_flop!r}")
        with self._write() as db:
            db.execute("INSERT INTO students VALUES (?, ?, ?) ON CONFLICT(student) DO UPDATE SET "
                       "token_sha256 = excluded.token_sha256, budget_flop = excluded.budget_flop",
                       (student, token_sha256, int(budget_flop)))

    def students(self) -> dict[str, str]:
        """token_sha256 -> student, for every registered student."""
        rows = self._read("SELECT token_sha256, student FROM students")
        return dict(rows)

    def budget(self, student: str) -> int:
        """The student's budget in FLOP."""
        rows = self._read("SELECT budget_flop FROM students WHERE student = ?", (student,))
        if not rows:
            raise LabError(f"unknown student {student!r}")
        return int(rows[0][0])

    def spent(self, student: str) -> int:
        """FLOP the student has spent so far."""
        return int(self._read("SELECT COALESCE(SUM(flop), 0) FROM runs WHERE student = ?", (student,))[0][0])

    # --- runs -----------------------------------------------------------------------------------------
    def spend(self, student: str, spec: RunSpec, loss: float) -> RunRecord:
        """Charge ``spec.flop`` and log the run in one transaction; BudgetExceeded if it does not fit."""
        with self._write() as db:
            row = db.execute("SELECT budget_flop FROM students WHERE student = ?", (student,)).fetchone()
            if row is None:
                raise LabError(f"unknown student {student!r}")
            spent, count = db.execute("SELECT COALESCE(SUM(flop), 0), COUNT(*) FROM runs WHERE student = ?",
                                      (student,)).fetchone()
            if spent + spec.flop > row[0]:
                raise BudgetExceeded(spec.flop, row[0] - spent, row[0])
            if count >= MAX_RUNS:
                error = LabError(f"you have logged {count} runs, the most the lab allows ({MAX_RUNS})")
                error.status, error.code = 409, "run_limit"
                raise error
            db.execute("INSERT INTO runs (student, n_layer, d_model, n_heads, tokens, lr, params, flop, loss) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (student, spec.n_layer, spec.d_model, spec.n_heads, spec.tokens, spec.lr, spec.params,
                        spec.flop, float(loss)))
        return RunRecord(count + 1, spec.n_layer, spec.d_model, spec.n_heads, spec.tokens, spec.lr, spec.params,
                         spec.flop, float(loss))

    def runs(self, student: str) -> list[RunRecord]:
        """The student's runs, oldest first."""
        rows = self._read("SELECT n_layer, d_model, n_heads, tokens, lr, params, flop, loss FROM runs "
                          "WHERE student = ? ORDER BY id", (student,))
        return [RunRecord(i + 1, *row) for i, row in enumerate(rows)]

    # --- predictions ----------------------------------------------------------------------------------
    def submit(self, student: str, prediction: Prediction) -> None:
        """Store the student's prediction (a later one replaces an earlier one)."""
        with self._write() as db:
            db.execute("INSERT INTO predictions (student, n_opt, loss) VALUES (?, ?, ?) ON CONFLICT(student) "
                       "DO UPDATE SET n_opt = excluded.n_opt, loss = excluded.loss, created = excluded.created",
                       (student, float(prediction.N_opt), float(prediction.loss)))

    def prediction(self, student: str) -> Prediction | None:
        """The student's latest prediction, or None."""
        rows = self._read("SELECT n_opt, loss FROM predictions WHERE student = ?", (student,))
        return Prediction(*rows[0]) if rows else None

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
    """``with``: BEGIN IMMEDIATE (take the write lock now), COMMIT on success, ROLLBACK on any exception."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock | None):
        self.db, self.lock = db, lock

    def __enter__(self) -> sqlite3.Connection:
        if self.lock is not None:
            self.lock.acquire()
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, value, tb):
        try:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")
        finally:
            if self.lock is not None:
                self.lock.release()
        return False
