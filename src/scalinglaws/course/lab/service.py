"""The class lab's logic, independent of HTTP: who a token names, and what each endpoint does for them.

Every request carries ``Authorization: Bearer <token>``; the token names the student, and every endpoint acts on
that student only (no request can name another). The endpoints (:mod:`~scalinglaws.course.lab.web` serves them):

- ``GET /v1/me`` — budget, spent and remaining FLOP, number of runs, the target budget and the menu.
- ``POST /v1/runs`` — body ``{"n_layer", "d_model", "n_heads", "lr", "tokens" | "flop"}``: train and charge a run.
- ``GET /v1/runs`` — the student's run log.
- ``POST /v1/prediction`` — body ``{"N_opt", "loss"}``; ``GET /v1/prediction`` reads it back.
- ``GET /v1/questions/<id>`` — a practice question; for a function question, the inputs to run it on.
- ``POST /v1/check`` — body ``{"question", "answer"}``: the line ``check`` prints, judged here.

Tokens and worlds derive from the instructor's secret: token = HMAC(secret, "token:" + student) (a re-issued token
adds its generation, ":2", ":3", ...), world seed = HMAC(secret, "world:" + student); the ledger stores only
SHA-256 digests of tokens and reads them on every request, so a token added, revoked or re-issued by one process
holds at once in every process sharing the ledger. Taught in instructor.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
from typing import Any, Iterable

import numpy as np

from scalinglaws.course import checks
from scalinglaws.course.layout import fit_lines
from scalinglaws.course.roster import check_student_id
from scalinglaws.course.lab.ledger import LabError, Ledger, Prediction
from scalinglaws.course.lab.scoring import read_prediction
from scalinglaws.course.lab.world import (LAB_BUDGET_FLOP, LR_RANGE, MAX_RUN_FLOP, MENU_D_MODEL, MENU_LAYERS,
                                          MIN_HEAD_DIM, MIN_RUN_FLOP, TARGET_FLOP, RunSpec, World,
                                          world_seed_for)

__all__ = ["token_for", "token_digest", "register_roster", "reissue", "LabService", "encode_value",
           "decode_value", "MAX_KEY_CHARS"]

MAX_KEY_CHARS = 128
"""Longest idempotency key accepted (characters, printable ASCII)."""

_RUN_FIELDS = {"n_layer", "d_model", "n_heads", "lr", "tokens", "flop"}
_PREDICTION_FIELDS = {"N_opt", "loss"}
_CHECK_FIELDS = {"question", "answer"}
_CHECK_OPTIONAL = {"forwards"}  # a function answer: whether it called the package's own implementation
_MENU = {"n_layer": MENU_LAYERS, "d_model": MENU_D_MODEL, "min_head_dim": MIN_HEAD_DIM, "lr_range": LR_RANGE,
         "run_flop_range": (MIN_RUN_FLOP, MAX_RUN_FLOP)}


def token_for(secret: bytes, student: str, generation: int = 0) -> str:
    """The student's token: HMAC-SHA256(secret, "token:" + student [+ ":" + generation]), 32 hex digits."""
    if not secret:
        raise ValueError("the instructor secret must not be empty")
    message = f"token:{student}" + (f":{generation}" if generation else "")
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:32]


def token_digest(token: str) -> str:
    """SHA-256 hex digest of a token (what the ledger stores)."""
    return hashlib.sha256(token.encode()).hexdigest()


def register_roster(ledger: Ledger, secret: bytes, students: Iterable[str],
                    budget_flop: int = LAB_BUDGET_FLOP) -> dict[str, str]:
    """Register every student (idempotent) and return student -> current token, for every student of the ledger
    whose token is not revoked. A registered student keeps their runs, token generation and revocation."""
    for student in students:
        ledger.add_student(check_student_id(student), token_digest(token_for(secret, student)), budget_flop)
    return {student: token_for(secret, student, generation)
            for student, generation, revoked in ledger.roster() if not revoked}


def reissue(ledger: Ledger, secret: bytes, student: str) -> str:
    """Give ``student`` a new token (the next generation; the old one stops working) and return it."""
    generations = {name: generation for name, generation, _ in ledger.roster()}
    if student not in generations:
        raise LabError(f"unknown student {student!r}")
    generation = max(generations[student], 0) + 1
    token = token_for(secret, student, generation)
    ledger.set_token(student, token_digest(token), generation)
    return token


