"""The training API a learner's notebook uses, the same in self-study and in class.

``lab = open_lab(seed=3)`` runs a public world in the kernel (:class:`LocalLab`); ``lab = open_lab(url=...,
token=...)`` talks to the class service (:class:`RemoteLab`). Both offer ``run(...)``, ``runs()``,
``budget``/``spent``/``remaining`` and ``submit(N_opt, loss)`` (class mode adds ``check(qid, answer)``,
judged by the service); both raise :class:`BudgetExceeded` with what is
left, and ValueError for an invalid run. Only self-study's ``submit`` returns the score (and with it the truth).
Taught in chapters/08_lab.ipynb.
"""
from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from scalinglaws._validate import as_int
from scalinglaws.course.lab.ledger import BudgetExceeded, LabError, Ledger, Prediction, RunRecord
from scalinglaws.course.lab.scoring import Score, judge, read_prediction
from scalinglaws.course.lab.service import decode_value, encode_value
from scalinglaws.course.lab.world import LAB_BUDGET_FLOP, TARGET_FLOP, RunSpec, World

__all__ = ["LocalLab", "RemoteLab", "open_lab", "LabError", "BudgetExceeded", "AuthError"]

SELF = "self-study"
"""The one student of a self-study ledger."""


class AuthError(LabError):
    """The service did not accept the token."""

    status = 401
    code = "unauthorized"


class LocalLab:
    """Self-study: public world ``seed`` in this kernel, an in-memory ledger, the score revealed on submit."""

    def __init__(self, seed: int = 0, budget_flop: int = LAB_BUDGET_FLOP):
        self.world = World.from_seed(seed)
        self._ledger = Ledger(":memory:")
        self._ledger.add_student(SELF, "-", as_int("budget_flop", budget_flop, minimum=1))
        self.budget = self._ledger.budget(SELF)
        self.target_flop = TARGET_FLOP

    def run(self, n_layer: int, d_model: int, n_heads: int, lr: float, tokens: int | None = None,
            flop: float | None = None) -> RunRecord:
        """Train one run (see :meth:`RunSpec.make`); charge 6·N·D FLOP; return its log entry with the loss."""
        spec = RunSpec.make(n_layer, d_model, n_heads, lr, tokens=tokens, flop=flop)
        return self._ledger.spend(SELF, spec, self.world.final_loss(spec))

    def runs(self) -> list[RunRecord]:
        """Every run so far, oldest first."""
        return self._ledger.runs(SELF)

    @property
    def spent(self) -> int:
        """FLOP spent so far."""
        return self._ledger.spent(SELF)

    @property
    def remaining(self) -> int:
        """FLOP left."""
        return self.budget - self.spent

    def submit(self, N_opt: float, loss: float) -> Score:
        """Record the prediction at :data:`TARGET_FLOP` and return its score (this reveals the truth).

        Reads its arguments as ``check`` does ("685M", "2.97"); refuses swapped or impossible values
        (:func:`~scalinglaws.course.lab.scoring.read_prediction`).
        """
        prediction = read_prediction(N_opt, loss, self.target_flop)
        score = judge(self.world, self.runs(), prediction, target_flop=self.target_flop)
        self._ledger.submit(SELF, prediction)
        return score


