"""The commands that read a tube catalogue: ``tubes``, ``distances``, ``plan`` and ``map``."""

from __future__ import annotations

import os

from marsgeo.cli._args import SWAP_NEAR_M, Position
from marsgeo.cli._speak import CATALOGUE_FLAGS, MAP_FLAGS, PLAN_FLAGS, Output, door, print_line

# `typing` is not imported at run time: the less this module loads, the sooner Ctrl-C is
# handled (mypy takes any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, TextIO

    import pandas as pd


# --- the commands ------------------------------------------------------------------------------


def read_catalogue(args: argparse.Namespace) -> Any:
    import marsgeo

    if args.catalogue is None:
        given = [
            flag
            for flag, value in (
                ("--crs", args.crs),
                ("--layer", args.layer),
                ("--lon-col", args.lon_col),
                ("--lat-col", args.lat_col),
                ("--id-col", args.id_col),
            )
            if value is not None
        ]
        if given:
            from marsgeo.errors import InputError

            msg = (
                f"{', '.join(given)} describe(s) a catalogue file, but no --catalogue PATH was "
                "given; pass --catalogue PATH, or drop them to use the Three Forks depot."
            )
            raise InputError(msg)
        return marsgeo.load_depot()
    with door(CATALOGUE_FLAGS, flag="--catalogue"):
        return marsgeo.read_tubes(
            args.catalogue,
            crs=args.crs,
            layer=args.layer,
            lon_col=args.lon_col,
            lat_col=args.lat_col,
            id_col=args.id_col,
        )


def _emit(
    frame: pd.DataFrame,
    fmt: str,
    out: Output,
    *,
    table_columns: list[str] | None = None,
    float_digits: int = 2,
) -> None:
    import geopandas as gpd
    import pandas as pd

    from marsgeo.errors import InputError
    from marsgeo.io import (
        csv_text,
        geojson_text,
        index_as_columns,
        json_records_text,
        plain_values,
    )

    if fmt == "geojson":
        if not isinstance(frame, gpd.GeoDataFrame):
            msg = "--format geojson needs geometries; this output has none, use csv or json."
            raise InputError(msg)
        out.write(geojson_text(frame) + "\n")
        return
    table = pd.DataFrame(frame.drop(columns=["geometry"], errors="ignore"))
    if fmt == "csv":
        out.write(csv_text(table, index=True))
    elif fmt == "json":
        out.write(json_records_text(table, index=True) + "\n")
    else:
        plain = plain_values(index_as_columns(table), timespec="seconds")
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


def _export(
    frame: pd.DataFrame, path: str, flag: str, args: argparse.Namespace, out: Output, err: TextIO
) -> None:
    """Write ``frame`` with :func:`marsgeo.export`; say where, and what a Shapefile renamed."""
    import marsgeo

    if path.lower().endswith(".shp"):
        from marsgeo.io import index_as_columns, shapefile_cut_texts, shapefile_field_names

        named = any(n is not None for n in frame.index.names)
        table = index_as_columns(frame) if named else frame
        columns = [c for c in table.columns if c != getattr(frame, "_geometry_column_name", "")]
        renamed = {k: v for k, v in shapefile_field_names(columns).items() if k != v}
        if renamed:
            listed = ", ".join(f"{k} -> {v}" for k, v in renamed.items())
            print_line(
                err,
                f"marsgeo {args.command}: note: {flag} {path}: Shapefile field names are at "
                f"most 10 characters: {listed}",
            )
        cut = shapefile_cut_texts(frame)
        if cut:
            listed = "; ".join(f"{k} (rows {', '.join(map(str, v))})" for k, v in cut.items())
            print_line(
                err,
                f"marsgeo {args.command}: note: {flag} {path}: a Shapefile holds at most 254 "
                f"bytes of text a field; cut to that: {listed} (.gpkg keeps them whole)",
            )
    with door({"path": flag, "layer": flag}, flag=flag):
        written = marsgeo.export(frame, path)
    if flag != "--output" and args.output is None and args.format != "table":
        # standard output carries the data: say it on stderr
        print_line(err, f"marsgeo {args.command}: note: wrote {written}")
    else:
        out.write(f"wrote {written}\n")


def _write_or_emit(
    frame: pd.DataFrame, args: argparse.Namespace, out: Output, err: TextIO, **kw: Any
) -> None:
    if getattr(args, "output", None) is not None:
        _export(frame, args.output, "--output", args, out, err)
    else:
        _emit(frame, args.format, out, **kw)


