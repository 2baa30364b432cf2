"""Figures of a pickup plan: its routes on the ground and its schedule by sol (private).

:func:`plot_plan` draws each helicopter's legs in its own colour (the web map's), flights
solid and drives dashed, with the sol of each trip beside its landing spot; the lander, the
pad, the landing and relay spots; and no-fly zones and hazards. On axes drawn by
:func:`~marsgeo.plot.plot_depot` it draws in their frame. :func:`plot_schedule` draws the
trips as a Gantt chart against time in sols.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from marsgeo._style import heli_color
from marsgeo.errors import InputError, raise_collected
from marsgeo.plot._frame import Frame, frame_for, frame_of
from marsgeo.sols import SOL_S, format_lmst

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy.typing as npt
    from matplotlib.axes import Axes

    from marsgeo.routing.model import PickupPlan

    FloatArray = npt.NDArray[np.float64]

__all__ = ["plot_plan", "plot_schedule"]

#: Tick styles a map figure takes (see :func:`marsgeo.plot._furniture.furnish`).
TICKS = ("m", "lonlat", None)
#: How the spots of a plan are drawn: marker, face colour, size [pt^2], legend label.
SPOT_STYLES: dict[str, tuple[str, str, float, str]] = {
    "lander": ("s", "#000000", 70.0, "lander"),
    "pad": ("h", "#607d8b", 60.0, "helicopter pad"),
    "landing_spot": ("o", "#ffffff", 16.0, "landing spot"),
    "relay": ("*", "#ffeb3b", 90.0, "relay landing"),
}
#: Outline colours of no-fly zones and hazards (as on the web map).
NO_FLY_COLOR = "#b000b5"
HAZARD_COLOR = "#e53935"
_MARGIN = 0.08  # of the data's span, around a new figure's data
_MIN_MARGIN_M = 5.0
_CLOSE_SOLS = 0.15  # trips of one helicopter closer than this have their labels staggered


# --- checks shared by the plan, schedule and profile figures ---------------


def check_ax(ax: Any) -> Axes | None:
    """Return ``ax`` if it is None or a matplotlib Axes, or raise InputError naming it."""
    from matplotlib.axes import Axes

    if ax is None or isinstance(ax, Axes):
        return ax
    msg = (
        f"ax={type(ax).__name__} is not a matplotlib Axes; pass one (e.g. from "
        "matplotlib.pyplot.subplots()), or None for a new figure."
    )
    raise InputError(msg)


def new_axes(figsize: tuple[float, float]) -> Axes:
    """Return the Axes of a new pyplot figure (so that it shows in Jupyter)."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def check_plan(plan: Any) -> PickupPlan:
    """Return ``plan`` if it is a PickupPlan, or raise InputError naming it."""
    from marsgeo.routing.model import PickupPlan

    if not isinstance(plan, PickupPlan):
        msg = (
            f"plan={type(plan).__name__} is not a PickupPlan; make one with "
            "marsgeo.plan_pickup(tubes, lander=(lon, lat))."
        )
        raise InputError(msg)
    return plan


def flag_problems(**flags: Any) -> list[str]:
    """Problems with arguments that must be True or False."""
    return [
        f"{name}={value!r} must be True or False"
        for name, value in flags.items()
        if not isinstance(value, (bool, np.bool_))
    ]


def ticks_problems(ticks: Any) -> list[str]:
    """Problems with a ``ticks`` argument."""
    if ticks is None or (isinstance(ticks, str) and ticks in TICKS):
        return []
    return [f"ticks={ticks!r} must be 'm' (metres), 'lonlat' (Mars lon/lat) or None (no ticks)"]


# --- zones ---------------


def _polygons(value: Any, *, name: str) -> gpd.GeoDataFrame:
    """Polygons of ``value`` (GeoDataFrame/GeoSeries in a Mars CRS) in MARS_GEOGRAPHIC."""
    import geopandas as gpd

    from marsgeo._validate import check_shapes

    if not isinstance(value, (gpd.GeoDataFrame, gpd.GeoSeries)):
        msg = (
            f"{name} must be polygons in a GeoDataFrame or GeoSeries with a Mars CRS, got "
            f"{type(value).__name__}; build one with geopandas.GeoDataFrame(geometry=[...], "
            "crs=marsgeo.crs.MARS_GEOGRAPHIC)."
        )
        raise InputError(msg)
    geo = check_shapes(value, name=name)
    if isinstance(geo, gpd.GeoSeries):
        geo = gpd.GeoDataFrame(geometry=geo)
    geoms = np.asarray(geo.geometry.values, dtype=object)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    other = {g.geom_type for g in geoms[keep]} - {"Polygon", "MultiPolygon"}
    if other:
        msg = (
            f"{name} holds {', '.join(sorted(other))}; pass Polygons or MultiPolygons "
            "(buffer lines or points first, e.g. with .buffer(...) in a metric CRS)."
        )
        raise InputError(msg)
    return geo[keep]


class Zones:
    """No-fly zones and hazards checked before anything is drawn, drawn in a frame later."""

    def __init__(self, *, no_fly: Any, hazard: Any) -> None:
        from marsgeo._overlay import raster_credit
        from marsgeo.basemap import Raster, hazard_areas, synthetic_dtm

        self.no_fly = None if no_fly is None else _polygons(no_fly, name="no_fly")
        self.credit = ""
        self.synthetic = False
        if isinstance(hazard, str) and hazard.strip().lower() == "synthetic":
            hazard = synthetic_dtm()
        if isinstance(hazard, Raster):
            self.credit = f"hazards from {raster_credit(hazard)}"
            self.synthetic = hazard.synthetic
            hazard = hazard_areas(hazard)
        self.hazard = None if hazard is None else _polygons(hazard, name="hazard")

    def draw(self, ax: Axes, frame: Frame) -> None:
        """Draw no-fly zones (hatched, dashed outline) and hazards (shaded, cross-hatched).

        gids "marsgeo-no-fly" and "marsgeo-hazard"; the hazards' raster is credited, and a
        synthetic one marks the frame SYNTHETIC.
        """
        from matplotlib.collections import PathCollection
        from matplotlib.colors import to_rgb

        frame.credit(self.credit)
        if self.synthetic:
            frame.mark_synthetic("hazards")
        hazard_label = "hazard (SYNTHETIC terrain)" if self.synthetic else "hazard"
        layers = (
            (self.no_fly, "no-fly", "no-fly zone", NO_FLY_COLOR, "//", "--"),
            (self.hazard, "hazard", hazard_label, HAZARD_COLOR, "xx", "-"),
        )
        for gdf, gid, label, color, hatch, line in layers:
            if gdf is None or len(gdf) == 0:
                continue
            paths = [_path_of(g) for g in frame.project(gdf).geometry.values]
            coll = PathCollection(
                paths,
                facecolor=(*to_rgb(color), 0.15),
                edgecolor=color,
                linewidth=1.0,
                linestyle=line,
                hatch=hatch,
                zorder=1,
                label=label,
            )
            coll.set_gid(f"marsgeo-{gid}")
            ax.add_collection(coll, autolim=False)


def _path_of(geom: Any) -> Any:
    """Make the matplotlib Path of a (Multi)Polygon, holes included."""
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    parts = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    rings = []
    for part in parts:
        poly = orient(part, 1.0)  # exterior anticlockwise, holes clockwise: holes stay empty
        rings.append(Path(np.asarray(poly.exterior.coords)[:, :2], closed=True))
        rings.extend(Path(np.asarray(r.coords)[:, :2], closed=True) for r in poly.interiors)
    return Path.make_compound_path(*rings)


# --- the plan on the ground ---------------


def plot_plan(
    plan: PickupPlan,
    *,
    ax: Axes | None = None,
    labels: bool = True,
    no_fly: Any = None,
    hazard: Any = None,
    ticks: str | None = "m",
    scale_bar: bool = True,
    north_arrow: bool = True,
) -> Axes:
    """Draw a pickup plan on the ground: each helicopter's legs, the spots, the zones.

    Each helicopter's legs are drawn in its own colour (as on the web map): flights solid,
    drives on the wheels dashed, with the sol of each trip on its last flight out, near the
    landing spot. The lander, the helicopters' pad, the landing spots and the relay spots
    have markers of their own; a lander whose position is assumed says ASSUMPTION beside
    it, and the figure's attribution says what is assumed. On axes drawn by
    :func:`~marsgeo.plot.plot_depot` the plan is drawn in their CRS and limits (widened only
    if the plan lies outside them); on new axes the figure is drawn in
    :func:`marsgeo.crs.local_crs` centred on the plan, one unit a metre.

    Parameters
    ----------
    plan
        A :class:`marsgeo.PickupPlan`, from :func:`marsgeo.plan_pickup`.
    ax
        Axes to draw on; None for a new figure.
    labels
        Write the sol of each trip beside its route.
    no_fly
        No-fly zones to draw (hatched): polygons in a GeoDataFrame or GeoSeries with a Mars
        CRS, as given to :func:`marsgeo.plan_pickup`.
    hazard
        Hazards to draw (shaded): polygons as for ``no_fly``, a :class:`marsgeo.basemap.Raster`
        (a mask, slopes in degrees or a DTM, as :func:`marsgeo.basemap.hazard_areas` takes)
        or ``"synthetic"`` (marsgeo's SYNTHETIC DTM: the figure is stamped SYNTHETIC).
    ticks
        "m" (metres from the figure's centre), "lonlat" (Mars planetocentric longitude and
        latitude) or None.
    scale_bar, north_arrow
        Draw a scale bar (measured on Mars) and an arrow to true north.

    Returns
    -------
    matplotlib.axes.Axes
        Legs are LineCollections with gids "marsgeo-flights" and "marsgeo-drives" (one each
        per helicopter), spots scatter collections "marsgeo-spot-<kind>", sol labels texts
        "marsgeo-sol", the lander's ASSUMPTION text "marsgeo-assumption".

    Raises
    ------
    marsgeo.errors.InputError
        ``plan`` is not a PickupPlan, ``ax`` is not an Axes, a flag is not True or False,
        ``ticks`` is not one of its values, or the zones are not polygons on Mars.
    marsgeo.errors.CRSError
        Zones without a Mars CRS.

    Examples
    --------
    >>> import marsgeo
    >>> from marsgeo.plot import plot_plan
    >>> from marsgeo.routing import ASSUMED_LANDER
    >>> plan = marsgeo.plan_pickup(marsgeo.load_depot(), lander=ASSUMED_LANDER)
    >>> ax = plot_plan(plan)
    >>> len([c for c in ax.collections if c.get_gid() == "marsgeo-flights"])
    2
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    plan = check_plan(plan)
    given = check_ax(ax)
    problems = flag_problems(labels=labels, scale_bar=scale_bar, north_arrow=north_arrow)
    raise_collected(InputError, [*problems, *ticks_problems(ticks)], what="plot_plan")
    zones = Zones(no_fly=no_fly, hazard=hazard)
    from marsgeo.crs import to_mars_geographic

    legs = to_mars_geographic(plan.legs)
    spots = to_mars_geographic(plan.spots)
    geoms = np.concatenate([legs.geometry.values, spots.geometry.values]).astype(object)
    lonlat = shapely.get_coordinates(geoms)
    ax = given if given is not None else new_axes((7.0, 7.0))
    had_frame = frame_of(ax) is not None
    frame = frame_for(ax, lonlat[:, 0], lonlat[:, 1])
    legs_f, spots_f = frame.project(legs), frame.project(spots)
    xy = shapely.get_coordinates(
        np.concatenate([legs_f.geometry.values, spots_f.geometry.values]).astype(object)
    )
    fit_limits(ax, xy, extend_only=had_frame)
    zones.draw(ax, frame)
    _draw_legs(ax, legs_f, plan.helicopters)
    _draw_spots(ax, frame, spots_f)
    if labels:
        _draw_sols(ax, legs_f)
    legend = ax.legend(loc="best", fontsize="small", framealpha=0.9)
    for text in legend.get_texts():  # entries drawn before (e.g. sample types) are data
        text.set_parse_math(False)
    from marsgeo.plot._furniture import furnish

    furnish(ax, scale_bar=scale_bar, north_arrow=north_arrow, ticks=ticks, attribution=True)
    return ax


def fit_limits(ax: Axes, xy: FloatArray, *, extend_only: bool) -> None:
    """Set the limits of ``ax`` around points (frame metres) with a margin, aspect equal.

    With ``extend_only`` the current limits are kept and only widened, on the sides where
    points lie outside them.
    """
    ax.set_aspect("equal")
    if len(xy) == 0:
        return
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    margin = max(_MIN_MARGIN_M, _MARGIN * float(max(hi - lo)))
    want = [(lo[0] - margin, hi[0] + margin), (lo[1] - margin, hi[1] + margin)]
    if extend_only:
        now = [ax.get_xlim(), ax.get_ylim()]
        inside = all(
            min(n) <= a and b <= max(n)
            for n, (a, b) in zip(now, [(lo[0], hi[0]), (lo[1], hi[1])], strict=True)
        )
        if inside:
            return
        want = [(min(min(n), w[0]), max(max(n), w[1])) for n, w in zip(now, want, strict=True)]
    ax.set_xlim(*want[0])
    ax.set_ylim(*want[1])


def _sol_span(sols: Any) -> str:
    values = [int(s) for s in sols]
    if not values:
        return "no trips"
    a, b = min(values), max(values)
    return f"sol {a}" if a == b else f"sols {a}-{b}"


def _draw_legs(ax: Axes, legs: gpd.GeoDataFrame, helicopters: int) -> None:
    """One LineCollection of flights (solid) and one of drives (dashed) per helicopter."""
    from matplotlib.collections import LineCollection

    lines = legs[legs.geom_type == "LineString"]
    flying = lines["kind"].astype(str).str.startswith("flight").to_numpy()
    for h in range(1, int(helicopters) + 1):
        own = (lines["helicopter"] == h).to_numpy()
        color = heli_color(h)
        span = _sol_span(legs.loc[legs["helicopter"] == h, "sol"].unique())
        for gid, which, style, width, label in (
            ("marsgeo-flights", flying, "-", 2.0, f"helicopter {h} ({span})"),
            ("marsgeo-drives", ~flying, "--", 1.2, "_nolegend_"),
        ):
            segs = [np.asarray(g.coords)[:, :2] for g in lines.geometry.values[own & which]]
            coll = LineCollection(
                segs, colors=color, linewidths=width, linestyles=style, zorder=3, label=label
            )
            coll.set_gid(gid)
            ax.add_collection(coll, autolim=False)
    if (~flying).any():
        # one legend entry for the dashed style, whatever the helicopter
        ax.plot([], [], color="0.35", linestyle="--", linewidth=1.2, label="drive on wheels")


def _draw_spots(ax: Axes, frame: Frame, spots: gpd.GeoDataFrame) -> None:
    """Draw the lander, pad, landing and relay spots; ASSUMPTION beside an assumed lander."""
    kinds = spots["kind"].astype(str)
    order = [*SPOT_STYLES, *sorted(set(kinds) - set(SPOT_STYLES))]
    for kind in order:
        sub = spots[(kinds == kind).to_numpy()]
        if len(sub) == 0:
            continue
        marker, color, size, label = SPOT_STYLES.get(
            kind, ("P", "#999999", 30.0, kind.replace("_", " "))
        )
        notes = [str(n) for n in sub["note"]] if "note" in sub.columns else []
        assumed = [n for n in notes if "ASSUMPTION" in n.upper()]
        if kind == "lander" and assumed:
            label = "lander (ASSUMED position)"
        x = sub.geometry.x.to_numpy()
        y = sub.geometry.y.to_numpy()
        dots = ax.scatter(
            x,
            y,
            marker=marker,
            s=size,
            c=color,
            edgecolors="black",
            linewidths=0.8,
            zorder=6,
            label=label,
        )
        dots.set_gid(f"marsgeo-spot-{kind}")
        if kind == "lander" and assumed:
            for note in assumed:
                frame.assume(_strip_assumption(note))
            middle = sum(ax.get_xlim()) / 2
            for xi, yi in zip(x, y, strict=True):
                inward = xi > middle  # write towards the middle, to stay inside the axes
                text = ax.annotate(
                    "ASSUMPTION",
                    (xi, yi),
                    xytext=(-7 if inward else 7, -12),
                    textcoords="offset points",
                    ha="right" if inward else "left",
                    fontsize=7,
                    fontweight="bold",
                    color="#b71c1c",
                    zorder=7,
                )
                text.set_gid("marsgeo-assumption")


def _strip_assumption(note: str) -> str:
    """Return a note without its leading "ASSUMPTION:" (the attribution says it once)."""
    text = note.strip()
    return text[len("ASSUMPTION:") :].strip() if text.upper().startswith("ASSUMPTION:") else text


def _draw_sols(ax: Axes, legs: gpd.GeoDataFrame) -> None:
    """Write each trip's sol on its last flight out, where it overlaps the fewest marks."""
    ax.apply_aspect()
    taken = [t.get_window_extent() for t in ax.texts if t.get_visible()]
    marks = _mark_points(ax)
    outs = legs[(legs["kind"].astype(str) == "flight_out") & (legs.geom_type == "LineString")]
    for (h, _trip), trip_legs in outs.groupby(["helicopter", "trip"], sort=True):
        sols = legs.loc[(legs["helicopter"] == h) & (legs["trip"] == _trip), "sol"].unique()
        last = trip_legs.geometry.values[-1]
        text = ax.text(
            0.0,
            0.0,
            _sol_span(sols),
            fontsize=7,
            color=heli_color(int(h)),
            ha="center",
            va="center",
            zorder=8,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": heli_color(int(h)), "lw": 0.6},
        )
        text.set_gid("marsgeo-sol")
        best: tuple[float, float] = (0.0, 0.0)
        best_cost: int | None = None
        for frac in (0.85, 0.7, 0.55, 0.4, 0.25):
            point = last.interpolate(frac, normalized=True)
            text.set_position((point.x, point.y))
            box = text.get_window_extent()
            cost = sum(box.overlaps(b) for b in taken) + int(
                np.count_nonzero(
                    (marks[:, 0] > box.x0 - 3)
                    & (marks[:, 0] < box.x1 + 3)
                    & (marks[:, 1] > box.y0 - 3)
                    & (marks[:, 1] < box.y1 + 3)
                )
            )
            if best_cost is None or cost < best_cost:
                best, best_cost = (point.x, point.y), cost
            if cost == 0:
                break
        text.set_position(best)
        taken.append(text.get_window_extent())


