"""Atomic file writes (private, shared by every marsgeo writer).

Each write makes its own folder beside the target with :func:`tempfile.mkdtemp` (mode 0700),
named ``.<target name>.<8 random characters>.part``, writes the file there under the target's
name, flushes it to the disk (``fsync``), renames it over the target and flushes the folder
too, so that no half-written file is ever seen under the target's name and a crash right
after a write leaves the old file or the new one. Whatever a driver writes besides the file
(a SQLite ``-journal`` or ``-wal``) stays in that folder and goes with it.

- Leftovers: a writer killed mid-write (``kill -9``, a power cut) leaves its folder behind.
  The next write to the same target removes such a folder only if all of these hold: its
  name has exactly the pattern above for that target; it is a folder (not a symbolic link
  or anything else) owned by the user who writes; no running writer holds it (each writer
  holds an advisory lock, ``flock``, on its folder while it writes); and it holds nothing
  but regular files named as the target or as SQLite's ``-journal``, ``-wal`` or ``-shm``
  beside it. Nothing else is ever opened or removed. Where advisory locks do not exist
  (Windows), leftovers are left in place.
- Symbolic links: a target that is a symbolic link is written through: the file it points
  to is replaced (in that file's folder) and the link is kept, as text editors do. A link
  to nothing is refused, as ``cp`` refuses it: writing through it would create a file
  elsewhere.
- Errors: a failure of the file system (no permission, read-only file system, disk full, a
  path through a file, a deleted working folder) becomes a
  :class:`marsgeo.errors.DataFileError` naming the path, the cause and a fix; so does an
  error a GDAL driver raises while writing, with the driver's words and a fix for the data.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
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

#: Temporary folders are named ``.<name>.<random>.part`` (the name cut to this length).
_NAME_CHARS = 64
#: What :func:`tempfile.mkdtemp` puts between its prefix and its suffix.
_RANDOM = "[a-z0-9_]{8}"
#: What a leftover folder may hold besides the file itself: SQLite's files beside it.
_COMPANIONS = ("", "-journal", "-wal", "-shm")
#: Python packages whose code writes files through GDAL.
_DRIVER_PACKAGES = frozenset({"pyogrio", "fiona", "rasterio", "osgeo"})
# Leftovers are removed only where locks tell a live writer from a dead one and every step
# can be taken relative to an open folder (no path is followed twice).
_CAN_CLEAN = (
    fcntl is not None
    and {os.open, os.stat, os.unlink, os.rmdir} <= os.supports_dir_fd
    and os.listdir in os.supports_fd
)
# open a folder, never a link, pipe or device (a pipe's open would wait for a writer)
_FOLDER_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
)

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
    """Whether ``exc`` comes from a GDAL-based I/O library (pyogrio, fiona, rasterio).

    That is an exception of one of their classes, or any exception raised in their code
    (they also raise builtins such as ``NotImplementedError`` for data they cannot write).
    """
    if type(exc).__module__.split(".")[0] in _DRIVER_PACKAGES:
        return True
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        # compiled (Cython) frames carry no module name, only the code's qualified name
        where = frame.f_globals.get("__name__") or frame.f_code.co_name
        if str(where).split(".")[0] in _DRIVER_PACKAGES:
            return True
        tb = tb.tb_next
    return False


def write_error(exc: OSError, path: Any) -> DataFileError:
    """Return the :class:`DataFileError` for a system error while writing ``path``."""
    code = exc.errno
    if isinstance(code, int) and code in _FIXES:
        why = f"{exc.strerror or os.strerror(code)} [{errno.errorcode.get(code, code)}]"
        fix = _FIXES[code]
        where = exc.filename
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


def driver_error(exc: BaseException, path: Any) -> DataFileError:
    """Return the :class:`DataFileError` for a driver that refused to write ``path``.

    Such errors are about the data, not the disk: a name the format reserves, two columns
    the format takes for the same, values the format cannot hold.

    Examples
    --------
    >>> print(driver_error(RuntimeError("UNIQUE constraint failed: t.fid"), "t.gpkg"))
    path='t.gpkg' cannot be written: the driver refused the data: UNIQUE constraint failed:
    t.fid; change what it names (e.g. rename or drop that column, ...) or write another format.
    """
    msg = (
        f"path={str(path)!r} cannot be written: the driver refused the data: {reason(exc)}; "
        "change what it names (e.g. rename or drop that column, pick another layer name, "
        "make the values fit the format) or write another format."
    )
    return DataFileError(msg)


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


def _follow_link(target: Path, shown: str) -> Path:
    """Return the file a symbolic link points to; refuse a link to nothing or a loop."""
    try:
        os.stat(target)
    except OSError as exc:
        pointed = os.readlink(target)
        if exc.errno == errno.ELOOP:
            msg = (
                f"path={shown!r} is a symbolic link to {pointed!r} that leads back to "
                "itself; remove the link or point it at a file."
            )
        elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
            msg = (
                f"path={shown!r} is a symbolic link to {pointed!r}, which does not exist; "
                "not writing through a dangling symbolic link (it would create a file "
                "there): remove the link, or create the file it points to first."
            )
        else:
            raise
        raise DataFileError(msg) from None
    return Path(os.path.realpath(target))


def check_target(path: Any, *, example: str = "out.html") -> Path:
    """Check that ``path`` can name a file to write; return the file to replace.

    The path must be a file path (see :func:`file_path`) whose folder exists and which is not
    a folder or a special file (device, pipe, socket). A symbolic link is followed: the file
    it points to is returned; a link to nothing is refused.

    Raises
    ------
    marsgeo.errors.InputError
        ``path`` is not a file path.
    marsgeo.errors.DataFileError
        ``path`` is a folder or a special file, a symbolic link to nothing, its folder does
        not exist, a part of the folder path is a file, or it is relative to a working
        folder that no longer exists.
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
    try:
        real = _follow_link(target, shown) if target.is_symlink() else target
    except MarsGeoError:
        raise
    except OSError as exc:
        raise write_error(exc, path) from exc
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


