"""Atomic file writes (private, shared by every marsgeo writer).

A file is written into a private temporary folder beside its target, named
``.<target name>.<8 random characters>.part``, then renamed over the target, so that no
half-written file is ever seen under the target's name. Whatever a driver writes besides the
file (a SQLite ``-journal`` or ``-wal``) stays in that folder and goes with it.

- Durability: the file is flushed to the disk (``fsync``) before the rename, and the folder
  after it, so that a crash right after a write leaves the old file or the new one.
- Leftovers: a writer killed mid-write (``kill -9``, a power cut) leaves its temporary folder
  behind. The next write to the same target removes such leftovers: only names that match
  this pattern for that target (or the ``.<stem>.<8 characters>.part<suffix>`` files, and
  their ``-journal`` / ``-wal`` / ``-shm`` companions, of earlier marsgeo versions), only if
  they are older than the write that finds them, and only if no running writer holds them: each
  writer holds an advisory lock (``flock``) on its folder while it writes. Where advisory locks
  do not exist (Windows), leftovers are removed once they are a day old.
- Symbolic links: a target that is a symbolic link is written through: the file it points to is
  replaced (in that file's folder) and the link is kept, as text editors do.
- Errors: a failure of the file system (no permission, read-only file system, disk full, a
  path through a file, a deleted working folder) or of a GDAL driver while writing becomes a
  :class:`marsgeo.errors.DataFileError` naming the path, the cause and a fix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from marsgeo.errors import DataFileError, InputError, MarsGeoError

try:  # advisory locks: Unix only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Temporary folders of the writes in progress (see :func:`abandon_writes`).
_ACTIVE: set[Path] = set()

# Where Linux (4.7 and later) publishes a process's umask without changing it.
_PROC_STATUS = Path("/proc/self/status")

#: Temporary folders are named ``.<name>.<random>.part`` (the name cut to this length).
_NAME_CHARS = 64
_RANDOM = "[a-z0-9_]{8}"  # what tempfile.mkdtemp puts between prefix and suffix
#: Without advisory locks, a leftover is removed once it is this old [s].
_UNLOCKED_STALE_S = 24 * 3600.0
#: Python packages whose exceptions, raised while a file is written, are file errors.
_DRIVER_PACKAGES = ("pyogrio", "fiona", "rasterio", "osgeo")

# what to do about each system error while writing a file
_FIXES = {
    errno.EACCES: "permission denied; write to a folder you may write to, or change its "
    "permissions",
    errno.EPERM: "operation not permitted; write to a folder you may write to",
    errno.EROFS: "the file system is read-only; write to another folder",
    errno.ENOSPC: "the disk is full; free some space or write to another disk",
    errno.EDQUOT: "the disk quota is exceeded; free some space or write to another disk",
    errno.EFBIG: "the file is too large for this file system; write to another disk",
    errno.ENOTDIR: "a part of the folder path is a file, not a folder; check the path",
    errno.ENOENT: "its folder does not exist, was removed while writing, or does not take "
    "new files; write to another folder",
    errno.EISDIR: "it is a folder; pass a file name",
    errno.ENAMETOOLONG: "the name is too long for this file system; use a shorter one",
    errno.ELOOP: "too many symbolic links; check the path",
    errno.EIO: "the device reported an input/output error; check the disk",
    errno.EMFILE: "too many open files; close some files or raise the limit (ulimit -n)",
    errno.ENFILE: "too many open files on this system; close some programs",
    errno.EBUSY: "the file is in use by another program; close it or write elsewhere",
    errno.ETXTBSY: "the file is in use by another program; close it or write elsewhere",
}


def abandon_writes() -> None:
    """Remove the temporary folders of the writes in progress, for a process about to exit.

    The files those writes were to replace are left as they were.
    """
    for folder in list(_ACTIVE):
        shutil.rmtree(folder, ignore_errors=True)
        _ACTIVE.discard(folder)


def reason(exc: BaseException) -> str:
    """One line saying why ``exc`` happened, with the causes it wraps.

    GDAL-based libraries often raise "see previous exception for details" and keep the real
    cause in ``__cause__`` / ``__context__``; those messages are added, each once.

    Examples
    --------
    >>> try:
    ...     try:
    ...         raise OSError(5, "TIFFReadEncodedTile() failed")
    ...     except OSError as inner:
    ...         raise OSError("Read failed.") from inner
    ... except OSError as outer:
    ...     print(reason(outer))
    Read failed. (caused by: [Errno 5] TIFFReadEncodedTile() failed)
    """
    seen: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(seen) < 5:
        text = " ".join(str(current).split()) or type(current).__name__
        if text not in seen:
            seen.append(text)
        current = current.__cause__ or current.__context__
    head, *causes = seen
    return head + (f" (caused by: {'; '.join(causes)})" if causes else "")


def is_driver_error(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a GDAL-based I/O library (pyogrio, fiona, rasterio)."""
    return type(exc).__module__.split(".")[0] in _DRIVER_PACKAGES


