"""A minimal terminal progress bar for long raster work (private).

Shown on stderr when it is a terminal and the work is large, or when ``progress=True``;
``MARSGEO_PROGRESS=0`` turns it off everywhere, ``MARSGEO_PROGRESS=1`` forces it on.
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
        self.stream = stream if stream is not None else sys.stderr
        env = os.environ.get("MARSGEO_PROGRESS")
        if env in ("0", "1"):
            enabled = env == "1"
        elif enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and total > 1
        self.enabled = enabled
        self.done = 0
        self._last = 0.0
        self._start = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done == self.total):
            self._last = now
            frac = self.done / self.total
            bar = "#" * int(30 * frac)
            self.stream.write(
                f"\r{self.desc}: [{bar:<30}] {100 * frac:5.1f}% ({now - self._start:.1f} s)"
            )
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