def _check_output(path: str | None, flag: str, *, extensions: Sequence[str] = ()) -> None:
    """Refuse a bad output path before any work is done."""
    from marsgeo.io import FORMATS, check_output

    if path is not None:
        with door({"path": flag}, flag=flag):
            check_output(path, extensions=tuple(extensions or FORMATS))


def cmd_tubes(args: argparse.Namespace, out: Output, err: TextIO) -> int:
    _check_output(args.output, "--output")
    tubes = read_catalogue(args)
    from marsgeo.depot import SUMMARY_COLUMNS

    columns: list[str] | None = list(SUMMARY_COLUMNS)
    if args.catalogue is not None:
        columns = None
    _write_or_emit(tubes, args, out, err, table_columns=columns, float_digits=8)
    return 0


def _centre(tubes: Any) -> tuple[float, float]:
    """Return the tubes' centre: the direction of their mean unit vector (MARS_GEOGRAPHIC)."""
    from marsgeo.crs import mean_lonlat, to_mars_geographic

    points = to_mars_geographic(tubes).geometry
    return mean_lonlat(points.x.to_numpy(), points.y.to_numpy())


def _not_swapped(flag: str, position: Position, tubes: Any) -> None:
    """Refuse a LON,LAT far from the depot that would be near it with its values swapped."""
    from marsgeo.crs import mars_geod
    from marsgeo.errors import CoordinateError

    lon, lat = position
    if abs(lon) > 90:  # swapped, the longitude would be a latitude out of range
        return
    c_lon, c_lat = _centre(tubes)
    geod = mars_geod()
    as_given = float(geod.inv(c_lon, c_lat, lon, lat)[2])
    swapped = float(geod.inv(c_lon, c_lat, lat, lon)[2])
    if as_given > SWAP_NEAR_M and swapped <= SWAP_NEAR_M:
        lon_text, lat_text = (position.text or f"{lon!r},{lat!r}").split(",")
        fixed = f"{lat_text},{lon_text}"
        written = f"{flag}={fixed}" if fixed.startswith("-") else f"{flag} {fixed}"
        msg = (
            f"{flag} {position.text or f'{lon!r},{lat!r}'} is {as_given / 1000:.0f} km from the "
            f"depot centre ({c_lon:.4f}, {c_lat:.4f}), and {swapped / 1000:.1f} km with its "
            f"values swapped: did you swap longitude and latitude? ({written})"
        )
        raise CoordinateError(msg)


def cmd_distances(args: argparse.Namespace, out: Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError

    _check_output(args.output, "--output")
    kind = args.kind or "nearest"
    if args.origin is not None and args.kind is not None:
        msg = (
            f"--from and --kind {args.kind} are two different outputs; pass one of them "
            "(--from: distance and bearing of every tube from a point)."
        )
        raise InputError(msg)
    if args.origin is None and kind == "matrix":
        if args.format == "geojson" and args.output is None:
            msg = "--format geojson needs geometries; the matrix has none, use --kind pairs."
            raise InputError(msg)
        if args.output is not None and not str(args.output).lower().endswith(".csv"):
            msg = (
                f"--output {args.output!r}: the matrix has no geometry; write it as CSV "
                "(a path ending .csv)."
            )
            raise InputError(msg)
    tubes = read_catalogue(args)
    if args.origin is not None:
        _distances_from(args, tubes, out, err)
    elif kind == "matrix":
        _write_or_emit(marsgeo.distance_matrix(tubes), args, out, err)
    elif kind == "nearest":
        _write_or_emit(marsgeo.nearest_neighbours(tubes), args, out, err)
    else:
        _write_or_emit(marsgeo.pairwise_distances(tubes), args, out, err)
    if args.origin is None and args.format == "table" and kind == "nearest" and args.output is None:
        nn = marsgeo.nearest_neighbours(tubes)["distance_m"]
        out.write(
            f"\nnearest-neighbour spacing: min {nn.min():.2f} m, median "
            f"{nn.median():.2f} m, max {nn.max():.2f} m (geodesic, Mars sphere)\n"
        )
    return 0


def _distances_from(args: argparse.Namespace, tubes: Any, out: Output, err: TextIO) -> None:
    import geopandas as gpd

    from marsgeo.distance import distances_from

    origin = args.origin
    if origin == "landing-site":
        from marsgeo.jezero import LANDING_SITE

        point: tuple[float, float] = LANDING_SITE
        where = "Octavia E. Butler Landing"
    elif origin == "depot-centroid":
        point = _centre(tubes)
        where = "the tubes' centre"
    else:
        _not_swapped("--from", origin, tubes)
        point, where = origin, "the point"
    with door({"origin": "--from", "points": "--catalogue"}, flag="--from"):
        result = distances_from(tubes, point)
    frame = gpd.GeoDataFrame(result, geometry=tubes.geometry.values, crs=tubes.crs)
    _write_or_emit(frame, args, out, err)
    if args.format == "table" and args.output is None:
        d = result["distance_m"]
        out.write(
            f"\nfrom {where} ({point[0]:.6f}, {point[1]:.6f}): min {d.min():.2f} m, max "
            f"{d.max():.2f} m (geodesic, Mars sphere; bearing clockwise from north)\n"
        )


def lander_position(args: argparse.Namespace, err: TextIO, tubes: Any) -> tuple[float, float]:
    """Return the --lander position, or the assumed one, announced as such on stderr."""
    from marsgeo.routing import ASSUMED_LANDER, ASSUMED_LANDER_NOTE

    if args.lander is not None:
        _not_swapped("--lander", args.lander, tubes)
        lander: tuple[float, float] = args.lander
        return lander
    print(f"marsgeo {args.command}: note: {ASSUMED_LANDER_NOTE}; pass --lander LON,LAT", file=err)
    return ASSUMED_LANDER


#: Extensions of vector files (zones) ``--hazards`` reads; anything else is a raster.
_VECTOR_EXTENSIONS = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".kml")


