"""The ``marsgeo`` command line: thin argument parsing over the public functions.

Exit codes: 0 success, 1 a marsgeo error (bad input, unreadable file: one line on stderr),
2 a usage error (argparse), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import geopandas as gpd
import pandas as pd

import marsgeo
from marsgeo.errors import MarsGeoError, shorten
from marsgeo.io import geojson_text, plain_values

FORMATS = ("table", "csv", "json", "geojson")


def _catalogue(args: argparse.Namespace) -> gpd.GeoDataFrame:
    if args.catalogue is None:
        return marsgeo.load_depot()
    return marsgeo.read_tubes(args.catalogue, crs=args.crs)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop geometry and write datetimes as ISO strings, for CSV / JSON / tables."""
    return plain_values(
        pd.DataFrame(frame.drop(columns=["geometry"], errors="ignore")), timespec="seconds"
    )


def _emit(
    frame: pd.DataFrame,
    fmt: str,
    out: TextIO,
    *,
    table_columns: list[str] | None = None,
    float_digits: int = 2,
) -> None:
    if fmt == "geojson":
        if not isinstance(frame, gpd.GeoDataFrame):
            msg = "--format geojson needs geometries; this output has none, use csv or json."
            raise MarsGeoError(msg)
        out.write(geojson_text(frame) + "\n")
        return
    plain = _plain(frame).reset_index()
    if fmt == "csv":
        plain.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        out.write(plain.to_json(orient="records", force_ascii=False, double_precision=10))
        out.write("\n")
    else:
        shown = (
            plain
            if table_columns is None
            else plain[[c for c in plain.columns if c in table_columns]]
        )
        with pd.option_context(
            "display.width",
            200,
            "display.max_columns",
            50,
            "display.max_rows",
            500,
            "display.float_format",
            lambda v: f"{v:.{float_digits}f}",
        ):
            out.write(shown.to_string(index=False))
            out.write("\n")


def _write_or_emit(frame: pd.DataFrame, args: argparse.Namespace, out: TextIO, **kw: Any) -> None:
    if getattr(args, "output", None):
        path = marsgeo.export(frame, args.output)
        print(f"wrote {path}", file=out)
    else:
        _emit(frame, args.format, out, **kw)


def _cmd_tubes(args: argparse.Namespace, out: TextIO) -> int:
    tubes = _catalogue(args)
    columns: list[str] | None = [
        "tube_id",
        "name",
        "sample_type",
        "collected_sol",
        "dropped_sol",
        "dropped_date",
        "lon",
        "lat",
        "position_confidence",
    ]
    if args.catalogue is not None:
        columns = None
    _write_or_emit(tubes, args, out, table_columns=columns, float_digits=8)
    return 0


def _cmd_distances(args: argparse.Namespace, out: TextIO) -> int:
    tubes = _catalogue(args)
    if args.kind == "matrix":
        if args.format == "geojson":
            msg = "--format geojson needs geometries; the matrix has none, use --kind pairs."
            raise MarsGeoError(msg)
        _write_or_emit(marsgeo.distance_matrix(tubes), args, out)
    elif args.kind == "nearest":
        _write_or_emit(marsgeo.nearest_neighbours(tubes), args, out)
    else:
        _write_or_emit(marsgeo.pairwise_distances(tubes), args, out)
    if args.format == "table" and args.kind == "nearest" and not args.output:
        nn = marsgeo.nearest_neighbours(tubes)["distance_m"]
        out.write(
            f"\nnearest-neighbour spacing: min {nn.min():.2f} m, median "
            f"{nn.median():.2f} m, max {nn.max():.2f} m (geodesic, Mars sphere)\n"
        )
    return 0


def _lonlat_arg(text: str) -> tuple[float, float]:
    try:
        lon, lat = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        msg = shorten(f"--lander {text!r} is not LON,LAT; write e.g. --lander 77.4096,18.4524")
        raise argparse.ArgumentTypeError(msg) from None
    return lon, lat


def _lander(args: argparse.Namespace, err: TextIO) -> tuple[float, float]:
    """Return the --lander position, or the assumed one, announced as such on stderr."""
    from marsgeo.routing import ASSUMED_LANDER, ASSUMED_LANDER_NOTE

    if args.lander is not None:
        lander: tuple[float, float] = args.lander
        return lander
    print(f"marsgeo {args.command}: note: {ASSUMED_LANDER_NOTE}; pass --lander LON,LAT", file=err)
    return ASSUMED_LANDER


