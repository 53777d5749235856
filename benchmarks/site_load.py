"""Benchmark the website on a slow connection: every page's weight and speed on a first visit. Prints a table.

Builds the book (``make book`` into a temporary folder; or measures ``--site DIR``, such as another branch's
``_build/html``), serves it on 127.0.0.1 as a static host does (text gzip-compressed, ``tools/site_load.py``) and
opens every page in Debian's Chromium, one fresh tab each with the cache off, over an emulated link of 1.6 Mbps
down, 0.75 Mbps up and 150 ms round trip. For each page: bytes received before the reader touches anything
(headers included), first contentful paint and the load event. The budget tests/test_site.py checks is marked
against each figure (``!`` over budget).

    .venv/bin/python benchmarks/site_load.py [--site DIR] [--unthrottled]
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from site_load import BUDGET, SLOW_MOBILE, StaticHostHandler, load_page, site_pages  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


@contextlib.contextmanager
def _built_site(site: str | None):
    if site:
        yield Path(site)
        return
    with tempfile.TemporaryDirectory(prefix="site-load-") as out:
        subprocess.run(["make", "--no-print-directory", "book", f"BOOK_OUT={out}"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        yield Path(out) / "_build" / "html"


@contextlib.contextmanager
def _serving(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(StaticHostHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def _mark(value: float, limit: float) -> str:
    return "!" if value > limit else " "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="a built site (_build/html) to measure instead of a fresh build")
    parser.add_argument("--unthrottled", action="store_true", help="no network emulation (bytes only matter)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    profile = None if args.unthrottled else SLOW_MOBILE
    with _built_site(args.site) as site, _serving(site) as base, sync_playwright() as playwright, \
            tempfile.TemporaryDirectory(prefix="site-load-profile-") as user_data:
        pages = [p for p in site_pages(ROOT) if (site / p).is_file()]
        context = playwright.chromium.launch_persistent_context(
            user_data, executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                       "--disable-quic", "--disable-background-networking"])
        print(f"First visit of every page of {site}, served gzip-compressed, over "
              f"{profile.name if profile else 'an unthrottled local link'}:")
        print(f"  {'page':40s} {'before interaction':>18s} {'first paint':>12s} {'load event':>11s}  requests")
        try:
            for path in pages:
                load = load_page(context, base + path, profile)
                print(f"  {path:40s} {load.transferred / 1e6:15.2f} MB{_mark(load.transferred, BUDGET.bytes)}"
                      f"{load.first_contentful_paint:10.2f} s{_mark(load.first_contentful_paint, BUDGET.fcp)}"
                      f"{load.load_event:9.2f} s{_mark(load.load_event, BUDGET.load)}  {len(load.requests):4d}"
                      + (f"  FAILED: {load.failed}" if load.failed else ""))
        finally:
            context.close()
        print(f"  budget: at most {BUDGET.bytes / 1e6:.2f} MB before interaction, first paint within "
              f"{BUDGET.fcp:g} s, load event within {BUDGET.load:g} s ('!' marks a figure over budget)")


if __name__ == "__main__":
    main()
