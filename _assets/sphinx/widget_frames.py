"""Sphinx extension: a static widget's frames leave the page and come only when the reader moves its controls.

A notebook's static widget (``scalinglaws.course.widgets.Explorer.static_html``) carries every pre-rendered frame
inline, as base64 PNG in its spec: the notebook stays self-contained, and works without a kernel or a network.
On the website that made a chapter's page weigh up to 2.5 MB. On every page this extension

- writes each frame to its own file, ``_images/frames/<hash of its bytes>.png`` (one file per distinct frame,
  shared by every page that shows it; a browser may keep it for good, since its name changes with its content);
- points the widget's image at its first frame's file (with its width and height, so the page does not shift
  when it arrives), and replaces the frames in the spec with their addresses;
- replaces the widget's script by one that, when a control moves, shows the frame for the new position (labels,
  readout and alternative text change at once, as before) and asks for the frames one step away along every
  control, so the next move finds its frame already there. Touching or focusing a control asks for the
  neighbours of the position shown, before the first move.

Nothing else is fetched before the reader touches a control. A widget this extension cannot read is reported
as a build warning (the book builds with ``--warningiserror``), never left half rewritten.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import struct
from pathlib import Path
from typing import Callable

from sphinx.util import logging

logger = logging.getLogger(__name__)

FRAMES_FOLDER = "_images/frames"

_WIDGET = re.compile(
    r'<div class="slx-widget" id="(?P<id>slx-[0-9a-f]+)">(?P<head>.*?)'
    r'<img class="slx-frame" src="data:image/png;base64,(?P<first>[A-Za-z0-9+/=]+)"(?P<img_rest>[^>]*)>'
    r'(?P<middle>.*?)<script type="application/json" class="slx-spec">(?P<spec>.*?)</script>\s*'
    r'<script>.*?</script>',
    re.DOTALL)
_SCRIPT = """<script>
(function () {
  var me = document.currentScript;
  var root = (me && me.closest(".slx-widget")) || document.getElementById("%(id)s");
  var spec = JSON.parse(root.querySelector(".slx-spec").textContent);
  var inputs = Array.prototype.slice.call(root.querySelectorAll("input[type=range]"));
  var img = root.querySelector(".slx-frame");
  var asked = {};
  function position() { return inputs.map(function (input) { return parseInt(input.value, 10); }); }
  function index(pos) { return pos.reduce(function (k, v, i) { return k * spec.shape[i] + v; }, 0); }
  function ask(url) { if (!asked[url]) { asked[url] = new Image(); asked[url].src = url; } }
  function neighbours(pos) {
    pos.forEach(function (v, i) {
      [v - 1, v + 1].forEach(function (w) {
        if (w < 0 || w >= spec.shape[i]) return;
        var next = pos.slice();
        next[i] = w;
        ask(spec.frames[index(next)]);
      });
    });
  }
  function show() {
    var pos = position(), k = index(pos);
    inputs.forEach(function (input, i) { input.nextElementSibling.textContent = spec.labels[i][pos[i]]; });
    img.src = spec.frames[k];
    img.alt = spec.readouts[k];
    root.querySelector(".slx-readout").textContent = spec.readouts[k];
    neighbours(pos);
  }
  function touched() { neighbours(position()); }
  inputs.forEach(function (input) {
    input.addEventListener("input", show);
    ["pointerdown", "touchstart", "focus"].forEach(function (type) {
      input.addEventListener(type, touched, {passive: true});
    });
  });
})();
</script>"""


def frame_name(png: bytes) -> str:
    """The file name of a frame: a hash of its bytes, so equal frames share one file."""
    return hashlib.sha256(png).hexdigest()[:20] + ".png"


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, read from the PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("a widget frame is not a PNG image")
    return struct.unpack(">II", png[16:24])


def externalise_frames(body: str, save: Callable[[str, bytes], None], url: Callable[[str], str]) -> str:
    """``body`` with every static widget's frames moved out: ``save(name, png)`` is called for each frame and
    ``url(name)`` gives the address the page uses for it. Raises ``ValueError`` for a widget it cannot read."""
    def rewrite(match: re.Match) -> str:
        spec = json.loads(match["spec"])
        if set(spec) != {"shape", "labels", "images", "readouts"}:
            raise ValueError(f"widget {match['id']}: unexpected spec fields {sorted(spec)}")
        names = []
        for image in spec["images"]:
            png = base64.b64decode(image, validate=True)
            names.append(frame_name(png))
            save(names[-1], png)
        if match["first"] not in spec["images"]:
            raise ValueError(f"widget {match['id']}: the image shown is none of its frames")
        first = spec["images"].index(match["first"])
        width, height = _png_size(base64.b64decode(match["first"]))
        frames = {"shape": spec["shape"], "labels": spec["labels"], "frames": [url(n) for n in names],
                  "readouts": spec["readouts"]}
        spec_json = json.dumps(frames, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
        return (f'<div class="slx-widget" id="{match["id"]}">{match["head"]}'
                f'<img class="slx-frame" src="{html.escape(url(names[first]))}" width="{width}" '
                f'height="{height}"{match["img_rest"]}>{match["middle"]}'
                f'<script type="application/json" class="slx-spec">'
                f'{spec_json}</script>\n'
                + _SCRIPT % {"id": match["id"]})

    rewritten, count = _WIDGET.subn(rewrite, body)
    left = rewritten.count('class="slx-widget"') - count
    if left:
        raise ValueError(f"{left} static widget(s) not in the form this extension reads")
    return rewritten


def _on_page(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if 'class="slx-widget"' not in body:
        return
    folder = Path(app.outdir) / FRAMES_FOLDER

    def save(name: str, png: bytes) -> None:
        path = folder / name
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)

    try:
        context["body"] = externalise_frames(body, save, lambda name: context["pathto"](f"{FRAMES_FOLDER}/{name}", 1))
    except ValueError as error:
        logger.warning(f"{pagename}: static widget frames left in the page: {error}")


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
