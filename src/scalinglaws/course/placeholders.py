"""Solution regions and their placeholders: the text rule shared by the exercise generator and nbgrader's release.

In a solution code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's
markers) are the answer. The student version replaces them with a placeholder that lets the blank notebook run
to the end:

- at top level, every name the block assigns becomes ``name = ...``;
- inside a function body, the block becomes ``...`` (the function returns None).

``check`` reports ``...`` and ``None`` as "not answered yet". This module imports nothing of the course, so every
classroom module can use it: ``marking`` and ``autograde`` below ``classroom``, which is below ``assignments``.
"""
from __future__ import annotations

import ast

__all__ = ["BEGIN", "END", "PLACEHOLDER_COMMENT", "strip_solutions"]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
PLACEHOLDER_COMMENT = "# YOUR ANSWER HERE"


def _assigned_names(block: str) -> list[str]:
    """Names assigned at the top level of a code block, in order of first assignment."""
    names: list[str] = []
    for node in ast.parse(block).body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.append(sub.id)
    return names


def strip_solutions(source: str) -> str:
    """Replace every solution block in a cell's source by its placeholder.

    Raises ValueError for unbalanced markers.
    """
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if block is not None:
                raise ValueError(f"nested {BEGIN!r}")
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if block is None:
                raise ValueError(f"{END!r} without {BEGIN!r}")
            out.extend(_placeholder(block, indent))
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return "\n".join(out)


def _placeholder(block: list[str], indent: str) -> list[str]:
    if indent:
        return [indent + PLACEHOLDER_COMMENT, indent + "..."]
    text = "\n".join(block)
    names = _assigned_names(text)
    if not names:
        return [PLACEHOLDER_COMMENT]
    return [PLACEHOLDER_COMMENT] + [f"{name} = ..." for name in names]