def _cmd_plan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from marsgeo.routing import HelicopterSpec

    tubes = _catalogue(args)
    lander = _lander(args, err)
    overrides: dict[str, Any] = {}
    if args.range is not None:
        overrides["range_m"] = args.range
    if args.flights_per_sol is not None:
        overrides["flights_per_sol"] = args.flights_per_sol
    if args.max_relays is not None:
        overrides["max_relays"] = args.max_relays
    spec = HelicopterSpec(**overrides)
    hazard = None
    if args.dtm is not None:
        from marsgeo.basemap import load_dtm

        hazard = load_dtm(None if args.dtm == "synthetic" else args.dtm)
    plan = marsgeo.plan_pickup(
        tubes, lander=lander, helicopters=args.helicopters, spec=spec, hazard=hazard
    )
    if args.output:
        _write_or_emit(plan.legs, args, out)
    elif args.format == "table":
        out.write(plan.summary() + "\n\n")
        _emit(
            plan.trips,
            "table",
            out,
            table_columns=[
                "tube_id",
                "helicopter",
                "trip",
                "first_sol",
                "last_sol",
                "flights",
                "relays",
                "flight_m",
                "needed_range_m",
            ],
        )
    elif args.format == "geojson":
        _emit(plan.legs, "geojson", out)
    else:
        _emit(plan.legs, args.format, out)
    return 0


