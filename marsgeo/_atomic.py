"""Atomic file writes (private): write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marsgeo.errors import DataFileError

# Where Linux (4.7 and later) publishes a process's umask without changing it.
_PROC_STATUS = Path("/proc/self/status")


def _current_umask() -> int:
    """Return the process's umask, leaving it in place."""
    # os.umask can only read the mask by replacing it, and the mask is shared by every thread:
    # a file another thread creates between the two calls would get the temporary mask. Read
    # it from /proc where the kernel offers it; elsewhere, set the most restrictive mask (so
    # such a file is private rather than exposed) and put the old one back at once.
    with contextlib.suppress(OSError, ValueError):
        for line in _PROC_STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _final_mode(target: Path) -> int:
    """Permission bits for the written file: the existing target's, else a new file's."""
    try:
        return stat.S_IMODE(target.stat().st_mode) & 0o777
    except FileNotFoundError:
        return 0o666 & ~_current_umask()


@contextmanager
def atomic_target(path: Any, *, example: str = "out.html") -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces the target.

    On any error the temporary file is removed and an existing target is left untouched, so
    no half-written file is ever seen under the target's name.

    The temporary file is private (mode 0600) while it is written. The file left under the
    target's name gets the permissions of the file it replaces, as ``cp`` and text editors
    keep them; a new file gets those any newly created file would get, ``0o666`` less the
    process's umask (0644 under the usual umask 022), so that a web server can serve it.

    Parameters
    ----------
    path
        The file to write; its folder must exist.
    example
        A file name to suggest in the error raised when ``path`` is a folder.

    Yields
    ------
    pathlib.Path
        The temporary file to write to, with the target's suffix.

    Raises
    ------
    marsgeo.errors.DataFileError
        ``path`` is a folder, or its folder does not exist.
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
        mode = _final_mode(target)
        # a file system without Unix permissions (FAT, some network shares) may refuse
        # chmod; the file is still written, with the permissions that file system gives it
        with contextlib.suppress(PermissionError, NotImplementedError):
            tmp.chmod(mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