class RemoteLab:
    """Class mode: the same calls, answered by the lab service at ``url`` for the student holding ``token``.

    Each run and prediction carries a fresh ``Idempotency-Key``; if the answer is lost (the connection drops)
    or the service is busy (503) or asks to slow down (429), the same request is sent again, up to ``retries``
    times, and the service answers a repeat with its first answer without charging twice.
    """

    def __init__(self, url: str, token: str, timeout: float = 30.0, retries: int = 3):
        self.url, self._token, self.timeout, self.retries = url.rstrip("/"), token, timeout, retries
        status = self._call("GET", "/v1/me")
        self.budget, self.target_flop, self.student = status["budget_flop"], status["target_flop"], status["student"]

    def run(self, n_layer: int, d_model: int, n_heads: int, lr: float, tokens: int | None = None,
            flop: float | None = None) -> RunRecord:
        """Train one run on the service; same arguments and errors as :meth:`LocalLab.run`."""
        body = {"n_layer": n_layer, "d_model": d_model, "n_heads": n_heads, "lr": lr}
        body.update({"tokens": tokens} if tokens is not None else {"flop": flop})
        return RunRecord(**self._call("POST", "/v1/runs", body, key=uuid.uuid4().hex)["run"])

    def runs(self) -> list[RunRecord]:
        """Every run so far, oldest first (from the service's ledger)."""
        return [RunRecord(**r) for r in self._call("GET", "/v1/runs")["runs"]]

    @property
    def spent(self) -> int:
        """FLOP spent so far."""
        return int(self._call("GET", "/v1/me")["spent_flop"])

    @property
    def remaining(self) -> int:
        """FLOP left."""
        return int(self._call("GET", "/v1/me")["remaining_flop"])

    def submit(self, N_opt: float, loss: float) -> None:
        """Record the prediction on the service (the instructor's grading reveals the score); read and
        refused as :meth:`LocalLab.submit` does."""
        prediction = read_prediction(N_opt, loss, self.target_flop)
        self._call("POST", "/v1/prediction", {"N_opt": prediction.N_opt, "loss": prediction.loss},
                   key=uuid.uuid4().hex)

    def check(self, qid: str, answer) -> str:
        """Have the service judge ``answer`` to question ``qid``; print and return the line ``check`` prints.

        For a function question, pass the function: it runs here on the inputs the service sends, and only its
        outputs travel. The service keeps your place on each question's hint ladder.
        """
        body = {"question": qid}
        if callable(answer) and not isinstance(answer, type):
            inputs = self._call("GET", f"/v1/questions/{urllib.parse.quote(qid, safe='')}").get("inputs", [])
            answer, body["forwards"] = _outputs(qid, answer, [decode_value(args) for args in inputs])
        body["answer"] = encode_value(answer)
        line = self._call("POST", "/v1/check", body)["line"]
        print(line)
        return line

    def _call(self, method: str, path: str, body: dict | None = None, key: str | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        head = {"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"}
        if key is not None:
            head["Idempotency-Key"] = key
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(self.url + path, data=data, method=method, headers=head)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as error:
                raw = error.read()
                if error.code not in (429, 503) or attempt == self.retries:
                    raise _error_from(error.code, raw) from None
                time.sleep(min(float(error.headers.get("Retry-After") or 1), 10.0))
            except (ConnectionError, http.client.HTTPException, TimeoutError, urllib.error.URLError):
                if attempt == self.retries or (method == "POST" and key is None):
                    raise
                time.sleep(0.2 * 2 ** attempt)
        raise AssertionError("unreachable")


def _outputs(qid: str, function, inputs: list) -> tuple[list, bool]:
    """What ``function`` returns on each input (``{"raises": name, "message": text}`` for what it raises), and
    whether it used the package's own implementation, traced here as ``check`` traces it."""
    from scalinglaws.course.checks import call_cases, questions, reference_paths

    watch = reference_paths(questions()[qid]) if qid in questions() else ()
    results, used = call_cases(function, inputs, watch)
    return [{"raises": type(r).__name__, "message": str(r)[:200]} if isinstance(r, Exception) else r
            for r in results], used


def _error_from(status: int, raw: bytes) -> Exception:
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = {"message": raw.decode(errors="replace")}
    message = payload.get("message", f"HTTP {status}")
    if payload.get("error") == BudgetExceeded.code:
        return BudgetExceeded(payload["cost_flop"], payload["remaining_flop"], payload["budget_flop"])
    if status == 401:
        return AuthError(message)
    if payload.get("error") == "invalid_run":
        return ValueError(message)
    return LabError(f"HTTP {status}: {message}")


def open_lab(seed: int | None = None, *, url: str | None = None, token: str | None = None):
    """A lab: ``open_lab(seed=...)`` for self-study, ``open_lab(url=..., token=...)`` in class.

    Taught in chapters/08_lab.ipynb.
    """
    if url is None and token is None:
        return LocalLab(0 if seed is None else seed)
    if url is None or token is None or seed is not None:
        raise ValueError("give either seed (self-study) or both url and token (class mode); "
                         f"got seed={seed!r}, url={url!r}, token={'set' if token else None}")
    return RemoteLab(url, token)
