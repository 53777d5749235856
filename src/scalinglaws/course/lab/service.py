"""The class lab as an HTTP service: standard-library ThreadingHTTPServer, the ledger in SQLite.

Every request carries ``Authorization: Bearer <token>``; the token names the student, and every endpoint acts on
that student only (no request can name another). Endpoints, all JSON:

- ``GET /v1/me`` — budget, spent and remaining FLOP, number of runs, the target budget and the menu.
- ``POST /v1/runs`` — body ``{"n_layer", "d_model", "n_heads", "lr", "tokens" | "flop"}``: train and charge a run.
- ``GET /v1/runs`` — the student's run log.
- ``POST /v1/prediction`` — body ``{"N_opt", "loss"}``; ``GET /v1/prediction`` reads it back.

Errors are 4xx with ``{"error": code, "message": sentence}``: 400 malformed, 401 no/unknown token, 404 unknown
path, 405 wrong method, 409 over budget (with ``remaining_flop``), 413 body too large.
Tokens and worlds derive from the instructor's secret: token = HMAC(secret, "token:" + student), world seed =
HMAC(secret, "world:" + student); the database stores only SHA-256 digests of tokens. Taught in instructor.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable

from scalinglaws.course.lab.ledger import BudgetExceeded, LabError, Ledger, Prediction
from scalinglaws.course.lab.world import (LAB_BUDGET_FLOP, LR_RANGE, MAX_RUN_FLOP, MENU_D_MODEL, MENU_LAYERS,
                                          MIN_HEAD_DIM, MIN_RUN_FLOP, TARGET_FLOP, RunSpec, World, anchor,
                                          world_seed_for)

__all__ = ["token_for", "token_digest", "register_roster", "LabService", "make_server", "MAX_BODY_BYTES"]

MAX_BODY_BYTES = 4096
"""Largest request body accepted (bytes)."""

LISTEN_BACKLOG = 1024
"""Pending connections the listening socket queues (socketserver's default of 5 resets a class connecting at
once; the kernel may cap it at net.core.somaxconn)."""

_RUN_FIELDS = {"n_layer", "d_model", "n_heads", "lr", "tokens", "flop"}
_PREDICTION_FIELDS = {"N_opt", "loss"}
_MENU = {"n_layer": MENU_LAYERS, "d_model": MENU_D_MODEL, "min_head_dim": MIN_HEAD_DIM, "lr_range": LR_RANGE,
         "run_flop_range": (MIN_RUN_FLOP, MAX_RUN_FLOP)}


def token_for(secret: bytes, student: str) -> str:
    """The student's token: HMAC-SHA256(secret, "token:" + student), 32 hex digits."""
    if not secret:
        raise ValueError("the instructor secret must not be empty")
    return hmac.new(secret, b"token:" + student.encode(), hashlib.sha256).hexdigest()[:32]


def token_digest(token: str) -> str:
    """SHA-256 hex digest of a token (what the ledger stores)."""
    return hashlib.sha256(token.encode()).hexdigest()


def register_roster(ledger: Ledger, secret: bytes, students: Iterable[str],
                    budget_flop: int = LAB_BUDGET_FLOP) -> dict[str, str]:
    """Register every student (idempotent) and return student -> token."""
    tokens = {}
    for student in students:
        if not student or any(ch.isspace() for ch in student) or "," in student:
            raise ValueError(f"a student id must be non-empty with no spaces or commas; got {student!r}")
        tokens[student] = token_for(secret, student)
        ledger.add_student(student, token_digest(tokens[student]), budget_flop)
    return tokens


