"""The built website in a real browser, with no network: what a reader of the static site gets.

A fresh build of the book (``make book BOOK_OUT=<temp dir>``) is served on 127.0.0.1 and every page
of it is opened in Debian's Chromium through Playwright. Any request that leaves 127.0.0.1 is
aborted and counted as a failure, so the site must work offline. For every page: no failed request
and no JavaScript error; math typeset by the site's own MathJax; every image loaded; every static
widget (``.slx-widget``) changes its figure and readout when a control moves, its frames fetched only
then; every icon is in the site's cut-down icon fonts; every link within the site resolves. The server
gzips text as a static host does, and every page keeps the budget a slow connection allows
(``tools/site_load.py``): bytes before interaction on every page, paint and load times on the heaviest.
Pages come from ``_toc.yml`` (plus Sphinx's index, search and redirect pages), so new chapters are
tested without editing this file. Screenshots of each page's first screen go to ``test-artifacts/``.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from site_load import BUDGET, SLOW_MOBILE, StaticHostHandler, load_page, site_pages  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # pinned in package-lock.json, installed by `make book`
ARTIFACTS = ROOT / "test-artifacts"
# A visit ends only once no request is open and none started in this many seconds, so that a request a
# script starts just after the checks ran is still checked (Playwright's "networkidle" waits 0.5 s per page).
LATE_REQUEST_WINDOW = 0.1
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests of the website need Debian's Chromium at {CHROMIUM}: enable them with "
        "`apt-get install chromium` (CI's .ci/run installs it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="install the test extra: pip install -e '.[test]'")


PAGES = site_pages(ROOT)


# --- set-up: build, serve, browse ---------------------------------------------------------------
@pytest.fixture(scope="session")
def built_site(run_folder) -> Path:
    """A fresh build of the current sources (MathJax installed by the Makefile with npm ci).

    Built once per test run: under pytest-xdist every worker shares the run's temporary folder, and a file
    lock lets the first worker that needs the site build it while the others wait and reuse it.
    """
    out, done = run_folder / "book", run_folder / "book" / "built"
    with FileLock(str(run_folder / "book.lock")):
        if not done.exists():
            result = subprocess.run(["make", "--no-print-directory", "book", f"BOOK_OUT={out}"],
                                    cwd=ROOT, capture_output=True, text=True)
            if result.returncode != 0:
                pytest.fail(f"`make book` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
            done.touch()
    return out / "_build" / "html"


class _QuietHandler(StaticHostHandler):
    """Serves the site as a static host does (text gzipped), silently, noting every request it answered with
    an error (``server.errors``), including any the browser made outside Playwright's view."""

    def log_request(self, code="-", size="-"):
        if isinstance(code, int) and code >= 400:
            self.server.errors.append(f"served HTTP {code} for {self.path}")


@contextlib.contextmanager
def _serving(directory: Path, handler=_QuietHandler):
    """An HTTP server on a free port of 127.0.0.1 over ``directory``, noting its error answers (``.errors``)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    server.errors = []
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def server(built_site):
    with _serving(built_site) as server:
        yield server


@pytest.fixture(scope="session")
def playwright():
    with sync_api.sync_playwright() as playwright:
        yield playwright


def _chromium(playwright, profile: Path):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})


@pytest.fixture(scope="session")
def browser_context(playwright, tmp_path_factory):
    context = _chromium(playwright, tmp_path_factory.mktemp("chromium-profile"))
    yield context
    context.close()


@dataclass
class Visit:
    """What one page did in the browser."""

    path: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    broken_images: list[str] = field(default_factory=list)
    widgets: list[dict] = field(default_factory=list)
    widget_ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    icons: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    accessibility: list[dict] = field(default_factory=list)
    icons_drawn: list[dict] = field(default_factory=list)
    requested_before_interaction: list[str] = field(default_factory=list)
    received_before_interaction: int = 0
    """Bytes received (bodies as sent, gzipped where text, plus headers) until the page was ready to read."""
    document_bytes: int = 0
    """Bytes received for the page's own HTML."""
    _sizes: dict = field(default_factory=dict)  # request id -> bytes received (DevTools protocol)
    _before: set = field(default_factory=set)  # ids of the requests started before interaction
    _document_ids: set = field(default_factory=set)
    first_frames: list[str] = field(default_factory=list)
    _counting: bool = True  # requests still count as made before interaction