def write_error(exc: BaseException, path: Any) -> DataFileError:
    """Return the :class:`DataFileError` for a failure to write ``path``: cause and fix."""
    code = getattr(exc, "errno", None)
    if isinstance(exc, OSError) and isinstance(code, int) and code in _FIXES:
        why = f"{exc.strerror or os.strerror(code)} [{errno.errorcode.get(code, code)}]"
        fix = _FIXES[code]
        where = getattr(exc, "filename", None)
        # name the file the system refused, unless it is the target or a temporary one
        if where is not None and str(where) != str(path) and ".part" not in str(where):
            why += f" at {str(where)!r}"
    else:
        why = reason(exc)
        fix = "check that its folder exists and is writable and that the disk has space"
    msg = f"path={str(path)!r} cannot be written: {why}; {fix}."
    error = DataFileError(msg)
    if isinstance(code, int):
        error.errno = code
    return error


def file_path(path: Any, *, name: str = "path", example: str = "out.html") -> Path:
    """Return ``path`` as a :class:`pathlib.Path` of a file to write, or raise InputError.

    Refused: anything but text or an ``os.PathLike`` (``None``, bytes, numbers), an empty
    path, a NUL character, a path ending in a folder separator.

    Examples
    --------
    >>> file_path("maps/depot.html")
    PosixPath('maps/depot.html')
    >>> file_path(None)
    Traceback (most recent call last):
    ...
    marsgeo.errors.InputError: path=None is not a file path; pass e.g. 'out.html'.
    """
    try:
        text = os.fspath(path)
    except TypeError:
        text = None
    if not isinstance(text, str):
        msg = f"{name}={path!r} is not a file path; pass e.g. {example!r}."
        raise InputError(msg)
    if not text.strip():
        msg = f"{name}={text!r} is empty; pass a file name such as {example!r}."
        raise InputError(msg)
    if "\0" in text:
        msg = f"{name}={text!r} contains a NUL character; pass a file name such as {example!r}."
        raise InputError(msg)
    if text.endswith(("/", os.sep)) or (os.altsep and text.endswith(os.altsep)):
        msg = f"{name}={text!r} names a folder; pass a file name such as {example!r}."
        raise InputError(msg)
    return Path(text)


def check_target(path: Any, *, example: str = "out.html") -> Path:
    """Check that ``path`` can name a file to write; return the file to replace.

    The path must be a file path (see :func:`file_path`) whose folder exists and which is not
    a folder or a special file (device, pipe, socket). A symbolic link is followed: the file
    it points to is returned.

    Raises
    ------
    marsgeo.errors.InputError
        ``path`` is not a file path.
    marsgeo.errors.DataFileError
        ``path`` is a folder or a special file, its folder does not exist, a part of the
        folder path is a file, or it is relative to a working folder that no longer exists.
    """
    target = file_path(path, example=example)
    shown = str(path)
    if not target.is_absolute():
        try:
            os.getcwd()
        except FileNotFoundError:
            msg = (
                f"path={shown!r} is relative to the working folder, which no longer exists "
                "(it was deleted or moved); change to an existing folder or pass an absolute "
                "path."
            )
            raise DataFileError(msg) from None
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    link = " (where the symbolic link points)" if real != target else ""
    if real.is_dir():
        msg = f"path={shown!r} is a folder{link}; pass a file name such as {example!r}."
        raise DataFileError(msg)
    if real.exists() and not real.is_file():
        msg = (
            f"path={shown!r}{link} is a special file (a device, pipe or socket), which a "
            f"written file would replace; pass a regular file name such as {example!r}."
        )
        raise DataFileError(msg)
    folder = real.parent
    if not folder.is_dir():
        if folder.exists() or any(p.exists() and not p.is_dir() for p in folder.parents):
            msg = (
                f"path={shown!r}: a part of the folder path {str(folder)!r}{link} is a file, "
                "not a folder; check the path."
            )
        else:
            msg = f"path={shown!r}: folder {str(folder)!r}{link} does not exist; create it first."
        raise DataFileError(msg)
    return real


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


def _leftover_patterns(target: Path) -> list[re.Pattern[str]]:
    """Names of temporary files and folders marsgeo writers make for ``target``."""
    return [
        re.compile(rf"\.{re.escape(target.name[:_NAME_CHARS])}\.{_RANDOM}\.part"),
        # earlier versions: a file beside the target, and SQLite's companions of it
        re.compile(
            rf"\.{re.escape(target.stem)}\.{_RANDOM}\.part{re.escape(target.suffix)}"
            r"(?:-journal|-wal|-shm)?"
        ),
    ]


