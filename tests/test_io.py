from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS

import marsgeo
import marsgeo.basemap
from marsgeo._atomic import atomic_target
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs
from marsgeo.errors import DataFileError, InputError
from marsgeo.routing import ASSUMED_LANDER


@pytest.fixture(scope="module")
def results() -> dict[str, gpd.GeoDataFrame]:
    tubes = marsgeo.load_depot()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    return {
        "tubes": tubes,
        "nearest": marsgeo.nearest_neighbours(tubes),
        "pairs": marsgeo.pairwise_distances(tubes),
        "legs": plan.legs,
        "spots": plan.spots,
        "places": marsgeo.jezero_features(),
    }


@pytest.mark.parametrize("ext", [".gpkg", ".fgb", ".geojson"])
@pytest.mark.parametrize("name", ["tubes", "nearest", "pairs", "legs", "spots", "places"])
def test_geo_files_read_back_on_mars(tmp_path: Path, results: dict, name: str, ext: str) -> None:
    data = results[name]
    path = marsgeo.export(data, tmp_path / f"{name}{ext}")
    back = gpd.read_file(path)  # plain geopandas, not marsgeo
    assert back.crs is not None
    assert CRS(back.crs).equals(MARS_GEOGRAPHIC, ignore_axis_order=True)
    assert len(back) == len(data)
    assert back.geometry.geom_type.tolist() == data.geometry.geom_type.tolist()
    a = back.geometry.get_coordinates().to_numpy()
    b = data.geometry.get_coordinates().to_numpy()
    assert abs(a - b).max() < 1e-9


def test_projected_data_keeps_its_crs_in_geopackage(tmp_path: Path) -> None:
    local = local_crs(77.408, 18.453)
    tubes = marsgeo.load_depot().to_crs(local)
    back = gpd.read_file(marsgeo.export(tubes, tmp_path / "local.gpkg"))
    assert CRS(back.crs).equals(local)
    # GeoJSON is always written in Mars lon/lat: a projected CRS there would read back as Earth
    doc = json.loads((marsgeo.export(tubes, tmp_path / "t.geojson")).read_text())
    assert doc["crs"]["properties"]["name"] == "IAU_2015:49900"
    assert doc["features"][0]["geometry"]["coordinates"] == pytest.approx(
        [77.40775321, 18.45263041]
    )