class LabService:
    """The service's logic, independent of HTTP: authenticate, then act for that student only."""

    def __init__(self, ledger: Ledger, secret: bytes):
        if not secret:
            raise ValueError("the instructor secret must not be empty")
        self.ledger, self.secret = ledger, secret
        self._by_digest = ledger.students()

    def student_of(self, header: str | None) -> str:
        """The student a ``Bearer`` Authorization header names, else a 401 LabError."""
        if not header or not header.startswith("Bearer "):
            raise _error(401, "unauthorized", "send your lab token as the header 'Authorization: Bearer <token>'")
        student = self._by_digest.get(token_digest(header[len("Bearer "):].strip()))
        if student is None:
            raise _error(401, "unauthorized", "this token is not valid for this lab; check the token your "
                                              "instructor gave you")
        return student

    def world(self, student: str) -> World:
        """The student's private world (seed derived from the secret)."""
        return World.from_seed(world_seed_for(self.secret, student))

    def me(self, student: str) -> dict:
        """``GET /v1/me``: budget, spent and remaining FLOP, runs so far, target budget and menu."""
        budget, spent = self.ledger.budget(student), self.ledger.spent(student)
        return {"student": student, "budget_flop": budget, "spent_flop": spent, "remaining_flop": budget - spent,
                "runs": len(self.ledger.runs(student)), "target_flop": TARGET_FLOP, "menu": _MENU}

    def run(self, student: str, body: dict) -> dict:
        """``POST /v1/runs``: validate the run, compute its loss in the student's world, charge and log it."""
        _fields(body, _RUN_FIELDS, required={"n_layer", "d_model", "n_heads", "lr"})
        try:
            spec = RunSpec.make(body["n_layer"], body["d_model"], body["n_heads"], body["lr"],
                                tokens=body.get("tokens"), flop=body.get("flop"))
        except ValueError as error:
            raise _error(400, "invalid_run", str(error)) from None
        record = self.ledger.spend(student, spec, self.world(student).final_loss(spec))
        return {"run": record.to_dict(), "remaining_flop": self.ledger.budget(student) - self.ledger.spent(student)}

    def runs(self, student: str) -> dict:
        """``GET /v1/runs``: the student's run log, oldest first."""
        return {"runs": [r.to_dict() for r in self.ledger.runs(student)]}

    def submit(self, student: str, body: dict) -> dict:
        """``POST /v1/prediction``: store N_opt (parameters) and loss (nats/token) at the target budget."""
        _fields(body, _PREDICTION_FIELDS, required=_PREDICTION_FIELDS)
        values = {}
        for name in _PREDICTION_FIELDS:
            value = body[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value <= 0:
                raise _error(400, "invalid_prediction", f"{name} must be a finite positive number; got {value!r}")
            values[name] = float(value)
        self.ledger.submit(student, Prediction(values["N_opt"], values["loss"]))
        return {"prediction": values, "message": "recorded; your instructor's grading reveals the score"}

    def prediction(self, student: str) -> dict:
        """``GET /v1/prediction``: the stored prediction, or null."""
        found = self.ledger.prediction(student)
        return {"prediction": None if found is None else {"N_opt": found.N_opt, "loss": found.loss}}


def _error(status: int, code: str, message: str) -> LabError:
    error = LabError(message)
    error.status, error.code = status, code
    return error


def _fields(body: dict, allowed: set[str], required: set[str]) -> None:
    if not isinstance(body, dict):
        raise _error(400, "bad_request", "the body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise _error(400, "bad_request",
                     f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    missing = sorted(required - set(body))
    if missing:
        raise _error(400, "bad_request", f"missing field(s) {', '.join(missing)}; required: "
                                         f"{', '.join(sorted(required))}")


_ROUTES = {("GET", "/v1/me"): "me", ("POST", "/v1/runs"): "run", ("GET", "/v1/runs"): "runs",
           ("POST", "/v1/prediction"): "submit", ("GET", "/v1/prediction"): "prediction"}


IDLE_TIMEOUT = 120.0
"""Seconds a connection may sit idle (or send a request slowly) before the service closes it."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scalinglaws-lab/1"
    timeout = IDLE_TIMEOUT
    service: LabService  # set by make_server

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        try:
            status, payload = 200, self._route(method)
        except BudgetExceeded as error:
            status, payload = error.status, {"error": error.code, "message": str(error), "cost_flop": error.cost,
                                             "remaining_flop": error.remaining, "budget_flop": error.budget}
        except LabError as error:
            status, payload = error.status, {"error": error.code, "message": str(error)}
        except Exception as error:  # a bug, not the client's fault: say so rather than drop the connection
            status, payload = 500, {"error": "internal", "message": f"the lab failed on this request ({error!r}); "
                                                                     "nothing was charged unless a run was logged"}
        self._send(status, payload)

    def _route(self, method: str) -> dict:
        path = self.path.split("?", 1)[0]
        name = _ROUTES.get((method, path))
        if name is None:
            if any(p == path for _, p in _ROUTES):
                allowed = ", ".join(m for m, p in _ROUTES if p == path)
                raise _error(405, "method_not_allowed", f"{method} is not allowed on {path}; use {allowed}")
            raise _error(404, "not_found", f"no endpoint {path}; endpoints: /v1/me, /v1/runs, /v1/prediction")
        student = self.service.student_of(self.headers.get("Authorization"))
        body = self._body() if method == "POST" else None
        handler = getattr(self.service, name)
        return handler(student) if body is None else handler(student, body)

    def _body(self):
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise _error(411, "length_required", "send a Content-Length header with the JSON body")
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            raise _error(413, "too_large", f"the body may be at most {MAX_BODY_BYTES} bytes; got {length}")
        raw = self.rfile.read(int(length))
        try:
            return json.loads(raw)
        except ValueError:
            raise _error(400, "bad_json", "the body is not valid JSON") from None

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # quiet by default; the ledger is the log
        pass


def make_server(ledger: Ledger, secret: bytes, host: str = "127.0.0.1", port: int = 8765) -> ThreadingHTTPServer:
    """A ready-to-serve ThreadingHTTPServer for the students registered in ``ledger`` (port 0: any free port)."""
    handler = type("LabHandler", (_Handler,), {"service": LabService(ledger, secret)})
    return _Server((host, port), handler)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG
