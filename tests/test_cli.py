from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import marsgeo
from marsgeo.cli import main

from .reference import TUBE_NAMES, reference_nearest_m
from .test_routing import reference_lander_offset


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_tubes_table_lists_the_ten_tubes() -> None:
    code, out, err = run("tubes")
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert len(lines) == 11  # header + 10
    for name, line in zip(TUBE_NAMES, lines[1:], strict=True):
        assert name in line
    assert "2022-12-21" in lines[1] and "inferred" in lines[1]


def test_tubes_csv_round_trips(depot: gpd.GeoDataFrame) -> None:
    code, out, _ = run("tubes", "--format", "csv")
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert df["tube_id"].tolist() == list(range(1, 11))
    assert df["lon"].tolist() == depot["lon"].tolist()
    assert "position_confidence" in df.columns and "facts_source" in df.columns


def test_tubes_json_records() -> None:
    code, out, _ = run("tubes", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [r["name"] for r in records] == TUBE_NAMES
    assert records[9]["sample_number"] is None
    assert records[0]["dropped_utc"].startswith("2022-12-21T")


def test_tubes_geojson_reads_back_as_mars(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    code, out, _ = run("tubes", "--format", "geojson")
    assert code == 0
    path = tmp_path / "tubes.geojson"
    path.write_text(out, encoding="utf-8")
    back = marsgeo.read_tubes(path)  # no crs= needed: the file names the Mars CRS
    assert back.crs == marsgeo.crs.MARS_GEOGRAPHIC
    assert back.geometry.x.tolist() == depot.geometry.x.tolist()


def test_distances_nearest_summary() -> None:
    code, out, _ = run("distances")
    assert code == 0
    ref = reference_nearest_m()  # independent haversine on the reference coordinates
    assert f"min {min(ref):.2f} m" in out and f"max {max(ref):.2f} m" in out


def test_output_survives_an_ascii_terminal() -> None:
    exe = Path(sys.executable).with_name("marsgeo")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([str(exe), "tubes"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "Ats\\xe1" in done.stdout  # "Atsá", escaped rather than crashing


def test_distances_matrix_csv_is_symmetric() -> None:
    code, out, _ = run("distances", "--kind", "matrix", "--format", "csv")
    assert code == 0
    m = pd.read_csv(io.StringIO(out), index_col=0)
    assert m.shape == (10, 10)
    assert (abs(m.to_numpy() - m.to_numpy().T) < 1e-9).all()


def test_distances_pairs_geojson() -> None:
    code, out, _ = run("distances", "--kind", "pairs", "--format", "geojson")
    assert code == 0
    doc = json.loads(out)
    assert len(doc["features"]) == 45
    assert doc["crs"]["properties"]["name"] == "IAU_2015:49900"


def test_user_catalogue(tmp_path: Path) -> None:
    p = tmp_path / "mine.csv"
    p.write_text("tube_id,lon,lat\na,77.40,18.45\nb,77.40,18.4501\n")
    code, out, _ = run("distances", "--catalogue", str(p), "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["nearest_tube_id"] == "b"
    assert rows[0]["distance_m"] == pytest.approx(
        3_396_190 * 0.0001 * 3.141592653589793 / 180, rel=1e-9
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["tubes", "--catalogue", "/nonexistent/tubes.csv"], ["does not exist"]),
        (["distances", "--catalogue", "{dup}"], ["duplicate"]),
        (["tubes", "--catalogue", "{earth}"], ["--crs IAU_2015:49900"]),
        (["tubes", "--catalogue", "{dup}", "--crs", "EPSG:4326"], ["Earth"]),
        (["distances", "--kind", "matrix", "--format", "geojson"], ["--kind pairs"]),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    tmp_path: Path, args: list[str], words: list[str]
) -> None:
    dup = tmp_path / "dup.csv"
    dup.write_text("tube_id,lon,lat\n1,77.4,18.4\n1,77.5,18.5\n")
    earth = tmp_path / "earth.geojson"
    earth.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"tube_id":1},"geometry":{"type":"Point","coordinates":[77.4,18.4]}}]}'
    )
    args = [a.format(dup=dup, earth=earth) for a in args]
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"marsgeo {args[0]}: error: ")
    for w in words:
        assert w in err


