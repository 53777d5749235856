"""How heavy a page of the built site is for a reader on a slow connection, measured in Chromium.

``StaticHostHandler`` serves a built site as a static host does: HTML, CSS, JavaScript, JSON and SVG go out
gzip-compressed to a browser that accepts it; images and fonts, already compressed, go out as they are.
``load_page`` opens one page in a fresh tab with the browser cache off (a first visit), optionally over an
emulated slow network (Chromium's DevTools protocol, ``Network.emulateNetworkConditions``), waits until the page
is ready to read (load event, MathJax typeset, fonts in, no request open), and reports what it cost: bytes
received (bodies as sent plus headers), first contentful paint and the load event, in seconds from navigation.

Used by ``benchmarks/site_load.py`` (the table for every page, ``make bench``) and ``tests/test_site.py`` (the
budget a page must keep).
"""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = ["BUDGET", "Budget", "NetworkProfile", "SLOW_MOBILE", "PageLoad", "StaticHostHandler", "load_page",
           "site_pages"]

_COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


@dataclass(frozen=True)
class NetworkProfile:
    """An emulated link: download and upload in bits per second, round trip in milliseconds."""

    name: str
    download_bps: float
    upload_bps: float
    rtt_ms: float

    def conditions(self) -> dict:
        """The profile as parameters of the DevTools protocol's ``Network.emulateNetworkConditions``
        (throughputs in bytes per second, latency in milliseconds)."""
        return {"offline": False, "latency": self.rtt_ms, "downloadThroughput": self.download_bps / 8,
                "uploadThroughput": self.upload_bps / 8}


SLOW_MOBILE = NetworkProfile("1.6 Mbps down, 0.75 Mbps up, 150 ms round trip", 1.6e6, 0.75e6, 150.0)
"""A "Fast 3G"-like link: what a reader on a phone or a weak connection may have."""


@dataclass(frozen=True)
class Budget:
    """What one page may cost a first-time reader on ``SLOW_MOBILE``."""

    bytes: int
    """Most bytes received before the reader touches a control."""
    fcp: float
    """Latest first contentful paint, in seconds from navigation."""
    load: float
    """Latest load event, in seconds from navigation."""


BUDGET = Budget(bytes=1_000_000, fcp=2.0, load=6.0)
"""Every page: at most 1 MB before interaction, text painted within 2 s, loaded within 6 s."""


def _toc_docnames(entries: list[dict]) -> list[str]:
    names = []
    for entry in entries:
        if "file" in entry:
            names.append(entry["file"])
        for key in ("parts", "chapters", "sections"):
            names += _toc_docnames(entry.get(key, []))
    return names


def site_pages(root: Path) -> list[str]:
    """Every HTML page the book in ``root`` builds: the toc's documents (``_toc.yml``) plus Sphinx's own
    pages (``index.html``, a redirect to the first page, the general index and the search page)."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    docs = [toc["root"], *_toc_docnames(toc.get("parts", []) + toc.get("chapters", []))]
    return ["index.html", *(f"{doc}.html" for doc in docs), "genindex.html", "search.html"]


@dataclass
class PageLoad:
    """One first visit of a page: what arrived before the reader could touch anything, and when."""

    url: str
    transferred: int = 0
    """Bytes received before the page was ready (compressed bodies plus headers)."""
    first_contentful_paint: float = float("nan")
    """Seconds from navigation to the first text or image painted."""
    load_event: float = float("nan")
    """Seconds from navigation to the start of the load event."""
    requests: dict[str, int] = field(default_factory=dict)
    """Bytes received for each URL requested before the page was ready."""
    failed: list[str] = field(default_factory=list)
    """Requests that failed or were answered with an error status."""


def _compressible(content_type: str) -> bool:
    return content_type.startswith(_COMPRESSED_TYPES)


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file's bytes gzip-compressed at level 6 (the default of gzip and of common static hosts)."""
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=6, mtime=0)


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as a static host does: text gzip-compressed when the client accepts gzip."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        content_type = self.guess_type(path)
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (os.path.isfile(path) and accepts_gzip and _compressible(content_type)):
            return super().send_head()
        stat = os.stat(path)
        body = _gzipped(path, stat.st_mtime_ns, stat.st_size)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)


