"""Elevation profiles along a line on Mars, distances geodesic on the Mars sphere (private)."""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from marsgeo._numbers import whole_number
from marsgeo.errors import InputError
from marsgeo.plot._plan import check_ax, new_axes

if TYPE_CHECKING:
    import numpy.typing as npt
    from matplotlib.axes import Axes

    from marsgeo.basemap import Raster

    FloatArray = npt.NDArray[np.float64]

__all__ = ["plot_profile", "profile_points"]

#: Most points one profile samples.
MAX_SAMPLES = 1_000_000
#: Points a profile samples by default at most (about one per pixel up to this).
DEFAULT_MAX_SAMPLES = 5_000
_METRES = ("m", "metre", "meter", "metres", "meters")
_COMPASS_8 = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def _dtm(raster: Any) -> Raster:
    """Return the DTM of a profile, in metres (``"synthetic"``: marsgeo's synthetic DTM)."""
    from marsgeo.basemap import Raster, synthetic_dtm

    if isinstance(raster, str) and raster.strip().lower() == "synthetic":
        return synthetic_dtm()
    if not isinstance(raster, Raster):
        msg = (
            f"raster={type(raster).__name__} is not a marsgeo Raster; pass a DTM from "
            "marsgeo.basemap.load_dtm(path) (or read_raster), or 'synthetic' for marsgeo's "
            "SYNTHETIC DTM."
        )
        raise InputError(msg)
    if raster.data.dtype.kind == "b":
        msg = (
            f"raster {raster.name or ''!s} holds True/False values (a mask?), not elevations; "
            "pass a DTM in metres (marsgeo.basemap.load_dtm(path))."
        )
        raise InputError(msg)
    if raster.units.strip().lower() not in _METRES:
        what = (
            f"has units {raster.units!r}"
            if raster.units
            else "has no units (an image? its values would be brightness)"
        )
        msg = (
            f"raster {raster.name or ''!s} {what}, not elevations in metres; a profile needs "
            "a DTM: pass one from marsgeo.basemap.load_dtm(path), or, if the values really are "
            "elevations in metres, say so: raster.with_data(raster.data, units='m')."
        )
        raise InputError(msg)
    return raster