def _zones(path: str, *, flag: str, crs: str | None, layer: str | None) -> Any:
    """Read polygons from a vector file, by the CRS rules of catalogues."""
    from marsgeo._io import read_vector
    from marsgeo.errors import InputError

    flags = {"path": flag, "crs": f"{flag}-crs", "layer": f"{flag}-layer"}
    if flag != "--no-fly":
        flags = {"path": flag}
    with door(flags, flag=flag):
        zones = read_vector(path, crs=crs, layer=layer)
    kinds = sorted({str(k) for k in zones.geom_type.dropna()} - {"Polygon", "MultiPolygon"})
    if kinds or len(zones) == 0:
        what = f"holds {', '.join(kinds)} shapes" if kinds else "holds no shapes"
        msg = f"{flag} {path!r} {what}; pass a file of polygons (the areas to avoid)."
        raise InputError(msg)
    return zones


def _hazards(args: argparse.Namespace, tubes: Any) -> Any:
    """Return the hazards of --hazards (zones, a raster, or synthetic) or --dtm, or None."""
    if args.hazards is not None and args.dtm is not None:
        from marsgeo.errors import InputError

        msg = "--hazards and --dtm both give hazards; pass one (--dtm PATH is --hazards PATH)."
        raise InputError(msg)
    if args.dtm is not None:
        from marsgeo.basemap import load_dtm

        with door({"source": "--dtm", "path": "--dtm"}, flag="--dtm"):
            return load_dtm(None if args.dtm == "synthetic" else args.dtm)
    source = args.hazards
    if source is None:
        return None
    if source == "synthetic":
        return "synthetic"
    if source.lower().endswith(_VECTOR_EXTENSIONS):
        return _zones(source, flag="--hazards", crs=None, layer=None)
    from marsgeo.basemap import load_dtm, read_raster

    with door({"source": "--hazards", "path": "--hazards"}, flag="--hazards"):
        raster = read_raster(source, aoi=tubes, margin_m=500.0)
        if raster.data.dtype == bool or raster.units == "deg":
            return raster  # a mask, or slopes in degrees
        return load_dtm(source, aoi=tubes)