_READY = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
}"""

_LOADED = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return nav && nav.loadEventEnd > 0;
}"""

_TIMES = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return {fcp: paint ? paint.startTime / 1000 : null, load: nav ? nav.loadEventStart / 1000 : null};
}"""


def _follow_redirect(page) -> None:
    """If the page redirects (``<meta http-equiv="refresh">``, as Sphinx's index.html does), wait for the page
    it leads to: a reader who opens the redirect pays for both."""
    for _ in range(3):
        try:
            page.wait_for_load_state("load")
            if not page.evaluate("() => !!document.querySelector('meta[http-equiv=refresh i]')"):
                return
            here = page.url
            page.wait_for_url(lambda u: u != here)
        except Exception as error:  # the page navigated while being read: read the new one
            if "context was destroyed" not in str(error):
                raise
    raise RuntimeError(f"{page.url} kept navigating")


def load_page(context, url: str, profile: NetworkProfile | None = None, quiet: float = 0.2,
              timeout: float = 60.0) -> PageLoad:
    """Open ``url`` in a new tab of the Playwright ``context`` as a first visit (cache off) and measure it.

    With ``profile``, the tab's network is throttled to it. The page counts as ready once its load event has
    fired, MathJax (if any) has typeset, its fonts have loaded and no request has started or ended for
    ``quiet`` seconds; what arrives after that (a widget's other frames, fetched when a control moves) is not counted.
    """
    page = context.new_page()
    result = PageLoad(url)
    urls: dict[str, str] = {}
    open_requests: dict[str, str] = {}  # request id -> the loader (page) that made it
    document = [None]  # the loader of the page now in the tab (after a redirect, the page it led to)
    last_activity = [time.monotonic()]
    try:
        cdp = context.new_cdp_session(page)

        def started(event):
            if event.get("type") == "Document":  # a new page in the tab (the site has no frames)
                document[0] = event["loaderId"]
            urls[event["requestId"]] = event["request"]["url"]
            open_requests[event["requestId"]] = event["loaderId"]
            last_activity[0] = time.monotonic()

        def finished(event):
            open_requests.pop(event["requestId"], None)
            last_activity[0] = time.monotonic()
            url_ = urls.get(event["requestId"], "?")
            result.requests[url_] = result.requests.get(url_, 0) + int(event["encodedDataLength"])

        def failed(event):
            open_requests.pop(event["requestId"], None)
            last_activity[0] = time.monotonic()
            if event.get("canceled"):  # the browser itself gave up on it (a favicon as the tab moves on)
                return
            result.failed.append(f"{urls.get(event['requestId'], '?')}: {event.get('errorText')}")

        def responded(event):
            if event["response"]["status"] >= 400:
                result.failed.append(f"{event['response']['url']}: HTTP {event['response']['status']}")

        cdp.on("Network.requestWillBeSent", started)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", failed)
        cdp.on("Network.responseReceived", responded)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if profile is not None:
            cdp.send("Network.emulateNetworkConditions", profile.conditions())
        page.goto(url, wait_until="load", timeout=timeout * 1000)
        _follow_redirect(page)
        page.evaluate(_READY)
        page.wait_for_function(_LOADED, timeout=timeout * 1000)
        deadline = time.monotonic() + timeout
        while document[0] in open_requests.values() or time.monotonic() - last_activity[0] < quiet:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url}: requests still open after {timeout:.0f} s: "
                                   f"{[urls.get(r) for r in open_requests]}")
            page.wait_for_timeout(20)
        times = page.evaluate(_TIMES)
        result.first_contentful_paint = times["fcp"] if times["fcp"] is not None else float("nan")
        result.load_event = times["load"] if times["load"] is not None else float("nan")
        result.transferred = sum(result.requests.values())
        return result
    finally:
        page.close()