@pytest.mark.parametrize(
    "args",
    [
        ["tubes", "--format", "xml"],
        ["info", "--format", "csv"],
        ["distances", "--kind", "ring"],
        ["fly"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(*args)
    assert info.value.code == 2


def test_info_reports_versions_and_mars_crs() -> None:
    code, out, _ = run("info", "--format", "json")
    info = json.loads(out)
    assert code == 0
    assert info["marsgeo"] == marsgeo.__version__
    assert info["IAU_2015 Mars CRSs"] == "available"
    import pyproj

    assert info["PROJ"] == pyproj.proj_version_str


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("marsgeo")
    ok = subprocess.run(
        [str(exe), "distances", "--format", "csv"], capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0 and ok.stdout.startswith("tube_id,nearest_tube_id")
    bad = subprocess.run(
        [str(exe), "tubes", "--catalogue", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1


def test_plan_table_and_assumption_note() -> None:
    code, out, err = run("plan")
    assert code == 0
    assert "5 sols" in out and "proven optimal" in out
    assert "ASSUMPTION" in err and "--lander" in err  # the default lander is announced


def test_plan_geojson_legs_within_range() -> None:
    code, out, _ = run("plan", "--lander", "77.4096,18.4524", "--format", "geojson")
    assert code == 0
    doc = json.loads(out)
    flights = [f for f in doc["features"] if f["properties"]["kind"].startswith("flight")]
    assert flights and all(f["properties"]["distance_m"] <= 700 for f in flights)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["plan", "--lander", "77.6,18.45", "--max-relays", "0"], ["out of reach", "range"]),
        (["map", "--basemap", "hirse"], ["Did you mean 'trek-hirise'"]),
        (["map", "--output", "x.gpkg"], ["--html"]),
        (["tubes", "--output", "x.xlsx"], ["unknown extension"]),
        (["distances", "--kind", "matrix", "--output", "m.gpkg"], ["as CSV"]),
    ],
)
def test_more_bad_input_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*args)
    assert code == 1 and "wrote" not in out
    lines = [ln for ln in err.strip().splitlines() if "note:" not in ln]
    assert len(lines) == 1 and lines[0].startswith(f"marsgeo {args[0]}: error: ")
    for w in words:
        assert w in lines[0]


@pytest.mark.parametrize("command", ["plan", "map"])
def test_lander_help_gives_the_assumed_point_where_it_is(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dist, bearing, point = reference_lander_offset()  # computed from the reference positions
    with pytest.raises(SystemExit) as info:
        run(command, "--help")
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--lander LON,LAT" in text and "ASSUMPTION" in text and "150 m" not in text
    assert f"{dist:.0f} m from the depot centroid at bearing {bearing:.0f} deg ({point})" in text


def test_bad_lander_text_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        run("plan", "--lander", "east")
    assert info.value.code == 2


def test_map_writes_html(tmp_path: Path) -> None:
    target = tmp_path / "m.html"
    code, out, _ = run(
        "map",
        "--html",
        str(target),
        "--offline",
        "--basemap",
        "none",
        "--helicopters",
        "0",
        "--terrain",
        "none",
    )
    assert code == 0 and str(target) in out and "with no network" in out
    page = target.read_text(encoding="utf-8")
    assert page.count('"cls":"marsgeo-tube"') == 10 and "<script src=" not in page


def test_output_files_read_back_on_mars(tmp_path: Path) -> None:
    for cmd, name in (("tubes", "t.gpkg"), ("distances", "nn.geojson"), ("plan", "legs.fgb")):
        code, out, _ = run(cmd, "--output", str(tmp_path / name))
        assert code == 0 and "wrote" in out
        back = gpd.read_file(tmp_path / name)
        assert marsgeo.crs.is_mars_crs(back.crs)


def test_internal_errors_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a: object, **k: object) -> None:
        raise ZeroDivisionError("simulated defect")

    monkeypatch.setattr(marsgeo, "load_depot", boom)
    code, out, err = run("tubes")
    assert code == 3 and out == ""
    assert err.strip() == (
        "marsgeo tubes: internal error: ZeroDivisionError: simulated defect (please report this)"
    )


def test_map_shows_hostile_catalogue_and_dtm_text_literally(tmp_path: Path) -> None:
    from . import payloads

    marker = tmp_path / "pwned"
    texts = payloads.payloads(marker)
    csv = tmp_path / "tubes.csv"
    frame = payloads.hostile_tubes(texts).drop(columns="geometry")
    frame["sample_type"] = marsgeo.load_depot()["sample_type"]  # a checked vocabulary
    frame.to_csv(csv)
    for k, text in enumerate(texts):
        tif = payloads.hostile_dtm(tmp_path / f"dtm{k}.tif", description=text, band="elevation")
        target = tmp_path / f"m{k}.html"
        code, _, err = run(
            "map", "--catalogue", str(csv), "--terrain", str(tif), "--basemap", "none",
            "--offline", "--html", str(target),
        )  # fmt: skip
        assert code == 0 and "error" not in err, err
        page = target.read_text(encoding="utf-8")
        for shown in [*texts, text]:
            assert payloads.as_data(shown) in page
        assert payloads.EVALUATED not in re.sub(r"base64,[^\"]+", "", page)
        assert page.count('"cls":"marsgeo-tube"') == 10
    assert not marker.exists()


def test_map_says_which_layers_need_a_network(tmp_path: Path) -> None:
    code, out, _ = run("map", "--offline", "--html", str(tmp_path / "o.html"), "--helicopters", "0")
    assert code == 0
    assert "no network" in out and "NASA Mars Trek: Jezero HiRISE orthomosaic, 25 cm" in out
    code, out, _ = run("map", "--html", str(tmp_path / "n.html"), "--basemap", "trek-ctx")
    assert code == 0
    assert "cdn.jsdelivr.net" in out and "Jezero CTX" in out and "--offline" in out


def test_huge_values_are_not_echoed_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "x" * 100_000
    code, out, err = run("map", "--basemap", huge, "--html", str(tmp_path / "m.html"))
    assert code == 1 and out == ""
    assert len(err) < 1000 and "100,002 characters" in err and "Known:" in err
    csv = tmp_path / "t.csv"
    csv.write_text(f"name,lon,lat\na,{huge},18.45\n", encoding="utf-8")
    code, _, err = run("tubes", "--catalogue", str(csv))
    assert code == 1 and len(err) < 2500 and "characters]" in err
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "--lander", huge])
    assert exit_.value.code == 2
    assert len(capsys.readouterr().err) < 2000
    assert not (tmp_path / "m.html").exists()


