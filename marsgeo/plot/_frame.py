"""The frame of a map figure: a metric Mars CRS shared by every layer on one Axes (private).

One axis unit is one metre: the frame's CRS is :func:`marsgeo.crs.local_crs` centred on the
data (or a projected Mars CRS in metres the caller gives). The first layer drawn on an Axes
makes its frame; later layers (:func:`~marsgeo.plot.plot_plan` on top of
:func:`~marsgeo.plot.plot_depot`) find it with :func:`frame_of` and draw in it. The frame
also collects what the figure must say: the credit of every layer, the synthetic layers
(stamped SYNTHETIC) and the assumptions (marked ASSUMPTION).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from marsgeo.crs import (
    as_crs,
    from_mars_lonlat,
    is_mars_crs,
    local_crs,
    mean_lonlat,
    to_mars_geographic,
    to_mars_lonlat,
)
from marsgeo.errors import CRSError, InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy.typing as npt
    import pyproj
    from matplotlib.axes import Axes

    FloatArray = npt.NDArray[np.float64]

__all__ = ["Frame", "attach", "check_frame_crs", "frame_crs", "frame_for", "frame_of"]


@dataclass(eq=False)
class Frame:
    """The CRS of one Axes and what its layers must say.

    Attributes
    ----------
    crs
        Projected Mars CRS with axes in metres (x east-ish, y north-ish).
    centre
        (lon, lat) in MARS_GEOGRAPHIC degrees around which the frame was made.
    credits
        Attribution of each layer, in the order drawn, without repeats.
    synthetic
        Names of the layers that are synthetic (the figure is stamped SYNTHETIC).
    assumptions
        Assumptions the figure rests on, in words (e.g. the lander position).
    """

    crs: pyproj.CRS
    centre: tuple[float, float]
    credits: list[str] = field(default_factory=list)
    synthetic: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def xy(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Project MARS_GEOGRAPHIC lon/lat (degrees) to the frame's x/y (metres)."""
        return from_mars_lonlat(lon, lat, self.crs)

    def lonlat(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Return the MARS_GEOGRAPHIC lon/lat (degrees) of frame x/y (metres)."""
        return to_mars_lonlat(x, y, self.crs, check=False)

    def project(self, data: gpd.GeoDataFrame | gpd.GeoSeries) -> Any:
        """Return a copy of Mars geodata in the frame's CRS (any geometry type)."""
        import shapely

        geo = to_mars_geographic(data)

        def move(coords: FloatArray) -> FloatArray:
            x, y = self.xy(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        out = geo.copy()
        geoms = shapely.transform(np.asarray(geo.geometry.values), move)
        if hasattr(out, "set_geometry"):
            out = out.set_geometry(list(geoms), crs=self.crs)
        else:
            out = type(out)(list(geoms), index=geo.index, crs=self.crs)
        return out

    def credit(self, text: str) -> None:
        """Add a layer's attribution (once), in characters the figure's font can draw."""
        text = _drawable(text)
        if text and text not in self.credits:
            self.credits.append(text)

    def assume(self, text: str) -> None:
        """Add an assumption the figure rests on (once), as :meth:`credit` does."""
        text = _drawable(text)
        if text and text not in self.assumptions:
            self.assumptions.append(text)

    def mark_synthetic(self, name: str) -> None:
        """Record that a layer is synthetic (the figure will be stamped SYNTHETIC)."""
        if name and name not in self.synthetic:
            self.synthetic.append(name)


def _drawable(text: str) -> str:
    """Text as the font can draw it (a credit may hold any character a file name has)."""
    from marsgeo.plot._labels import drawable

    return drawable(text) if text else text


#: How far a figure's CRS may scale east-west and north-south differently at the data, and
#: turn a right angle, before distances in the figure stop being right in every direction.
CONFORMAL_TOLERANCE = 1e-3


def _distortion(crs: pyproj.CRS, lon: float, lat: float) -> tuple[float, float]:
    """Scale of the CRS east and north at (lon, lat), measured along geodesics on Mars.

    Returns (ratio of the east-west to the north-south scale, angle between the images of
    east and north in degrees).
    """
    from marsgeo.crs import mars_geod

    geod = mars_geod(crs)
    step = 10.0  # metres on the ground
    ends = [geod.fwd(lon, lat, az, step) for az in (0.0, 90.0)]
    x, y = from_mars_lonlat([lon, ends[0][0], ends[1][0]], [lat, ends[0][1], ends[1][1]], crs)
    north = np.array([x[1] - x[0], y[1] - y[0]])
    east = np.array([x[2] - x[0], y[2] - y[0]])
    ratio = float(np.hypot(*east) / np.hypot(*north))
    cos = float(np.dot(north, east) / (np.hypot(*north) * np.hypot(*east)))
    return ratio, float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def _check_conformal(crs: pyproj.CRS, centre: tuple[float, float], name: str) -> None:
    """Refuse a CRS in which one metre is not one length in every direction at the data."""
    ratio, angle = _distortion(crs, *centre)
    if abs(ratio - 1) > CONFORMAL_TOLERANCE or abs(angle - 90) > math.degrees(CONFORMAL_TOLERANCE):
        msg = (
            f"{name}={crs.name!r} stretches the ground at the data (east-west {ratio:.4f} "
            f"times north-south, right angles drawn as {angle:.2f} deg), so a figure in it "
            "would distort distances and shapes; pass a conformal CRS (e.g. "
            "marsgeo.crs.local_crs(lon, lat), a Transverse Mercator or stereographic Mars "
            "CRS), or None for one centred on the data."
        )
        raise CRSError(msg)


_FRAMES: weakref.WeakKeyDictionary[Axes, Frame] = weakref.WeakKeyDictionary()


def frame_of(ax: Axes) -> Frame | None:
    """Return the frame a marsgeo layer made on ``ax``, or None."""
    return _FRAMES.get(ax)


def attach(ax: Axes, frame: Frame) -> Frame:
    """Make ``frame`` the frame of ``ax`` and return it."""
    _FRAMES[ax] = frame
    return frame


def frame_crs(crs: Any, *, name: str = "crs") -> pyproj.CRS:
    """Check a CRS given for a figure: a projected Mars CRS whose axes are in metres.

    Raises
    ------
    marsgeo.errors.CRSError
        Not a CRS, not on Mars (e.g. an Earth CRS), or not projected in metres.
    """
    parsed = as_crs(crs)
    if parsed is None:
        msg = (
            f"{name}={crs!r} is not a CRS; pass a projected Mars CRS in metres (e.g. "
            "marsgeo.crs.local_crs(lon, lat)), or None for one centred on the data."
        )
        raise CRSError(msg)
    if not is_mars_crs(parsed):
        msg = (
            f"{name}={parsed.name!r} is not a Mars CRS; figures are drawn on Mars: pass a "
            "projected Mars CRS in metres (e.g. marsgeo.crs.local_crs(lon, lat)), or None."
        )
        raise CRSError(msg)
    units = {a.unit_name for a in parsed.axis_info}
    if not parsed.is_projected or units != {"metre"}:
        msg = (
            f"{name}={parsed.name!r} is not projected in metres (axes in "
            f"{', '.join(sorted(units))}); a figure needs metric axes: pass a projected Mars "
            "CRS (e.g. marsgeo.crs.local_crs(lon, lat)), or None for one centred on the data."
        )
        raise CRSError(msg)
    return parsed


def check_frame_crs(
    crs: Any, lon: npt.ArrayLike, lat: npt.ArrayLike, *, name: str = "crs"
) -> pyproj.CRS:
    """Check a CRS given for a figure of the points (lon, lat): metric and conformal there.

    Raises
    ------
    marsgeo.errors.CRSError
        As :func:`frame_crs`, or a CRS that scales the ground differently east-west and
        north-south at the points' centre (e.g. an equirectangular or sinusoidal CRS).
    """
    given = frame_crs(crs, name=name)
    _check_conformal(given, mean_lonlat(lon, lat), name)
    return given


def frame_for(
    ax: Axes, lon: npt.ArrayLike, lat: npt.ArrayLike, *, crs: Any = None, name: str = "crs"
) -> Frame:
    """Return the frame of ``ax``, making it around the points (lon, lat) when it has none.

    A frame already on ``ax`` is kept (layers drawn later share it); ``crs`` given with a
    different CRS than that frame's is refused.

    Raises
    ------
    marsgeo.errors.CRSError
        ``crs`` is not a projected Mars CRS in metres, or differs from the frame of ``ax``.
    marsgeo.errors.InputError
        No points to centre a new frame on.
    """
    found = frame_of(ax)
    given = None if crs is None else frame_crs(crs, name=name)
    if found is not None:
        if given is not None and not given.equals(found.crs):
            msg = (
                f"{name}={given.name!r} differs from the CRS these axes are drawn in "
                f"({found.crs.name!r}); drop {name}= to draw in the axes' CRS, or use new axes."
            )
            raise CRSError(msg)
        return found
    lon_a = np.asarray(lon, dtype=float).ravel()
    lat_a = np.asarray(lat, dtype=float).ravel()
    if lon_a.size == 0:
        msg = "there is nothing to draw: no points to centre the figure on; pass some data."
        raise InputError(msg)
    centre = mean_lonlat(lon_a, lat_a)
    if given is not None:
        _check_conformal(given, centre, name)
    return attach(ax, Frame(crs=given if given is not None else local_crs(*centre), centre=centre))
