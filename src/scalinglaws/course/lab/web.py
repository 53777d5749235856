"""The class lab's HTTP API: a Starlette app (served by uvicorn, see :mod:`~scalinglaws.course.lab.server`).

Routes (all JSON; every one but ``/v1/health`` needs ``Authorization: Bearer <token>``)::

    GET  /v1/health             {"status": "ok"} (for a load balancer)
    GET  /v1/me                 budget, spent, remaining, runs, target, menu
    POST /v1/runs               train and charge a run          (Idempotency-Key honoured)
    GET  /v1/runs               the run log
    POST /v1/prediction         store N_opt and loss            (Idempotency-Key honoured)
    GET  /v1/prediction         read it back
    GET  /v1/questions/{qid}    a practice question (a function question's inputs)
    POST /v1/check              judge an answer: the line ``check`` prints

Every error is JSON ``{"error": code, "message": sentence}`` with a stable code: 400 malformed, 401 no, unknown
or revoked token, 404 unknown path or question, 405 wrong method (with ``Allow``), 408 body too slow, 409 over
budget (with ``remaining_flop``), 411, 413 body too large, 422 idempotency key reused, 429 over the rate limit
and 503 ledger busy (both with ``Retry-After``), 500 a bug (a sentence, never a traceback). Taught in
instructor.md.
"""
from __future__ import annotations

import contextlib
import json
import logging
import math
import string
import time
from dataclasses import dataclass

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from scalinglaws.course.lab.ledger import BudgetExceeded, LabError, Ledger
from scalinglaws.course.lab.service import MAX_KEY_CHARS, LabService, token_digest

__all__ = ["Limits", "make_app", "RateLimiter"]

log = logging.getLogger("scalinglaws.lab")

THREADS = 4
"""Threads per server process that run the ledger's SQL (requests beyond wait their turn in the event loop)."""

MAX_TARGET_BYTES = 2048
"""Longest path plus query string accepted (bytes); longer gets 414."""

MAX_HEADER_BYTES = 8192
"""Most bytes of headers accepted in all; more gets 431 (uvicorn refuses over 16 KB arriving in pieces)."""


@dataclass(frozen=True)
class Limits:
    """The service's limits (defaults documented in instructor.md); tests shorten the times.

    rate: requests per second one student (one token) may make, sustained; burst: how many at once.
    max_body_bytes: largest request body. body_timeout, header_timeout: seconds a client has to send a whole
    body, or a request line and headers (a client sending a byte every few seconds is cut off).
    keep_alive: seconds an idle connection stays open. max_connections: open connections at once (more get
    503). busy_timeout: seconds a write waits for the ledger's write lock (then 503). over_limit_pause: seconds
    a refused request waits before its 429 (at most its Retry-After, in whole seconds), so that a loop ignoring
    Retry-After cannot crowd out the class. The rate limit is kept by each server process.
    """

    rate: float = 10.0
    burst: int = 30
    max_body_bytes: int = 16_384
    body_timeout: float = 10.0
    header_timeout: float = 10.0
    keep_alive: float = 30.0
    max_connections: int = 900
    busy_timeout: float = 5.0
    over_limit_pause: float = 1.0


class RateLimiter:
    """A token bucket per key: ``rate`` per second sustained, ``burst`` at once."""

    MAX_KEYS = 100_000

    def __init__(self, rate: float, burst: int, clock=time.monotonic):
        if not rate > 0 or burst < 1:
            raise ValueError(f"rate must be > 0 and burst >= 1; got rate={rate!r}, burst={burst!r}")
        self.rate, self.burst, self.clock = float(rate), int(burst), clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def wait(self, key: str) -> float:
        """Take one request for ``key``: 0 if allowed, else the seconds until the next one would be."""
        now = self.clock()
        level, last = self._buckets.get(key, (float(self.burst), now))
        level = min(float(self.burst), level + (now - last) * self.rate)
        if level >= 1:
            self._buckets[key] = (level - 1, now)
            if len(self._buckets) > self.MAX_KEYS:  # forget keys whose bucket has refilled
                full = [k for k, (lv, t) in self._buckets.items() if lv + (now - t) * self.rate >= self.burst]
                for k in full:
                    del self._buckets[k]
            return 0.0
        self._buckets[key] = (level, now)
        return (1 - level) / self.rate


