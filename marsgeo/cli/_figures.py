"""The commands ``figure``, ``terrain`` and ``info``."""

from __future__ import annotations

import os

from marsgeo.cli._args import (
    FIGURE_EXTENSIONS,
    FIGURE_SIZE,
    FIGURE_SIZE_PLAN,
    PLAN_SIZE_MIN,
    TERRAIN_EXTENSIONS,
)
from marsgeo.cli._commands import lander_position, read_catalogue
from marsgeo.cli._speak import FIGURE_FLAGS, PLAN_FLAGS, TERRAIN_FLAGS, Output, door

# `typing` is not imported at run time: the less this module loads, the sooner Ctrl-C is
# handled (mypy takes any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any, TextIO


def _figure_raster(args: argparse.Namespace, tubes: Any) -> Any:
    """Return the Raster of --dtm (the synthetic DTM for 'synthetic'), or None."""
    if args.dtm is None:
        return None
    from marsgeo.basemap import load_dtm

    with door({"source": "--dtm", "path": "--dtm"}, flag="--dtm"):
        if args.dtm == "synthetic":
            return load_dtm(None)
        return load_dtm(args.dtm, aoi=tubes)


def _figure_says(
    args: argparse.Namespace, path: Any, size: tuple[float, float], raster: Any
) -> str:
    """Say what ``marsgeo figure`` wrote, in one line."""
    kind = path.suffix.lower().lstrip(".").upper()
    if kind == "PNG":
        shape = f"{round(size[0] * args.dpi)} x {round(size[1] * args.dpi)} px at {args.dpi} dpi"
    else:
        shape = f"{size[0]:g} x {size[1]:g} in"
    said = [f"{os.stat(path).st_size / 1024:.0f} KiB", f"{kind}, {shape}"]
    if raster is not None:
        said.append("SYNTHETIC terrain" if raster.synthetic else f"hillshade of {args.dtm}")
    if args.plan:
        lander = "ASSUMED lander" if args.lander is None else "lander at --lander"
        said.append(f"with the pickup plan and its schedule ({lander})")
    return f"wrote {os.path.abspath(path)} ({'; '.join(said)})\n"


def _figure_fits(size: tuple[float, float], dpi: int) -> None:
    """Refuse a figure of more pixels than can be drawn, naming --size and --dpi."""
    from marsgeo.errors import TooLargeError
    from marsgeo.plot._save import MAX_FIGURE_PIXELS, check_figure_size

    try:
        check_figure_size(size[0], size[1], dpi)
    except TooLargeError as exc:
        cols, rows = round(size[0] * dpi), round(size[1] * dpi)
        msg = (
            f"--size {size[0]:g},{size[1]:g} at --dpi {dpi} would be {cols:,} x {rows:,} px, "
            f"more than {MAX_FIGURE_PIXELS:,} px; pass a smaller --size or --dpi (a paper's "
            "figure is about --size 7,6 at --dpi 300)."
        )
        raise TooLargeError(msg) from exc


def _figure_title(fig: Any, text: str) -> None:
    """Write the figure's title as typed (no mathtext), shrunk and wrapped to its width."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    from marsgeo.plot._furniture import points_measure, wrap_lines

    size = FontProperties(size=rcParams["figure.titlesize"]).get_size_in_points()
    width = 0.96 * 72.0 * float(fig.get_figwidth())
    wide = points_measure(size)(text)
    if wide > width:
        size = max(8.0, size * width / wide)  # shrunk to 8 pt at most, then wrapped
    lines = wrap_lines([text], width, points_measure(size))
    fig.suptitle("\n".join(lines), fontsize=size, parse_math=False, usetex=False)


def cmd_figure(args: argparse.Namespace, out: Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError
    from marsgeo.io import check_output

    with door({"path": "--output"}, flag="--output"):
        check_output(args.output, extensions=FIGURE_EXTENSIONS)
    if args.lander is not None and not args.plan:
        msg = "--lander places the lander of the pickup plan; add --plan, or drop --lander."
        raise InputError(msg)
    size = args.size or (FIGURE_SIZE_PLAN if args.plan else FIGURE_SIZE)
    if args.plan and (size[0] < PLAN_SIZE_MIN[0] or size[1] < PLAN_SIZE_MIN[1]):
        low = f"{PLAN_SIZE_MIN[0]:g},{PLAN_SIZE_MIN[1]:g}"
        msg = (
            f"--size {size[0]:g},{size[1]:g} is too small for --plan (the map above its "
            f"schedule, each with its names and credits); pass at least --size {low}, or drop "
            "--plan for the map alone."
        )
        raise InputError(msg)
    from marsgeo import plot  # matplotlib: the "plot" extra

    _figure_fits(size, args.dpi)
    tubes = read_catalogue(args)
    raster = _figure_raster(args, tubes)
    plan = None
    if args.plan:
        lander = lander_position(args, err, tubes)
        with door(PLAN_FLAGS):
            plan = marsgeo.plan_pickup(tubes, lander=lander)
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=args.dpi, layout="constrained")
    grid = fig.add_gridspec(2 if plan is not None else 1, 1, height_ratios=(3, 1)[: 1 + bool(plan)])
    ax = fig.add_subplot(grid[0])
    if args.catalogue is None:
        _figure_title(fig, "The Three Forks sample depot, Jezero crater, Mars")
    else:
        _figure_title(fig, f"Sample tubes of {os.path.basename(args.catalogue)}")
    with door(FIGURE_FLAGS, flag="--dtm" if raster is not None else None):
        plot.plot_depot(tubes, ax=ax, raster=raster, plan=plan)
        if plan is not None:
            plot.plot_schedule(plan, ax=fig.add_subplot(grid[1]))
    with door(FIGURE_FLAGS, flag="--output"):
        path = plot.save_figure(fig, args.output, dpi=args.dpi)
    out.write(_figure_says(args, path, size, raster))
    return 0


def cmd_terrain(args: argparse.Namespace, out: Output, err: TextIO) -> int:
    from marsgeo.basemap import write_terrain
    from marsgeo.io import check_output

    with door({"path": "--output"}, flag="--output"):
        check_output(args.output, extensions=TERRAIN_EXTENSIONS)
    with door(TERRAIN_FLAGS, flag="DTM"):
        path = write_terrain(
            args.dtm,
            args.output,
            kind=args.kind,
            azimuth_deg=args.azimuth,
            altitude_deg=args.altitude,
            crs=args.crs,
        )
    size = os.stat(path).st_size / 1024
    what = "slope in degrees" if args.kind == "slope" else "hillshade, 0 (shadow) to 1 (sunlit)"
    out.write(f"wrote {os.path.abspath(path)} ({size:.0f} KiB; {what} of {args.dtm})\n")
    return 0


def cmd_info(args: argparse.Namespace, out: Output, err: TextIO) -> int:
    import marsgeo

    if args.raster is not None:
        from marsgeo.basemap import describe_file

        with door({"source": "RASTER"}, flag="RASTER"):
            described = describe_file(args.raster)
        _write_info(described, args.format, out)
        return 0
    info = marsgeo.versions()
    _write_info(info, args.format, out)
    return 0 if info["IAU_2015 Mars CRSs"] == "available" else 1


def _write_info(info: dict[str, str], fmt: str, out: Output) -> None:
    import json

    if fmt == "json":
        out.write(json.dumps(info, indent=2) + "\n")
    else:
        width = max(len(k) for k in info)
        out.write("".join(f"{key:<{width}} : {value}\n" for key, value in info.items()))
