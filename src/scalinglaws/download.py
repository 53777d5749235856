"""Public data fetched on first use: the user's data folder, one HTTP download, an atomic write.

The course ships none of the data it studies: a table built from a public release (see
:mod:`scalinglaws.gadre2024`) is downloaded once from its source, checked against a recorded SHA-256 and kept
in the user's data folder, as scikit-learn's ``fetch_*`` functions and seaborn's ``load_dataset`` do. Only the
standard library is used (``urllib``); sizes are in bytes, times in seconds.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DATA_ENV_VAR", "FetchError", "data_home", "download", "sha256", "write_folder"]

DATA_ENV_VAR = "SCALINGLAWS_DATA"
"""Environment variable naming the user's data folder (default: the platform's cache folder, see
:func:`data_home`)."""

TIMEOUT = 30.0
"""Seconds a download may wait on the network (to connect, or between two reads) before it gives up."""

MAX_BYTES = 64 * 2**20
"""Largest download accepted, in bytes: a wrong address serving something huge is refused, not kept in memory."""


class FetchError(OSError):
    """Fetching public data failed: no network, an HTTP error, a download cut short, a checksum mismatch or a
    folder that cannot be written. The message says what happened and what to do; nothing is left cached."""


def data_home() -> Path:
    """The user's data folder for scalinglaws: ``$SCALINGLAWS_DATA`` if set, else the platform's cache folder
    (``$XDG_CACHE_HOME/scalinglaws``, by default ``~/.cache/scalinglaws``; ``~/Library/Caches/scalinglaws`` on
    macOS; ``%LOCALAPPDATA%\\scalinglaws`` on Windows). It may not exist yet."""
    if os.environ.get(DATA_ENV_VAR):
        return Path(os.environ[DATA_ENV_VAR]).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "scalinglaws"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "scalinglaws"
    cache = os.environ.get("XDG_CACHE_HOME")
    return (Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache") / "scalinglaws"


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 hexadecimal digits."""
    return hashlib.sha256(data).hexdigest()


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 50_000 else f"{n / 1e3:.1f} kB"


def download(url: str, *, what: str, licence: str, offline_hint: str, size_hint: str = "size unknown",
             timeout: float = TIMEOUT, limit: int = MAX_BYTES) -> bytes:
    """The bytes at ``url``, fetched with one GET; prints one line to stderr (size, source, licence).

    ``what`` names the data in that line, ``licence`` its licence, ``size_hint`` its size when the server
    sends no Content-Length (GitHub streams its archives); ``offline_hint`` is what the user can do without a
    network. Raises :class:`FetchError` when the network is unreachable, the server answers an HTTP
    error, or the body is cut short (fewer bytes than its Content-Length, or a broken connection).
    """
    try:
        response = urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (https, or a test's 127.0.0.1)
    except urllib.error.HTTPError as error:
        raise FetchError(f"downloading {what} failed: {url} answered HTTP {error.code} {error.reason}") from None
    except ValueError as error:  # not a URL at all
        raise FetchError(f"cannot download {what}: {url!r} is not an http(s) address ({error})") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"no network: {offline_hint} (downloading {url} failed: {reason})") from None
    with response:
        size = response.headers.get("Content-Length")
        size = int(size) if size and size.isdigit() else None
        if size is not None and size > limit:
            raise FetchError(f"downloading {what} refused: {url} is {size} bytes, more than {limit}")
        shown = _megabytes(size) if size is not None else size_hint
        print(f"Downloading {what} ({shown}, {licence} licence) from {url}", file=sys.stderr, flush=True)
        try:
            data = response.read(limit + 1)
        except (http.client.IncompleteRead, http.client.HTTPException, OSError) as error:
            raise FetchError(f"the download of {what} from {url} was cut short ({type(error).__name__}); "
                             "nothing was cached: run again") from None
    if len(data) > limit:
        raise FetchError(f"downloading {what} refused: {url} sent more than {limit} bytes")
    if size is not None and len(data) != size:
        raise FetchError(f"the download of {what} from {url} was cut short ({len(data)} of {size} bytes); "
                         "nothing was cached: run again")
    return data


def write_folder(folder: Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (name to bytes) as the new folder ``folder``, atomically: they are written into a
    temporary folder beside it, which is then renamed. On any failure nothing is left behind; if another
    process has written ``folder`` meanwhile, its copy is kept. Returns the resolved folder."""
    folder = Path(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError as error:
        raise FetchError(f"cannot write into {folder.parent} ({error.strerror or error}): set {DATA_ENV_VAR} "
                         "to a writable folder") from None
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        staging.chmod(0o755)
        try:
            staging.rename(folder)  # atomic; replaces an empty folder, fails on a non-empty one
        except OSError:
            if not all((folder / name).is_file() for name in files):
                raise
    except OSError as error:
        raise FetchError(f"cannot write {folder} ({error.strerror or error}); nothing was cached") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder.resolve()
