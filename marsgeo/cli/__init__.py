"""The ``marsgeo`` command line: thin argument parsing over the public functions.

Exit codes: 0 success; 1 bad input, an unreadable or unwritable file, or a system error such
as a full disk, a closed standard output or a deleted working folder (one line on stderr
naming the fix); 2 a usage error (one line); 3 an unexpected internal error (one line; please
report it); 130 interrupted (Ctrl-C). A broken pipe on standard output (``marsgeo tubes |
head``) ends the command quietly.

Python warnings (and GDAL's log messages) raised while a command runs are shown after it,
one line each, prefixed ``marsgeo <command>: warning:``; warnings meant for developers
(deprecations) are not shown. A command that fails shows only its error line.

Errors speak the command line: a library error's parameter names (``lon_col=``,
``range_m=``, ``HelicopterSpec(max_relays=...)``) are shown as the flags that set them
(``--lon-col``, ``--range``, ``--max-relays N``), and an error of a file or value named by a
flag starts with that flag when its text names none. A ``LON,LAT`` far from the depot that
would be near it swapped is refused with the swapped value to pass.

The package imports nothing heavy at load time, and builds the options of the one command
run: ``marsgeo --help`` loads no pandas; ``tubes`` and ``info`` load no folium or scipy,
``tubes`` no rasterio either. Run as a process (:mod:`marsgeo.__main__`), Ctrl-C at any
moment, even while pandas and GDAL are still loading, ends the command with one line and
exit code 130.
"""

from __future__ import annotations

from marsgeo.cli._run import main

__all__ = ["main"]
