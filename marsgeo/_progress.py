"""A minimal terminal progress bar for long raster work (private).

Shown on stderr when it is a terminal and the work is large, or when ``progress=True``;
``MARSGEO_PROGRESS=0`` turns it off everywhere, ``MARSGEO_PROGRESS=1`` forces it on. A bar
never stops the work it shows: if its stream is closed or cannot be written (a closed
terminal, a full disk), the bar turns itself off.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """Count units of work and redraw a one-line bar at most ten times a second."""

    def __init__(
        self, total: int, desc: str, *, enabled: bool | None = None, stream: TextIO | None = None
    ) -> None:
        self.total = max(int(total), 1)
        self.desc = desc
        self.stream: TextIO | None = stream if stream is not None else sys.stderr
        env = os.environ.get("MARSGEO_PROGRESS")
        if env in ("0", "1"):
            enabled = env == "1"
        elif enabled is None:
            enabled = self._is_terminal() and total > 1
        self.enabled = bool(enabled) and self.stream is not None
        self.done = 0
        self._last = 0.0
        self._start = time.monotonic()

    def _is_terminal(self) -> bool:
        try:
            return bool(getattr(self.stream, "isatty", lambda: False)())
        except (OSError, ValueError):  # a closed stream
            return False

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # closed or full: the work goes on without a bar
            self.enabled = False

    def update(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            frac = self.done / self.total
            bar = "#" * int(30 * frac)
            self._write(
                f"\r{self.desc}: [{bar:<30}] {100 * frac:5.1f}% ({now - self._start:.1f} s)"
            )

    def close(self) -> None:
        if self.enabled:
            self._write("\n")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