def cmd_plan(args: argparse.Namespace, out: Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.routing import HelicopterSpec

    _check_output(args.output, "--output")
    _check_output(args.schedule_output, "--schedule-output", extensions=(".csv",))
    tubes = read_catalogue(args)
    lander = lander_position(args, err, tubes)
    no_fly = None
    if args.no_fly is not None:
        no_fly = _zones(args.no_fly, flag="--no-fly", crs=args.no_fly_crs, layer=args.no_fly_layer)
    elif args.no_fly_crs is not None or args.no_fly_layer is not None:
        from marsgeo.errors import InputError

        msg = "--no-fly-crs and --no-fly-layer describe a --no-fly file; pass --no-fly PATH."
        raise InputError(msg)
    hazard = _hazards(args, tubes)
    overrides: dict[str, Any] = {}
    if args.range is not None:
        overrides["range_m"] = args.range
    if args.flights_per_sol is not None:
        overrides["flights_per_sol"] = args.flights_per_sol
    if args.max_relays is not None:
        overrides["max_relays"] = args.max_relays
    with door(PLAN_FLAGS):
        spec = HelicopterSpec(**overrides)
        options: dict[str, Any] = {}
        if args.time_limit is not None:
            options["time_limit_s"] = args.time_limit
        plan = marsgeo.plan_pickup(
            tubes,
            lander=lander,
            helicopters=args.helicopters,
            spec=spec,
            no_fly=no_fly,
            hazard=hazard,
            on_unreachable="skip" if args.skip_unreachable else "raise",
            nights_at_lander=args.nights_at_lander,
            start_sol=args.start_sol,
            **options,
        )
    if args.schedule_output is not None:
        _export(plan.trips, args.schedule_output, "--schedule-output", args, out, err)
    if args.output is not None:
        _write_or_emit(plan.legs, args, out, err)
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
    else:
        _emit(plan.legs, args.format, out)
    return 0


#: ``marsgeo map`` plans a pickup unasked only for a depot of at most this many tubes: a
#: catalogue of thousands of points is a survey to look at, and planning it takes minutes.
MAP_PLAN_TUBES = 60


def _map_helicopters(args: argparse.Namespace, err: TextIO, tubes: Any) -> int:
    """Helicopters of the map's plan: --helicopters, else 2 for a depot-sized catalogue."""
    if args.helicopters is not None:
        return int(args.helicopters)
    if len(tubes) <= MAP_PLAN_TUBES:
        return 2
    print(
        f"marsgeo map: note: {len(tubes)} tubes: no pickup plan drawn (one is drawn unasked "
        f"for up to {MAP_PLAN_TUBES} tubes); pass --helicopters 2 to plan them.",
        file=err,
    )
    return 0


#: How the errors of a file given to ``marsgeo map --add`` speak.
ADD_FLAGS = {"path": "--add", "gdf": "--add", "layer": "--add-layer", "crs": "--add-crs"}


def _added_layers(args: argparse.Namespace) -> list[tuple[str, Any]]:
    """Read every ``--add`` file (each checked before anything is drawn)."""
    from marsgeo._io import read_vector

    if not args.add and (args.add_crs is not None or args.add_layer is not None):
        from marsgeo.errors import InputError

        msg = "--add-crs and --add-layer describe --add files, but no --add PATH was given."
        raise InputError(msg)
    added = []
    for path in args.add:
        with door(ADD_FLAGS, flag="--add"):
            gdf = read_vector(path, crs=args.add_crs, layer=args.add_layer)
        added.append((os.path.basename(os.fspath(path)) or str(path), gdf))
    return added


def cmd_map(args: argparse.Namespace, out: Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError
    from marsgeo.io import check_output
    from marsgeo.webmap import HTML_EXTENSIONS

    if args.output is not None:
        msg = f"--output {args.output!r}: marsgeo map writes HTML; name it with --html PATH."
        raise InputError(msg)
    with door({"path": "--html"}, flag="--html"):
        check_output(args.html, extensions=HTML_EXTENSIONS)
    tubes = read_catalogue(args)
    added = _added_layers(args)
    plan = None
    helicopters = _map_helicopters(args, err, tubes)
    if helicopters > 0:
        lander = lander_position(args, err, tubes)
        with door(PLAN_FLAGS):
            plan = marsgeo.plan_pickup(tubes, lander=lander, helicopters=helicopters)
    terrain: Any = None
    if args.terrain == "synthetic":
        terrain = "synthetic"
    elif args.terrain != "none":
        from marsgeo.basemap import load_dtm

        with door({"source": "--terrain", "path": "--terrain"}, flag="--terrain"):
            terrain = load_dtm(args.terrain, aoi=tubes)
    basemap = None if args.basemap == "none" else args.basemap
    with door(MAP_FLAGS):
        m = marsgeo.depot_map(tubes, plan=plan, basemap=basemap, terrain=terrain)
    for name, gdf in added:
        with door(ADD_FLAGS, flag="--add"):
            marsgeo.explore(gdf, m=m, name=name)
    with door(MAP_FLAGS):
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
    size = os.stat(path).st_size / 1024
    out.write(f"wrote {os.path.abspath(path)} ({size:.0f} KiB; {mode})\n")
    return 0
