"""Progress of long raster work, drawn by ``tqdm.auto`` (private).

A bar is shown when the session is interactive (its stream is a terminal, or the code runs in
Jupyter, where ``tqdm.auto`` draws a notebook widget) and the work is large, or when asked for
with ``enabled=True`` (``progress=True`` in the public functions); ``MARSGEO_PROGRESS=0`` turns
bars off everywhere, ``MARSGEO_PROGRESS=1`` forces them on. A bar never stops the work it
shows: if its stream is closed or cannot be written (a closed terminal, a full disk), the bar
turns itself off and the work goes on.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import Any, TextIO

#: How a text bar reads: ``reading dtm.tif: [#######       ]  48.0% (1.2 s)``.
BAR_FORMAT = "{desc}: [{bar:30}] {percentage:5.1f}% ({elapsed_s:.1f} s)"


def in_jupyter() -> bool:
    """Tell whether the code runs in a Jupyter kernel (where ``tqdm.auto`` draws widgets)."""
    return "ipykernel.zmqshell" in sys.modules


@cache
def _bar_class() -> Any:
    """``tqdm.auto.tqdm`` without tqdm's monitor thread (bars here are updated often)."""
    from tqdm.auto import tqdm

    return type("MarsgeoBar", (tqdm,), {"monitor_interval": 0})


class _Guarded:
    """A stream whose write errors turn the bar off instead of reaching the work."""

    def __init__(self, stream: TextIO, owner: Progress) -> None:
        self.stream = stream
        self.owner = owner

    def write(self, text: str) -> int:
        if not self.owner.enabled:
            return 0
        try:
            return self.stream.write(text)
        except (OSError, ValueError):  # closed or full: the work goes on without a bar
            self.owner.enabled = False
            return 0

    def flush(self) -> None:
        if not self.owner.enabled:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError):
            self.owner.enabled = False


class Progress:
    """Count units of work, shown as a ``tqdm.auto`` bar when enabled.

    Parameters
    ----------
    total
        Units of work.
    desc
        What is being done, e.g. ``"reading dtm.tif"``.
    enabled
        True shows the bar, False hides it, None decides: shown when interactive (a terminal
        or Jupyter) and the work has more than one unit. ``MARSGEO_PROGRESS`` overrides it.
    stream
        Where a text bar goes (default: standard error).
    """

    def __init__(
        self, total: int, desc: str, *, enabled: bool | None = None, stream: TextIO | None = None
    ) -> None:
        self.total = max(int(total), 1)
        self.desc = desc
        self.done = 0
        self.stream: TextIO | None = stream if stream is not None else sys.stderr
        env = os.environ.get("MARSGEO_PROGRESS")
        if env in ("0", "1"):
            enabled = env == "1"
        elif enabled is None:
            enabled = total > 1 and self._interactive()
        self.enabled = bool(enabled) and self.stream is not None
        self._bar: Any = None
        if self.enabled:
            self._open()

    def _interactive(self) -> bool:
        if self.stream is sys.stderr and in_jupyter():
            return True
        try:
            return bool(getattr(self.stream, "isatty", lambda: False)())
        except (OSError, ValueError):  # a closed stream
            return False

    def _open(self) -> None:
        assert self.stream is not None
        try:
            self._bar = _bar_class()(
                total=self.total,
                desc=self.desc,
                file=_Guarded(self.stream, self),
                bar_format=BAR_FORMAT,
                ascii=" #",
                mininterval=0.1,
                leave=True,
            )
        except (OSError, ValueError):
            self.enabled = False

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done (at most the total) and redraw at most ten times a second."""
        step = min(self.total - self.done, n)
        self.done += step
        if self._bar is None or not self.enabled:
            return
        try:
            self._bar.update(step)
        except (OSError, ValueError):
            self.enabled = False

    def close(self) -> None:
        """End the bar (its last state stays shown)."""
        bar, self._bar = self._bar, None
        if bar is None:
            return
        try:
            bar.close()
        except (OSError, ValueError):
            self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