# --- usage errors: one line, with the fix -------------------------------------------------------


def usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(list(args), stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    prog = "marsgeo" if args[0] == "fly" else f"marsgeo {args[0]}"
    assert lines[0].startswith(f"{prog}: error: ")
    assert lines[0].endswith(f"(see {prog} --help)")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["plan", "--helicopters", "1000000000"], ["--helicopters", "from 1 to 50"]),
        (["plan", "--helicopters", "0"], ["--helicopters", "from 1 to 50"]),
        (["plan", "--helicopters", "1.5"], ["'1.5' is not a whole number"]),
        (["plan", "--max-relays", "1000000", "--range", "1"], ["--max-relays", "from 0 to 20"]),
        (["plan", "--max-relays", "-1"], ["--max-relays", "from 0 to 20"]),
        (["plan", "--flights-per-sol", "0"], ["--flights-per-sol", "from 1 to 10"]),
        (["plan", "--range", "-5"], ["--range", "> 0 and <= 100000"]),
        (["plan", "--range", "nan"], ["--range", "> 0"]),
        (["plan", "--range", "1e309"], ["--range", "> 0"]),
        (["plan", "--range", "far"], ["'far' is not a number of metres"]),
        (["plan", "--lander", "-102.59,-18.45"], ["--lander=-102.59,-18.45", "needs '='"]),
        (["map", "--lander", "-102,-18"], ["--lander=-102.59,-18.45", "needs '='"]),
        (["plan", "--lander=77.4,95"], ["latitude in -90..90"]),
        (["plan", "--lander=nan,18"], ["not a position on Mars"]),
        (["map", "--helicopters", "-1"], ["--helicopters", "from 0 to 50"]),
        (["distances", "--kind", "ring"], ["invalid choice: 'ring'"]),
        (["fly"], ["invalid choice: 'fly'"]),
    ],
)
def test_usage_errors_are_one_line_naming_the_fix(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    words: list[str],
) -> None:
    def not_reached(*a: object, **k: object) -> None:
        raise AssertionError("a bad argument must be refused before any planning")

    monkeypatch.setattr(marsgeo, "plan_pickup", not_reached)
    line = usage_error(capsys, *args)
    for word in words:
        assert word in line