def _mark_points(ax: Axes) -> FloatArray:
    """Return the display positions of the markers drawn on ``ax`` (tubes, spots)."""
    from matplotlib.collections import PathCollection

    pts = [
        c.get_offset_transform().transform(np.asarray(c.get_offsets(), dtype=float))
        for c in ax.collections
        if isinstance(c, PathCollection) and np.asarray(c.get_offsets()).size
    ]
    return np.concatenate(pts) if pts else np.zeros((0, 2))


# --- the schedule ---------------


def plot_schedule(plan: PickupPlan, *, ax: Axes | None = None) -> Axes:
    """Draw a plan's trips as a Gantt chart: helicopters against time in sols.

    One bar per trip on its helicopter's row, from its start (the drive to the pad) to its
    end (the handover), in sols since the start (local midnight) of sol 1 of operations, in
    the helicopter's colour; the flights inside each trip are drawn dark, the time on the
    ground (drives, pickup, handover) light. Shaded bands are the flight window of each sol
    (``spec.flight_window_lmst``). Vertical lines: the makespan (the end of sol
    ``makespan_sols``, the sol of the last handover), the end of the last handover, and the
    lower bound no plan can beat. Trips last minutes and sols about 24.6 hours, so zoom in
    on one sol with ``ax.set_xlim(...)`` to see its flights.

    Parameters
    ----------
    plan
        A :class:`marsgeo.PickupPlan`, from :func:`marsgeo.plan_pickup`.
    ax
        Axes to draw on; None for a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        Trip bars are Rectangles with gid "marsgeo-trip" (x from start to end in sols, in the
        order of ``plan.trips``), flights Rectangles "marsgeo-flight", the lines gids
        "marsgeo-makespan", "marsgeo-last-handover" and "marsgeo-lower-bound".

    Raises
    ------
    marsgeo.errors.InputError
        ``plan`` is not a PickupPlan, or ``ax`` is not an Axes.

    Examples
    --------
    >>> import marsgeo
    >>> from marsgeo.plot import plot_schedule
    >>> from marsgeo.routing import ASSUMED_LANDER
    >>> plan = marsgeo.plan_pickup(marsgeo.load_depot(), lander=ASSUMED_LANDER)
    >>> ax = plot_schedule(plan)
    >>> len([p for p in ax.patches if p.get_gid() == "marsgeo-trip"]) == len(plan.trips)
    True
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    plan = check_plan(plan)
    given = check_ax(ax)
    helicopters = max(1, int(plan.helicopters))
    ax = given if given is not None else new_axes((8.0, 1.8 + 0.6 * helicopters))
    trips, legs = plan.trips, plan.legs
    last_end = float(trips["end_s"].max()) / SOL_S if len(trips) else 0.0
    right = max(float(plan.makespan_sols), float(plan.lower_bound_sols), last_end)
    _draw_windows(ax, plan, int(np.ceil(right)))
    last_label: dict[int, float] = {}
    for tube, row in trips.sort_values("start_s", kind="stable").iterrows():
        _draw_trip(ax, tube, row, legs, last_label)
    _draw_bounds(ax, plan, last_end)
    _sol_ticks(ax, max(1, int(np.ceil(right))))
    ax.set_xlim(0.0, right + 0.25)
    ax.set_ylim(helicopters + 0.7, 0.3)
    ax.set_yticks(range(1, helicopters + 1), [f"helicopter {h}" for h in range(1, helicopters + 1)])
    ax.set_xlabel("time since the start of sol 1 [sols] (1 sol = 88 775.244 s)")
    proven = (
        "proven minimum"
        if plan.makespan_sols == plan.lower_bound_sols
        else (f"lower bound {plan.lower_bound_sols}")
    )
    ax.set_title(
        f"Pickup schedule: {len(trips)} trips, {plan.helicopters} helicopter(s), "
        f"{plan.makespan_sols} sols ({proven})",
        fontsize="medium",
    )
    _schedule_legend(ax)
    return ax


def _draw_windows(ax: Axes, plan: PickupPlan, sols: int) -> None:
    """Shade the flight window of each sol."""
    window = plan.spec.window_s
    if window is None:
        return
    a, b = window
    start, end = plan.spec.flight_window_lmst or ("", "")
    for k in range(max(1, sols)):
        band = ax.axvspan(
            k + a / SOL_S,
            k + b / SOL_S,
            color="#fff3c4",
            zorder=0,
            label=f"flight window ({start[:5]}-{end[:5]} LMST)" if k == 0 else "_nolegend_",
        )
        band.set_gid("marsgeo-window")


def _draw_trip(
    ax: Axes, tube: Any, row: Any, legs: gpd.GeoDataFrame, last_label: dict[int, float]
) -> None:
    """One trip: a light bar over its whole time, dark bars over its flights, its tube id.

    The tube id goes above the bar, or below it when the helicopter's trip before was
    labelled close by (two trips in one sol).
    """
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Rectangle

    h = int(row["helicopter"])
    color = heli_color(h)
    start, end = float(row["start_s"]) / SOL_S, float(row["end_s"]) / SOL_S
    bar = Rectangle(
        (start, h - 0.3),
        end - start,
        0.6,
        facecolor=(*to_rgb(color), 0.35),
        edgecolor=color,
        linewidth=1.2,
        zorder=2,
    )
    bar.set_gid("marsgeo-trip")
    ax.add_patch(bar)
    own = legs[
        (legs["helicopter"] == h)
        & (legs["trip"] == row["trip"])
        & legs["kind"].astype(str).str.startswith("flight")
    ]
    for a, b in zip(own["start_s"], own["end_s"], strict=True):
        flight = Rectangle(
            (float(a) / SOL_S, h - 0.3),
            (float(b) - float(a)) / SOL_S,
            0.6,
            facecolor=color,
            edgecolor="none",
            zorder=3,
        )
        flight.set_gid("marsgeo-flight")
        ax.add_patch(flight)
    name = str(tube)
    below = h in last_label and start - last_label[h] < _CLOSE_SOLS
    last_label[h] = -np.inf if below else start
    label = ax.text(
        (start + end) / 2,
        h + 0.34 if below else h - 0.34,
        name if len(name) <= 12 else name[:11] + "\u2026",
        fontsize=7,
        ha="center",
        va="top" if below else "bottom",
        clip_on=True,
        parse_math=False,  # a tube id is data, drawn as typed
        usetex=False,
    )
    label.set_gid("marsgeo-trip-label")


def _draw_bounds(ax: Axes, plan: PickupPlan, last_end: float) -> None:
    """Draw the makespan, the end of the last handover and the lower bound as lines."""
    m, lb = int(plan.makespan_sols), int(plan.lower_bound_sols)
    line = ax.axvline(m, color="black", linewidth=1.6, zorder=4, label=f"makespan: {m} sols")
    line.set_gid("marsgeo-makespan")
    if len(plan.trips) and last_end != m:
        sol = int(np.floor(last_end)) + 1
        lmst = format_lmst((last_end - np.floor(last_end)) * 24.0)
        end = ax.axvline(
            last_end,
            color="0.3",
            linewidth=1.0,
            linestyle=":",
            zorder=4,
            label=f"last handover ends: sol {sol}, {lmst[:5]} LMST",
        )
        end.set_gid("marsgeo-last-handover")
    met = " (met)" if lb == m else ""
    bound = ax.axvline(
        lb,
        color="#d32f2f",
        linewidth=1.4,
        linestyle="--",
        zorder=5,
        label=f"lower bound: {lb} sols{met}",
    )
    bound.set_gid("marsgeo-lower-bound")


def _sol_ticks(ax: Axes, sols: int) -> None:
    """Mark sol boundaries with ticks and grid lines; "sol k" under the middle of each sol."""
    ax.set_xticks(range(sols + 1))
    ax.grid(axis="x", which="major", color="0.8", linewidth=0.8, zorder=0)
    if sols <= 20:
        ax.set_xticks(
            [k + 0.5 for k in range(sols)], [f"sol {k + 1}" for k in range(sols)], minor=True
        )
        ax.tick_params(axis="x", which="minor", length=0, labelsize="small", pad=14)


#: Height of what a schedule shows under its axes (ticks, sol names, axis label) [points].
_BELOW_AXIS_PT = 50.0


def _schedule_legend(ax: Axes) -> None:
    """Explain the lines and bands, and the light and dark parts of a bar."""
    from matplotlib.patches import Patch
    from matplotlib.transforms import ScaledTranslation

    handles, names = ax.get_legend_handles_labels()
    handles += [
        Patch(facecolor=(0.5, 0.5, 0.5, 0.35), edgecolor="0.5", label="trip: on the ground"),
        Patch(facecolor="0.35", label="trip: flying"),
    ]
    names += ["trip: on the ground", "trip: flying"]
    from marsgeo.plot._labels import root_figure

    fig = root_figure(ax)
    # under the tick labels, sol names and axis label, whatever the axes' height
    below: dict[str, Any] = {
        "bbox_to_anchor": (0.5, 0.0),
        "bbox_transform": ax.transAxes
        + ScaledTranslation(0, -_BELOW_AXIS_PT / 72, fig.dpi_scale_trans),
    }
    ax.legend(handles, names, loc="upper center", ncol=2, fontsize="small", frameon=False, **below)