def test_csv_round_trips_through_read_tubes(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    path = marsgeo.export(tubes, tmp_path / "tubes.csv")
    back = marsgeo.read_tubes(path)
    assert back.crs == MARS_GEOGRAPHIC
    assert back.index.tolist() == tubes.index.tolist()
    assert back.geometry.x.tolist() == tubes.geometry.x.tolist()
    assert pd.read_csv(path)["dropped_utc"].iloc[0].startswith("2022-12-21T")


def test_tables_go_to_csv_only(tmp_path: Path) -> None:
    matrix = marsgeo.distance_matrix(marsgeo.load_depot())
    back = pd.read_csv(marsgeo.export(matrix, tmp_path / "m.csv"), index_col=0)
    assert back.shape == (10, 10)
    with pytest.raises(InputError, match="no geometry"):
        marsgeo.export(matrix, tmp_path / "m.gpkg")


def test_export_errors_and_atomicity(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    with pytest.raises(InputError, match="unknown extension"):
        marsgeo.export(tubes, tmp_path / "t.xlsx")
    with pytest.raises(DataFileError, match="does not exist"):
        marsgeo.export(tubes, tmp_path / "no" / "t.gpkg")
    with pytest.raises(marsgeo.errors.CRSError, match="Earth"):
        marsgeo.export(tubes.set_crs("EPSG:4326", allow_override=True), tmp_path / "e.gpkg")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_full_precision_and_native_datetimes(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    csv = pd.read_csv(marsgeo.export(tubes, tmp_path / "t.csv"))
    assert csv["geometry_wkt"].iloc[0] == "POINT (77.40775321 18.45263041)"
    back = gpd.read_file(marsgeo.export(tubes, tmp_path / "t.gpkg"))
    assert isinstance(back["dropped_utc"].dtype, pd.DatetimeTZDtype)
    delta = (back["dropped_utc"] - tubes["dropped_utc"].reset_index(drop=True)).abs().max()
    assert delta < pd.Timedelta(milliseconds=1)


# --- permissions of written files ----------------------------------------------------------------


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def write_csv(path: Path) -> Path:
    return marsgeo.export(marsgeo.load_depot(), path)


def write_geojson(path: Path) -> Path:
    return marsgeo.export(marsgeo.load_depot(), path)


def write_html(path: Path) -> Path:
    return marsgeo.save_map(marsgeo.depot_map(marsgeo.load_depot(), basemap=None), path)


def write_geotiff(path: Path) -> Path:
    dtm = marsgeo.basemap.synthetic_dtm(size_m=200, resolution_m=10)
    return marsgeo.basemap.write_raster(dtm, path)


WRITERS = {
    "depot.csv": write_csv,
    "depot.geojson": write_geojson,
    "depot.html": write_html,
    "dtm.tif": write_geotiff,
}
# what `touch` or open(path, "w") gives a new file under each mask (0o666 less the mask)
NEW_FILE_MODE = {0o022: 0o644, 0o027: 0o640}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="Unix permissions")
@pytest.mark.parametrize("mask", sorted(NEW_FILE_MODE), ids=lambda m: f"umask{m:03o}")
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_new_files_get_the_mode_the_umask_gives(tmp_path: Path, name: str, mask: int) -> None:
    with umask(mask):
        path = WRITERS[name](tmp_path / name)
        touched = tmp_path / "touched"
        touched.touch()  # the system's own answer, for comparison
        current = os.umask(mask)  # the writer left the process's mask alone
    assert current == mask
    assert mode_of(path) == NEW_FILE_MODE[mask] == mode_of(touched)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "touched"])


@pytest.mark.skipif(os.name != "posix", reason="Unix permissions")
@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("kept", [0o640, 0o600, 0o664], ids=lambda m: f"{m:04o}")
def test_an_existing_file_keeps_its_mode(tmp_path: Path, name: str, kept: int) -> None:
    target = tmp_path / name
    target.write_text("old")
    target.chmod(kept)
    with umask(0o022):
        WRITERS[name](target)
    assert target.read_bytes() != b"old"
    assert mode_of(target) == kept
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_failed_write_leaves_no_temporary_file_and_the_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "depot.html"
    target.write_text("old")
    target.chmod(0o640)
    with pytest.raises(RuntimeError, match="disk full"), atomic_target(target) as tmp:
        assert tmp.parent.parent == tmp_path and tmp != target
        tmp.write_text("half a page")
        raise RuntimeError("disk full")
    assert [p.name for p in tmp_path.iterdir()] == ["depot.html"]
    assert target.read_text() == "old"
    if os.name == "posix":
        assert mode_of(target) == 0o640


# --- the file system refuses: DataFileError naming the path and a fix -----------------------


