"""The instructor's secret, from which every student's world and token derive (HMAC-SHA256).

Read by the service, the roster command and the grader; created 0600 by the service's first start. Taught in
instructor.md.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["read_secret", "create_secret"]


def read_secret(path: str | Path) -> bytes:
    """The instructor secret: the file's content, stripped (at least 16 characters)."""
    file = Path(path)
    if not file.exists():
        raise SystemExit(f"no secret file {file}; create one with: (umask 077; python -c \"import secrets; "
                         f"print(secrets.token_hex(32))\" > {file})")
    secret = file.read_bytes().strip()
    if len(secret) < 16:
        raise SystemExit(f"the secret in {file} is too short ({len(secret)} bytes); use at least 16")
    return secret


def create_secret(path: str | Path) -> bool:
    """Write a fresh secret (64 hex digits) to ``path``, readable by its owner only (0600); False if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32) + "\n")
    return True
