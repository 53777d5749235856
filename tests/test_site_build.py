"""The book's build steps that make pages light (_assets/sphinx), and the static host the site tests serve from
(tools/site_load.py), each on small inputs. The built site itself is checked in a browser by tests/test_site.py."""
from __future__ import annotations

import base64
import functools
import gzip
import http.server
import io
import json
import re
import sys
import threading
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_assets" / "sphinx"))
sys.path.insert(0, str(ROOT / "tools"))

from icon_fonts import class_characters, direct_characters, subset_font  # noqa: E402
from palette_figures import palette_png  # noqa: E402
from site_load import StaticHostHandler  # noqa: E402
from widget_frames import externalise_frames, frame_name  # noqa: E402

from scalinglaws.course.widgets import ComputeBudgetExplorer  # noqa: E402


@pytest.fixture(scope="module")
def widget_html() -> str:
    return ComputeBudgetExplorer().static_html()


def _spec(html: str) -> dict:
    return json.loads(re.search(r'class="slx-spec">(.*?)</script>', html, re.DOTALL)[1])


def test_externalised_widget_keeps_no_frame_in_the_page_and_saves_each_one(widget_html):
    saved = {}
    page = externalise_frames(f"<p>before</p>{widget_html}<p>after</p>", saved.__setitem__,
                              lambda name: f"../_images/frames/{name}")
    original = _spec(widget_html)
    spec = _spec(page)
    assert "data:image" not in page and "images" not in spec
    assert page.startswith("<p>before</p>") and page.endswith("<p>after</p>")
    pngs = [base64.b64decode(image) for image in original["images"]]
    assert spec["frames"] == [f"../_images/frames/{frame_name(png)}" for png in pngs]
    assert saved == {frame_name(png): png for png in pngs}
    assert (spec["labels"], spec["readouts"], spec["shape"]) == \
        (original["labels"], original["readouts"], original["shape"])


def test_externalised_widget_shows_its_first_frame_at_its_size(widget_html):
    page = externalise_frames(widget_html, lambda name, png: None, lambda name: f"f/{name}")
    shown = re.search(r'<img class="slx-frame" src="data:image/png;base64,([^"]+)"', widget_html)[1]
    png = base64.b64decode(shown)
    width, height = Image.open(io.BytesIO(png)).size
    assert f'<img class="slx-frame" src="f/{frame_name(png)}" width="{width}" height="{height}"' in page
    assert page.count("<script>") == 1 and "data:image/png;base64" not in page.split("<script>")[1]


def test_equal_frames_share_one_file():
    one = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(one, format="PNG")
    assert frame_name(one.getvalue()) == frame_name(bytes(one.getvalue()))
    two = io.BytesIO()
    Image.new("RGB", (4, 4), "black").save(two, format="PNG")
    assert frame_name(one.getvalue()) != frame_name(two.getvalue())


def test_a_widget_in_an_unknown_form_is_an_error_not_a_half_rewrite(widget_html):
    changed = widget_html.replace('<script type="application/json" class="slx-spec">', '<script class="spec">')
    with pytest.raises(ValueError, match="not in the form"):
        externalise_frames(changed, lambda name, png: None, lambda name: name)
    spec = _spec(widget_html)
    extra = widget_html.replace(json.dumps(spec, separators=(",", ":")),
                                json.dumps({**spec, "more": 1}, separators=(",", ":")))
    with pytest.raises(ValueError, match="unexpected spec fields"):
        externalise_frames(extra, lambda name, png: None, lambda name: name)


def test_palette_figure_is_smaller_and_close_to_the_original():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
    x = np.linspace(0, 1, 200)
    for k in range(6):
        ax.plot(x, x ** (k + 1), label=f"k={k}")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    original = buffer.getvalue()
    palette = palette_png(original)
    assert len(palette) < len(original) / 2
    a = np.asarray(Image.open(io.BytesIO(original)).convert("RGBA"), dtype=int)
    b = np.asarray(Image.open(io.BytesIO(palette)).convert("RGBA"), dtype=int)
    assert a.shape == b.shape and np.abs(a - b).max() <= 40 and np.abs(a - b).mean() < 2


def test_icon_characters_from_the_class_map_and_from_the_theme_rules():
    css = ('.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}.fa-sun:before{content:"\\f185"}'
           '.note:before{content:"\uf303"}.toc:after{content:"\\f107";font-family:Font Awesome\\ 6 Free}'
           '.dash:before{content:"\\2014"}')
    assert class_characters(css) == {"fa-magnifying-glass": 0xF002, "fa-search": 0xF002, "fa-sun": 0xF185}
    assert direct_characters(css) == {0xF303, 0xF107}  # not the class map's, not an em dash


def test_cut_down_font_holds_exactly_the_characters_asked_for(tmp_path):
    from fontTools.ttLib import TTFont

    import pydata_sphinx_theme

    webfonts = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "vendor" / \
        "fontawesome" / "webfonts"
    source = webfonts / "fa-solid-900.woff2"
    target = tmp_path / source.name
    subset_font(source, target, {0xF002, 0xF185, 0xF09B})  # \uf09b is a brand: not in the solid font
    assert set(TTFont(str(target)).getBestCmap()) == {0xF002, 0xF185}
    assert target.stat().st_size < source.stat().st_size / 20
    assert target.read_bytes()[:4] == b"wOF2"


@pytest.fixture(scope="module")
def static_host(tmp_path_factory):
    site = tmp_path_factory.mktemp("host")
    (site / "page.html").write_text("<html>" + "text " * 2000 + "</html>")
    (site / "frame.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(StaticHostHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _get(url: str, gzip_ok: bool):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate"} if gzip_ok else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def test_static_host_gzips_text_for_a_browser_that_accepts_it(static_host):
    site, base = static_host
    headers, body = _get(base + "page.html", gzip_ok=True)
    assert headers["Content-Encoding"] == "gzip" and int(headers["Content-Length"]) == len(body) < 200
    assert gzip.decompress(body) == (site / "page.html").read_bytes()
    headers, body = _get(base + "page.html", gzip_ok=False)
    assert headers["Content-Encoding"] is None and body == (site / "page.html").read_bytes()


def test_static_host_sends_images_as_they_are(static_host):
    site, base = static_host
    headers, body = _get(base + "frame.png", gzip_ok=True)
    assert headers["Content-Encoding"] is None and body == (site / "frame.png").read_bytes()
