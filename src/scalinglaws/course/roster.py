"""The class roster: one file of student ids, read the same way by nbgrader's set-up and the class lab.

A roster file holds one student id per line; blank lines and lines starting with ``#`` are ignored. An id is
what nbgrader, the lab's ledger and its tokens know a student by, so it has no spaces, commas or slashes.
Taught in instructor.md.
"""
from __future__ import annotations

import re
from pathlib import Path

__all__ = ["read_roster", "check_student_id"]

_ID = re.compile(r"^[^\s,/\\]+$")


def check_student_id(student: str) -> str:
    """``student`` if it is a usable id; ValueError saying what is allowed otherwise."""
    if not isinstance(student, str) or not _ID.match(student):
        raise ValueError(f"a student id must be non-empty with no spaces, commas or slashes; got {student!r}")
    return student


def read_roster(path: str | Path) -> list[str]:
    """The student ids of a roster file, in file order, each once. ValueError names a bad line."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValueError(f"no roster file {file}: write one student id per line")
    ids: list[str] = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            check_student_id(text)
        except ValueError as err:
            raise ValueError(f"{file}, line {number}: {err}") from None
        if text not in ids:
            ids.append(text)
    return ids