def test_a_path_through_a_file_is_a_data_file_error(tmp_path: Path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("a file")
    for write in (write_csv, write_geojson, write_html, write_geotiff):
        with pytest.raises(DataFileError, match="is a file, not a folder") as info:
            write(afile / "out" / "x.csv")
        assert str(afile) in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "disk is full"),
        (errno.EROFS, "read-only"),
        (errno.EACCES, "permission denied"),
        (errno.EDQUOT, "quota"),
        (errno.EIO, "input/output"),
    ],
)
@pytest.mark.parametrize("name", ["depot.csv", "depot.geojson", "depot.gpkg", "depot.html"])
def test_system_errors_while_writing_name_the_path_and_a_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str, name: str
) -> None:
    # the rename is where a full or read-only disk, or a permission, shows last
    def refuse(src: object, dst: object) -> None:
        raise OSError(code, os.strerror(code), str(dst))

    target = tmp_path / name
    target.write_text("old")
    monkeypatch.setattr(os, "replace", refuse)
    write = write_html if name.endswith(".html") else write_csv
    with pytest.raises(DataFileError) as info:
        write(target)
    message = str(info.value)
    assert f"path={str(target)!r} cannot be written" in message
    assert os.strerror(code) in message and words in message
    assert info.value.errno == code  # still an OSError with its errno, for callers that look
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_driver_errors_while_writing_are_data_file_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyogrio.errors

    def fail(*args: object, **kwargs: object) -> None:
        raise pyogrio.errors.DataSourceError("sqlite3_exec(COMMIT) failed: disk I/O error")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", fail)
    with pytest.raises(DataFileError, match=r"driver refused the data: .*disk I/O error") as info:
        marsgeo.export(marsgeo.load_depot(), tmp_path / "t.gpkg")
    assert "t.gpkg" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_driver_errors_name_the_data_not_the_disk(tmp_path: Path) -> None:
    # a GeoPackage layer's fid column is its primary key: repeated values break the insert
    tubes = marsgeo.load_depot().assign(fid=1)
    target = tmp_path / "t.gpkg"
    with pytest.raises(DataFileError) as info:
        marsgeo.export(tubes, target)
    message = str(info.value)
    assert repr(str(target)) in message and "UNIQUE" in message and "fid" in message
    assert "rename or drop that column" in message
    assert "disk" not in message and "writable" not in message
    assert list(tmp_path.iterdir()) == []


def test_any_driver_exception_becomes_a_marsgeo_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyogrio

    # pyogrio raises builtins too, from inside its own code: a column name that is not text
    frame = marsgeo.load_depot()[["name", "geometry"]].rename(columns={"name": 5})
    with (
        pytest.raises(DataFileError, match="driver refused the data"),
        atomic_target(tmp_path / "t.gpkg") as tmp,
    ):
        pyogrio.write_dataframe(frame, tmp, driver="GPKG")
    assert list(tmp_path.iterdir()) == []

    def fail(*args: object, **kwargs: object) -> None:
        raise KeyError("a field the driver lost")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", fail)
    for name in ("t.gpkg", "t.fgb"):
        with pytest.raises(DataFileError, match="a field the driver lost") as info:
            marsgeo.export(marsgeo.load_depot(), tmp_path / name)
        assert name in str(info.value)
    assert list(tmp_path.iterdir()) == []


# --- temporary files, durability, links ---------------------------------------------------------

# a writer that stops (as if killed) while it writes; it then waits for "go" on stdin
HALF_WRITER = """
import sys, time
from pathlib import Path
from marsgeo._atomic import atomic_target
with atomic_target(sys.argv[1]) as tmp:
    tmp.write_text("half a file")
    Path(str(tmp) + "-journal").write_text("SQLite journal")
    print("writing", flush=True)
    sys.stdin.readline()
    tmp.write_text(sys.argv[2])
"""


def half_writer(target: Path, content: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HALF_WRITER, str(target), content],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    return proc


@pytest.mark.skipif(os.name != "posix", reason="advisory locks")
def test_leftovers_of_killed_writers_are_removed_and_running_writers_kept(tmp_path: Path) -> None:
    target = tmp_path / "depot.csv"
    for _ in range(2):  # killed mid-write, twice
        killed = half_writer(target, "never")
        killed.kill()
        killed.communicate()
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers and all(name.startswith(".depot.") for name in leftovers)
    running = half_writer(target, "from the running writer")
    before = {p.name for p in tmp_path.iterdir()}
    marsgeo.export(marsgeo.load_depot(), target)  # the next write to the same target
    after = {p.name for p in tmp_path.iterdir()}
    assert after == (before - set(leftovers)) | {"depot.csv"}  # only the running one is left
    assert not after & set(leftovers)
    running.communicate("go\n", timeout=60)
    assert running.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["depot.csv"]
    assert target.read_text() == "from the running writer"