def _try_lock(fd: int) -> bool:
    """Take the advisory lock on an open file or folder; False if another writer holds it."""
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise  # e.g. ENOLCK: locks unsupported here
    return True


def _remove_leftovers(target: Path, started_ns: int) -> None:
    """Remove temporary files that killed writers left for ``target`` (best effort)."""
    patterns = _leftover_patterns(target)
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            if not any(p.fullmatch(entry.name) for p in patterns):
                continue
            with contextlib.suppress(OSError):
                _remove_if_stale(Path(entry.path), started_ns)


def _remove_if_stale(path: Path, started_ns: int) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_mtime_ns >= started_ns:
        return  # not ours, or made after this write began: perhaps by a running writer
    if fcntl is None:  # pragma: no cover - Windows: no locks to ask, so only what is a day old
        if time.time() - info.st_mtime >= _UNLOCKED_STALE_S:
            _remove(path, info)
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if _try_lock(fd):  # else a running writer holds it
            _remove(path, info)
    finally:
        os.close(fd)


def _remove(path: Path, info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        shutil.rmtree(path)
    else:
        path.unlink()


def _make_locked_folder(real: Path) -> tuple[Path, int | None]:
    """Create and lock this write's temporary folder beside ``real``."""
    for _ in range(5):
        folder = Path(
            tempfile.mkdtemp(prefix=f".{real.name[:_NAME_CHARS]}.", suffix=".part", dir=real.parent)
        )
        if fcntl is None:  # pragma: no cover - Windows: no advisory locks
            return folder, None
        fd = os.open(folder, os.O_RDONLY)
        try:
            # another write's clean-up may have taken (and removed) it in the instant
            # between its creation and this lock: then make another one
            if _try_lock(fd) and os.path.samestat(os.fstat(fd), folder.stat()):
                return folder, fd
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    msg = f"path={str(real)!r}: no temporary folder could be made beside it; try again."
    raise DataFileError(msg)


def _fsync(path: Path, *, folder: bool = False) -> None:
    """Flush a file (or a folder's entries) to the disk, where the system allows it."""
    if folder and os.name == "nt":  # pragma: no cover - Windows cannot open folders
        return
    flags = os.O_RDONLY if folder or os.name != "nt" else os.O_RDWR
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    except OSError as exc:
        # some file systems (and /dev files) cannot fsync; the write itself succeeded
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF):
            raise
    finally:
        os.close(fd)


@contextmanager
def atomic_target(path: Any, *, example: str = "out.html") -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces the target.

    On any error the temporary folder is removed and an existing target is left untouched, so
    no half-written file is ever seen under the target's name.

    The temporary file is private (in a folder of mode 0700) while it is written. The file
    left under the target's name gets the permissions of the file it replaces, as ``cp`` and
    text editors keep them; a new file gets those any newly created file would get, ``0o666``
    less the process's umask (0644 under the usual umask 022), so that a web server can serve
    it. See the module's documentation for durability, leftovers and symbolic links.

    Parameters
    ----------
    path
        The file to write; its folder must exist.
    example
        A file name to suggest in the error raised when ``path`` is a folder.

    Yields
    ------
    pathlib.Path
        The temporary file to write to (not yet created), with the target's name.

    Raises
    ------
    marsgeo.errors.InputError
        ``path`` is not a file path.
    marsgeo.errors.DataFileError
        ``path`` is a folder, its folder does not exist, or the file system refused the
        write (the message names the cause and a fix). Errors the block raises pass
        through, but a system error (``OSError``) or a GDAL driver's error while writing
        becomes a DataFileError.
    """
    started_ns = time.time_ns()
    try:
        real = check_target(path, example=example)
        _remove_leftovers(real, started_ns)
        folder, lock = _make_locked_folder(real)
    except MarsGeoError:
        raise
    except OSError as exc:
        raise write_error(exc, path) from exc
    tmp = folder / real.name
    _ACTIVE.add(folder)
    try:
        yield tmp
        if not tmp.is_file():
            msg = f"path={str(path)!r}: the writer produced no file; nothing was replaced."
            raise DataFileError(msg)
        mode = _final_mode(real)
        # a file system without Unix permissions (FAT, some network shares) may refuse
        # chmod; the file is still written, with the permissions that file system gives it
        with contextlib.suppress(PermissionError, NotImplementedError):
            tmp.chmod(mode)
        _fsync(tmp)
        os.replace(tmp, real)
        _fsync(real.parent, folder=True)
    except MarsGeoError:
        raise
    except OSError as exc:
        raise write_error(exc, path) from exc
    except Exception as exc:
        if is_driver_error(exc):
            raise write_error(exc, path) from exc
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _ACTIVE.discard(folder)
        if lock is not None:
            os.close(lock)