def _try_lock(fd: int) -> bool | None:
    """Take the advisory lock on an open folder: True, False if held, None if unsupported."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        return None  # e.g. ENOLCK: no locks on this file system
    return True


def _remove_leftovers(real: Path) -> None:
    """Remove the folders that killed writers left for ``real`` (best effort)."""
    if not _CAN_CLEAN:  # pragma: no cover - Windows
        return
    pattern = re.compile(rf"\.{re.escape(real.name[:_NAME_CHARS])}\.{_RANDOM}\.part")
    with contextlib.suppress(OSError):
        parent = os.open(real.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            for name in os.listdir(parent):
                if pattern.fullmatch(name):
                    with contextlib.suppress(OSError):
                        _remove_if_leftover(parent, name, real.name)
        finally:
            os.close(parent)


def _remove_if_leftover(parent: int, name: str, file_name: str) -> None:
    """Remove folder ``name`` in ``parent`` if it is a dead writer's (see the module)."""
    fd = os.open(name, _FOLDER_FLAGS, dir_fd=parent)  # fails on anything but a folder
    try:
        info = os.fstat(fd)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            return
        if not _try_lock(fd):
            return  # a running writer holds it, or locks cannot tell
        names = os.listdir(fd)
        expected = {file_name + end for end in _COMPANIONS}
        if not set(names) <= expected:
            return
        if not all(
            stat.S_ISREG(os.stat(n, dir_fd=fd, follow_symlinks=False).st_mode) for n in names
        ):
            return
        for n in names:
            os.unlink(n, dir_fd=fd)
        os.rmdir(name, dir_fd=parent)  # refused if anything was added meanwhile
    finally:
        os.close(fd)


def _make_locked_folder(real: Path) -> tuple[Path, int | None]:
    """Create this write's temporary folder beside ``real`` and lock it."""
    prefix = f".{real.name[:_NAME_CHARS]}."
    for _ in range(5):
        folder = Path(tempfile.mkdtemp(prefix=prefix, suffix=".part", dir=real.parent))
        if fcntl is None:  # pragma: no cover - Windows: no advisory locks
            return folder, None
        try:
            fd = os.open(folder, _FOLDER_FLAGS)
        except FileNotFoundError:
            continue  # another write's clean-up took it in the instant before the lock
        try:
            locked = _try_lock(fd)
            # the clean-up may also have removed it between the open and the lock
            if locked is not False and os.path.samestat(os.fstat(fd), folder.stat()):
                return folder, fd
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    msg = f"path={str(real)!r}: no temporary folder could be made beside it; try again."
    raise DataFileError(msg)


def _final_mode(real: Path, folder: Path) -> int:
    """Permission bits for the written file: the replaced file's, else a new file's."""
    try:
        return stat.S_IMODE(real.stat().st_mode) & 0o777
    except FileNotFoundError:
        pass
    # what the system gives any new file here (umask, default ACLs), asked of the system
    # itself: os.umask could only read the mask by changing it for every thread
    probe = folder / real.name
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        return stat.S_IMODE(os.fstat(fd).st_mode) & 0o777
    finally:
        os.close(fd)
        probe.unlink()


def _fsync(path: Path, *, folder: bool = False) -> None:
    """Flush a file (or a folder's entries) to the disk, where the system allows it."""
    if folder and os.name == "nt":  # pragma: no cover - Windows cannot open folders
        return
    fd = os.open(path, os.O_RDONLY if folder or os.name != "nt" else os.O_RDWR)
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
        ``path`` is a folder, a special file or a symbolic link to nothing, its folder does
        not exist, the file system refused the write, or a GDAL driver refused the data
        (the message names the cause and a fix). Other errors the block raises pass through.
    """
    try:
        real = check_target(path, example=example)
        _remove_leftovers(real)
        folder, lock = _make_locked_folder(real)
    except MarsGeoError:
        raise
    except OSError as exc:
        raise write_error(exc, path) from exc
    tmp = folder / real.name
    _ACTIVE.add(folder)
    try:
        mode = _final_mode(real, folder)
        yield tmp
        if not tmp.is_file():
            msg = f"path={str(path)!r}: the writer produced no file; nothing was replaced."
            raise DataFileError(msg)
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
            raise driver_error(exc, path) from exc
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _ACTIVE.discard(folder)
        if lock is not None:
            os.close(lock)
