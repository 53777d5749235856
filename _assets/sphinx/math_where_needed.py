"""Sphinx extension: MathJax loads only on the pages that hold math.

Sphinx adds MathJax to a page that holds math or lists, in a table of contents, a page that does: so the book's
root page (intro), whose table of contents lists every chapter, and the pages Sphinx makes itself (index, search)
all loaded MathJax (263 kB gzipped, and its fonts) to typeset nothing. This extension keeps MathJax, and its
configuration script, only where the page's own text holds math: a math node (Sphinx's own test), or TeX
delimiters in its body, such as a notebook's HTML output may carry.
"""
from __future__ import annotations

import posixpath
import re

_TEX = re.compile(r"\\\(|\\\[|\$\$|\\begin\{")


def page_has_math(app, pagename: str, body: str) -> bool:
    """Whether the page's own doctree holds a math node, or its body TeX delimiters."""
    own = app.env.get_domain("math").data["has_equations"].get(pagename, False)
    return bool(own or _TEX.search(body))


def _is_mathjax(app, script) -> bool:
    filename = str(script.filename or "")
    return (filename == posixpath.join("_static", app.config.mathjax_path)
            or script.attributes.get("body", "").startswith("window.MathJax"))


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context and not page_has_math(app, pagename, context.get("body", "")):
        context["script_files"] = [js for js in context["script_files"] if not _is_mathjax(app, js)]


def setup(app):
    app.connect("html-page-context", _on_page, priority=900)  # after sphinx.ext.mathjax adds it (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
