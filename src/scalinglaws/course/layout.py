"""Printed text that fits the course website's code column (issue 17, item 7)."""
from __future__ import annotations

import textwrap

PAGE_WIDTH = 79
"""The widest printed line, in characters: the website's code column shows about 78."""

CONTINUATION = "   "
"""Indent of a wrapped line's continuation, so it reads as part of the line above."""


def fit_lines(text: str, width: int = PAGE_WIDTH, indent: str = CONTINUATION) -> str:
    """``text`` with each line wider than ``width`` wrapped at spaces, continuations indented.

    Lines that already fit are kept as they are (tables keep their columns); a single word longer
    than the width is not split. Taught nowhere: it formats feedback and explorer readouts.
    """
    if width <= len(indent):
        raise ValueError(f"width must exceed the indent ({len(indent)} characters); got {width}")
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
        else:
            out.append(textwrap.fill(line, width=width, subsequent_indent=indent,
                                     break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)