def _line_lonlat(line: Any, crs: Any) -> FloatArray:
    """Return the vertices of ``line`` as (lon, lat) rows in MARS_GEOGRAPHIC degrees."""
    import geopandas as gpd

    from marsgeo._validate import check_shapes
    from marsgeo.crs import MARS_GEOGRAPHIC, require_mars_crs

    if isinstance(line, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if crs is not None:
            msg = f"crs={crs!r} is given with a line that has a CRS of its own; drop crs=."
            raise InputError(msg)
        geo = line
    else:
        given = MARS_GEOGRAPHIC if crs is None else require_mars_crs(crs, name="crs")
        if isinstance(line, shapely.Geometry):
            geom = line
        else:
            try:
                pairs = np.asarray(line, dtype=float)
            except (TypeError, ValueError):
                pairs = np.zeros((0, 0))
            if pairs.ndim != 2 or pairs.shape[1] != 2 or len(pairs) < 2:
                msg = (
                    f"line={line!r:.80} is not a line; pass a shapely LineString, a "
                    "GeoSeries/GeoDataFrame holding one LineString in a Mars CRS, or at least "
                    "two (lon, lat) pairs in degrees."
                )
                raise InputError(msg)
            geom = shapely.LineString(pairs)
        geo = gpd.GeoSeries([geom], crs=given)
    geo = check_shapes(geo, name="line")
    geoms = [g for g in np.asarray(geo.geometry.values, dtype=object) if g is not None]
    geoms = [g for g in geoms if not g.is_empty]
    if len(geoms) != 1:
        msg = (
            f"line holds {len(geoms)} geometries; pass one LineString (e.g. "
            "plan.legs.geometry.iloc[[i]] for one leg of a plan)."
        )
        raise InputError(msg)
    if geoms[0].geom_type != "LineString":
        msg = (
            f"line is a {geoms[0].geom_type}, not a LineString (a pickup or handover leg is "
            "a Point); pass a line, e.g. a flight leg of plan.legs."
        )
        raise InputError(msg)
    xy: FloatArray = np.asarray(geoms[0].coords, dtype=float)[:, :2]
    keep = np.concatenate([[True], np.any(np.diff(xy, axis=0) != 0, axis=1)])
    return np.asarray(xy[keep], dtype=float)


def profile_points(
    lonlat: FloatArray, samples: int
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """Points evenly spaced by geodesic distance on the Mars sphere along a polyline.

    Returns their longitudes, latitudes, distances from the start [m] and the line's length.
    """
    from marsgeo.crs import mars_geod

    geod = mars_geod()
    lon, lat = lonlat[:, 0], lonlat[:, 1]
    az, _, seg = geod.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    seg = np.atleast_1d(np.asarray(seg, dtype=float))
    az = np.atleast_1d(np.asarray(az, dtype=float))
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = float(cum[-1])
    dist = np.linspace(0.0, total, samples)
    which = np.clip(np.searchsorted(cum, dist, side="right") - 1, 0, len(seg) - 1)
    plon, plat, _ = geod.fwd(lon[which], lat[which], az[which], dist - cum[which])
    return np.asarray(plon, float), np.asarray(plat, float), dist, total


def _ground_step_m(raster: Raster) -> float:
    """Return the ground size of a pixel at the raster's centre [m] (geodesic on Mars)."""
    from marsgeo.crs import mars_geod, to_mars_lonlat

    h, w = raster.shape
    t = raster.transform
    cols = np.array([w / 2, w / 2 + 1, w / 2])
    rows = np.array([h / 2, h / 2, h / 2 + 1])
    x = t.c + t.a * cols + t.b * rows
    y = t.f + t.d * cols + t.e * rows
    lon, lat = to_mars_lonlat(x, y, raster.crs, check=False)
    _, _, d = mars_geod().inv(lon[[0, 0]], lat[[0, 0]], lon[1:], lat[1:])
    step = float(np.min(d))
    return step if math.isfinite(step) and step > 0 else 1.0


def _how_far(raster: Raster, lonlat: FloatArray) -> str:
    """Say how far the line is from the raster, and in which direction the raster lies."""
    from marsgeo._raster import box_outline
    from marsgeo.crs import from_mars_lonlat, local_crs, mars_geod, mean_lonlat, to_mars_lonlat

    left, bottom, right, top = raster.bounds
    bx, by = box_outline(left, bottom, right, top, 41)
    blon, blat = to_mars_lonlat(bx, by, raster.crs, check=False)
    local = local_crs(*mean_lonlat(lonlat[:, 0], lonlat[:, 1]))
    lx, ly = from_mars_lonlat(lonlat[:, 0], lonlat[:, 1], local)
    fx, fy = from_mars_lonlat(blon, blat, local)
    ok = np.isfinite(fx) & np.isfinite(fy)
    footprint = shapely.Polygon(np.column_stack([fx[ok], fy[ok]]))
    # from the line's nearest point to the raster's
    ends = np.asarray(
        shapely.shortest_line(shapely.LineString(np.column_stack([lx, ly])), footprint).coords
    )
    elon, elat = to_mars_lonlat(ends[:, 0], ends[:, 1], local, check=False)
    az, _, d = mars_geod().inv(elon[0], elat[0], elon[1], elat[1])
    bearing = float(az) % 360.0
    where = _COMPASS_8[round(bearing / 45.0) % 8]
    dist = float(d)
    far = f"{dist / 1000:.1f} km" if dist >= 1000 else f"{dist:.0f} m"
    return f"about {far} (geodesic on Mars); the raster lies {where} of it ({bearing:.0f} deg)"


def plot_profile(
    raster: Raster | str,
    line: Any,
    *,
    ax: Axes | None = None,
    samples: int | None = None,
    crs: Any = None,
) -> Axes:
    """Draw the elevation profile of a DTM along a line on Mars.

    The line is sampled at points evenly spaced by geodesic distance on the Mars sphere
    (great circles between its vertices, :func:`marsgeo.crs.mars_geod`); the elevation at each
    is the value of the pixel that holds it (nearest pixel, as
    :func:`marsgeo.basemap.sample_raster` gives). x is the distance along the line [m], y the
    elevation in the raster's units; the title credits the raster, and a synthetic one is
    stamped SYNTHETIC. Points off the raster or on no data leave gaps.

    Parameters
    ----------
    raster
        A DTM (:class:`marsgeo.basemap.Raster` in metres, e.g. from
        :func:`marsgeo.basemap.load_dtm`), or ``"synthetic"`` for marsgeo's SYNTHETIC DTM.
    line
        A shapely LineString (in ``crs``), a GeoSeries or GeoDataFrame holding one LineString
        in a Mars CRS (e.g. a flight leg: ``plan.legs.geometry.iloc[[i]]``), or a sequence
        of (lon, lat) pairs (in ``crs``).
    ax
        Axes to draw on; None for a new figure.
    samples
        Points to sample, at least 2 (default: about one per pixel, at most 5000).
    crs
        The Mars CRS of a LineString or of pairs (default: MARS_GEOGRAPHIC lon/lat degrees).

    Returns
    -------
    matplotlib.axes.Axes
        The profile is the Line2D with gid "marsgeo-profile" (x: distance [m], y: elevation).

    Raises
    ------
    marsgeo.errors.InputError
        ``raster`` is not a DTM in metres (an image, a mask, slopes); ``line`` is not one
        line, has no length, or lies off the raster (the message says how far, and which
        way); a bad ``samples`` or ``ax``.
    marsgeo.errors.CRSError
        A line or ``crs`` not on Mars.

    Examples
    --------
    >>> from marsgeo.plot import plot_profile
    >>> ax = plot_profile("synthetic", [(77.400, 18.4528), (77.410, 18.4528)])
    >>> x, y = ax.get_lines()[0].get_data()
    >>> round(float(x[-1]))  # geodesic length of the line [m]
    562
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    dtm = _dtm(raster)
    lonlat = _line_lonlat(line, crs)
    given = check_ax(ax)
    if len(lonlat) < 2:
        msg = "line has no length (all its points are the same); pass a line between two places."
        raise InputError(msg)
    if samples is not None:
        samples = whole_number(
            samples,
            name="samples",
            fix=f"pass a whole number from 2 to {MAX_SAMPLES:,}, or None",
            low=2,
            high=MAX_SAMPLES,
        )
    lon, lat, dist, total = profile_points(lonlat, 2)
    if samples is None:
        samples = int(min(DEFAULT_MAX_SAMPLES, max(2, math.ceil(total / _ground_step_m(dtm)) + 1)))
    lon, lat, dist, total = profile_points(lonlat, samples)
    elev = _elevations(dtm, lon, lat, lonlat)
    ax = given if given is not None else new_axes((8.0, 3.5))
    _draw(ax, dtm, dist, elev)
    return ax


def _elevations(dtm: Raster, lon: FloatArray, lat: FloatArray, lonlat: FloatArray) -> FloatArray:
    """Elevations at the points; a line wholly off the raster is an error saying how far."""
    import geopandas as gpd

    from marsgeo.basemap import sample_raster
    from marsgeo.crs import MARS_GEOGRAPHIC

    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC)
    values = sample_raster(dtm, pts, outside="nan").to_numpy(dtype=float)
    if np.isfinite(values).any():
        return values
    from marsgeo._raster import fmt_bounds

    name = dtm.name or "raster"
    bounds = fmt_bounds(dtm.lonlat_bounds())
    rows, cols = _rowcol(dtm, lon, lat)
    h, w = dtm.shape
    if ((rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)).any():
        msg = (
            f"line crosses {name} (lon/lat {bounds}) only where it has no elevation data; "
            "pass a line over its data, or a DTM with data there."
        )
        raise InputError(msg)
    msg = (
        f"line lies outside {name} (lon/lat {bounds}): {_how_far(dtm, lonlat)}. Pass a line "
        "over the raster, or a DTM that covers the line (e.g. marsgeo.basemap.load_dtm(path, "
        "aoi=...))."
    )
    raise InputError(msg)


def _rowcol(dtm: Raster, lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    from marsgeo.crs import from_mars_lonlat

    x, y = from_mars_lonlat(lon, lat, dtm.crs)
    t = dtm.transform
    return np.floor((y - t.f) / t.e), np.floor((x - t.c) / t.a)


def _draw(ax: Axes, dtm: Raster, dist: FloatArray, elev: FloatArray) -> None:
    """Draw the profile, axis labels, the credit as title, a SYNTHETIC stamp if synthetic."""
    from marsgeo._overlay import raster_credit

    (drawn,) = ax.plot(dist, elev, color="#5d4037", linewidth=1.4)
    drawn.set_gid("marsgeo-profile")
    ax.set_xlabel("distance along the line [m] (geodesic on Mars)")
    ax.set_ylabel(f"{dtm.name or 'elevation'} [{dtm.units}]", parse_math=False)  # data
    # elevations as they are (e.g. -2545.3 m), never as an offset from a "-2.545e3" corner note
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    ax.set_xlim(0.0, float(dist[-1]))
    ax.grid(color="0.85", linewidth=0.6)
    credit = raster_credit(dtm)
    title = textwrap.shorten(credit, width=160, placeholder=" ...")
    ax.set_title(
        "\n".join(textwrap.wrap(title, 90)), fontsize="small", loc="left", parse_math=False
    )
    if dtm.synthetic:
        stamp = ax.text(
            0.5,
            0.5,
            "SYNTHETIC",
            transform=ax.transAxes,
            fontsize=40,
            fontweight="bold",
            color="#d32f2f",
            alpha=0.25,
            ha="center",
            va="center",
            rotation=15,
            zorder=10,
        )
        stamp.set_gid("marsgeo-synthetic")
