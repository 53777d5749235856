"""Sphinx extension: the theme's icons cost a few kilobytes instead of 2 MB.

pydata-sphinx-theme draws its icons (search, menu, colour mode, launch, download, the repository's logo, the
admonitions' symbols, ...) with Font Awesome 6: its stylesheet maps each ``fa-*`` class to a character of the
Font Awesome web fonts (274 kB of WOFF2 for two of them), and its ``fontawesome.js`` (1.49 MB) redraws the same
icons as SVG. The page template drops the script (``_assets/templates/layout.html``); after the build this
extension

- cuts each Font Awesome font in the built site down to the characters the site can show: those of every
  ``fa-*`` class named in a built page or in one of the theme's scripts, and those the theme's stylesheets name
  directly (the admonition symbols, the "on this page" arrow, ...), always starting from the theme's own copy;
- deletes ``fontawesome.js`` from the built site, since no page loads it.

Needs fontTools (a dependency of matplotlib) and Brotli (to write WOFF2).
"""
from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

WEBFONTS = Path("_static/vendor/fontawesome/webfonts")
SCRIPT = Path("_static/scripts/fontawesome.js")

# ".fa-magnifying-glass:before,.fa-search:before{content:"\f002"}": Font Awesome's class-to-character map.
_CLASS_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]+)"\}')
_CLASS_NAME = re.compile(r"\.(fa-[a-z0-9-]+):")
_NAMED = re.compile(r"\bfa-[a-z0-9-]+")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{4,6})")


def _is_private_use(codepoint: int) -> bool:
    return 0xE000 <= codepoint <= 0xF8FF


def class_characters(css: str) -> dict[str, int]:
    """Font Awesome's map in a stylesheet: class name (``fa-sun``) to character (``0xf185``)."""
    found = {}
    for rule in _CLASS_RULE.finditer(css):
        for name in _CLASS_NAME.findall(rule[1]):
            found[name] = int(rule[2], 16)
    return found


def direct_characters(css: str) -> set[int]:
    """The private-use characters a stylesheet names outside Font Awesome's class map (the theme's own
    icons: literal characters, or CSS escapes such as ``"\\f107"``)."""
    rest = _CLASS_RULE.sub("", css)
    found = {ord(c) for c in _PRIVATE_USE.findall(rest)}
    found |= {int(h, 16) for h in _ESCAPE.findall(rest) if _is_private_use(int(h, 16))}
    return found


def characters_shown(site: Path) -> set[int]:
    """Every Font Awesome character the built site in ``site`` can show."""
    static = site / "_static"
    stylesheets = [p.read_text(encoding="utf-8") for p in static.rglob("*.css")]
    classes: dict[str, int] = {}
    for css in stylesheets:
        classes.update(class_characters(css))
    texts = [p for p in site.rglob("*.html")]
    texts += [p for p in static.rglob("*.js") if p != site / SCRIPT and "mathjax" not in p.parts]
    named = set()
    for path in texts:
        named |= set(_NAMED.findall(path.read_text(encoding="utf-8", errors="replace")))
    shown = {classes[name] for name in named if name in classes}
    for css in stylesheets:
        shown |= direct_characters(css)
    return shown


def subset_font(source: Path, target: Path, characters: set[int]) -> None:
    """Write ``source`` (TTF or WOFF2) to ``target`` holding only ``characters`` (same format)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2" if source.suffix == ".woff2" else None
    options.layout_features = []
    options.name_IDs = ["*"]  # keep the font's names, licence notice included
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters))
    subsetter.subset(font)
    font.flavor = options.flavor
    font.save(str(target))


def _theme_webfonts() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "vendor" / \
        "fontawesome" / "webfonts"


def _on_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    site = Path(app.outdir)
    characters = characters_shown(site)
    before = after = 0
    for target in sorted((site / WEBFONTS).glob("fa-*")):
        source = _theme_webfonts() / target.name
        if not source.is_file():
            logger.warning(f"icon fonts: {target.name} is not one of the theme's fonts; left as it is")
            continue
        subset_font(source, target, characters)
        before, after = before + source.stat().st_size, after + target.stat().st_size
    (site / SCRIPT).unlink(missing_ok=True)
    logger.info(f"icon fonts: {len(characters)} characters kept, {before / 1e3:.0f} kB -> {after / 1e3:.0f} kB")


def setup(app):
    app.connect("build-finished", _on_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
