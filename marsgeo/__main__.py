"""``marsgeo`` as a process: the console script and ``python -m marsgeo``.

What only a whole process can do is done here, before the command line (:mod:`marsgeo.cli`)
and the libraries it needs are loaded:

- Ctrl-C at any moment ends the command at once with one line, ``marsgeo: interrupted``, and
  exit code 130, even while pandas and GDAL are still loading (where a KeyboardInterrupt could
  be swallowed by a library or printed with a traceback). Temporary files of writes in progress
  are removed; the files they were to replace are left as they were. A process started with
  Ctrl-C ignored (``nohup``) keeps ignoring it.
- Closed standard streams are reopened on ``/dev/null``, so that no file the command opens
  takes their place; a command that prints to a closed standard output fails with exit code 1.
- Output that could not be written (a full disk, a broken pipe) is dropped at exit rather than
  failing a second time.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import suppress

TYPE_CHECKING = False  # `typing` is not loaded: the sooner Ctrl-C is handled, the better
if TYPE_CHECKING:
    from typing import Any, NoReturn


def _on_ctrl_c(*_: Any) -> NoReturn:
    """Stop at once after Ctrl-C: one line, exit code 130."""
    atomic = sys.modules.get("marsgeo._atomic")
    with suppress(BaseException):  # the module may be half-loaded
        atomic.abandon_writes()  # type: ignore[union-attr]
    with suppress(OSError):
        os.write(2, b"marsgeo: interrupted\n")
    os._exit(130)


def _open_std_fds() -> None:
    """Give closed standard file descriptors /dev/null, so no file is opened as one."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                new = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if new != fd:
                os.dup2(new, fd)
                os.close(new)


def _quiet_stdout() -> None:
    """Point the standard output at /dev/null, so that Python's last flush cannot fail."""
    with suppress(OSError):
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.close(fd)


def entry() -> NoReturn:
    """Run the ``marsgeo`` command as a process and exit with its code."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _on_ctrl_c)
    _open_std_fds()
    from marsgeo.cli import main

    code = main()
    if sys.stdout is not None:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            _quiet_stdout()
    sys.exit(code)


if __name__ == "__main__":
    entry()
