"""Property-based fuzzing of the public API and the command line.

Every public function, given any value for any one argument (and good values for the others),
either works or raises a :class:`marsgeo.errors.MarsGeoError`: never a raw Python, pandas,
pyproj, shapely or rasterio exception, never a hang. The command line, given any arguments,
exits 0, 1 or 2 with at most one line on stderr for an error: never 3 ("internal error").

``MARSGEO_FUZZ_EXAMPLES`` sets the examples per function (default 2000; the CI profile's
derandomised runs make them repeatable).
"""

from __future__ import annotations

import contextlib
import inspect
import io
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.errors import MarsGeoError

EXAMPLES = int(os.environ.get("MARSGEO_FUZZ_EXAMPLES", "2000"))
CLI_EXAMPLES = max(50, EXAMPLES // 8)

# no ':' in generated text: no URL, so nothing can reach the network
TEXT = st.text(alphabet=st.characters(blacklist_characters=":\x00"), max_size=12)
STRINGS = st.sampled_from(
    [
        "",
        " ",
        "synthetic",
        "jezero",
        "trek-hirise",
        "IAU_2015:49900",
        "IAU_2015:49901",
        "EPSG:4326",
        "POLYGON((77.4 18.45, 77.41 18.45, 77.41 18.46, 77.4 18.45))",
        "POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))",
        "POINT(77.4 18.45)",
        "{{ 3*13579 }}",
        "{# open",
        "</script>",
        "nan",
        "inf",
        "-1",
        "1e308",
        "77.4,18.45",
        "18.45,77.41",
        "13:38:22",
        "25:61:61",
        "2022-12-21",
        "notadate",
        ".",
        "..",
        "/",
        "\u202e",
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 1e-300, 1e300, 2**63, -(2**63), 361.0, -91.0]),
)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