def make_app(ledger: Ledger, secret: bytes, limits: Limits = Limits()) -> Starlette:
    """The Starlette app serving :class:`LabService` over ``ledger`` (see the module's route table)."""
    service = LabService(ledger, secret)
    limiter = RateLimiter(limits.rate, limits.burst)

    def endpoint(action: str, body: bool = False, param: str | None = None):
        async def handle(request: Request) -> Response:
            header = request.headers.get("authorization", "")
            try:  # the bucket is the token's (however "Bearer" is spelt), else the client address's
                token, no_token = service.bearer(header), None
            except LabError as refusal:
                token, no_token = None, refusal
            wait = limiter.wait(token_digest(token) if token else f"ip:{request.client and request.client.host}")
            if wait:
                await anyio.sleep(min(math.ceil(wait), limits.over_limit_pause))
                raise _Refused(429, "rate_limited", f"too many requests: at most {limits.rate:g} per second "
                                                    f"(bursts of {limits.burst}); retry after the Retry-After "
                                                    "header's seconds", retry_after=wait)
            if no_token:
                raise no_token  # 401 before the body is read
            args = [request.path_params[param]] if param else []
            if body:
                args += [await _json_body(request, limits), _idempotency_key(request)]
            return JSONResponse(await run_in_threadpool(service.act, header, action, *args))

        return handle

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [
        _route("/v1/health", health, "GET"),
        _route("/v1/me", endpoint("me"), "GET"),
        _route("/v1/runs", endpoint("run", body=True), "POST", endpoint("runs"), "GET"),
        _route("/v1/prediction", endpoint("submit", body=True), "POST", endpoint("prediction"), "GET"),
        _route("/v1/questions/{qid}", endpoint("question", param="qid"), "GET"),
        _route("/v1/check", endpoint("check", body=True), "POST"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        # Few threads touch SQLite at once: writes queue on one lock anyway, and many concurrent readers slow
        # each other down on the write-ahead log's shared index (measured: 40 threads, anyio's default, spent
        # more time in reads than in writes under the 300-student benchmark).
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={
        LabError: _lab_error, HTTPException: _http_error, Exception: _internal_error})
    app.add_middleware(_HeadLimits, max_target=MAX_TARGET_BYTES, max_headers=MAX_HEADER_BYTES)
    return app


class _HeadLimits:
    """ASGI middleware: 414 for a path and query longer than ``max_target`` bytes, 431 for headers over
    ``max_headers`` bytes in all (uvicorn limits only what arrives in pieces)."""

    def __init__(self, app, max_target: int, max_headers: int):
        self.app, self.max_target, self.max_headers = app, max_target, max_headers

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            target = len(scope["raw_path"]) + len(scope["query_string"])
            head = sum(len(k) + len(v) + 4 for k, v in scope["headers"])
            refusal = None
            if target > self.max_target:
                refusal = 414, "uri_too_long", f"the path and query may be at most {self.max_target} bytes"
            elif head > self.max_headers:
                refusal = 431, "headers_too_large", f"the headers may be at most {self.max_headers} bytes in all"
            if refusal:
                status, code, message = refusal
                response = JSONResponse({"error": code, "message": message}, status_code=status,
                                        headers={"Connection": "close"})
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def _route(path: str, *pairs) -> Route:
    """One path; ``pairs`` alternate endpoint and method. Only those methods are allowed (not HEAD)."""
    by_method = dict(zip(pairs[1::2], pairs[0::2]))

    async def dispatch(request: Request) -> Response:
        handler = by_method.get(request.method)
        if handler is None:
            allowed = ", ".join(by_method)
            raise _Refused(405, "method_not_allowed", f"{request.method} is not allowed on {path}; use {allowed}",
                           headers={"Allow": allowed})
        return await handler(request)

    route = Route(path, dispatch)
    route.methods = None  # every method reaches dispatch, which answers 405 itself (Starlette would add HEAD)
    return route


class _Refused(LabError):
    """A refusal with a status, a code and optional headers (Retry-After, Allow)."""

    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code = status, code
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))


