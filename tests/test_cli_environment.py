"""The ``marsgeo`` command in a hostile environment: run as a real process.

Full disks, closed or unwritable outputs, a deleted working folder, damaged files, Ctrl-C while
the libraries are still loading: each ends with exit code 1 (or 130) and one line on stderr,
never a traceback and never the "internal error" of exit code 3.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

import marsgeo
from marsgeo.cli import main

CONSOLE_SCRIPT = Path(sys.executable).with_name("marsgeo")
LANDER = "--lander=77.4096,18.4524"
pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix processes and file systems")


def marsgeo_process(
    *args: str,
    cwd: Path | None = None,
    stdout: Any = subprocess.PIPE,
    pass_fds: tuple[int, ...] = (),
    preexec: Any = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=300,
        preexec_fn=preexec,
    )


def one_error_line(done: subprocess.CompletedProcess[str], command: str) -> str:
    """The process failed with exit code 1 and said why in one line."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"marsgeo {command}: error: "), lines[0]
    assert "internal error" not in lines[0]
    return lines[0]


def _close_stdout() -> None:
    os.close(1)


# --- the file system refuses the write --------------------------------------------------------


def test_output_under_a_regular_file(tmp_path: Path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("a file, not a folder")
    line = one_error_line(marsgeo_process("tubes", "--output", str(afile / "t.csv")), "tubes")
    assert "notes.txt" in line and "is a file, not a folder" in line


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs /sys (Linux)")
def test_output_where_writing_is_not_permitted(tmp_path: Path) -> None:
    # sysfs refuses new files even to root, which ignores permission bits
    try:
        (Path("/sys") / f"marsgeo-{os.getpid()}.csv").open("w").close()
    except OSError:
        pass
    else:  # pragma: no cover - a writable /sys
        pytest.skip("/sys is writable here")
    line = one_error_line(marsgeo_process("tubes", "--output", "/sys/tubes.csv"), "tubes")
    assert "'/sys/tubes.csv'" in line and "write to a folder you may write to" in line
    assert "not permitted" in line or "Permission denied" in line


@pytest.mark.parametrize("command", [["tubes"], ["info"], ["distances", "--format", "json"]])
def test_full_disk_on_standard_output(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = marsgeo_process(*command, stdout=full)
    line = one_error_line(done, command[0])
    assert "standard output" in line and "No space left on device" in line


def test_closed_standard_output() -> None:
    done = marsgeo_process("tubes", "--format", "csv", stdout=None, preexec=_close_stdout)
    line = one_error_line(done, "tubes")
    assert "standard output" in line and "closed" in line and "--output" in line


def test_deleted_working_folder(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    # the child changes into the folder, which is then removed: its working folder is gone
    done = subprocess.run(
        [
            "/bin/sh",
            "-c",
            f'cd "{gone}" && rmdir "{gone}" && exec "{CONSOLE_SCRIPT}" tubes --output t.csv',
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    line = one_error_line(done, "tubes")
    assert "working folder" in line and "no longer exists" in line


def test_truncated_cloud_optimised_geotiff(tmp_path: Path) -> None:
    from rasterio.shutil import copy

    dtm = marsgeo.basemap.synthetic_dtm(size_m=400, resolution_m=2)
    tif = marsgeo.basemap.write_raster(dtm, tmp_path / "dtm.tif")
    cog = tmp_path / "cog.tif"
    copy(tif, cog, driver="COG", COMPRESS="DEFLATE")
    data = cog.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(data[: len(data) * 2 // 3])  # headers intact, tiles missing
    for command in (["plan", LANDER, "--dtm", str(cut)], ["map", "--terrain", str(cut)]):
        extra = ["--html", str(tmp_path / "m.html"), "--helicopters", "0"]
        done = marsgeo_process(*command, *(extra if command[0] == "map" else []))
        line = one_error_line(done, command[0])
        assert "cut.tif" in line
    assert not (tmp_path / "m.html").exists()


# --- Ctrl-C -----------------------------------------------------------------------------------


def interrupt(command: list[str], delay: float) -> tuple[int, str]:
    """Run a command, press Ctrl-C ``delay`` seconds after Python's own start-up is over.

    Python reports the end of its start-up on stderr (``PYTHONPROFILEIMPORTTIME``: the line
    of the ``site`` module); from then on the program's own first lines run. Returns the exit
    code and stderr without the import-time lines.
    """
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if line.rstrip().endswith("| site"):
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(timeout=60)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=300)
        reader.join(timeout=60)
    finally:
        proc.kill()
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    return proc.returncode, "".join(ln for ln in lines if not ln.startswith("import time:"))


@pytest.mark.parametrize("launcher", ["console script", "python -m marsgeo"])
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(launcher: str, tmp_path: Path) -> None:
    command = (
        [str(CONSOLE_SCRIPT)] if launcher == "console script" else [sys.executable, "-m", "marsgeo"]
    )
    subprocess.run([*command, "--version"], capture_output=True, check=True)  # bytecode cached
    page = tmp_path / "depot.html"
    # Ctrl-C lands while pandas, GDAL and folium are loading, then while the map is made
    for delay in (0.2, 0.25, 0.3, 0.5, 1.0, 1.5):
        code, err = interrupt([*command, "map", LANDER, "--offline", "--html", str(page)], delay)
        # 130 = 128 + SIGINT, what a shell reports for a command ended by Ctrl-C; a command
        # that has just finished is ended by the signal itself while Python shuts down
        assert (code, err) in ((130, "marsgeo: interrupted\n"), (-signal.SIGINT, "")), delay
        # nothing half-written is left: no page, no temporary file
        assert list(tmp_path.iterdir()) in ([], [page]), delay
        page.unlink(missing_ok=True)


# --- warnings ---------------------------------------------------------------------------------


def test_warnings_of_a_command_are_one_line_each(monkeypatch: pytest.MonkeyPatch) -> None:
    load = marsgeo.load_depot

    def noisy_load() -> Any:
        for _ in range(3):  # the same warning, many times: shown once
            warnings.warn("More than one layer found in\n'x.gpkg'", UserWarning, stacklevel=1)
        warnings.warn("old keyword", DeprecationWarning, stacklevel=1)  # for developers
        logging.getLogger("rasterio._env").warning("CPLE_AppDefined in TIFFReadDirectory")
        return load()

    monkeypatch.setattr(marsgeo, "load_depot", noisy_load)
    out, err = io.StringIO(), io.StringIO()
    assert main(["tubes", "--format", "csv"], stdout=out, stderr=err) == 0
    assert err.getvalue().splitlines() == [
        "marsgeo tubes: warning: More than one layer found in 'x.gpkg'",
        "marsgeo tubes: warning: CPLE_AppDefined in TIFFReadDirectory",
    ]
    assert out.getvalue().startswith("tube_id,")
    # a command that fails says only why, in one line
    out, err = io.StringIO(), io.StringIO()
    assert main(["plan", "--lander=0,0"], stdout=out, stderr=err) == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsgeo plan: error: ")


# --- the progress bar never stops the work ----------------------------------------------------


def test_progress_bar_on_a_closed_stream_turns_itself_off() -> None:
    from marsgeo._progress import Progress

    stream = io.StringIO()
    stream.close()
    with Progress(10, "reading", enabled=True, stream=stream) as bar:
        for _ in range(10):
            bar.update()
    assert bar.done == 10 and not bar.enabled
