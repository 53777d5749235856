"""Derive every install line and Colab install cell from the one repository setting in ``_config.yml``.

``repository.url`` in ``_config.yml`` is the only place the course's address is typed. Jupyter Book builds the
launch buttons (Binder, Colab) and the repository button from it; this script writes it into

- the first code cell of every notebook in ``chapters/``, ``solutions/`` and ``exercises/`` (the cell that
  installs the package on Colab and does nothing anywhere else), and
- the ``pip install "scalinglaws @ git+..."`` lines of ``README.md`` and ``learner.md``.

Usage::

    python tools/repository_links.py          # rewrite whatever differs from the setting
    python tools/repository_links.py --check  # list what differs; exit 1 if anything does

``make links`` runs the first form; tests/test_repository_links.py fails while anything differs.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_FOLDERS = ("chapters", "solutions", "exercises")
TEXT_FILES = ("README.md", "learner.md")
_REQUIREMENT = re.compile(r'"scalinglaws @ git\+[^"\s]*"')
_COLAB_MARK = '"google.colab" in sys.modules'


def repository_url(root: Path = ROOT) -> str:
    """The repository address set in ``_config.yml`` (``repository.url``), without a trailing slash."""
    url = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    if not isinstance(url, str) or not re.fullmatch(r"https://[^\s\"']+", url):
        raise ValueError(f"_config.yml repository.url must be an https:// address; got {url!r}")
    return url.rstrip("/")


def requirement(url: str) -> str:
    """The pip requirement that installs the package from the repository, quoted for a shell."""
    return f'"scalinglaws @ git+{url}"'


def colab_cell(url: str) -> str:
    """The source of every notebook's first code cell."""
    return ("# Colab only: install the course package (this cell does nothing anywhere else).\n"
            "import sys\n\n"
            f"if {_COLAB_MARK}:\n"
            f"    %pip install --quiet {requirement(url)}")


def _notebooks(root: Path) -> list[Path]:
    return [p for folder in NOTEBOOK_FOLDERS for p in sorted((root / folder).glob("*.ipynb"))]


def _colab(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    return next((c for c in nb.cells if c.cell_type == "code" and _COLAB_MARK in c.source), None)


def stale(root: Path = ROOT) -> list[str]:
    """Every file whose install line or Colab cell differs from what ``repository.url`` gives."""
    url, found = repository_url(root), []
    for path in _notebooks(root):
        cell = _colab(nbformat.read(path, as_version=4))
        if cell is None or cell.source != colab_cell(url):
            found.append(f"{path.relative_to(root)}: Colab install cell")
    for name in TEXT_FILES:
        lines = _REQUIREMENT.findall((root / name).read_text(encoding="utf-8"))
        if not lines or any(line != requirement(url) for line in lines):
            found.append(f"{name}: install line")
    return found


def write(root: Path = ROOT) -> list[str]:
    """Rewrite what differs; return what was rewritten. A notebook without a Colab cell gets none added."""
    url, changed = repository_url(root), []
    for path in _notebooks(root):
        nb = nbformat.read(path, as_version=4)
        cell = _colab(nb)
        if cell is not None and cell.source != colab_cell(url):
            cell.source = colab_cell(url)
            nbformat.write(nb, path)
            changed.append(str(path.relative_to(root)))
    for name in TEXT_FILES:
        text = (root / name).read_text(encoding="utf-8")
        new = _REQUIREMENT.sub(requirement(url), text)
        if new != text:
            (root / name).write_text(new, encoding="utf-8")
            changed.append(name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list what differs from the setting; exit 1 if any")
    args = parser.parse_args(argv)
    if args.check:
        found = stale()
        print("\n".join(found) or f"every link follows {repository_url()}")
        return 1 if found else 0
    for name in write():
        print(f"rewrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