_KEY_CHARS = set(string.ascii_letters + string.digits + "-_.:")


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_CHARS or not set(key) <= _KEY_CHARS:
        raise _Refused(400, "bad_idempotency_key", f"an Idempotency-Key is 1 to {MAX_KEY_CHARS} letters, digits, "
                                                   "'-', '_', '.' or ':' (a fresh UUID per request is ideal)")
    return key


async def _json_body(request: Request, limits: Limits):
    """The request's JSON body, read within ``limits.body_timeout`` seconds and ``limits.max_body_bytes``."""
    length = request.headers.get("content-length")
    if length is not None and int(length) > limits.max_body_bytes:  # the server has checked it is digits
        raise _Refused(413, "too_large", f"the body may be at most {limits.max_body_bytes} bytes; got {length}")
    if length is None and "chunked" not in request.headers.get("transfer-encoding", "").lower():
        raise _Refused(411, "length_required", "send a Content-Length header with the JSON body")
    chunks, size = [], 0
    try:
        with anyio.fail_after(limits.body_timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limits.max_body_bytes:
                    raise _Refused(413, "too_large", f"the body may be at most {limits.max_body_bytes} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise _Refused(408, "body_timeout", f"the body did not arrive within {limits.body_timeout:g} s; send it "
                                            "in one go", headers={"Connection": "close"}) from None
    except ClientDisconnect:
        raise _Refused(400, "disconnected", "the connection closed before the body arrived") from None
    try:
        body = json.loads(b"".join(chunks))
    except RecursionError:  # Python 3.11 and 3.12 stop here; 3.13 parses deeper, and _depth refuses it below
        raise _Refused(400, "bad_json", "the body nests too deeply to be a lab request") from None
    except ValueError:
        raise _Refused(400, "bad_json", "the body is not valid JSON (UTF-8)") from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise _Refused(400, "bad_json", "the body nests too deeply to be a lab request")
    return body


MAX_JSON_DEPTH = 32
"""The deepest nesting of arrays and objects a request body may have (an answer is at most a list of lists)."""


def _depth(value: object) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (0 for a number or a string), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level + 1)
            if level + 1 <= MAX_JSON_DEPTH:  # deeper than the limit is refused whatever lies below
                stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _payload(error: LabError) -> dict:
    payload = {"error": error.code, "message": str(error)}
    if isinstance(error, BudgetExceeded):
        payload.update(cost_flop=error.cost, remaining_flop=error.remaining, budget_flop=error.budget)
    return payload


async def _lab_error(request: Request, error: LabError) -> Response:
    headers = dict(getattr(error, "headers", {}))
    if error.status == 503:
        headers.setdefault("Retry-After", "1")
    return JSONResponse(_payload(error), status_code=error.status, headers=headers)


async def _http_error(request: Request, error: HTTPException) -> Response:
    if error.status_code == 404:
        return JSONResponse({"error": "not_found", "message": f"no endpoint {request.url.path}; endpoints: /v1/me, "
                                                              "/v1/runs, /v1/prediction, /v1/questions/<id>, "
                                                              "/v1/check"}, status_code=404)
    return JSONResponse({"error": f"http_{error.status_code}", "message": str(error.detail)},
                        status_code=error.status_code, headers=error.headers)


async def _internal_error(request: Request, error: Exception) -> Response:
    log.exception("the lab failed on %s %s", request.method, request.url.path)
    return JSONResponse({"error": "internal", "message": "the lab failed on this request (a bug, logged for the "
                                                         "instructor); nothing was charged unless a run is in your "
                                                         "log"}, status_code=500)
