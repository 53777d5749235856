"""Build Gadre et al. (2024)'s table from a copy of their release you already have (no network).

Usage: python tools/build_gadre2024.py SOURCE [--out DIR]

``scalinglaws.runs.load_runs()`` downloads the release by itself; this command builds the same table from
a copy at hand instead. SOURCE is a clone of github.com/mlfoundations/scaling (a work tree or a bare git
directory: read at the pinned commit with ``git archive``, so local edits do not count), a folder holding
the release (an unpacked archive) or its archive (``.tar.gz``). The table is built by
``scalinglaws.gadre2024.build``, checked against its recorded SHA-256 and written, atomically, into DIR
(default: the user's data folder, ``$SCALINGLAWS_DATA/gadre2024``, where ``load_runs()`` looks; elsewhere,
point SCALINGLAWS_GADRE2024 at DIR). DIR must not hold files yet.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from scalinglaws import gadre2024
from scalinglaws.download import FetchError, write_folder
from scalinglaws.runs import user_dir


def release_files(source: Path) -> dict[str, bytes]:
    """The needed files of SOURCE: a git clone (at the pinned commit), a folder or an archive."""
    if source.is_file():
        return gadre2024.read_archive(source.read_bytes())
    git = ["git", "-C", str(source)]
    is_git = subprocess.run([*git, "rev-parse", "--git-dir"], capture_output=True).returncode == 0
    if not is_git:
        return gadre2024.read_folder(source)
    if subprocess.run([*git, "cat-file", "-e", f"{gadre2024.COMMIT}^{{commit}}"], capture_output=True).returncode:
        sys.exit(f"{source} does not hold commit {gadre2024.COMMIT}: fetch it first")
    tar = subprocess.run([*git, "archive", "--format=tar", "--prefix=scaling/", gadre2024.COMMIT],
                         check=True, capture_output=True).stdout
    return gadre2024.read_archive(tar)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="clone (work tree or bare), folder or .tar.gz of the release")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: gadre2024 in the user's data folder)")
    args = parser.parse_args()
    out = args.out or user_dir()
    if out.exists() and any(out.iterdir()):
        sys.exit(f"{out} is not empty: remove it first, or choose another --out")
    try:
        table = gadre2024.build(release_files(args.source))
        gadre2024.verify(table)
        write_folder(out, table)
    except (ValueError, FetchError) as error:
        sys.exit(f"build_gadre2024: {error}")
    print(f"wrote runs.csv, tasks.csv (SHA-256 checked), LICENSE and README.md to {out} "
          f"(source {gadre2024.REPO} @ {gadre2024.COMMIT})")


if __name__ == "__main__":
    main()