def test_leftovers_of_other_targets_and_other_programs_are_kept(tmp_path: Path) -> None:
    old = time.time() - 3600
    kept = [
        ".other.abcd1234.part.csv",
        ".depot.csv.abcd1234.tmp",
        "depot.csv.part",
        ".depot.x",
        # files named like a temporary file beside the target: only folders are marsgeo's
        ".depot.abcd1234.part.csv",
        ".depot.abcd1234.part.csv-journal",
        ".depot.original.part.csv",
        ".depot.csv.abcd1234.part",
    ]
    for name in kept:
        (tmp_path / name).write_text("not marsgeo's, or not this target's")
        os.utime(tmp_path / name, (old, old))
    marsgeo.export(marsgeo.load_depot(), tmp_path / "depot.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, "depot.csv"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_leftover_names_that_are_pipes_are_never_opened(tmp_path: Path) -> None:
    # opening a pipe waits for a writer: whoever may write to the folder could stop every write
    old = time.time() - 3600
    pipes = [".depot.csv.abcdefgh.part", ".depot.abcdefgh.part.csv"]
    for name in pipes:
        os.mkfifo(tmp_path / name)
        os.utime(tmp_path / name, (old, old))
    write = "import sys, marsgeo; marsgeo.export(marsgeo.load_depot(), sys.argv[1])"
    # a guard against a hang, far above the second or so the write takes
    done = subprocess.run(
        [sys.executable, "-c", write, str(tmp_path / "depot.csv")], timeout=120, check=False
    )
    assert done.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*pipes, "depot.csv"])
    assert all(stat.S_ISFIFO((tmp_path / name).lstat().st_mode) for name in pipes)


@pytest.mark.skipif(os.name != "posix", reason="advisory locks and symbolic links")
def test_only_folders_holding_nothing_but_the_file_are_leftovers(tmp_path: Path) -> None:
    old = time.time() - 3600
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    elsewhere.mkdir()
    (elsewhere / "depot.csv").write_text("precious")
    folder = tmp_path / "work"
    folder.mkdir()

    def leftover(name: str, files: dict[str, str]) -> Path:
        path = folder / f".depot.csv.{name}.part"
        path.mkdir()
        for file, text in files.items():
            (path / file).write_text(text)
        return path

    # named as marsgeo's temporary folders are, but holding what marsgeo never writes there
    leftover("homework", {"important.txt": "keep"})
    leftover("abcd1234", {"depot.csv": "half", "notes.txt": "keep"})
    (leftover("sub12345", {}) / "depot.csv-wal").mkdir()
    (leftover("link1234", {}) / "depot.csv").symlink_to(elsewhere / "depot.csv")
    os.mkfifo(leftover("fifo1234", {}) / "depot.csv")
    (folder / ".depot.csv.dirlinkx.part").symlink_to(elsewhere)
    kept = sorted(p.name for p in folder.iterdir())
    # what a killed writer leaves: the file and SQLite's files beside it, or nothing
    leftover("dead1234", {"depot.csv": "half", "depot.csv-journal": "j", "depot.csv-wal": "w"})
    leftover("empty123", {})
    for path in folder.iterdir():
        os.utime(path, (old, old), follow_symlinks=False)
    marsgeo.export(marsgeo.load_depot(), folder / "depot.csv")
    assert sorted(p.name for p in folder.iterdir()) == sorted([*kept, "depot.csv"])
    assert (folder / ".depot.csv.homework.part" / "important.txt").read_text() == "keep"
    assert (folder / ".depot.csv.abcd1234.part" / "notes.txt").read_text() == "keep"
    assert (elsewhere / "depot.csv").read_text() == "precious"


