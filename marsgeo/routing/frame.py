"""The plan's local metric frame, and the tubes measured on the sphere."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from shapely.geometry import LineString

from marsgeo.crs import (
    MARS_GEOGRAPHIC,
    local_crs_around,
    lon_to_180,
    mars_geod,
    mean_lonlat,
)
from marsgeo.distance import geodesic_distance_m
from marsgeo.routing.model import FloatArray

# --- the local frame ------------------------------------------------------------------------------


class Frame:
    """The plan's local metric frame, and conversions in and out of it."""

    def __init__(self, lon: FloatArray, lat: FloatArray) -> None:
        self.crs = local_crs_around(lon, lat)
        self.centre = mean_lonlat(lon, lat)
        self._fwd = pyproj.Transformer.from_crs(MARS_GEOGRAPHIC, self.crs, always_xy=True)
        self._inv = pyproj.Transformer.from_crs(self.crs, MARS_GEOGRAPHIC, always_xy=True)

    def xy(self, ll: FloatArray) -> FloatArray:
        """(n, 2) lon/lat -> (n, 2) x/y."""
        c = np.asarray(ll, dtype=float).reshape(-1, 2)
        x, y = self._fwd.transform(c[:, 0], c[:, 1])
        return np.column_stack([x, y])

    def ll(self, xy: FloatArray) -> FloatArray:
        """(n, 2) x/y -> (n, 2) lon/lat."""
        c = np.asarray(xy, dtype=float).reshape(-1, 2)
        lon, lat = self._inv.transform(c[:, 0], c[:, 1])
        return np.column_stack([np.asarray(lon_to_180(lon), dtype=float), lat])


class TubeIndex:
    """The tubes near the plan, for clearances measured on the sphere.

    Each tube may carry a position uncertainty [m]: clearances are then kept from the disc
    of that radius around it.
    """

    def __init__(
        self,
        index: npt.NDArray[np.intp],
        ll: FloatArray,
        frame: Frame,
        uncertainty_m: FloatArray | None = None,
    ) -> None:
        self.index = index  # positions in the catalogue
        self.ll = ll
        self.xy = frame.xy(ll) if len(ll) else np.empty((0, 2))
        self.u = (
            np.zeros(len(ll)) if uncertainty_m is None else np.asarray(uncertainty_m, dtype=float)
        )
        self._umax = float(self.u.max()) if len(self.u) else 0.0
        self._tree = shapely.STRtree(shapely.points(self.xy))

    def nearest_m(
        self, ll: FloatArray, xy: FloatArray, within_m: float, *, skip: npt.ArrayLike = -1
    ) -> FloatArray:
        """Least geodesic distance from each point to a tube, less that tube's uncertainty.

        So ``nearest_m(...) >= clearance`` says a point keeps ``clearance`` plus each tube's
        uncertainty from every tube. inf where no tube is within ``within_m`` (plus the
        largest uncertainty). ``skip`` gives, per point (or for all), a catalogue position of
        a tube to ignore.
        """
        out = np.full(len(ll), np.inf)
        if not len(ll) or not len(self.ll):
            return out
        # planar distances in the frame are never shorter than geodesic ones by more than
        # the frame's scale error: query with a margin, then measure on the sphere
        reach = within_m + self._umax
        a, b = self._tree.query(
            shapely.points(xy), predicate="dwithin", distance=reach * 1.01 + 1.0
        )
        skip_arr = np.broadcast_to(np.asarray(skip), (len(ll),))
        keep = self.index[b] != skip_arr[a]
        a, b = a[keep], b[keep]
        if len(a):
            d = geodesic_distance_m(ll[a, 0], ll[a, 1], self.ll[b, 0], self.ll[b, 1]) - self.u[b]
            np.minimum.at(out, a, d)
        return out

    def near_line(self, line: LineString, within: float) -> tuple[FloatArray, FloatArray]:
        """Frame coordinates and uncertainties of the tubes within reach of a line.

        Within ``within`` (frame units) plus the largest uncertainty.
        """
        hit = np.sort(self._tree.query(line, predicate="dwithin", distance=within + self._umax))
        return np.asarray(self.xy[hit], dtype=float), np.asarray(self.u[hit], dtype=float)


def close_pairs(tubes_ll: FloatArray, uncertainty_m: FloatArray) -> list[tuple[int, int, float]]:
    """Pairs of tubes at the same point, or closer than the sum of their uncertainties.

    Parameters
    ----------
    tubes_ll
        (n, 2) longitude, latitude in MARS_GEOGRAPHIC degrees, catalogue order.
    uncertainty_m
        (n,) position uncertainty of each tube [m], >= 0.

    Returns
    -------
    list of tuple
        ``(i, j, distance_m)`` with catalogue positions ``i < j`` and their geodesic
        distance on the Mars sphere, sorted; pairs with ``distance_m == 0`` or
        ``distance_m < uncertainty_m[i] + uncertainty_m[j]``. Candidates come from an
        STRtree of longitude/latitude boxes (no loop over pairs).

    Examples
    --------
    >>> import numpy as np
    >>> ll = np.array([[77.408, 18.4526], [77.408, 18.4526], [77.409, 18.4526]])
    >>> close_pairs(ll, np.array([2.0, 2.0, 2.0]))
    [(0, 1, 0.0)]
    """
    ll = np.asarray(tubes_ll, dtype=float).reshape(-1, 2)
    u = np.asarray(uncertainty_m, dtype=float).reshape(-1)
    n = len(ll)
    if n < 2:
        return []
    radius = mars_geod().a
    reach = (u + float(u.max())) / radius * 1.001  # [rad]
    d = np.degrees(reach) + 1e-9
    lat = ll[:, 1]
    south, north = np.maximum(lat - d, -90.0), np.minimum(lat + d, 90.0)
    edge = np.maximum(np.abs(south), np.abs(north))
    with np.errstate(divide="ignore", invalid="ignore"):
        sin_over = np.sin(np.minimum(reach, np.pi / 2)) / np.cos(np.radians(edge))
        half = np.where(
            (edge < 90.0) & (sin_over < 1.0) & (reach < np.pi / 2),
            np.degrees(np.arcsin(np.clip(sin_over, 0.0, 1.0))) + 1e-9,
            180.0,
        )
    lon = np.asarray(lon_to_180(ll[:, 0]), dtype=float)
    boxes = shapely.box(lon - half, south, lon + half, north)
    shifted = np.concatenate([lon - 360.0, lon, lon + 360.0])
    tree = shapely.STRtree(shapely.points(shifted, np.tile(lat, 3)))
    a, b = tree.query(boxes, predicate="intersects")
    b = b % n
    keep = a < b
    pairs = np.unique(np.column_stack([a[keep], b[keep]]), axis=0)
    if not len(pairs):
        return []
    i, j = pairs[:, 0], pairs[:, 1]
    dist = geodesic_distance_m(ll[i, 0], ll[i, 1], ll[j, 0], ll[j, 1])
    close = (dist == 0.0) | (dist < u[i] + u[j])
    return [
        (int(p), int(q), float(x)) for p, q, x in zip(i[close], j[close], dist[close], strict=True)
    ]
