"""Keep one bibliography for the whole book: strip per-page bibliography blocks and key prefixes.

Sphinx-bibtex warns about duplicate citations when two pages each hold a bibliography citing the same
key, and the book builds with --warningiserror. The book therefore has a single references.md page.
Usage: python tools/normalize_citations.py FILE.ipynb|FILE.md ...
"""
import re
import sys
from pathlib import Path

import nbformat

BLOCK = re.compile(r"\n*#+ References\s*\n+```\{bibliography\}[^`]*```\s*$", re.S)
BARE_BLOCK = re.compile(r"\n*```\{bibliography\}[^`]*```", re.S)
PREFIX = re.compile(r"(\{cite(?::[a-z]+)?\}`)[a-z0-9]+-(?=[a-z]+\d{4})")


def normalize(text: str) -> str:
    text = BLOCK.sub("", text)
    text = BARE_BLOCK.sub("", text)
    return PREFIX.sub(r"\1", text).rstrip() + ("\n" if text.endswith("\n") else "")


def main(paths):
    for p in map(Path, paths):
        if p.suffix == ".ipynb":
            nb = nbformat.read(p, as_version=4)
            changed = False
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    new = normalize(cell.source)
                    changed |= new != cell.source
                    cell.source = new
            nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and not c.source.strip())]
            if changed:
                nbformat.write(nb, p)
        else:
            text = p.read_text()
            p.write_text(normalize(text))
        print(f"normalized {p}")


if __name__ == "__main__":
    main(sys.argv[1:])
