"""Sphinx extension: make the bibliography a list of list items for assistive technology.

docutils writes the references as ``<div role="list" class="citation-list">`` holding
``<div class="citation" role="doc-biblioentry">`` entries. ``doc-biblioentry`` is deprecated in DPUB-ARIA 1.1,
so browsers and axe-core do not count those entries as list items, and the list has children it must not have
(axe-core's aria-required-children, critical). Each entry is given ``role="listitem"`` instead.
"""
from __future__ import annotations

import re

_ENTRY = re.compile(r'(<div class="citation" id="[^"]+") role="doc-biblioentry">')


def listitem_citations(html: str) -> str:
    """The page body with every citation entry's role set to ``listitem``."""
    return _ENTRY.sub(r'\1 role="listitem">', html)


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "body" in context and "citation-list" in context["body"]:
        context["body"] = listitem_citations(context["body"])


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
