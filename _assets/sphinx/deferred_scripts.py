"""Sphinx extension: the theme's and extensions' helper scripts stop holding up the first paint of the text.

Sphinx writes the page's scripts into its head as plain ``<script src>`` tags, each of which stops the browser
from drawing the text until it has arrived and run: on a 150 ms round-trip link that cost about 0.1-0.2 s of
first paint (measured with benchmarks/site_load.py). The scripts listed in ``DEFERRED`` only wire up behaviour once
the document is read (copy buttons, toggles, tabs, search-term highlighting, the theme's buttons), so they are
marked ``defer``: fetched in parallel, run in order after the document is parsed, before DOMContentLoaded, which is
when each of them starts its work. ``documentation_options.js`` stays as it is: inline scripts of the page use it
at once. So does every script of the search page, whose search scripts use doctools.js as they load.
"""
from __future__ import annotations

import posixpath

DEFERRED = frozenset({"doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
                      "sphinx-book-theme.js", "togglebutton.js", "design-tabs.js"})


def _deferred(script):
    name = posixpath.basename(str(script.filename or ""))
    if name not in DEFERRED or "defer" in script.attributes or "async" in script.attributes:
        return script
    return type(script)(script.filename, priority=script.priority, **{**script.attributes, "defer": "defer"})


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context and pagename != "search":
        context["script_files"] = [_deferred(js) for js in context["script_files"]]


def setup(app):
    app.connect("html-page-context", _on_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
