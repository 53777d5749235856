"""A dependency-free progress line on stderr for long loops (no tqdm, no widgets)."""
from __future__ import annotations

import sys
import time


class Progress:
    """Print ``label i/n`` on one stderr line, but only once the loop looks slower than ``after`` seconds.

    ``enabled=True`` always prints, ``False`` never does, ``None`` decides from the projected duration.
    """

    def __init__(self, total: int, label: str, *, enabled: bool | None = None, after: float = 2.0, stream=None):
        self.total, self.label, self.enabled, self.after = total, label, enabled, after
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.perf_counter()
        self.shown = False

    def update(self, done: int) -> None:
        """Report that ``done`` of ``total`` steps have finished."""
        if self.enabled is False:
            return
        elapsed = time.perf_counter() - self.start
        if self.enabled is None and not self.shown:
            if done == 0 or elapsed / done * self.total < self.after:
                return
        self.shown = True
        eta = elapsed / done * (self.total - done) if done else float("nan")
        self.stream.write(f"\r{self.label} {done}/{self.total}  ({elapsed:.1f} s, ~{eta:.0f} s left)   ")
        self.stream.flush()

    def close(self) -> None:
        """End the progress line (if one was printed)."""
        if self.shown:
            elapsed = time.perf_counter() - self.start
            self.stream.write(f"\r{self.label} {self.total}/{self.total}  done in {elapsed:.1f} s          \n")
            self.stream.flush()
