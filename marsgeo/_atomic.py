"""Atomic file writes (private): write to a temporary file beside the target, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marsgeo.errors import DataFileError


@contextmanager
def atomic_target(path: Any, *, example: str = "out.html") -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces the target.

    On any error the temporary file is removed and an existing target is left untouched, so
    no half-written file is ever seen under the target's name.
    """
    target = Path(path)
    if target.is_dir():
        msg = f"path={str(path)!r} is a folder; pass a file name such as {example!r}."
        raise DataFileError(msg)
    if not target.parent.exists():
        msg = f"path={str(path)!r}: folder {str(target.parent)!r} does not exist; create it first."
        raise DataFileError(msg)
    fd, name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
