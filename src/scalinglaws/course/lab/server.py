"""uvicorn, configured for a class: JSON for the errors it answers itself, a header deadline, a connection cap.

uvicorn (with h11) parses requests, reads bodies, keeps connections alive and closes idle ones
(``Limits.keep_alive``); request line and headers are limited to 16 KB. Three additions, in
:class:`LabProtocol`: a request whose line and headers do not arrive within ``Limits.header_timeout`` seconds is
answered 408 and closed (uvicorn times only idle connections, so a client sending a byte every few seconds would
otherwise hold one forever); beyond ``Limits.max_connections`` open connections a new one is answered 503 with
``Retry-After`` and closed; and a request uvicorn cannot parse gets a JSON 400 instead of plain text.
Taught in instructor.md.
"""
from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
from dataclasses import asdict
from pathlib import Path

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from scalinglaws.course.lab.ledger import Ledger
from scalinglaws.course.lab.secret import read_secret
from scalinglaws.course.lab.web import Limits, make_app

__all__ = ["LabProtocol", "LabConfig", "make_server", "run_in_thread", "app_from_environment", "serve",
           "MAX_HEADER_BYTES", "ENVIRONMENT"]

MAX_HEADER_BYTES = 16_384
"""Longest request line plus headers accepted (bytes); longer gets a JSON 400."""

ENVIRONMENT = "SCALINGLAWS_LAB_SERVICE"
"""Environment variable through which ``serve`` hands each worker process its ledger, secret file and limits."""


class LabConfig(uvicorn.Config):
    """uvicorn's Config with :class:`LabProtocol` and the lab's :class:`~scalinglaws.course.lab.web.Limits`."""

    def __init__(self, app, limits: Limits = Limits(), fast: bool = True, **kwargs):
        kwargs.setdefault("log_level", "warning")
        super().__init__(app, http=LabFastProtocol if fast else LabProtocol, loop="auto" if fast else "asyncio",
                         timeout_keep_alive=limits.keep_alive, access_log=False,
                         h11_max_incomplete_event_size=MAX_HEADER_BYTES, backlog=2048, **kwargs)
        self.limits = limits


class _ClassLimits:
    """What the lab adds to a uvicorn HTTP protocol: a header deadline and size cap, a connection cap, and JSON
    for the errors the protocol answers itself."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        limits = self.config.limits
        if len(self.connections) > limits.max_connections:
            self._answer(503, "too_many_connections", f"the lab has {limits.max_connections} connections open, its "
                                                      "most; try again in a moment", retry_after=1)
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first bytes of a new request: its headers must follow in time
        if self._header_timer is not None:
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES + self.config.limits.max_body_bytes:
                self.send_400_response("")
                return
        before = self.cycle
        super().data_received(data)
        if self.cycle is not before:  # the request line and headers have arrived
            self._disarm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._answer(400, "bad_http", "the request could not be read as HTTP/1.1 (a malformed request line, "
                                      f"header or Content-Length, or more than {MAX_HEADER_BYTES} bytes of "
                                      "request line and headers)")

    def _arm(self) -> None:
        self._disarm()
        self._header_bytes = 0
        self._header_timer = self.loop.call_later(self.config.limits.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if getattr(self, "_header_timer", None) is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        self._answer(408, "header_timeout", f"the request line and headers did not arrive within "
                                            f"{self.config.limits.header_timeout:g} s")

    def _answer(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        """Write one JSON error and close (below the parser: the request may be half-read)."""
        self._disarm()
        if self.transport.is_closing():
            return
        body = json.dumps({"error": code, "message": message}).encode()
        reason = {400: "Bad Request", 408: "Request Timeout", 503: "Service Unavailable"}[status]
        head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
                + (f"retry-after: {retry_after}\r\n" if retry_after else "") + "connection: close\r\n\r\n")
        self.transport.write(head.encode() + body)
        self.transport.close()


class LabProtocol(_ClassLimits, H11Protocol):
    """uvicorn's h11 protocol (pure Python) with the lab's header deadline, connection cap and JSON errors."""


class LabFastProtocol(_ClassLimits, HttpToolsProtocol):
    """uvicorn's httptools protocol (llhttp, in C) with the same additions: what ``serve`` runs."""


def make_server(ledger: Ledger, secret: bytes, limits: Limits = Limits(), **config) -> uvicorn.Server:
    """A uvicorn server for the lab app over ``ledger`` (``config``: host, port, ... as uvicorn.Config takes)."""
    return uvicorn.Server(LabConfig(make_app(ledger, secret, limits), limits, **config))


def run_in_thread(server: uvicorn.Server, host: str = "127.0.0.1", port: int = 0) -> tuple[threading.Thread, int]:
    """Start ``server`` in a daemon thread on a bound socket; return the thread and the port (tests, notebooks).

    Stop it with ``server.should_exit = True`` and join the thread.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(0.01)
    return thread, sock.getsockname()[1]


def app_from_environment():
    """The app for one worker process, built from :data:`ENVIRONMENT` (set by :func:`serve`)."""

    settings = json.loads(os.environ[ENVIRONMENT])
    limits = Limits(**settings["limits"])
    ledger = Ledger(settings["db"], busy_timeout=limits.busy_timeout, fsync=settings["fsync"])
    return make_app(ledger, read_secret(settings["secret_file"]), limits)


def serve(db: str | Path, secret_file: str | Path, host: str, port: int, workers: int = 1,
          limits: Limits = Limits(), fsync: bool = False) -> None:
    """Serve until interrupted: ``workers`` processes share the listening socket and the ledger file
    (``fsync``: every commit waits for the disk, see :class:`~scalinglaws.course.lab.ledger.Ledger`)."""
    os.environ[ENVIRONMENT] = json.dumps({"db": str(db), "secret_file": str(secret_file), "limits": asdict(limits),
                                          "fsync": fsync})
    config = LabConfig(f"{__name__}:app_from_environment", limits, factory=True, host=host, port=port,
                       workers=workers)
    server = uvicorn.Server(config)
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