_MATH_STATE = r"""() => {
  const spans = [...document.querySelectorAll("span.math, div.math")];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest("pre, code, script, style, textarea, mjx-container")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
  const raw = [];
  while (walker.nextNode()) {
    const t = walker.currentNode.textContent;
    if (/\\\(|\\\[|\\begin\{/.test(t)) raw.push(t.trim().slice(0, 80));
  }
  return {
    total: spans.length,
    untypeset: spans.filter((s) => !s.querySelector("mjx-container")).map((s) => s.textContent.slice(0, 80)),
    errors: [...document.querySelectorAll("mjx-merror")].map((e) => e.getAttribute("data-mjx-error") || e.textContent),
    raw,
    mathjax: window.MathJax && MathJax.version ? MathJax.version : null,
  };
}"""

# axe-core's rules on the whole page; the violations of serious or critical impact, a few nodes each.
_AXE_SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary)}));
}"""

_BROKEN_IMAGES = """() => [...document.images]
  .filter((img) => !(img.complete && img.naturalWidth > 0))
  .map((img) => (img.getAttribute("src") || "").slice(0, 80))"""

# Move every control of every static widget to another position, as a reader would, and record
# whether the figure (img src, decoded), the readout and the control's value label changed, and which
# frame lies one step back along the moved control (the widget should have asked for it in advance).
_EXERCISE_WIDGETS = """async () => {
  const results = [];
  for (const widget of document.querySelectorAll(".slx-widget")) {
    const img = widget.querySelector("img.slx-frame");
    const readout = widget.querySelector(".slx-readout");
    const specElement = widget.querySelector(".slx-spec");
    const spec = specElement ? JSON.parse(specElement.textContent) : {};
    const inputs = [...widget.querySelectorAll("input[type=range]")];
    for (const [i, input] of inputs.entries()) {
      const label = input.nextElementSibling;
      const before = {src: img.src, readout: readout.textContent, value: label.textContent};
      const start = input.value;
      const toMax = Number(start) !== Number(input.max);
      input.value = String(toMax ? input.max : input.min);
      input.dispatchEvent(new Event("input", {bubbles: true}));
      let decoded = true;
      try { await img.decode(); } catch (e) { decoded = false; }
      const back = inputs.map((x, j) => Number(x.value) + (j === i ? (toMax ? -1 : 1) : 0));
      const k = spec.shape ? back.reduce((acc, v, j) => acc * spec.shape[j] + v, 0) : 0;
      results.push({
        widget: widget.id,
        control: input.getAttribute("aria-label"),
        figureChanged: img.src !== before.src,
        decoded: decoded && img.naturalWidth > 0,
        readoutChanged: readout.textContent !== before.readout,
        valueLabelChanged: label.textContent !== before.value,
        neighbour: spec.frames ? new URL(spec.frames[k], document.baseURI).href : null,
      });
      input.value = start;
      input.dispatchEvent(new Event("input", {bubbles: true}));
    }
  }
  return results;
}"""


# Every character drawn from a Font Awesome font on the page (icons in elements and in the theme's ::before and
# ::after rules, shown or hidden, such as the colour-mode icons of the modes not in use), with the font drawing it.
# Typeset math and highlighted code (thousands of elements on a chapter, none an icon) are not searched.
_ICONS_DRAWN = """() => {
  const drawn = new Map();
  for (const element of document.querySelectorAll("body *:not(mjx-container *, pre *, .cell_output *)")) {
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      if (!style.fontFamily.includes("Font Awesome") || !style.content.startsWith('"')) continue;
      for (const character of JSON.parse(style.content)) {
        const icon = {family: style.fontFamily.replace(/"/g, ""), weight: style.fontWeight,
                      codepoint: character.codePointAt(0)};
        drawn.set(JSON.stringify(icon), {...icon, where: element.className.toString().slice(0, 60)});
      }
    }
  }
  return [...drawn.values()];
}"""


class Browser:
    """Opens each page once (memoised) and records everything the tests check.

    Every visit navigates the same tab, as a reader clicking through the site does: a new tab a page cost a new
    renderer process (measured over the site's pages: 13 s of CPU against 8 s). The tab's events go to the visit
    in progress; a visit that fails closes the tab, and the next visit opens a fresh one.
    """

    def __init__(self, context, server):
        self.context = context
        self.base = f"http://127.0.0.1:{server.server_port}/"
        self.server_errors = server.errors
        self.visits: dict[str, Visit] = {}
        self.current: Visit | None = None
        self.pending: set = set()  # requests the current page has made and not yet finished (or failed)
        self.page = None
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self._note("failed", f"off-site request (no network): {url}")
            route.abort()

    def visit(self, path: str) -> Visit:
        if path not in self.visits:
            self.visits[path] = self._visit(path)
        return self.visits[path]

    def _tab(self):
        """The tab every visit navigates, its events recorded into the visit in progress."""
        if self.page is None:
            page = self.page = self.context.new_page()
            page.on("request", lambda r: (self.pending.add(r), self._note("requests", r.url)))
            page.on("requestfinished", lambda r: self.pending.discard(r))
            page.on("requestfailed", lambda r: (self.pending.discard(r), self._note("failed", f"{r.url}: {r.failure}")))
            page.on("response", lambda r: r.status >= 400 and self._note("failed", f"{r.url}: HTTP {r.status}"))
            page.on("console", lambda m: m.type == "error" and self._note("errors",
                                                                          f"console: {m.text} ({m.location})"))
            page.on("pageerror", lambda e: self._note("errors", f"uncaught: {e}"))
            cdp = self.context.new_cdp_session(page)  # bytes received per request, as sent (gzipped)
            cdp.on("Network.requestWillBeSent", self._cdp_request)
            cdp.on("Network.loadingFinished", self._cdp_finished)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # every visit is a first visit
        return self.page

    def _cdp_request(self, event: dict) -> None:
        visit = self.current
        if visit is not None and visit._counting:
            visit._before.add(event["requestId"])
            if event.get("type") == "Document":
                visit._document_ids.add(event["requestId"])

    def _cdp_finished(self, event: dict) -> None:
        if self.current is not None:
            self.current._sizes[event["requestId"]] = int(event["encodedDataLength"])

    def _note(self, field: str, text: str) -> None:
        """Add ``text`` to the list ``field`` (requests, failed, errors) of the visit in progress, if any."""
        if self.current is not None:
            getattr(self.current, field).append(text)

    def _visit(self, path: str) -> Visit:
        page = self._tab()
        visit = self.current = Visit(path)
        self.pending.clear()
        served_before = len(self.server_errors)
        try:
            page.goto(self.base + path, wait_until="load")
            self._ready(page, visit)
            visit._counting = False
            visit.requested_before_interaction = list(visit.requests)
            visit.math = page.evaluate(_MATH_STATE)
            visit.broken_images = page.evaluate(_BROKEN_IMAGES)
            visit.links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map((a) => a.href)")
            visit.icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map((l) => l.href)")
            visit.ids = set(page.evaluate("() => [...document.querySelectorAll('[id], a[name]')]"
                                          ".map((e) => e.id || e.getAttribute('name'))"))
            visit.widget_ids = page.evaluate("() => [...document.querySelectorAll('.slx-widget')].map((w) => w.id)")
            visit.icons_drawn = page.evaluate(_ICONS_DRAWN)
            visit.first_frames = page.evaluate("() => [...document.querySelectorAll('.slx-widget img.slx-frame')]"
                                               ".map((img) => img.src)")
            self._screenshot(page, path)
            page.add_script_tag(path=str(AXE))
            visit.accessibility = page.evaluate(_AXE_SERIOUS)
            visit.widgets = page.evaluate(_EXERCISE_WIDGETS)
            self._settle(page, visit, quiet=LATE_REQUEST_WINDOW)
        except BaseException:
            page.close()
            self.page = None
            raise
        finally:
            self.current = None
            visit.failed += self.server_errors[served_before:]
        visit.received_before_interaction = sum(visit._sizes.get(r, 0) for r in visit._before)
        visit.document_bytes = sum(visit._sizes.get(r, 0) for r in visit._document_ids)
        return visit

    def _ready(self, page, visit: Visit) -> None:
        """Wait for the page a reader ends up on (following a redirect such as index.html's) to be typeset
        by MathJax, to have its fonts, and to have no request open."""
        for _ in range(3):
            try:
                page.wait_for_load_state("load")
                if page.evaluate("() => !!document.querySelector('meta[http-equiv=refresh i]')"):
                    url = page.url
                    page.wait_for_url(lambda u: u != url)
                    continue
                page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
                page.evaluate("async () => { await document.fonts.ready; }")
                self._settle(page, visit)
                return
            except sync_api.Error as error:  # the page navigated while being read: read the new one
                if "context was destroyed" not in str(error):
                    raise
        raise AssertionError(f"{page.url} kept navigating")

    def _settle(self, page, visit: Visit, quiet: float = 0.0, timeout: float = 10.0) -> None:
        """Wait until no request of the page is open and none started for ``quiet`` seconds (at least 10 ms).

        Every request of the visit is recorded from the first byte to the page's closing, so one started late
        (a MathJax extension, a font, an image a widget shows) is checked too. This replaces Playwright's
        "networkidle", which waits a fixed 500 ms of silence on every page.
        """
        deadline = time.monotonic() + timeout
        while True:
            started = len(visit.requests)
            page.wait_for_timeout(max(10.0, 1000 * quiet))
            if not self.pending and len(visit.requests) == started:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"requests still open after {timeout:.0f} s: {[r.url for r in self.pending]}")

    @staticmethod
    def _screenshot(page, path: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        name = path.removesuffix(".html").replace("/", "__") + ".png"
        page.screenshot(path=str(ARTIFACTS / name))  # the first screen (a full long page costs about 1 s)


@pytest.fixture(scope="session")
def browser(browser_context, server) -> Browser:
    return Browser(browser_context, server)


@pytest.fixture(scope="session")
def base_url(browser) -> str:
    return browser.base


@functools.lru_cache(maxsize=None)
def _http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _listing(title: str, items) -> str:
    return f"{title}:\n" + "\n".join(f"  {item}" for item in items)


# --- the tests ----------------------------------------------------------------------------------
def test_every_built_page_is_tested(built_site):
    built = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
             if p.relative_to(built_site).parts[0] not in {"_static", "_sources", "_images"}}
    assert built == set(PAGES), "pages built but not in the toc (or the reverse): update _toc.yml"


def test_mathjax_is_served_from_the_site_with_its_licence(built_site):
    mathjax = built_site / "_static" / "mathjax"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/mathjax"]["version"]
    assert (mathjax / "tex-chtml.js").is_file()
    assert "Apache License" in (mathjax / "LICENSE").read_text()
    assert f"MathJax {version}" in (mathjax / "README.txt").read_text()
    assert not (built_site / "_static" / "sphinx-thebe.js").exists(), "sphinx-thebe is disabled"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors(browser, path):
    visit = browser.visit(path)
    assert not visit.failed, _listing("requests failed (or left 127.0.0.1)", visit.failed)
    assert not visit.errors, _listing("JavaScript errors", visit.errors)
    scripts = [u for u in visit.requests if re.search(r"require(\.min)?\.js|jupyter-widgets|html-manager", u)]
    assert not scripts, _listing("no page needs require.js or the ipywidgets manager (static form only)", scripts)


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_accessibility_violations(browser, path):
    """axe-core (package-lock.json) finds no violation of serious or critical impact on the page."""
    found = browser.visit(path).accessibility
    assert not found, _listing("axe-core violations", [f"{v['impact']} {v['id']}: {v['help']} {v['nodes']}"
                                                       for v in found])


@pytest.mark.parametrize("path", PAGES)
def test_math_is_typeset(browser, path):
    math = browser.visit(path).math
    assert not math["untypeset"], _listing("math that MathJax did not render", math["untypeset"])
    assert not math["raw"], _listing("raw TeX left in the text", math["raw"])
    assert not math["errors"], _listing("TeX errors", math["errors"])
    if math["total"]:
        assert math["mathjax"], "math on the page but MathJax did not start"


@pytest.mark.parametrize("path", PAGES)
def test_every_image_loads(browser, path):
    broken = browser.visit(path).broken_images
    assert not broken, _listing("images that did not load", broken)


@pytest.mark.parametrize("path", PAGES)
def test_static_widgets_respond_to_their_controls(browser, path):
    visit = browser.visit(path)
    assert len(set(visit.widget_ids)) == len(visit.widget_ids), f"duplicate widget ids: {visit.widget_ids}"
    assert {w["widget"] for w in visit.widgets} == set(visit.widget_ids), "every widget has a control"
    unresponsive = [w for w in visit.widgets
                    if not (w["figureChanged"] and w["decoded"] and w["readoutChanged"] and w["valueLabelChanged"])]
    assert not unresponsive, _listing("controls that did not change the figure, readout and value label",
                                      unresponsive)
    assert all(w["control"] for w in visit.widgets), "every control has an aria-label"


@pytest.mark.parametrize("path", PAGES)
def test_internal_links_resolve(browser, base_url, path):
    visit = browser.visit(path)
    broken = []
    for link in visit.links:
        if not link.startswith(base_url):
            continue
        target, _, fragment = link.partition("#")
        if _http_status(target) != 200:
            broken.append(f"{link}: HTTP {_http_status(target)}")
            continue
        target_path = urllib.parse.urlsplit(target).path.lstrip("/") or "index.html"
        if fragment and target_path in PAGES:
            ids = browser.visit(target_path).ids
            if urllib.parse.unquote(fragment) not in ids:
                broken.append(f"{link}: no element with id {fragment!r}")
    assert not broken, _listing("broken links", broken)


@pytest.mark.parametrize("path", [p for p in PAGES if (ROOT / p).with_suffix(".ipynb").is_file()])
def test_notebook_pages_offer_binder_colab_and_the_repository(browser, path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/")
    slug = repo.removeprefix("https://github.com/")
    notebook = path.removesuffix(".html") + ".ipynb"
    links = browser.visit(path).links
    assert repo in links, "repository button"
    launch = config["launch_buttons"]
    assert any(link.startswith(f"{launch['binderhub_url']}/v2/gh/{slug}/") and link.endswith(notebook)
               for link in links), "Binder launch button"
    assert any(link.startswith(f"{launch['colab_url']}/github/{slug}/") and link.endswith(notebook)
               for link in links), "Colab launch button"


@pytest.mark.parametrize("path", PAGES)
def test_browsers_find_an_icon(browser, path):
    """The icon a page declares, and /favicon.ico that browsers request for pages declaring none
    (such as the redirect at index.html), both exist: no 404 on every visit."""
    icons = browser.visit(path).icons + [browser.base + "favicon.ico"]
    assert all(_http_status(icon) == 200 for icon in icons), icons


@pytest.mark.parametrize("path", PAGES)
def test_widget_frames_arrive_only_when_a_control_moves(browser, path):
    """Before the reader touches a control, a page fetches each static widget's first frame and no other; a
    moved control shows its frame, and the frame one more step back along it was asked for in advance."""
    visit = browser.visit(path)
    assert all(src.startswith(browser.base + "_images/frames/") for src in visit.first_frames), \
        _listing("widget frames not served as files of their own", [s[:80] for s in visit.first_frames])
    fetched = {url for url in visit.requested_before_interaction if "/_images/frames/" in url}
    assert fetched == set(visit.first_frames), _listing("frames fetched before any control moved",
                                                        sorted(fetched - set(visit.first_frames)))
    not_asked = [w for w in visit.widgets if w["neighbour"] not in visit.requests]
    assert not not_asked, _listing("neighbouring frames not asked for in advance", not_asked)


def test_touching_a_control_asks_for_the_neighbouring_frames_before_it_moves(browser, quiet_browser):
    """Focusing (or pressing on) a widget's control asks for the frames one step either side of the one shown,
    so the first move finds its frame already there; no other frame is fetched."""
    path = next(p for p in PAGES if browser.visit(p).widget_ids)
    page = quiet_browser.new_page()
    try:
        page.goto(browser.base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        expected = page.evaluate("""() => {
          const widget = document.querySelector(".slx-widget");
          const spec = JSON.parse(widget.querySelector(".slx-spec").textContent);
          const inputs = [...widget.querySelectorAll("input[type=range]")];
          const at = inputs.map((x) => Number(x.value));
          const index = (pos) => pos.reduce((k, v, j) => k * spec.shape[j] + v, 0);
          const near = [];
          at.forEach((v, i) => [v - 1, v + 1].forEach((w) => {
            if (w >= 0 && w < spec.shape[i]) near.push(index(at.map((x, j) => (j === i ? w : x))));
          }));
          inputs[0].focus();
          return [...new Set(near.map((k) => new URL(spec.frames[k], document.baseURI).href))];
        }""")
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    frames = {url for url in requested if "/_images/frames/" in url}
    assert expected and sorted(frames) == sorted(expected)


_ICON_FONTS = {("Font Awesome 6 Free", "900"): "fa-solid-900.woff2", ("Font Awesome 6 Free", "400"):
               "fa-regular-400.woff2", ("Font Awesome 6 Brands", "400"): "fa-brands-400.woff2"}


@functools.lru_cache(maxsize=None)
def _characters_in(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(font)).getBestCmap())


@pytest.mark.parametrize("path", PAGES)
def test_every_icon_drawn_is_in_the_cut_down_icon_fonts(browser, built_site, path):
    """The icon fonts hold only the icons the site shows (_assets/sphinx/icon_fonts.py): every character the
    page draws from them, in the browser's own computed styles, is one they hold."""
    drawn = browser.visit(path).icons_drawn
    assert drawn, "every page shows icons (search, menu, colour mode)"
    webfonts = built_site / "_static" / "vendor" / "fontawesome" / "webfonts"
    missing = [icon for icon in drawn if icon["codepoint"] not in
               _characters_in(webfonts / _ICON_FONTS[(icon["family"], icon["weight"])])]
    assert not missing, _listing("icons missing from their font", missing)


@pytest.mark.parametrize("path", PAGES)
def test_page_sends_at_most_its_budget_before_interaction(browser, path):
    """A first visit (cache off, text gzipped) receives at most BUDGET.bytes before the reader touches a control:
    the page, its styles, scripts, fonts, figures, MathJax and its fonts, and each widget's first frame."""
    received = browser.visit(path).received_before_interaction
    assert 0 < received <= BUDGET.bytes, \
        f"{received / 1e6:.2f} MB before interaction (budget {BUDGET.bytes / 1e6:g} MB)"


@pytest.fixture(scope="module")
def quiet_browser(playwright):
    """A browser of its own, without the request routing of ``browser_context`` (each routed request waits on
    this Python process, which on a busy machine would add its own delays to a timed load)."""
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()
    chromium.close()


def test_pages_paint_and_load_in_time_on_a_slow_connection(browser, quiet_browser):
    """On SLOW_MOBILE (1.6 Mbps down, 150 ms round trip), a first visit paints within BUDGET.fcp and fires its
    load event within BUDGET.load. Timed on the pages that bound the rest: the landing page, the page that
    receives the most before interaction (the load event waits for its bytes), and the page whose own HTML is
    largest (the text paints once its start and the head's styles and scripts are in; every page shares the
    head). Each throttled load takes seconds, so the other pages are held to the byte budget above, measured on
    every visit. A load over budget is tried once more: the machine may be busy with other tests at that moment,
    and the budget is about the page, not the machine."""
    visits = [browser.visit(path) for path in PAGES if path != "index.html"]  # index.html redirects to intro
    chosen = {"intro.html", max(visits, key=lambda v: v.received_before_interaction).path,
              max(visits, key=lambda v: v.document_bytes).path}
    over = []
    for path in sorted(chosen):
        for _ in range(2):
            load = load_page(quiet_browser, browser.base + path, SLOW_MOBILE)
            if load.first_contentful_paint <= BUDGET.fcp and load.load_event <= BUDGET.load:
                break
        assert not load.failed, _listing(f"{path}: requests failed", load.failed)
        assert load.transferred <= BUDGET.bytes, f"{path}: {load.transferred / 1e6:.2f} MB"
        if not (load.first_contentful_paint <= BUDGET.fcp and load.load_event <= BUDGET.load):
            over.append(f"{path}: first paint {load.first_contentful_paint:.2f} s (budget {BUDGET.fcp:g} s), load "
                        f"event {load.load_event:.2f} s (budget {BUDGET.load:g} s), {load.transferred / 1e6:.2f} MB")
    assert not over, _listing(f"pages over budget on {SLOW_MOBILE.name}", over)


def test_theme_buttons_work_without_the_icon_script(browser, quiet_browser):
    """The theme's own buttons, drawn from the icon fonts (no fontawesome.js): the colour-mode button switches
    the mode and shows that mode's icon; code cells get their copy buttons (a deferred script); the search button
    opens the search dialog, whose query lands on the search page with results."""
    page = quiet_browser.new_page()
    try:
        page.goto(browser.base + "intro.html", wait_until="load")
        shown = "() => [...document.querySelectorAll('.theme-switch-button i')]" \
                ".filter((i) => i.offsetWidth > 0).map((i) => i.dataset.mode)"
        modes = []
        for _ in range(3):
            page.click(".theme-switch-button")
            modes.append((page.evaluate("() => document.documentElement.dataset.mode"), page.evaluate(shown)))
        assert {mode for mode, _ in modes} == {"light", "dark", "auto"} and modes[-1][0] == "light", modes
        assert all(icons == [mode] for mode, icons in modes), f"the icon shown is the mode's own: {modes}"
        page.goto(browser.base + "chapters/01_power_laws.html", wait_until="load")  # its scripts deferred
        assert page.locator("div.highlight button.copybtn").count() > 0, "copy buttons on the code cells"
        page.click("button.search-button__button")
        assert page.evaluate("() => document.getElementById('pst-search-dialog').open")
        page.fill("#pst-search-dialog input[name=q]", "power law")
        page.press("#pst-search-dialog input[name=q]", "Enter")
        page.wait_for_url("**/search.html?q=power+law*")
        page.locator("#search-results ul.search li").first.wait_for(timeout=10_000)
    finally:
        page.close()


def test_search_finds_the_chapters(browser):
    """Sphinx's search runs in the page from searchindex.js: it works offline too."""
    page = browser.context.new_page()
    try:
        page.goto(browser.base + "search.html?q=power+law", wait_until="load")
        results = page.locator("#search-results ul.search li")
        results.first.wait_for(timeout=10_000)
        assert any("/chapters/" in href for href in
                   page.eval_on_selector_all("#search-results a", "(links) => links.map((a) => a.href)"))
    finally:
        page.close()


def test_two_identical_widgets_on_one_page_each_respond_to_their_own_control(browser_context):
    """Identical content gives identical element ids; each widget's script still finds its own widget."""
    from scalinglaws.course.widgets import ComputeBudgetExplorer

    twin = ComputeBudgetExplorer().static_html()
    page = browser_context.new_page()
    try:
        page.set_content(f"<html><body>{twin}{twin}</body></html>")
        moved = page.evaluate("""() => {
          const [first, second] = document.querySelectorAll(".slx-widget");
          const src = (w) => w.querySelector("img.slx-frame").src;
          const before = [src(first), src(second)];
          const input = second.querySelector("input[type=range]");
          input.value = input.max;
          input.dispatchEvent(new Event("input", {bubbles: true}));
          return {firstChanged: src(first) !== before[0], secondChanged: src(second) !== before[1]};
        }""")
    finally:
        page.close()
    assert moved == {"firstChanged": False, "secondChanged": True}


class _SlowHandler(_QuietHandler):
    """Answers ``slow-missing.json`` with a 404 after 0.4 s (four times the late-request window)."""

    def do_GET(self):
        if self.path.endswith("slow-missing.json"):
            time.sleep(0.4)
        super().do_GET()


def test_a_request_still_open_when_the_checks_end_is_waited_for_and_checked(playwright, tmp_path_factory):
    """The visit's own check: a widget whose control, when moved, asks for a file that is answered (404) only
    after the checks ran. The visit waits for the answer and reports it."""
    site = tmp_path_factory.mktemp("slow-request")
    (site / "slow.html").write_text(
        "<html lang='en'><head><title>slow</title></head><body><main><div class='slx-widget' id='w'>"
        "<input type='range' aria-label='x' min='0' max='2' value='1'><span>1</span>"
        "<img class='slx-frame' alt='' src='data:,'><pre class='slx-readout'></pre></div></main><script>"
        "document.querySelector('input').addEventListener('input', () => fetch('slow-missing.json'));"
        "</script></body></html>")
    with _serving(site, _SlowHandler) as server:
        context = _chromium(playwright, site / "profile")  # its own browser: its own routes
        try:
            visit = Browser(context, server).visit("slow.html")
        finally:
            context.close()
    assert any("slow-missing.json: HTTP 404" in failure for failure in visit.failed), visit.failed