class LabService:
    """The service's logic: authenticate, then act for that student only. Every method is plain Python."""

    def __init__(self, ledger: Ledger, secret: bytes):
        if not secret:
            raise ValueError("the instructor secret must not be empty")
        self.ledger, self.secret = ledger, secret
        self._worlds: dict[str, World] = {}

    @staticmethod
    def bearer(header: str | None) -> str:
        """The token of an ``Authorization: Bearer <token>`` header (the scheme in any case), else a 401."""
        scheme, _, token = (header or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _error(401, "unauthorized", "send your lab token as the header 'Authorization: Bearer <token>'")
        return token.strip()

    def student_of(self, header: str | None) -> str:
        """The student an ``Authorization: Bearer <token>`` header names, else a 401 (unknown or revoked)."""
        student = self.ledger.student_for(token_digest(self.bearer(header)))
        if student is None:
            raise _error(401, "unauthorized", "this token is not valid for this lab (unknown or revoked); check "
                                              "the token your instructor gave you")
        return student

    def world(self, student: str) -> World:
        """The student's private world (seed derived from the secret; kept once made)."""
        if student not in self._worlds:
            self._worlds[student] = World.from_seed(world_seed_for(self.secret, student))
        return self._worlds[student]

    def act(self, header: str | None, action: str, *args) -> dict:
        """Authenticate ``header`` and run endpoint method ``action`` for that student (one call per request)."""
        return getattr(self, action)(self.student_of(header), *args)

    def me(self, student: str) -> dict:
        """``GET /v1/me``: budget, spent and remaining FLOP, runs so far, target budget and menu."""
        budget, spent = self.ledger.budget(student), self.ledger.spent(student)
        return {"student": student, "budget_flop": budget, "spent_flop": spent, "remaining_flop": budget - spent,
                "runs": len(self.ledger.runs(student)), "target_flop": TARGET_FLOP, "menu": _MENU}

    def run(self, student: str, body: Any, key: str | None = None) -> dict:
        """``POST /v1/runs``: validate the run, compute its loss in the student's world, charge and log it.

        With an idempotency ``key``, a repeat returns the first answer's run and charges nothing.
        """
        _fields(body, _RUN_FIELDS, required={"n_layer", "d_model", "n_heads", "lr"})
        try:
            spec = RunSpec.make(body["n_layer"], body["d_model"], body["n_heads"], body["lr"],
                                tokens=body.get("tokens"), flop=body.get("flop"))
        except (ValueError, OverflowError) as error:
            raise _error(400, "invalid_run", str(error)) from None
        record, remaining = self.ledger.charge(student, spec, self.world(student).final_loss(spec), request_key=key)
        return {"run": record.to_dict(), "remaining_flop": remaining}

    def runs(self, student: str) -> dict:
        """``GET /v1/runs``: the student's run log, oldest first."""
        return {"runs": [r.to_dict() for r in self.ledger.runs(student)]}

    def submit(self, student: str, body: Any, key: str | None = None) -> dict:
        """``POST /v1/prediction``: store N_opt (parameters) and loss (nats/token) at the target budget."""
        _fields(body, _PREDICTION_FIELDS, required=_PREDICTION_FIELDS)
        values = {}
        for name in sorted(_PREDICTION_FIELDS):
            value = body[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite_positive(value):
                raise _error(400, "invalid_prediction",
                             f"{name} must be a finite positive number; got {_short(value)}")
            values[name] = float(value)
        try:  # refused as the client's submit refuses it: swapped, or no compute-optimal model at the target
            read_prediction(values["N_opt"], values["loss"])
        except ValueError as err:
            raise _error(400, "invalid_prediction", str(err)) from None
        self.ledger.submit(student, Prediction(values["N_opt"], values["loss"]), request_key=key)
        return {"prediction": values, "message": "recorded; your instructor's grading reveals the score"}

    def prediction(self, student: str) -> dict:
        """``GET /v1/prediction``: the stored prediction, or null."""
        found = self.ledger.prediction(student)
        return {"prediction": None if found is None else {"N_opt": found.N_opt, "loss": found.loss}}

    def question(self, student: str, qid: str) -> dict:
        """``GET /v1/questions/<id>``: the question's kind and prompt; a function question's inputs."""
        q = _question(qid)
        answer = {"question": q.qid, "kind": q.kind, "prompt": q.prompt}
        if q.kind == "function":
            answer["inputs"] = [encode_value(list(args)) for args in q.cases()]
        if q.kind == "choice":
            answer["options"] = dict(q.options)
        return answer

    def check(self, student: str, body: Any, key: str | None = None) -> dict:
        """``POST /v1/check``: judge the answer with :mod:`scalinglaws.course.checks`, climbing the student's
        hint ladder as kept in the ledger, and log the attempt. Returns the line ``check`` prints."""
        _fields(body, _CHECK_FIELDS | _CHECK_OPTIONAL, required=_CHECK_FIELDS)
        q = _question(body["question"])
        answer = body["answer"]
        if q.kind == "function":
            answer = _Replay(q, answer, forwards=body.get("forwards") is True)
        misses = self.ledger.misses(student, q.qid)
        result = checks.judge(q, answer, misses=misses)
        line = fit_lines(result.line())
        self.ledger.log_attempt(student, q.qid, result.status, json.dumps(body["answer"])[:2000], line)
        return {"question": q.qid, "status": result.status, "line": line, "misses": misses
                + (result.status == "wrong")}


def _question(qid: Any) -> checks.Question:
    registry = checks.questions()
    if not isinstance(qid, str) or qid not in registry:
        raise _error(404, "unknown_question", f"no question {_short(qid)}; ask your instructor for the id (as "
                                              "printed in the notebook's check cell)")
    return registry[qid]


class _Replay:
    """A function question's answer sent as outputs: calling it on the i-th input gives the i-th output.

    An output ``{"raises": "ValueError", "message": ...}`` re-raises what the learner's function raised;
    ``forwards`` says whether the function used the package's own implementation, as the client traced it.
    """

    def __init__(self, q: checks.Question, outputs: Any, forwards: bool = False):
        self.forwards = forwards
        cases = q.cases()
        if not isinstance(outputs, list) or len(outputs) != len(cases):
            raise _error(400, "bad_answer", f"send the outputs of your function as a list with one entry per "
                                            f"input ({len(cases)} inputs, from GET /v1/questions/{q.qid})")
        self._by_input = {json.dumps(encode_value(list(args))): out for args, out in zip(cases, outputs)}

    def __call__(self, *args):
        out = self._by_input.get(json.dumps(encode_value(list(args))))
        if isinstance(out, dict) and "raises" in out:
            kind = ValueError if out["raises"] == "ValueError" else type(str(out["raises"])[:40], (Exception,), {})
            raise kind(str(out.get("message", ""))[:200])
        return decode_value(out)


def encode_value(value: Any) -> Any:
    """A value as plain JSON: numpy arrays as ``{"ndarray": [...]}``, numpy scalars and tuples as Python."""
    if isinstance(value, np.ndarray):
        return {"ndarray": value.tolist()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if hasattr(value, "N") and hasattr(value, "D") and not isinstance(value, dict):
        return [float(value.N), float(value.D)]
    return value


def decode_value(value: Any) -> Any:
    """The inverse of :func:`encode_value` (``{"ndarray": [...]}`` becomes a numpy array)."""
    if isinstance(value, dict) and set(value) == {"ndarray"}:
        return np.asarray(value["ndarray"], dtype=float)
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def _finite_positive(value: float | int) -> bool:
    try:
        return math.isfinite(float(value)) and value > 0
    except OverflowError:
        return False


def _short(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None))) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _error(status: int, code: str, message: str) -> LabError:
    error = LabError(message)
    error.status, error.code = status, code
    return error


def _fields(body: Any, allowed: set[str], required: set[str]) -> None:
    if not isinstance(body, dict):
        raise _error(400, "bad_request", "the body must be a JSON object, e.g. {\"n_layer\": 4, ...}")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise _error(400, "bad_request",
                     f"unknown field(s) {', '.join(map(_short, unknown))}; allowed: {', '.join(sorted(allowed))}")
    missing = sorted(required - set(body))
    if missing:
        raise _error(400, "bad_request", f"missing field(s) {', '.join(missing)}; required: "
                                         f"{', '.join(sorted(required))}")