class _Objects:
    """Real objects, built once: what a user passes, good and bad."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.depot = marsgeo.load_depot()
        self.three = self.depot.iloc[:3]
        self.earth = self.depot.set_crs("EPSG:4326", allow_override=True)
        self.no_crs = gpd.GeoDataFrame(
            self.depot.drop(columns="geometry"), geometry=list(self.depot.geometry)
        )
        self.empty = self.depot.iloc[:0]
        self.nan_point = self.three.copy()
        self.nan_point.geometry = [shapely.Point(math.nan, 18.45), *self.three.geometry[1:]]
        self.zone = gpd.GeoDataFrame(
            geometry=[shapely.box(77.4070, 18.4530, 77.4072, 18.4532)], crs=MARS_GEOGRAPHIC
        )
        self.bowtie = gpd.GeoDataFrame(
            geometry=[shapely.Polygon([(77.407, 18.453), (77.408, 18.454), (77.408, 18.453),
                                       (77.407, 18.454)])],
            crs=MARS_GEOGRAPHIC,
        )  # fmt: skip
        self.dtm = marsgeo.basemap.synthetic_dtm(size_m=200, resolution_m=10)
        self.slope = marsgeo.basemap.slope_deg(self.dtm)
        self.mask = marsgeo.basemap.hazard_mask(self.slope)
        self.tif = marsgeo.basemap.write_raster(self.dtm, tmp / "dtm.tif")
        self.csv = tmp / "tubes.csv"
        self.depot.drop(columns="geometry").to_csv(self.csv)
        self.text_file = tmp / "notes.txt"
        self.text_file.write_text("not a catalogue\n", encoding="utf-8")
        self.plan = marsgeo.plan_pickup(self.three, lander=marsgeo.routing.ASSUMED_LANDER)
        self.map = marsgeo.depot_map(self.three, basemap=None, places=None, timeline=False)
        self.out = tmp / "out"
        self.out.mkdir()

    def pool(self) -> list[Any]:
        return [
            self.depot,
            self.three,
            self.earth,
            self.no_crs,
            self.empty,
            self.nan_point,
            self.zone,
            self.bowtie,
            self.depot.geometry,
            self.dtm,
            self.slope,
            self.mask,
            self.plan,
            self.map,
            self.tif,
            str(self.tif),
            self.csv,
            self.text_file,
            self.tmp,
            self.tmp / "missing.tif",
            np.zeros((3, 3)),
            np.array([]),
            np.array([[np.nan]]),
            shapely.Point(77.4, 18.45),
            shapely.box(77.40, 18.45, 77.41, 18.46),
            (77.4, 18.45),
            (18.45, 77.41),
            (math.nan, 18.45),
            (),
            [],
            {},
            {"range_m": -1},
            object(),
            marsgeo.HelicopterSpec(),
            MARS_GEOGRAPHIC,
            "IAU_2015:49910",
        ]


@pytest.fixture(scope="module")
def objects(tmp_path_factory: pytest.TempPathFactory) -> _Objects:
    return _Objects(tmp_path_factory.mktemp("fuzz"))


def values(objects: _Objects) -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, STRINGS)
    return st.one_of(
        scalars,
        st.sampled_from(objects.pool()),
        st.lists(scalars, max_size=4),
        st.tuples(NUMBERS, NUMBERS),
    )


# good values by parameter name: the other arguments of a call are these, so that the
# fuzzed one reaches the function's real work
def good(objects: _Objects, fn: Callable[..., Any]) -> dict[str, Any]:
    o = objects
    writing = fn in (marsgeo.save_map, marsgeo.export, marsgeo.basemap.write_raster)
    table: dict[str, Any] = {
        "tubes": o.three,
        "points": o.three,
        "shapes": o.zone,
        "gdf": o.three,
        "frame": o.three,
        "obj": o.three,
        "crs": MARS_GEOGRAPHIC,
        "lon": 77.4,
        "lat": 18.45,
        "lon1": 77.4,
        "lat1": 18.45,
        "lon2": 77.41,
        "lat2": 18.46,
        "lon_deg": 77.4,
        "lon_e_deg": 77.4,
        "lon_w_deg": 282.6,
        "lat_deg": 18.45,
        "x": [77.4],
        "y": [18.45],
        "raster": o.dtm,
        "dtm": o.dtm,
        "slope": o.slope,
        "mask": o.mask,
        "source": o.tif,
        "path": (o.out / "f.gpkg") if writing else o.csv,
        "m": o.map,
        "plan": o.plan,
        "lander": marsgeo.routing.ASSUMED_LANDER,
        "name": "trek-hirise",
        "sol": 653,
        "utc": "2022-12-21T12:00:00Z",
        "when": "2022-12-21T12:00:00Z",
        "hours": 13.5,
        "text": "13:38:22",
        "zoom": 5,
        "dst_crs": "IAU_2015:49910",
        "min_distance_m": 5.0,
    }
    if fn is marsgeo.basemap.write_raster:
        table["path"] = o.out / "w.tif"
    if fn is marsgeo.save_map:
        table["path"] = o.out / "m.html"
    if fn is marsgeo.export:
        table["path"] = o.out / "e.csv"
    return table


def _public_functions() -> list[Callable[..., Any]]:
    import importlib

    found: dict[str, Callable[..., Any]] = {}
    for module in ("crs", "depot", "distance", "sols", "jezero", "basemap", "routing",
                   "webmap", "io", "places"):  # fmt: skip
        mod = importlib.import_module(f"marsgeo.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and not isinstance(obj, dict):
                found[f"{module}.{name}"] = obj
    return [found[k] for k in sorted(found)]


FUNCTIONS = _public_functions()
# options whose defaults mean big work (a 2 km synthetic DTM at 2 m): smaller when not fuzzed
SMALL = {"size_m": 200.0, "resolution_m": 10.0}
# writers take fuzzed paths only from this list: nothing is written outside the test's folder
PATHS = [
    "",
    ".",
    "out",
    "out/",
    "missing/x.csv",
    "out/x.unknown",
    "out/x",
    "out/m.html",
    "out/t.tif",
    "out/e.geojson",
    "out/e.gpkg",
    "out/e.fgb",
    "out/e.shp",
    "tubes.csv/x.csv",
]


def _fuzz_call(fn: Callable[..., Any], objects: _Objects, data: st.DataObject) -> None:
    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if not params:
        return
    table = good(objects, fn)
    target = data.draw(st.sampled_from(params), label="argument")
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    writing = fn in (marsgeo.save_map, marsgeo.export, marsgeo.basemap.write_raster)
    for p in params:
        if p is target:
            if writing and p.name == "path":
                value = objects.tmp / data.draw(st.sampled_from(PATHS), label="path")
            else:
                value = data.draw(values(objects), label=p.name)
        elif p.default is not p.empty:
            if p.name not in SMALL:
                continue  # an option left at its default
            value = SMALL[p.name]  # a smaller size than the default, for speed
        elif p.name in table:
            value = table[p.name]
        else:
            value = data.draw(values(objects), label=p.name)
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    try:
        with _quiet():
            fn(*args, **kwargs)
    except MarsGeoError:
        pass


@pytest.mark.slow
@pytest.mark.parametrize("fn", FUNCTIONS, ids=[f"{f.__module__}.{f.__name__}" for f in FUNCTIONS])
def test_public_function_works_or_raises_a_marsgeo_error(
    fn: Callable[..., Any], objects: _Objects, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(objects.tmp)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        _fuzz_call(fn, objects, data)

    check()


# --- the command line ------------------------------------------------------------------------


def _cli_options() -> dict[str, list[tuple[str, Any]]]:
    """Each command's options and their choices (None: takes any value; "flag": no value)."""
    import argparse

    from marsgeo.cli._options import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    out: dict[str, list[tuple[str, Any]]] = {}
    for name, parser in sub.choices.items():
        opts: list[tuple[str, Any]] = []
        for action in parser._actions:
            if not action.option_strings or action.dest == "help":
                continue
            flag = max(action.option_strings, key=len)
            kind = "flag" if action.nargs == 0 else action.choices
            opts.append((flag, kind))
        out[name] = opts
    return out