@pytest.mark.parametrize("command", ["plan", "map"])
def test_help_says_how_to_pass_a_negative_longitude_and_the_bounds(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--lander=-102.59,-18.45" in text
    assert "1 to 50" in text if command == "plan" else "0 to 50" in text
    if command == "plan":
        assert "0 to 20" in text and "1 to 10" in text and "up to 100000" in text


# --- every failure is one line and exit code 1 ---------------------------------------------------


def test_every_kind_of_failure_is_exit_1_and_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import pyogrio.errors

    from marsgeo import errors

    failures: list[BaseException] = [
        errors.MarsGeoError("data: 2 problems\n  - one\n  - two"),
        errors.TooLargeError("a 100000 x 100000 matrix needs 80 GB; use --kind nearest"),
        errors.DataFileError("path='x' cannot be read"),
        OSError(errno.ENOSPC, "No space left on device", "/tmp/x.csv"),
        PermissionError(errno.EACCES, "Permission denied", "/srv/x.csv"),
        MemoryError(),
        pyogrio.errors.DataSourceError("x.gpkg: not recognized as a supported file format"),
    ]
    seen = []
    for failure in failures:

        def fail(*a: object, failure: BaseException = failure, **k: object) -> None:
            raise failure

        monkeypatch.setattr(marsgeo, "distance_matrix", fail)
        code, out, err = run("distances", "--kind", "matrix")
        seen.append((type(failure).__name__, code, err))
        lines = err.splitlines()
        assert code == 1 and out == "" and len(lines) == 1, seen[-1]
        assert lines[0].startswith("marsgeo distances: error: "), seen[-1]
    assert "one - two" in seen[0][2] and "No space left on device" in seen[3][2]
    assert "not enough memory" in seen[5][2] and "not recognized" in seen[6][2]


def test_the_cli_never_exits_3_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "empty.tif").write_bytes(b"")
    noise = bytes(range(256)) * 40
    for name in ("binary.csv", "binary.gpkg", "binary.geojson", "binary.tif"):
        (tmp_path / name).write_bytes(noise)
    (tmp_path / "text.tif").write_text("elevation\n1 2 3\n")
    (tmp_path / "garbage.csv").write_text("a;b\n1;2\n")
    (tmp_path / "huge.csv").write_text("tube_id,lon,lat\n1,77.4,18.45\n2," + "9" * 5000 + ",18\n")
    (tmp_path / "nan.csv").write_text("tube_id,lon,lat\n1,nan,18.45\n2,77.4,inf\n")
    (tmp_path / "good.csv").write_text("tube_id,lon,lat\na,77.40,18.45\nb,77.40,18.4501\n")
    dtm = marsgeo.basemap.synthetic_dtm(size_m=400, resolution_m=2)
    data = marsgeo.basemap.write_raster(dtm, tmp_path / "dtm.tif").read_bytes()
    (tmp_path / "cut.tif").write_bytes(data[: len(data) // 2])

    catalogues = [
        "missing.csv",
        "folder",
        "empty.csv",
        "binary.csv",
        "binary.gpkg",
        "binary.geojson",
        "garbage.csv",
        "huge.csv",
        "nan.csv",
        "a-file/x.csv",
        "",
    ]
    outputs = ["no/such/folder/x.csv", "folder", "x.xlsx", "x", "a-file/x.csv", ""]
    rasters = ["missing.tif", "folder", "empty.tif", "binary.tif", "text.tif", "cut.tif"]
    lander = "--lander=77.4096,18.4524"
    quick_map = ["--basemap", "none", "--terrain", "none", "--helicopters", "0"]
    cases: list[list[str]] = [["info", "--format", "csv"], ["distances", "--kind", "ring"]]
    for command in ("tubes", "distances", "plan", "map"):
        extra = [lander] if command == "plan" else quick_map if command == "map" else []
        cases += [[command, *extra, "--catalogue", c] for c in catalogues]
        cases += [[command, *extra, "--catalogue", "good.csv", "--crs", c] for c in ("x", "")]
        cases += [[command, *extra, "--format", "xml"]]
        if command != "map":
            cases += [[command, *extra, "--output", o] for o in outputs]
    cases += [["distances", "--kind", "matrix", "--output", "m.gpkg"]]
    for option, values in (
        ("--helicopters", ["0", "-1", "1000000000", "two", "1e3"]),
        ("--range", ["0", "-5", "nan", "inf", "1e309", "far"]),
        ("--max-relays", ["-1", "1000000"]),
        ("--flights-per-sol", ["0", "100000"]),
        ("--lander", ["abc", "1,2,3", "0,95", "nan,0", "-102,-18"]),
    ):
        cases += [["plan", *([] if option == "--lander" else [lander]), option, v] for v in values]
    cases += [["plan", lander, "--dtm", r] for r in rasters]
    cases += [["map", *quick_map[:2], "--terrain", r, "--helicopters", "0"] for r in rasters]
    cases += [["map", *quick_map, "--html", h] for h in [*outputs, "x.txt"]]
    cases += [["map", *quick_map, "--basemap", b] for b in ("hirse", "", "x" * 10_000)]
    cases += [["map", *quick_map, "--output", "x.gpkg"], ["map", "--helicopters", "1000000000"]]

    bad = []
    for args in cases:
        out, err = io.StringIO(), io.StringIO()
        capsys.readouterr()
        try:
            code = main(args, stdout=out, stderr=err)
        except SystemExit as exit_:
            code = exit_.code  # type: ignore[assignment]
        captured = capsys.readouterr()
        lines = (err.getvalue() + captured.err).splitlines()
        if (
            code not in (1, 2)
            or len(lines) != 1
            or not lines[0].startswith(f"marsgeo {args[0]}: error: ")
            or out.getvalue()
            or captured.out
        ):
            bad.append((args, code, lines[:3]))
    assert not bad, "\n".join(map(repr, bad))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "folder",
            "a-file",
            "empty.csv",
            "empty.tif",
            "binary.csv",
            "binary.gpkg",
            "binary.geojson",
            "binary.tif",
            "text.tif",
            "garbage.csv",
            "huge.csv",
            "nan.csv",
            "good.csv",
            "dtm.tif",
            "cut.tif",
        ]
    )  # nothing written, nothing half-written


