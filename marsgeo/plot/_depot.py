"""The depot figure: tubes by sample type on a metric Mars frame, with every layer (private).

Public name: :func:`marsgeo.plot.plot_depot`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from marsgeo import _style
from marsgeo._validate import check_plan_tubes, check_shapes, lonlat
from marsgeo.crs import mars_geod, require_mars_crs
from marsgeo.depot import sources, validate_tubes
from marsgeo.errors import InputError, raise_collected
from marsgeo.plot._frame import Frame, check_frame_crs, frame_for, frame_of
from marsgeo.plot._labels import (
    BACKDROP,
    add_legend,
    drawable,
    label_text,
    place_labels,
    place_legend,
    root_figure,
)

if TYPE_CHECKING:
    import numpy.typing as npt
    from matplotlib.axes import Axes

    from marsgeo._raster import Raster
    from marsgeo.routing import PickupPlan
    from marsgeo.typing import PointFrame, ShapeFrame

    FloatArray = npt.NDArray[np.float64]

__all__ = ["DEFAULT_FIGSIZE", "plot_depot"]

#: Size of a new depot figure [inches]: all ten Three Forks names fit beside their tubes.
DEFAULT_FIGSIZE = (7.0, 6.0)
TICKS = ("m", "lonlat", None)
_MARKER_S = 64.0  # tube marker area [points^2]
_MARGINS_IN = (0.9, 0.15, 0.6, 0.15)  # left, right, bottom, top of a new figure [inches]
_MARGIN = 0.12  # blank space around the data, as a share of its larger span
_MIN_MARGIN_M = 5.0
_POLYGON_KINDS = ("Polygon", "MultiPolygon")
_PLACE_KINDS = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# a frame for the depot, not places of their own (the tubes show them)
_NOT_PLACES = ("three_forks_depot", "usgs_sim3464_extent")
_NO_FLY_COLOR = "#b000b5"
_HAZARD_COLOR = "#e53935"


# --- checks ---------------


def _is_flag(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _figsize_problem(figsize: Any, ax: Any) -> str | None:
    if figsize is None:
        return None
    if ax is not None:
        return (
            f"figsize={figsize!r} sizes a new figure, but ax= was given; size that figure "
            "with fig.set_size_inches(w, h), or drop ax= or figsize="
        )
    ok = (
        isinstance(figsize, (tuple, list))
        and len(figsize) == 2
        and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not _is_flag(v)
            for v in figsize
        )
        and all(math.isfinite(float(v)) and float(v) > 0 for v in figsize)
    )
    if not ok:
        return f"figsize={figsize!r} is not a size; pass (width, height) in inches, e.g. (7, 6)"
    from matplotlib import rcParams

    from marsgeo.plot._save import MAX_FIGURE_PIXELS

    dpi = float(rcParams["figure.dpi"])
    pixels = round(float(figsize[0]) * dpi) * round(float(figsize[1]) * dpi)
    if pixels > MAX_FIGURE_PIXELS:
        return (
            f"figsize={figsize!r} is {pixels:,} px at the figure's {dpi:g} dpi, more than "
            f"{MAX_FIGURE_PIXELS:,}; pass a smaller size (a paper's figure is about 7 in wide)"
        )
    return None


def _option_problems(
    *, ax: Any, plan: Any, places: Any, raster: Any, ticks: Any, figsize: Any, **flags: Any
) -> list[str]:
    """Problems with the simple arguments of :func:`plot_depot`, all at once."""
    from matplotlib.axes import Axes

    from marsgeo._raster import Raster

    problems = [
        f"{name}={value!r} must be True or False"
        for name, value in flags.items()
        if not _is_flag(value)
    ]
    if ticks not in TICKS or _is_flag(ticks):
        problems.append(
            f"ticks={ticks!r} is not a kind of ticks; pass 'm' (metres from the centre), "
            "'lonlat' (Mars longitude and latitude) or None"
        )
    if ax is not None and not isinstance(ax, Axes):
        problems.append(
            f"ax must be a matplotlib Axes (e.g. from matplotlib.pyplot.subplots()) or None, "
            f"got {type(ax).__name__}"
        )
    if plan is not None:
        from marsgeo.routing import PickupPlan

        if not isinstance(plan, PickupPlan):
            problems.append(
                f"plan must be a marsgeo.PickupPlan (from marsgeo.plan_pickup) or None, got "
                f"{type(plan).__name__}"
            )
    if not (places is None or isinstance(places, (gpd.GeoDataFrame, gpd.GeoSeries))) and not (
        isinstance(places, str) and places == "jezero"
    ):
        problems.append(
            f"places={places!r} is not a layer of places; pass 'jezero', a GeoDataFrame in a "
            "Mars CRS, or None"
        )
    if not (raster is None or isinstance(raster, Raster) or _is_synthetic_name(raster)):
        problems.append(
            f"raster={raster!r} is not a marsgeo Raster; pass one (from "
            "marsgeo.basemap.read_raster or load_dtm), 'synthetic', or None"
        )
    figsize_problem = _figsize_problem(figsize, ax)
    if figsize_problem:
        problems.append(figsize_problem)
    return problems


def _is_synthetic_name(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == "synthetic"


def _shapes(value: Any, *, name: str, kinds: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Return geodata in MARS_GEOGRAPHIC whose every row is one of ``kinds``, or raise."""
    if isinstance(value, gpd.GeoSeries):
        value = gpd.GeoDataFrame(geometry=value)
    if not isinstance(value, gpd.GeoDataFrame):
        msg = (
            f"{name} must be a GeoDataFrame (or GeoSeries) of {' / '.join(kinds)} in a Mars "
            f"CRS, got {type(value).__name__}; build one with geopandas.GeoDataFrame(geometry="
            "[...], crs=marsgeo.crs.MARS_GEOGRAPHIC)."
        )
        raise InputError(msg)
    require_mars_crs(value, name=name)
    geoms = np.asarray(value.geometry.values, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    kind = np.array([g.geom_type if g is not None else "" for g in geoms], dtype=object)
    wrong = ~missing & ~np.isin(kind, kinds)
    problems = []
    if missing.any():
        problems.append(f"rows {_ids(value.index, missing)} have no geometry; drop them")
    if wrong.any():
        found = ", ".join(sorted(set(kind[wrong])))
        problems.append(f"rows {_ids(value.index, wrong)} are {found}; pass {' / '.join(kinds)}")
    raise_collected(InputError, problems, what=name)
    checked: gpd.GeoDataFrame = check_shapes(value, name=name)
    return checked


def _ids(index: pd.Index, mask: Any, limit: int = 5) -> str:
    ids = [repr(v.item() if hasattr(v, "item") else v) for v in index[np.asarray(mask)][:limit]]
    more = int(np.count_nonzero(mask)) - len(ids)
    return ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def _hazards(hazard: Any) -> tuple[gpd.GeoDataFrame, bool]:
    """Hazard polygons (MARS_GEOGRAPHIC) and whether they were given (not from a raster)."""
    from marsgeo._raster import Raster

    if isinstance(hazard, Raster) or _is_synthetic_name(hazard):
        from marsgeo.basemap import hazard_areas

        areas = hazard_areas(hazard)
        return areas, False
    if isinstance(hazard, (gpd.GeoDataFrame, gpd.GeoSeries)):
        return _shapes(hazard, name="hazard", kinds=_POLYGON_KINDS), True
    msg = (
        f"hazard must be polygons (GeoDataFrame in a Mars CRS), a marsgeo Raster or "
        f"'synthetic', got {type(hazard).__name__}."
    )
    raise InputError(msg)


# --- the frame and its limits ---------------


def _bounds(frame: Frame, layers: Sequence[gpd.GeoDataFrame | gpd.GeoSeries]) -> FloatArray:
    """Bounds (xmin, ymin, xmax, ymax) in the frame of the non-empty layers (NaN if none)."""
    out = np.full(4, np.nan)
    for layer in layers:
        if len(layer) == 0:
            continue
        b = np.asarray(frame.project(layer).total_bounds, dtype=float)
        out = np.array(
            [
                np.fmin(out[0], b[0]),
                np.fmin(out[1], b[1]),
                np.fmax(out[2], b[2]),
                np.fmax(out[3], b[3]),
            ]
        )
    return out


def _limits(
    ax: Axes, xy: tuple[FloatArray, FloatArray], extra: FloatArray, *, keep: bool
) -> tuple[float, float, float, float]:
    """Axis limits (xmin, xmax, ymin, ymax): the data with a margin, shaped like the axes."""
    x, y = xy
    xmin, xmax = float(np.fmin(x.min(), extra[0])), float(np.fmax(x.max(), extra[2]))
    ymin, ymax = float(np.fmin(y.min(), extra[1])), float(np.fmax(y.max(), extra[3]))
    pad = max(_MARGIN * max(xmax - xmin, ymax - ymin), _MIN_MARGIN_M)
    xmin, xmax, ymin, ymax = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    if keep:  # the axes already show a layer: keep what they show
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        xmin, xmax, ymin, ymax = min(xmin, x0), max(xmax, x1), min(ymin, y0), max(ymax, y1)
    return _fill(ax, (xmin, xmax, ymin, ymax))


def _fill(ax: Axes, limits: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Widen the narrower side of the limits so that they fill the axes' box."""
    xmin, xmax, ymin, ymax = limits
    fig = root_figure(ax)
    pos = ax.get_position(original=True)
    box_w, box_h = pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()
    if box_w > 0 and box_h > 0:
        want = box_h / box_w
        w, h = xmax - xmin, ymax - ymin
        if h / w < want:
            grow = (w * want - h) / 2
            ymin, ymax = ymin - grow, ymax + grow
        else:
            grow = (h / want - w) / 2
            xmin, xmax = xmin - grow, xmax + grow
    return xmin, xmax, ymin, ymax


# --- layers ---------------


def _path(geoms: Sequence[Any]) -> Any:
    """One matplotlib Path of the rings of polygons (holes stay holes)."""
    from matplotlib.path import Path

    parts = []
    for geom in shapely.get_parts(np.asarray(geoms, dtype=object)):
        if geom is None or geom.is_empty or geom.geom_type != "Polygon":
            continue
        poly = shapely.orient_polygons(geom)
        for ring in [poly.exterior, *poly.interiors]:
            coords = np.asarray(ring.coords, dtype=float)[:, :2]
            if len(coords) >= 4:
                parts.append(Path(coords, closed=True))
    return Path.make_compound_path(*parts) if parts else None


def _view(limits: tuple[float, float, float, float], *, grow: float = 0.0) -> Any:
    """Return the limits as a box, grown by ``grow`` times their span on every side."""
    xmin, xmax, ymin, ymax = limits
    dx, dy = grow * (xmax - xmin), grow * (ymax - ymin)
    return shapely.box(xmin - dx, ymin - dy, xmax + dx, ymax + dy)


def _draw_polygons(
    ax: Axes, frame: Frame, shapes: gpd.GeoDataFrame, view: Any, *, gid: str, **style: Any
) -> None:
    from matplotlib.patches import PathPatch

    shown = shapely.intersection(np.asarray(frame.project(shapes).geometry.values), view)
    path = _path([g for g in shown if g is not None and not g.is_empty])
    if path is not None:
        ax.add_patch(PathPatch(path, gid=gid, **style))


def _draw_zones(
    ax: Axes, frame: Frame, view: Any, no_fly: Any, hazards: gpd.GeoDataFrame | None
) -> None:
    if hazards is not None and len(hazards):
        synthetic = "synthetic" in hazards.columns and bool(hazards["synthetic"].any())
        if synthetic:
            frame.mark_synthetic("hazards from SYNTHETIC terrain")
        label = "hazard (SYNTHETIC terrain)" if synthetic else "hazard"
        style = {"facecolor": _HAZARD_COLOR, "edgecolor": _HAZARD_COLOR, "alpha": 0.3}
        _draw_polygons(
            ax, frame, hazards, view, gid="marsgeo-hazard", label=label, lw=0.6, zorder=1, **style
        )
    if no_fly is not None and len(no_fly):
        _draw_polygons(
            ax,
            frame,
            no_fly,
            view,
            gid="marsgeo-no-fly",
            label="no-fly zone",
            facecolor="none",
            edgecolor=_NO_FLY_COLOR,
            hatch="///",
            linestyle="--",
            lw=1.0,
            zorder=1,
        )


def _draw_places(ax: Axes, frame: Frame, places: Any, view: Any, cut: Any) -> None:
    """Draw the named places in the ``view`` and the outlines through it (cut to ``cut``)."""
    from matplotlib.collections import LineCollection

    if isinstance(places, str):
        from marsgeo.jezero import jezero_features

        feats = jezero_features().drop(index=list(_NOT_PLACES), errors="ignore")
    else:
        feats = _shapes(places, name="places", kinds=_PLACE_KINDS)
    moved = frame.project(feats)
    names = feats["name"] if "name" in feats.columns else pd.Series(feats.index, feats.index)
    for (_, row), name in zip(moved.iterrows(), names, strict=True):
        geom, text = row.geometry, drawable(label_text(name), 7.0)
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type == "Point":
            if not view.contains(geom):
                continue
            ax.plot(
                [geom.x],
                [geom.y],
                marker="*",
                ms=11,
                mfc="white",
                mec="black",
                ls="",
                zorder=4,
                gid="marsgeo-place",
            )
            ax.annotate(
                text,
                (geom.x, geom.y),
                xytext=(6, -6),
                textcoords="offset points",
                fontsize=7,
                style="italic",
                parse_math=False,
                usetex=False,
                zorder=6,
                gid="marsgeo-place-label",
                bbox=BACKDROP,
            )
            continue
        line = geom.boundary if "Polygon" in geom.geom_type else geom
        if not line.intersects(view):
            continue
        edge = shapely.intersection(line, cut)
        lines = [np.asarray(p.coords)[:, :2] for p in shapely.get_parts(edge) if p.length > 0]
        if lines:
            ax.add_collection(
                LineCollection(
                    lines,
                    colors="0.35",
                    linestyles="--",
                    linewidths=1.0,
                    zorder=2,
                    label=text,
                    gid="marsgeo-place",
                ),
                autolim=False,
            )


def _confidence(tubes: gpd.GeoDataFrame) -> pd.Series:
    if "position_confidence" not in tubes.columns:
        return pd.Series("", index=tubes.index)
    out: pd.Series = tubes["position_confidence"].map(
        lambda v: "" if pd.isna(v) else str(v).strip().lower()
    )
    return out


def _draw_uncertainty(ax: Axes, frame: Frame, tubes: gpd.GeoDataFrame) -> None:
    """Geodesic circles of ``position_uncertainty_m`` round positions that are not confirmed."""
    from matplotlib.patches import PathPatch

    if "position_uncertainty_m" not in tubes.columns:
        return
    radius = pd.to_numeric(tubes["position_uncertainty_m"], errors="coerce").to_numpy(float)
    conf = _confidence(tubes)
    show = np.isfinite(radius) & (radius > 0) & (conf != "confirmed").to_numpy()
    if not show.any():
        return
    geod = mars_geod()
    lon, lat = lonlat(tubes)
    az = np.linspace(0.0, 360.0, 73)
    rings = []
    for i in np.flatnonzero(show):
        ring_lon, ring_lat, _ = geod.fwd(
            np.full(az.size, lon[i]), np.full(az.size, lat[i]), az, np.full(az.size, radius[i])
        )
        rings.append(shapely.Polygon(np.column_stack(frame.xy(ring_lon, ring_lat))))
    kinds = sorted({c for c in conf[show] if c}) or ["uncertain"]
    sizes = sorted({float(r) for r in radius[show]})
    within = f"{sizes[0]:g} m" if len(sizes) == 1 else f"{sizes[0]:g}-{sizes[-1]:g} m"
    ax.add_patch(
        PathPatch(
            _path(rings),
            facecolor="none",
            edgecolor="0.3",
            linestyle=(0, (2, 2)),
            lw=0.7,
            zorder=3,
            gid="marsgeo-uncertainty",
            label=drawable(label_text(f"position {', '.join(kinds)} (within {within})", limit=60)),
        )
    )


def _draw_tubes(ax: Axes, x: FloatArray, y: FloatArray, kinds: list[str]) -> None:
    """One scatter of every tube (offsets in catalogue order), a legend entry per type."""
    from matplotlib.markers import MarkerStyle

    colors = [_style.sample_color(k) for k in kinds]
    coll = ax.scatter(
        x,
        y,
        s=_MARKER_S,
        c=colors,
        edgecolors="black",
        linewidths=0.8,
        zorder=5,
        gid="marsgeo-tubes",
    )
    paths = []
    for k in kinds:
        style = MarkerStyle(_style.sample_marker(k))
        paths.append(style.get_path().transformed(style.get_transform()))
    coll.set_paths(paths)
    for kind in dict.fromkeys(kinds):
        ax.plot(
            [],
            [],
            ls="",
            marker=_style.sample_marker(kind),
            ms=math.sqrt(_MARKER_S),
            mfc=_style.sample_color(kind),
            mec="black",
            mew=0.8,
            label=legend_label(kind),
        )


def legend_label(kind: object) -> str:
    """Return a sample type as its legend entry says it: plain text, shown whatever it is.

    Matplotlib leaves out entries whose label starts with "_"; a thin space keeps them.

    Examples
    --------
    >>> legend_label("igneous"), legend_label("_hidden")
    ('igneous', '\u2009_hidden')
    """
    text = drawable(label_text(kind), 7.0)
    return f"\N{THIN SPACE}{text}" if text.startswith("_") else text


def _draw_nearest(ax: Axes, frame: Frame, tubes: gpd.GeoDataFrame) -> None:
    """Each tube's nearest-neighbour line with its geodesic distance, each pair once."""
    from matplotlib.collections import LineCollection

    from marsgeo.distance import nearest_neighbours

    if len(tubes) < 2:
        return
    nn = nearest_neighbours(tubes)
    ids = {tube_id: i for i, tube_id in enumerate(tubes.index)}
    lon, lat = lonlat(tubes)
    x, y = frame.xy(lon, lat)
    seen: set[frozenset[int]] = set()
    lines = []
    for i, (other, dist) in enumerate(zip(nn.iloc[:, 0], nn["distance_m"], strict=True)):
        j = ids[other]
        if frozenset((i, j)) in seen or i == j:
            continue
        seen.add(frozenset((i, j)))
        lines.append([(x[i], y[i]), (x[j], y[j])])
        ax.annotate(
            f"{float(dist):.1f} m",
            ((x[i] + x[j]) / 2, (y[i] + y[j]) / 2),
            ha="center",
            va="center",
            fontsize=6,
            color="0.15",
            zorder=4,
            parse_math=False,
            gid="marsgeo-nearest-label",
            bbox=BACKDROP,
        )
    ax.add_collection(
        LineCollection(
            lines,
            colors="0.2",
            linestyles=":",
            linewidths=0.9,
            zorder=3,
            label="nearest neighbour (geodesic)",
            gid="marsgeo-nearest",
        ),
        autolim=False,
    )


def _credit_tubes(frame: Frame, tubes: gpd.GeoDataFrame) -> None:
    """Credit the catalogue's sources, and say how its positions were found."""
    known = sources()

    def keys(column: str) -> list[str]:
        if column not in tubes.columns:
            return []
        found = []
        for cell in tubes[column].dropna():
            found += [k.strip() for k in str(cell).split(";") if k.strip()]
        return list(dict.fromkeys(found))

    facts = keys("facts_source")
    who = [known[k]["publisher"] if k in known else label_text(k, limit=80) for k in facts]
    text = f"Tubes: {', '.join(dict.fromkeys(who))}" if who else "Tubes: source not stated"
    conf = sorted({c for c in _confidence(tubes) if c})
    where = [
        known[k]["title"] if k in known else label_text(k, limit=80)
        for k in keys("position_source")
    ]
    if conf or where:
        how = f"positions {', '.join(conf)}" if conf else "positions"
        text += f"; {how}" + (f" from {', '.join(where)}" if where else "")
    frame.credit(text)
    assumed = [str(t) for t, c in _confidence(tubes).items() if "assum" in c]
    if assumed:
        frame.assume(f"positions of tubes {', '.join(assumed[:5])} are assumed")


# --- the figure ---------------


def _new_axes(figsize: Any) -> Axes:
    import matplotlib.pyplot as plt

    width, height = DEFAULT_FIGSIZE if figsize is None else (float(figsize[0]), float(figsize[1]))
    fig, ax = plt.subplots(figsize=(width, height))
    # fixed margins [inches] for the tick labels: a layout that moves the axes at every draw
    # would move the tubes under labels placed in points around them
    left, right, bottom, top = _MARGINS_IN
    fig.subplots_adjust(
        left=min(0.4, left / width),
        right=max(0.6, 1 - right / width),
        bottom=min(0.4, bottom / height),
        top=max(0.6, 1 - top / height),
    )
    return ax


def _clear_attribution(
    ax: Axes, xy: tuple[FloatArray, FloatArray], limits: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    """Limits that keep the tubes above the attribution box, or None if they are clear."""
    found = [t for t in ax.texts if t.get_gid() == "marsgeo-attribution"]
    if not found:
        return None
    root_figure(ax).draw_without_rendering()
    patch = found[0].get_bbox_patch()
    top = (patch if patch is not None else found[0]).get_window_extent().y1
    axes_box = ax.get_window_extent()
    px_per_pt = root_figure(ax).dpi / 72.0
    need = top - axes_box.y0 + (math.sqrt(_MARKER_S) / 2 + 4) * px_per_pt
    lowest = float(np.min(xy[1]))
    xmin, xmax, ymin, ymax = limits
    if (lowest - ymin) / (ymax - ymin) * axes_box.height >= need:
        return None
    share = need / axes_box.height
    if share >= 0.8:  # a tiny figure: the credits cannot be cleared
        return None
    new_ymin = (lowest - share * ymax) / (1 - share)
    grow = (xmax - xmin) * ((ymax - new_ymin) / (ymax - ymin) - 1) / 2
    return xmin - grow, xmax + grow, new_ymin, ymax


def _finish(
    ax: Axes,
    xy: tuple[FloatArray, FloatArray],
    limits: tuple[float, float, float, float],
    *,
    raster: Raster | None,
    own: bool,
    **furniture: Any,
) -> None:
    """Legend and furniture; room under the tubes for the credits (the underlay follows)."""
    from marsgeo.plot._furniture import furnish

    add_legend(ax)
    furnish(ax, **furniture)
    place_legend(ax, *xy, room=own)
    filled = _fill(ax, limits)  # the axes may have narrowed for the legend
    if filled != limits:
        ax.set_xlim(filled[0], filled[1])
        ax.set_ylim(filled[2], filled[3])
        furnish(ax, **furniture)
    wider = _clear_attribution(ax, xy, filled)
    if wider is None and filled != limits:
        wider = filled
    if wider is not None:
        ax.set_xlim(wider[0], wider[1])
        ax.set_ylim(wider[2], wider[3])
        if raster is not None:
            from marsgeo.plot._underlay import draw_raster

            for image in [i for i in ax.images if i.get_gid() == "marsgeo-underlay"]:
                image.remove()
            draw_raster(ax, raster, extent=wider)
        furnish(ax, **furniture)


def plot_depot(  # noqa: PLR0913 - the one-call figure: every layer and option
    tubes: PointFrame,
    *,
    ax: Axes | None = None,
    raster: Raster | str | None = None,
    plan: PickupPlan | None = None,
    places: str | ShapeFrame | None = None,
    no_fly: ShapeFrame | None = None,
    hazard: ShapeFrame | Raster | str | None = None,
    labels: bool = True,
    nearest: bool = False,
    crs: Any = None,
    ticks: str | None = "m",
    scale_bar: bool = True,
    north_arrow: bool = True,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Draw the tubes on a map in metres, correct on Mars, for a paper or a report.

    The map is drawn in a metric Mars CRS in which one axis unit is one metre in every
    direction: :func:`marsgeo.crs.local_crs` centred on the tubes, or ``crs``. Tubes are
    coloured and shaped by sample type (the web map's colours), with a legend and their
    names placed clear of each other and of the markers. Positions that are not confirmed
    are ringed by a circle of their uncertainty (``position_uncertainty_m``, true radius on
    Mars); assumed ones are marked ASSUMPTION. Every layer is credited, a synthetic one
    stamps the figure SYNTHETIC; a scale bar measured on Mars and a north arrow pointing to
    true north finish it.

    Parameters
    ----------
    tubes
        GeoDataFrame of tube Points in a Mars CRS (e.g. ``marsgeo.load_depot()``); names
        from its ``name`` column (else the index), types from ``sample_type``.
    ax
        Axes to draw on (default: a new figure of ``figsize``). Axes that already hold a
        marsgeo map keep its CRS and show both.
    raster
        Underlay: a :class:`marsgeo.basemap.Raster` (a DTM is drawn as its hillshade, an
        image as itself, warped into the figure's CRS) or "synthetic" for marsgeo's
        labelled synthetic DTM.
    plan
        A :class:`marsgeo.PickupPlan` to draw on top (:func:`marsgeo.plot.plot_plan`); the
        map then also shows its lander, spots and legs.
    places
        "jezero" for the named places and outlines that fall in the figure, a GeoDataFrame
        of your own in a Mars CRS, or None.
    no_fly
        Polygons (GeoDataFrame in a Mars CRS) drawn as no-fly zones.
    hazard
        Polygons drawn as hazards, or a Raster / "synthetic" whose hazards
        (:func:`marsgeo.basemap.hazard_areas`) are drawn where they fall in the figure.
    labels
        Write each tube's name beside it.
    nearest
        Draw each tube's nearest-neighbour line with its geodesic distance [m].
    crs
        A projected Mars CRS in metres to draw in, conformal at the tubes (the same scale
        in every direction: a transverse Mercator or stereographic CRS, not an
        equirectangular or sinusoidal one). Default: a local transverse Mercator centred on
        the tubes, so north is up at its centre.
    ticks
        "m" (metres from the centre), "lonlat" (Mars planetocentric longitude and latitude)
        or None.
    scale_bar, north_arrow
        Draw a scale bar (its length measured on Mars) and a north arrow (to true north).
    figsize
        (width, height) [inches] of a new figure (default :data:`DEFAULT_FIGSIZE`).

    Returns
    -------
    matplotlib.axes.Axes
        The map. Tube markers are the collection with gid ``"marsgeo-tubes"`` (offsets in
        metres, in catalogue order), names the texts with gid ``"marsgeo-label"``.

    Raises
    ------
    marsgeo.errors.InputError
        An argument of the wrong type or value (every problem with the simple arguments is
        listed at once), empty or non-Point tubes, or a raster that does not overlap the
        figure (the message says how far away it is).
    marsgeo.errors.CRSError
        Tubes without a Mars CRS (e.g. in an Earth CRS), or ``crs`` not a projected Mars
        CRS in metres, or one that stretches the ground at the tubes.

    Examples
    --------
    >>> import marsgeo
    >>> from marsgeo.plot import plot_depot
    >>> ax = plot_depot(marsgeo.load_depot(), nearest=True)
    >>> [len(c.get_offsets()) for c in ax.collections if c.get_gid() == "marsgeo-tubes"]
    [10]
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    raise_collected(
        InputError,
        _option_problems(
            ax=ax,
            plan=plan,
            places=places,
            raster=raster,
            ticks=ticks,
            figsize=figsize,
            labels=labels,
            nearest=nearest,
            scale_bar=scale_bar,
            north_arrow=north_arrow,
        ),
        what="plot_depot",
    )
    checked = validate_tubes(tubes, name="tubes", vocabulary=False)
    if crs is not None:
        check_frame_crs(crs, *lonlat(checked))  # before a figure is made for nothing
    if plan is not None:
        check_plan_tubes(plan, checked)
    zones = None if no_fly is None else _shapes(no_fly, name="no_fly", kinds=_POLYGON_KINDS)
    hazards, given = (None, False) if hazard is None else _hazards(hazard)
    underlay = _underlay(raster)
    own = ax is None
    if ax is None:
        ax = _new_axes(figsize)
    keep = frame_of(ax) is not None
    lon, lat = lonlat(checked)
    frame = frame_for(ax, lon, lat, crs=crs)
    x, y = frame.xy(lon, lat)
    layers = [g for g in (zones, hazards if given else None) if g is not None]
    if plan is not None:
        layers += [plan.spots, plan.legs]
    limits = _limits(ax, (x, y), _bounds(frame, layers), keep=keep)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    _draw_layers(ax, frame, limits, raster=underlay, places=places, no_fly=zones, hazards=hazards)
    _draw_tubes(ax, x, y, _kinds(checked))
    _draw_uncertainty(ax, frame, checked)
    _credit_tubes(frame, checked)
    if nearest:
        _draw_nearest(ax, frame, checked)
    if plan is not None:
        from marsgeo.plot._plan import plot_plan

        plot_plan(
            plan, ax=ax, labels=labels, ticks=ticks, scale_bar=scale_bar, north_arrow=north_arrow
        )
    _finish(
        ax,
        (x, y),
        limits,
        raster=underlay,
        own=own,
        scale_bar=scale_bar,
        north_arrow=north_arrow,
        ticks=ticks,
    )
    if labels:
        place_labels(ax, x, y, _names(checked), marker_size_pt=math.sqrt(_MARKER_S))
    return ax


def _underlay(raster: Raster | str | None) -> Raster | None:
    """Return the raster to draw under the map (the synthetic DTM made once, for every redraw)."""
    if isinstance(raster, str):
        from marsgeo.basemap import synthetic_dtm

        return synthetic_dtm()
    return raster


def _kinds(tubes: gpd.GeoDataFrame) -> list[str]:
    if "sample_type" not in tubes.columns:
        return ["tube"] * len(tubes)
    return ["unknown type" if pd.isna(v) else str(v) for v in tubes["sample_type"]]


def _names(tubes: gpd.GeoDataFrame) -> list[str]:
    names = tubes["name"] if "name" in tubes.columns else pd.Series(tubes.index, tubes.index)
    out = []
    for (tube_id, name), conf in zip(names.items(), _confidence(tubes), strict=True):
        text = label_text(tube_id if pd.isna(name) else name)
        out.append(f"{text}\nASSUMPTION" if "assum" in conf else text)
    return out


def _draw_layers(
    ax: Axes,
    frame: Frame,
    limits: tuple[float, float, float, float],
    *,
    raster: Any,
    places: Any,
    no_fly: gpd.GeoDataFrame | None,
    hazards: gpd.GeoDataFrame | None,
) -> None:
    """Draw the underlay, then places and zones, under the tubes."""
    if raster is not None:
        from marsgeo.plot._underlay import draw_raster

        draw_raster(ax, raster, extent=limits)
    if places is not None:
        _draw_places(ax, frame, places, _view(limits), _view(limits, grow=1.0))
    # zones are cut to well beyond the view (it may still grow to clear the credits)
    _draw_zones(ax, frame, _view(limits, grow=1.0), no_fly, hazards)
