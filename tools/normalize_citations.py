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
CITE = re.compile(r"(\{cite(?::[a-z]+)?\}`)([^`]+)`")
BIB_KEYS = set(re.findall(r"@\w+\{([^,]+),", (Path(__file__).resolve().parents[1] / "references.bib").read_text()))


def _strip_prefix(key: str) -> str:
    """'ch03-hoffmann2022training' -> 'hoffmann2022training' when only the unprefixed key is in references.bib."""
    key = key.strip()
    if key not in BIB_KEYS and "-" in key and key.split("-", 1)[1] in BIB_KEYS:
        return key.split("-", 1)[1]
    return key


def normalize(text: str) -> str:
    text = BLOCK.sub("", text)
    text = BARE_BLOCK.sub("", text)
    text = CITE.sub(lambda m: m.group(1) + ",".join(_strip_prefix(k) for k in m.group(2).split(",")) + "`", text)
    return text.rstrip() + ("\n" if text.endswith("\n") else "")


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