def _cmd_map(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.output:
        msg = f"--output {args.output!r}: marsgeo map writes HTML; name it with --html PATH."
        raise MarsGeoError(msg)

    tubes = _catalogue(args)
    plan = None
    if args.helicopters > 0:
        plan = marsgeo.plan_pickup(tubes, lander=_lander(args, err), helicopters=args.helicopters)
    terrain: Any = None
    if args.terrain == "synthetic":
        terrain = "synthetic"
    elif args.terrain != "none":
        from marsgeo.basemap import load_dtm

        terrain = load_dtm(args.terrain, aoi=tubes)
    basemap = None if args.basemap == "none" else args.basemap
    m = marsgeo.depot_map(tubes, plan=plan, basemap=basemap, terrain=terrain)
    path = marsgeo.save_map(m, args.html, offline=args.offline)
    remote = marsgeo.webmap.network_layers(m)
    if args.offline:
        mode = "self-contained: loads, pans and zooms with no network"
        if remote:
            mode += f"; needs a network only if turned on: {'; '.join(remote)}"
    else:
        mode = "loads Leaflet from cdn.jsdelivr.net"
        if remote:
            mode += f" and tiles for: {'; '.join(remote)}"
        mode += "; --offline for a page that needs no network"
    print(f"wrote {path.resolve()} ({path.stat().st_size / 1024:.0f} KiB; {mode})", file=out)
    return 0


def _cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    info = marsgeo.versions()
    if args.format == "json":
        json.dump(info, out, indent=2)
        out.write("\n")
    else:
        marsgeo.show_versions(out)
    return 0 if info["IAU_2015 Mars CRSs"] == "available" else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marsgeo",
        description="The Three Forks sample depot, Jezero crater, Mars, as geodata.",
        epilog="Exit codes: 0 success, 1 bad input or unreadable file (one line naming the "
        "fix), 2 usage error, 3 unexpected internal error (one line; please report it).",
    )
    parser.add_argument("--version", action="version", version=f"marsgeo {marsgeo.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def catalogue_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--catalogue",
            metavar="PATH",
            help="your own tube catalogue (CSV with lon/lat, GeoJSON, GeoPackage) "
            "instead of the Three Forks depot",
        )
        p.add_argument(
            "--crs",
            metavar="CRS",
            default=None,
            help="what the catalogue's coordinates are (default: CSV is "
            "IAU_2015:49900, other files their own CRS)",
        )
        p.add_argument(
            "--format", choices=FORMATS, default="table", help="output format (default: table)"
        )
        p.add_argument(
            "--output",
            metavar="PATH",
            help="write to a file instead: .gpkg, .fgb, .geojson (Mars lon/lat) or .csv",
        )

    def lander_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--lander",
            type=_lonlat_arg,
            metavar="LON,LAT",
            help="lander position (default "
            + ",".join(str(v) for v in marsgeo.routing.ASSUMED_LANDER)
            + f"; {marsgeo.routing.ASSUMED_LANDER_NOTE})",
        )

    p = sub.add_parser(
        "tubes",
        help="list the tubes with their metadata",
        description="List the tubes of the Three Forks depot (or your "
        "catalogue). Tables show key columns; csv/json/geojson "
        "carry every column with its provenance.",
    )
    catalogue_opts(p)
    p.set_defaults(func=_cmd_tubes)

    p = sub.add_parser(
        "distances",
        help="geodesic distances between tubes",
        description="Geodesic distances between tubes on the Mars body.",
    )
    catalogue_opts(p)
    p.add_argument(
        "--kind",
        choices=("nearest", "matrix", "pairs"),
        default="nearest",
        help="nearest neighbours (default), the full matrix, or every pair",
    )
    p.set_defaults(func=_cmd_distances)

    p = sub.add_parser(
        "plan",
        help="plan the helicopter pickup of the tubes",
        description="Plan which helicopter picks up which tube on which sol: fewest sols, "
        "then the least flight for the busiest helicopter. Tables show the schedule; "
        "csv/json/geojson give every leg.",
    )
    catalogue_opts(p)
    lander_opt(p)
    p.add_argument("--helicopters", type=int, default=2, help="number of helicopters (2)")
    p.add_argument("--range", type=float, metavar="M", help="range of one flight [m] (700)")
    p.add_argument(
        "--flights-per-sol", type=int, metavar="N", help="flights per helicopter per sol (2)"
    )
    p.add_argument("--max-relays", type=int, metavar="N", help="relay landings each way (3)")
    p.add_argument(
        "--dtm",
        metavar="PATH|URL|synthetic",
        help="avoid hazardous terrain from this DTM ('synthetic': marsgeo's labelled one)",
    )
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser(
        "map",
        help="write the interactive map of the depot (HTML)",
        description="Write an interactive HTML map of the depot: tubes with their metadata, "
        "distances, the pickup plan, Jezero context, a Mars-correct scale bar and measuring "
        "tool, and the drop-order timeline.",
    )
    catalogue_opts(p)
    p.add_argument(
        "--html",
        "-o",
        default="three_forks_map.html",
        metavar="PATH",
        help="HTML file to write (default: three_forks_map.html)",
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="inline everything: the page makes no request at all; tile basemaps start "
        "off and load only if turned on",
    )
    p.add_argument(
        "--basemap",
        default="trek-hirise",
        help="Mars tile provider name, or 'none' (default: trek-hirise)",
    )
    p.add_argument(
        "--terrain",
        default="synthetic",
        metavar="synthetic|PATH|URL|none",
        help="terrain overlay: marsgeo's labelled synthetic DTM (default), a DTM, or none",
    )
    lander_opt(p)
    p.add_argument(
        "--helicopters", type=int, default=2, help="helicopters in the plan; 0 draws no plan"
    )
    p.set_defaults(func=_cmd_map)

    p = sub.add_parser(
        "info",
        help="versions of marsgeo, PROJ, GDAL; Mars CRS availability",
        description="Print versions and check that PROJ has the IAU Mars CRSs.",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=_cmd_info)
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``marsgeo`` command; return its exit code."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    for stream in (out, err):
        # names such as "Atsá" must not crash a terminal that cannot show them
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    try:
        if args.func in (_cmd_plan, _cmd_map):
            code: int = args.func(args, out, err)
        else:
            code = args.func(args, out)
    except MarsGeoError as exc:
        first = str(exc).splitlines()
        detail = " ".join(line.strip() for line in first)
        print(f"marsgeo {args.command}: error: {detail}", file=err)
        return 1
    except KeyboardInterrupt:  # pragma: no cover - interactive
        print("marsgeo: interrupted", file=err)
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0
    except Exception as exc:  # a bug: still one line, never a traceback
        detail = shorten(" ".join(str(exc).split()))
        print(
            f"marsgeo {args.command}: internal error: {type(exc).__name__}: {detail} "
            "(please report this)",
            file=err,
        )
        return 3
    return code


def _entry() -> Any:  # pragma: no cover - console script wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