# --- what machine-readable output holds ------------------------------------------------------


def test_csv_and_json_keep_every_digit_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    depot = marsgeo.load_depot()
    when = pd.Timestamp("2022-12-21T17:15:36.123456Z")
    depot["dropped_utc"] = [when, pd.NaT, *depot["dropped_utc"].iloc[2:]]
    monkeypatch.setattr(marsgeo, "load_depot", lambda: depot)
    code, out, _ = run("tubes", "--format", "csv")
    assert code == 0
    back = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert back["dropped_utc"].tolist()[:2] == ["2022-12-21T17:15:36.123456+00:00", ""]
    code, out, _ = run("tubes", "--format", "json")
    records = json.loads(out)
    assert [r["dropped_utc"] for r in records[:2]] == ["2022-12-21T17:15:36.123456+00:00", None]
    assert [r["lon"] for r in records] == depot["lon"].tolist()  # every digit of the numbers


def test_json_output_refuses_infinity_naming_the_column(monkeypatch: pytest.MonkeyPatch) -> None:
    def nearest(tubes: object) -> pd.DataFrame:
        return pd.DataFrame(
            {"nearest_tube_id": [2, 1], "distance_m": [float("inf"), 3.5]},
            index=pd.Index([1, 2], name="tube_id"),
        )

    monkeypatch.setattr(marsgeo, "nearest_neighbours", nearest)
    code, out, err = run("distances", "--format", "json")
    assert code == 1 and out == ""
    assert "column 'distance_m' has infinite values in rows 1" in err
    assert len(err.splitlines()) == 1