CLI_OPTIONS = _cli_options()
OUTPUT_FLAGS = {"--output", "--html", "--schedule-output"}
CLI_VALUES = st.one_of(
    STRINGS,
    TEXT,
    NUMBERS.map(str),
    st.sampled_from(["tubes.csv", "dtm.tif", "notes.txt", "missing.csv", "out", *PATHS]),
)


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(CLI_OPTIONS)))
    argv = [command]
    options = CLI_OPTIONS[command]
    for flag, kind in draw(st.lists(st.sampled_from(options), max_size=4)) if options else []:
        argv.append(flag)
        if kind == "flag":
            continue
        if flag in OUTPUT_FLAGS:  # written files stay in the test's folder
            argv.append(draw(st.sampled_from(PATHS)))
        elif kind is not None and draw(st.booleans()):
            argv.append(str(draw(st.sampled_from(list(kind)))))
        else:
            argv.append(draw(CLI_VALUES))
    if draw(st.integers(0, 9)) == 0:
        argv.append(draw(STRINGS))  # a stray word
    return argv


@pytest.mark.slow
def test_command_line_never_fails_inside(
    objects: _Objects, monkeypatch: pytest.MonkeyPatch
) -> None:
    from marsgeo.cli import main

    monkeypatch.chdir(objects.tmp)

    @settings(
        max_examples=CLI_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(argv=command_lines())
    def check(argv: list[str]) -> None:
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                code = main(argv, stdout=out, stderr=err)
        except SystemExit as exc:  # argparse: usage errors exit 2, --help and --version 0
            code = int(exc.code or 0)
        assert code in (0, 1, 2), (argv, err.getvalue())
        if code == 1:
            lines = [line for line in err.getvalue().splitlines() if "error:" in line]
            assert len(lines) == 1, (argv, err.getvalue())

    check()