def test_the_file_then_its_folder_reach_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    target = marsgeo.export(marsgeo.load_depot(), tmp_path / "depot.geojson")
    kinds = [kind for kind, _ in events]
    assert kinds == ["fsync", "replace", "fsync"]
    assert events[0][1].endswith("/depot.geojson") and events[0][1] != str(target)
    assert events[1][1] == str(target) and events[2][1] == str(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_symbolic_link_is_written_through(tmp_path: Path, name: str) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    real = runs / name
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / f"latest{Path(name).suffix}"
    link.symlink_to(Path("runs") / name)
    WRITERS[name](link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() != b"old" and mode_of(real) == 0o640
    assert sorted(p.name for p in runs.iterdir()) == [name]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_dangling_symbolic_link_is_refused(tmp_path: Path, name: str) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    link = a / f"out{Path(name).suffix}"
    pointed = f"../b/created{Path(name).suffix}"
    link.symlink_to(pointed)
    with pytest.raises(DataFileError, match="dangling symbolic link") as info:
        WRITERS[name](link)
    assert repr(str(link)) in str(info.value) and repr(pointed) in str(info.value)
    assert "remove the link" in str(info.value)
    assert list(b.iterdir()) == []
    assert [p.name for p in a.iterdir()] == [link.name] and link.is_symlink()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symbolic_link_loop_is_refused_and_kept(tmp_path: Path) -> None:
    link = tmp_path / "depot.csv"
    link.symlink_to("depot.csv")
    with pytest.raises(DataFileError, match="leads back to itself"):
        write_csv(link)
    assert [p.name for p in tmp_path.iterdir()] == ["depot.csv"] and link.is_symlink()


# --- what text formats hold ---------------------------------------------------------------------


def test_geojson_refuses_infinity_naming_the_column(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    tubes["margin_m"] = 1.0
    tubes.loc[[3, 7], "margin_m"] = [math.inf, -math.inf]
    with pytest.raises(InputError, match=r"column 'margin_m' has infinite values in rows 3, 7"):
        marsgeo.export(tubes, tmp_path / "t.geojson")
    with pytest.raises(InputError, match="RFC 8259"):
        marsgeo.io.geojson_text(tubes)
    assert list(tmp_path.iterdir()) == []
    # CSV keeps infinity; a missing number is null in GeoJSON
    back = pd.read_csv(marsgeo.export(tubes, tmp_path / "t.csv"))
    assert back["margin_m"].tolist()[2:7] == [math.inf, 1.0, 1.0, 1.0, -math.inf]
    tubes.loc[[3, 7], "margin_m"] = math.nan
    doc = json.loads(marsgeo.export(tubes, tmp_path / "t.geojson").read_text())
    assert [f["properties"]["margin_m"] for f in doc["features"]][2:7] == [None, 1, 1, 1, None]


def test_geojson_refuses_non_finite_coordinates(tmp_path: Path) -> None:
    from shapely.geometry import Point

    tubes = marsgeo.load_depot()
    tubes.loc[5, "geometry"] = Point(math.nan, 18.45)
    with pytest.raises(InputError, match="rows 5 have NaN or infinite coordinates"):
        marsgeo.export(tubes, tmp_path / "t.geojson")


def test_text_formats_keep_microseconds_and_missing_times(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    when = pd.Timestamp("2022-12-21T17:15:36.123456Z")
    tubes["dropped_utc"] = [when, pd.NaT, *tubes["dropped_utc"].iloc[2:]]
    csv = pd.read_csv(marsgeo.export(tubes, tmp_path / "t.csv"), keep_default_na=False)
    assert csv["dropped_utc"].tolist()[:2] == ["2022-12-21T17:15:36.123456+00:00", ""]
    doc = json.loads(marsgeo.export(tubes, tmp_path / "t.geojson").read_text())
    times = [f["properties"]["dropped_utc"] for f in doc["features"]]
    assert times[:2] == ["2022-12-21T17:15:36.123456+00:00", None]
    assert pd.Timestamp(times[0]) == when


def test_csv_tells_empty_text_from_missing(tmp_path: Path) -> None:
    # RFC 4180: an empty text is a quoted empty field, a missing value an empty field
    table = pd.DataFrame({"tube_id": [1, 2, 3], "note": ["", None, 'say "hi", twice']})
    path = marsgeo.export(table.set_index("tube_id"), tmp_path / "notes.csv")
    assert path.read_text(encoding="utf-8") == 'tube_id,note\n1,""\n2,\n3,"say ""hi"", twice"\n'
    tubes = marsgeo.load_depot()
    tubes["notes"] = ["", None, *tubes["notes"].iloc[2:]]
    lines = marsgeo.export(tubes, tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",notes,geometry_wkt")
    assert lines[1].endswith(',"",POINT (77.40775321 18.45263041)')
    assert re.search(r"[^,],,POINT \(", lines[2])
    assert tubes["notes"].iloc[0] == ""  # the input is untouched


# --- arguments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"path": None}, InputError, "path=None is not a file path"),
        ({"path": b"t.csv"}, InputError, "is not a file path"),
        ({"path": 42}, InputError, "path=42 is not a file path"),
        ({"path": ""}, InputError, "is empty"),
        ({"path": "t\0.csv"}, InputError, "NUL"),
        ({"path": "{tmp}/out/"}, InputError, "names a folder"),
        ({"path": "{tmp}/t.csv", "layer": 5}, InputError, "layer=5"),
        ({"path": "{tmp}/t.gpkg", "layer": ""}, InputError, "layer=''"),
        ({"path": "{tmp}/t.csv", "layer": "tubes"}, InputError, "GeoPackage only"),
        ({"path": "{tmp}/t", "layer": None}, InputError, "no extension"),
    ],
)
def test_export_refuses_bad_arguments(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception], words: str
) -> None:
    if isinstance(kwargs["path"], str):
        kwargs["path"] = kwargs["path"].format(tmp=tmp_path)
    with pytest.raises(error, match=re.escape(words)):
        marsgeo.export(marsgeo.load_depot(), **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_a_geodataframe_without_active_geometry(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(pd.DataFrame(marsgeo.load_depot().drop(columns="geometry")))
    with pytest.raises(InputError, match="without an active geometry column"):
        marsgeo.export(frame, tmp_path / "t.gpkg")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_special_file_is_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "stream.csv"
    os.mkfifo(pipe)
    with pytest.raises(DataFileError, match="is a special file"):
        marsgeo.export(marsgeo.load_depot(), pipe)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["stream.csv"]


# --- tables a format cannot hold: refused before writing, naming the columns --------------------


def test_repeated_column_names_are_refused_by_every_writer(tmp_path: Path) -> None:
    table = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["a", "a", "b"])
    for write in (marsgeo.io.csv_text, marsgeo.io.json_records_text):
        with pytest.raises(InputError, match=r"columns 'a', 'a' have the same name"):
            write(table)
    tubes = marsgeo.load_depot()
    doubled = pd.concat([tubes, tubes[["notes"]]], axis=1)
    for ext in (".csv", ".geojson", ".gpkg", ".fgb"):
        with pytest.raises(InputError, match=r"columns 'notes', 'notes' have the same name"):
            marsgeo.export(doubled, tmp_path / f"t{ext}")
    # SQLite, under every GeoPackage, takes column names case-insensitively
    with pytest.raises(InputError, match=r"'notes', 'Notes' have the same name.*ignore case"):
        marsgeo.export(tubes.assign(Notes="second"), tmp_path / "t.gpkg")
    assert list(tmp_path.iterdir()) == []


def test_columns_with_several_header_levels_are_refused() -> None:
    columns = pd.MultiIndex.from_tuples([("elev", "min"), ("elev", "max")])
    table = pd.DataFrame([[1.0, 2.0]], columns=columns)
    for write in (marsgeo.io.csv_text, marsgeo.io.json_records_text):
        with pytest.raises(InputError, match=r"MultiIndex, e\.g\. \('elev', 'min'\).*flatten"):
            write(table)


def test_geo_formats_need_text_column_names(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot().rename(columns={"notes": 5})
    for ext in (".gpkg", ".fgb"):
        with pytest.raises(InputError, match=r"column names \[5\] are not text.*rename"):
            marsgeo.export(tubes, tmp_path / f"t{ext}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", [".gpkg", ".fgb", ".geojson"])
def test_durations_are_refused_by_geo_formats_with_the_fix(tmp_path: Path, ext: str) -> None:
    tubes = marsgeo.load_depot()
    tubes["wait"] = pd.to_timedelta(range(len(tubes)), unit="s")
    with pytest.raises(InputError, match=r"\['wait'\] hold durations.*\.dt\.total_seconds\(\)"):
        marsgeo.export(tubes, tmp_path / f"t{ext}")
    assert list(tmp_path.iterdir()) == []
    # the fix the message names writes the file
    tubes["wait_s"] = tubes.pop("wait").dt.total_seconds()
    back = gpd.read_file(marsgeo.export(tubes, tmp_path / f"t{ext}"))
    assert back["wait_s"].tolist() == list(range(len(tubes)))


@pytest.mark.parametrize("ext", [".gpkg", ".fgb"])
def test_numbers_geopackage_cannot_hold_are_named(tmp_path: Path, ext: str) -> None:
    tubes = marsgeo.load_depot()
    tubes["big"] = np.full(len(tubes), 2**63, dtype=np.uint64)  # above int64, GDAL's widest
    tubes["wave"] = np.ones(len(tubes), dtype=complex)
    with pytest.raises(InputError, match=r"'big' \(uint64\), 'wave' \(complex128\)"):
        marsgeo.export(tubes, tmp_path / f"t{ext}")
    assert list(tmp_path.iterdir()) == []


def test_json_names_the_columns_it_cannot_hold() -> None:
    table = pd.DataFrame({"ok": [1.0], "wave": [1 + 2j], "limits": [{"max": math.inf}]})
    with pytest.raises(InputError, match=r"columns 'wave' \(.*\), 'limits' \(.*\)"):
        marsgeo.io.json_records_text(table)
    tubes = marsgeo.load_depot().assign(wave=1 + 2j)
    with pytest.raises(InputError, match=r"columns 'wave' \(complex"):
        marsgeo.io.geojson_text(tubes)


def test_plain_values_converts_every_time_column_even_with_repeated_names() -> None:
    when = pd.Timestamp("2022-12-21T17:15:36Z")
    table = pd.DataFrame([[when, when]], columns=["t", "t"])
    plain = marsgeo.io.plain_values(table)
    assert plain.iloc[0].tolist() == [when.isoformat()] * 2
    assert all(isinstance(d, pd.DatetimeTZDtype) for d in table.dtypes)  # input untouched


def test_geojson_keeps_an_index_that_repeats_a_column() -> None:
    tubes = marsgeo.load_depot()
    tubes["tube_id"] = tubes.index  # same name, same values: written once
    doc = json.loads(marsgeo.io.geojson_text(tubes))
    ids = [f["properties"]["tube_id"] for f in doc["features"]]
    assert ids == list(range(1, 11))


@pytest.mark.parametrize("layer", ["gpkg_contents", "sqlite_master", None])
def test_layer_names_geopackage_keeps_for_itself_are_refused(
    tmp_path: Path, layer: str | None
) -> None:
    path = tmp_path / ("gpkg_tubes.gpkg" if layer is None else "t.gpkg")
    shown = "gpkg_tubes" if layer is None else layer
    with pytest.raises(InputError, match=rf"{shown!r}.*GeoPackage keeps.*another layer name"):
        marsgeo.export(marsgeo.load_depot(), path, layer=layer)
    assert list(tmp_path.iterdir()) == []


# --- KML and Shapefile -----------------------------------------------------------------------


def test_shapefile_field_names_fit_the_format_and_stay_unique() -> None:
    from marsgeo.io import shapefile_field_names

    columns = [
        "sample_type",
        "sample_type_detail",
        "sample_type_confidence",
        "Sample_Typ",
        "lon",
        "position_uncertainty_m",
        "ä" * 8,
        "x" * 30,
        "x" * 31,
    ]
    fields = shapefile_field_names(columns)
    assert list(fields) == columns
    assert all(len(f.encode("utf-8")) <= 10 for f in fields.values())  # dBASE: 10 bytes
    assert len({f.casefold() for f in fields.values()}) == len(columns)
    for name, field in fields.items():
        if len(name.encode("utf-8")) <= 10:
            assert field == name  # names that fit are kept
        else:
            stem = field.rsplit("_", 1)[0] if field != name[: len(field)] else field
            assert name.startswith(stem)


def test_export_shapefile_keeps_mars_and_says_what_it_cut(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    target = tmp_path / "t.shp"
    (tmp_path / "t.qix").write_bytes(b"an index of an older file")
    assert marsgeo.io.shapefile_cut_texts(tubes) == {
        c: [i for i, t in tubes[c].items() if isinstance(t, str) and len(t.encode()) > 254]
        for c in tubes.columns
        if tubes[c].map(lambda t: isinstance(t, str) and len(t.encode()) > 254).any()
    }
    marsgeo.export(tubes, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "t.cpg", "t.dbf", "t.prj", "t.shp", "t.shx",
    ]  # fmt: skip
    assert "Mars" in (tmp_path / "t.prj").read_text()
    back = marsgeo.read_tubes(target)
    assert back.crs == MARS_GEOGRAPHIC and back.index.tolist() == list(range(1, 11))
    assert back.geometry.x.tolist() == tubes.geometry.x.tolist()
    long = tubes["collected_date_method"]
    # the texts as dBASE holds them: their first 254 bytes, whole characters
    cut = [t.encode("utf-8")[:254].decode("utf-8", errors="ignore") for t in long]
    assert any(len(t.encode("utf-8")) > 254 for t in long)
    assert [c for c in back.columns if back[c].tolist() == cut]  # the column, cut


def test_export_shapefile_refuses_mixed_shapes_and_leaves_the_old_files(tmp_path: Path) -> None:
    legs = marsgeo.plan_pickup(marsgeo.load_depot(), lander=ASSUMED_LANDER).legs
    spots = legs[legs.geom_type == "Point"][["kind", "geometry"]]
    marsgeo.export(spots, tmp_path / "legs.shp")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(InputError, match="LineString, Point") as info:
        marsgeo.export(legs[["kind", "geometry"]], tmp_path / "legs.shp")
    assert ".gpkg" in str(info.value)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_export_kml_is_marked_mars_in_mars_degrees(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    tubes = marsgeo.load_depot()
    lon0, lat0 = float(tubes.geometry.x.mean()), float(tubes.geometry.y.mean())
    metric = tubes.to_crs(local_crs(lon0, lat0))  # projected input: KML gets lon/lat
    marsgeo.export(metric, tmp_path / "t.kml")
    ns = "{http://www.opengis.net/kml/2.2}"
    root = ET.parse(tmp_path / "t.kml").getroot()
    assert root.tag == f"{ns}kml" and root.get("hint") == "target=mars"
    coords = [
        [float(v) for v in c.text.split(",")]  # type: ignore[union-attr]
        for c in root.iter(f"{ns}coordinates")
    ]
    assert np.allclose(coords, np.column_stack([tubes["lon"], tubes["lat"]]), atol=1e-9)
    assert [p.findtext(f"{ns}name") for p in root.iter(f"{ns}Placemark")] == tubes["name"].tolist()
