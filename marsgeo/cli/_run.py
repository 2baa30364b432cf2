"""Running a command: errors, warnings and interruptions as one line each, and exit codes."""

from __future__ import annotations

import errno
import os
import sys
from contextlib import contextmanager, suppress

from marsgeo.cli._options import build_parser
from marsgeo.cli._speak import FlagError, Output, OutputError, print_line

# `typing` is not imported at run time: the less this module loads, the sooner Ctrl-C is
# handled (mypy takes any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any, TextIO


# --- running a command -----------------------------------------------------------------------

# what to do about a system error, by errno
_SYSTEM_FIXES = {
    errno.ENOSPC: "free some space or write elsewhere",
    errno.EDQUOT: "free some space or write elsewhere",
    errno.EFBIG: "write to another disk",
    errno.EACCES: "check the permissions, or use another folder",
    errno.EPERM: "check the permissions, or use another folder",
    errno.EROFS: "write to another folder",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "check the path: a part of it is a file, not a folder",
    errno.EISDIR: "pass a file, not a folder",
    errno.EIO: "check the disk",
    errno.EMFILE: "close some files or raise the limit (ulimit -n)",
}


def _cwd_gone() -> bool:
    try:
        os.getcwd()
    except FileNotFoundError:
        return True
    return False


def _one_line(text: str) -> str:
    from marsgeo.errors import shorten

    return shorten(" ".join(text.split()))


def _system_error(exc: OSError) -> str:
    """One line for a system error: what failed, where, and a fix."""
    from marsgeo._atomic import reason

    code = exc.errno if isinstance(exc.errno, int) else -1
    where = f" ({exc.filename!r})" if getattr(exc, "filename", None) else ""
    what = exc.strerror if code >= 0 and exc.strerror else reason(exc)
    name = f" [{errno.errorcode[code]}]" if code in errno.errorcode else ""
    fix = _SYSTEM_FIXES.get(code, "check the files and the disk")
    return f"{what}{name}{where}; {fix}"


def _output_error(exc: OutputError) -> str:
    if exc.errno == errno.EBADF:
        return (
            "cannot write to standard output: it is closed; run the command with its output "
            "open, or write a file with --output PATH (map: --html PATH)"
        )
    return f"cannot write to standard output: {_system_error(exc)}"


@contextmanager
def _warnings_as_lines() -> Iterator[list[str]]:
    """Collect the warnings of a command as one line each (each text once).

    Python warnings and log records (GDAL's messages, through rasterio) are both collected;
    warnings meant for developers (deprecations, resources) are left out.
    """
    import logging
    import warnings

    lines: list[str] = []

    def say(text: str) -> None:
        line = _one_line(text)
        if line and line not in lines:
            lines.append(line)

    def show(message: Any, *args: Any, **kwargs: Any) -> None:
        say(str(message))

    class Lines(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            say(record.getMessage())

    # log records would reach the terminal as they are when no handler prints them
    root = logging.getLogger()
    console = (sys.stderr, sys.__stderr__, sys.stdout, sys.__stdout__)
    printed = any(getattr(h, "stream", None) in console for h in root.handlers)
    handler = None if printed else Lines(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        for developer in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.simplefilter("ignore", developer)
        warnings.simplefilter("ignore", ResourceWarning)
        warnings.showwarning = show
        if handler is not None:
            root.addHandler(handler)
        try:
            yield lines
        finally:
            if handler is not None:
                root.removeHandler(handler)


def _run(argv: Sequence[str] | None, out: Output, err: TextIO) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(words).parse_args(words)
    prefix = f"marsgeo {args.command}"
    try:
        with _warnings_as_lines() as warned:
            code: int = args.func(args, out, err)
            out.flush()
        # a command that failed says so in one line; one that worked, what it warned about
        for line in warned:
            print_line(err, f"{prefix}: warning: {line}")
        return code
    except OutputError as exc:
        if exc.errno == errno.EPIPE:  # e.g. piped into head: the reader has what it wanted
            return 0
        print_line(err, f"{prefix}: error: {_output_error(exc)}")
        return 1
    except Exception as exc:
        return _report(exc, prefix, err)


def _report(exc: Exception, prefix: str, err: TextIO) -> int:
    """Print one line for an error; return the exit code."""
    from marsgeo._atomic import is_driver_error, reason
    from marsgeo.errors import MarsGeoError

    if isinstance(exc, (MarsGeoError, FlagError)):
        text, code = str(exc), 1
    elif isinstance(exc, MemoryError):
        text = (
            "not enough memory for this request; use a smaller catalogue or a cheaper "
            "output (e.g. --kind nearest instead of --kind matrix)"
        )
        code = 1
    elif isinstance(exc, OSError):
        text, code = _system_error(exc), 1
    elif is_driver_error(exc):
        text, code = f"{reason(exc)}; check the file", 1
    else:
        detail = f"{type(exc).__name__}: {_one_line(reason(exc))}"
        print_line(err, f"{prefix}: internal error: {detail} (please report this)")
        return 3
    if _cwd_gone() and "working folder" not in text:
        text += " (the working folder no longer exists: change to an existing folder)"
    print_line(err, f"{prefix}: error: {_one_line(text)}")
    return code


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``marsgeo`` command; return its exit code.

    Parameters
    ----------
    argv
        The arguments (default: ``sys.argv[1:]``).
    stdout, stderr
        Where output and messages go (default: the process's standard streams; a closed
        standard output makes a command that prints fail with exit code 1).

    Returns
    -------
    int
        The exit code (see the module's documentation).
    """
    out_stream = stdout if stdout is not None else sys.stdout
    err_stream = stderr if stderr is not None else sys.stderr
    err = err_stream if err_stream is not None else open(os.devnull, "w")  # noqa: SIM115
    for stream in (out_stream, err):
        # names such as "Atsá" must not crash a terminal that cannot show them
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")
    out = Output(out_stream)
    try:
        code = _run(argv, out, err)
    except KeyboardInterrupt:
        print_line(err, "marsgeo: interrupted")
        return 130
    finally:
        if err is not err_stream:
            err.close()
    return code