def test_an_index_that_repeats_a_column_is_written_once(monkeypatch: pytest.MonkeyPatch) -> None:
    depot = marsgeo.load_depot()
    both = depot.assign(tube_id=depot.index)  # as some GeoPackage readers return it
    monkeypatch.setattr(marsgeo, "load_depot", lambda: both)
    for fmt in ("csv", "json", "table"):
        code, out, err = run("tubes", "--format", fmt)
        assert code == 0 and err == "", err
        assert out.count("tube_id") == (10 if fmt == "json" else 1)


def test_a_catalogue_with_several_layers_needs_layer(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    tubes = marsgeo.load_depot()[["name", "geometry"]]
    tubes.to_file(path, layer="tubes")
    tubes.iloc[:3].to_file(path, layer="first_three")
    code, _, err = run("tubes", "--catalogue", str(path))
    assert code == 1 and "--layer" in err and "first_three" in err
    code, out, _ = run(
        "tubes", "--catalogue", str(path), "--layer", "first_three", "--format", "csv"
    )
    assert code == 0 and len(pd.read_csv(io.StringIO(out))) == 3


def _survey_csv(path: Path, n: int) -> Path:
    """A catalogue of n points around the depot (tube rows repeated a few metres apart)."""
    depot = marsgeo.load_depot()
    rows = depot.iloc[[k % len(depot) for k in range(n)]].copy()
    step = np.arange(n) * 2e-5  # about 1.2 m of longitude per point
    rows = rows.set_geometry(
        gpd.points_from_xy(rows.geometry.x + step, rows.geometry.y), crs=depot.crs
    )
    rows.index = pd.Index([f"p{k}" for k in range(n)], name=depot.index.name)
    marsgeo.io.export(rows, path)
    return path


def test_map_of_a_survey_plans_only_when_asked(tmp_path: Path) -> None:
    csv = _survey_csv(tmp_path / "survey.csv", 61)
    page = tmp_path / "s.html"
    common = ["--catalogue", str(csv), "--basemap", "none", "--terrain", "none", "--html"]
    code, _, err = run("map", *common, str(page))
    assert code == 0, err
    assert "61 tubes: no pickup plan drawn" in err and "--helicopters 2" in err
    text = page.read_text(encoding="utf-8")
    assert text.count('"cls":"marsgeo-tube"') == 61
    assert '"cls":"marsgeo-leg"' not in text  # no plan on the map
    small = _survey_csv(tmp_path / "small.csv", 12)
    code, _, err = run("map", *common[:1], str(small), *common[2:], str(tmp_path / "p.html"))
    assert code == 0, err
    assert "no pickup plan" not in err
    assert '"cls":"marsgeo-leg"' in (tmp_path / "p.html").read_text(encoding="utf-8")
