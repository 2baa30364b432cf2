"""Geodesic maths on the Mars body: distances, matrices, pair lines, neighbours, spacing.

Which body: every distance, azimuth and area here is measured on the IAU Mars sphere of
:data:`~marsgeo.crs.MARS_GEOGRAPHIC` (R = 3 396 190 m), whatever Mars CRS the input is in:
points in a planetographic, west-longitude, ellipsoidal or projected Mars CRS are first
converted to MARS_GEOGRAPHIC (planetocentric latitude, east longitude), as the tube
catalogue, the pickup plans and the maps are. So the same places give the same distances
through every door. ``geod=`` (a :class:`pyproj.Geod`) is the one explicit override: pass
``marsgeo.crs.mars_geod("IAU_2015:49901")`` to measure on the IAU ellipsoid instead (about
0.06 % apart at Jezero). Never WGS84: on Earth's ellipsoid the same pair of Jezero points is
1.88 times as far apart.

Everything here is vectorised: one call into PROJ per block of pairs, no per-pair Python loop.
Nearest neighbours and radius queries use a k-d tree on unit vectors (SciPy, imported when
first needed), so their memory and work grow with the number of points, not its square.
Pure computation: no I/O, no drawing.

Coordinates are judged by marsgeo's one coordinate range rule
(:func:`marsgeo.crs.coordinate_problems`). Memory is bounded: a call whose result and work
arrays would take more than :data:`MAX_BYTES` (or its ``max_bytes=``) is refused with a
:class:`~marsgeo.errors.TooLargeError` before anything is allocated, naming the size and what
to do instead.

Point sets too large for one process (10^7 - 10^8 points) can be passed as a
``dask_geopandas`` GeoDataFrame or GeoSeries (the optional extra ``marsgeo[dask]``); each
function then gives what it gives for the same points in one GeoDataFrame, to the last bit:
:func:`distances_from` and :func:`geodesic_area_perimeter` lazily, partition by partition;
:func:`nearest_neighbours` and :func:`pairwise_distances` with ``max_distance_m`` computed on
the cluster across partitions (spatial partitions with a halo) and returned as Dask frames
partitioned like the input; :func:`spacing_violations` as one GeoDataFrame; and
:func:`distance_matrix` and :func:`pairwise_distances` without ``max_distance_m`` only when
the whole result fits ``max_bytes``. "First in the input order" (ties) means first by
partition, then by row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy.typing as npt
import pandas as pd
import pyproj

from marsgeo._validate import check_length
from marsgeo.distance import _kernel, _measure, _nearest, _pairs
from marsgeo.distance._kernel import FloatArray, body_geod, byte_limit, on_dask

if TYPE_CHECKING:
    import geopandas as gpd

    from marsgeo.typing import LonLatLike, PointFrame, ShapeFrame

__all__ = [
    "MAX_BYTES",
    "distance_matrix",
    "distances_from",
    "geodesic_area_perimeter",
    "geodesic_distance_m",
    "nearest_neighbours",
    "pairwise_distances",
    "spacing_violations",
]

# Each public function checks what it shares with the others and hands the work on: to the
# one-process code (_measure, _pairs, _nearest, all on the kernels of _kernel) or, for a
# dask_geopandas frame, to the Dask code (_dask, _dask_nearest), imported only then.

#: Memory [bytes] a distance function may take for its result and work arrays unless its
#: ``max_bytes=`` says otherwise: 2 GiB. Read at each call, so setting
#: ``marsgeo.distance.MAX_BYTES`` changes the bound for every later call.
MAX_BYTES = 2 * 1024**3


def geodetic_lat(lat_c: FloatArray, geod: pyproj.Geod) -> FloatArray:
    """Planetocentric latitude -> the geodetic latitude Geod expects on its ellipsoid."""
    return _kernel.geodetic_lat(lat_c, geod)


def geodesic_distance_m(
    lon1: npt.ArrayLike,
    lat1: npt.ArrayLike,
    lon2: npt.ArrayLike,
    lat2: npt.ArrayLike,
    *,
    geod: pyproj.Geod | None = None,
    max_bytes: float | None = None,
) -> FloatArray:
    """Geodesic distance [m] between points given in MARS_GEOGRAPHIC degrees (vectorised).

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Planetocentric degrees, east longitude (-360..360), latitude -90..90; numbers or
        arrays of numbers that broadcast together.
    geod
        The body; the IAU Mars sphere (:func:`marsgeo.crs.mars_geod`) by default. For an
        ellipsoid, the planetocentric latitudes are converted to its geodetic latitude first.
    max_bytes
        Memory bound of the call (default :data:`MAX_BYTES`); the work takes about 128 bytes
        per distance.

    Returns
    -------
    numpy.ndarray
        Distances in metres, in the broadcast shape.

    Raises
    ------
    marsgeo.errors.CoordinateError
        Values that are not numbers (booleans, text, None), NaN, infinite or out-of-range
        coordinates (see :func:`marsgeo.crs.coordinate_problems`).
    marsgeo.errors.InputError
        Shapes that do not broadcast together.
    marsgeo.errors.TooLargeError
        More distances than ``max_bytes`` allows at once: compute them in blocks.

    Examples
    --------
    From the Octavia E. Butler Landing to (77.4 E, 18.46 N):

    >>> float(geodesic_distance_m(77.4508, 18.4447, 77.4, 18.46)).__round__(2)
    2996.86
    """
    g = body_geod(geod)
    limit = byte_limit(max_bytes, default=MAX_BYTES)
    return _measure.geodesic_distance_m(lon1, lat1, lon2, lat2, g=g, limit=limit)


def distances_from(
    points: PointFrame, origin: LonLatLike, *, geod: pyproj.Geod | None = None
) -> pd.DataFrame:
    """Geodesic distance [m] and initial bearing [deg] of every point from one origin.

    Measured like every other distance of this module (on the MARS_GEOGRAPHIC sphere unless
    ``geod=`` names another body), one vectorised call for all points: memory grows with
    the number of points only.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS; its index labels the result. A
        dask_geopandas frame gives a lazy Dask DataFrame, partitioned like it.
    origin
        Where to measure from: ``(lon, lat)`` in :data:`~marsgeo.crs.MARS_GEOGRAPHIC`
        degrees (planetocentric, east longitude, longitude first), a shapely Point in
        MARS_GEOGRAPHIC, or a GeoSeries/GeoDataFrame of one Point in a Mars CRS.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).

    Returns
    -------
    pandas.DataFrame
        Index as the points' (its name kept); columns ``distance_m`` (geodesic distance from
        the origin) and ``bearing_deg`` (initial bearing at the origin towards the point,
        clockwise from north, 0..360; NaN where the distance is 0, as at the origin itself).

    Raises
    ------
    marsgeo.errors.CoordinateError
        An origin that is not one place, or whose coordinates break the coordinate range
        rule (:func:`marsgeo.crs.coordinate_problems`); points that do.

    Examples
    --------
    From the Octavia E. Butler Landing to the depot's first and last tubes:

    >>> from marsgeo import load_depot
    >>> d = distances_from(load_depot(), (77.4508, 18.4447))
    >>> d.loc[[1, 10]].round(1).values.tolist()
    [[2465.7, 281.0], [2436.2, 282.2]]
    """
    if on_dask(points):
        from marsgeo.distance import _dask

        lazy: pd.DataFrame = _dask.distances_from(points, origin, geod=geod)
        return lazy
    return _measure.distances_from(points, origin, geod=geod)


def distance_matrix(
    points: PointFrame, *, geod: pyproj.Geod | None = None, max_bytes: float | None = None
) -> pd.DataFrame:
    """Geodesic distance [m] between every pair of points.

    Each unordered pair is computed once (the matrix is symmetric), in one vectorised call.
    The matrix takes 8 n^2 bytes: 800 MB for 10 000 points, 80 GB for 100 000. A matrix
    larger than ``max_bytes`` is refused before anything is allocated; for large sets use
    :func:`pairwise_distances` with ``max_distance_m`` (a radius query) or
    :func:`nearest_neighbours`.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS; its index labels the result. A
        dask_geopandas frame is computed here only if the matrix fits ``max_bytes``.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).
    max_bytes
        Memory bound of the call (default :data:`MAX_BYTES`, 2 GiB: about 16 000 points).

    Returns
    -------
    pandas.DataFrame
        Square, index and columns the points' index (named like it, default ``tube_id``),
        zero diagonal, metres.

    Raises
    ------
    marsgeo.errors.TooLargeError
        The matrix would take more than ``max_bytes``.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> d = distance_matrix(load_depot())
    >>> d.shape, round(float(d.loc[3, 4]), 2)
    ((10, 10), 5.5)
    """
    limit = byte_limit(max_bytes, default=MAX_BYTES)
    if on_dask(points):
        from marsgeo.distance import _dask

        matrix: pd.DataFrame = _dask.distance_matrix(points, geod=geod, limit=limit)
        return matrix
    return _pairs.distance_matrix(points, geod=geod, limit=limit)


def pairwise_distances(
    points: PointFrame,
    *,
    max_distance_m: float | None = None,
    geod: pyproj.Geod | None = None,
    max_bytes: float | None = None,
) -> gpd.GeoDataFrame:
    """Every unordered pair of points as a line, with its geodesic distance and azimuth.

    n points have n (n - 1) / 2 pairs, each row taking about 600 bytes: 3 GB for 3 200
    points. Without ``max_distance_m``, a result larger than ``max_bytes`` is refused before
    anything is computed. With it (a radius query), a k-d tree of the points' directions
    gives the candidate pairs, so the work grows with the pairs found rather than with n^2;
    the pairs are counted first, and the call is refused before they are gathered if they
    would pass ``max_bytes``. The geodesic distance decides each pair, so the pairs are the
    ones every pair's distance would give, in the same order.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS. With ``max_distance_m``, a
        dask_geopandas frame gives a Dask GeoDataFrame computed on its cluster (see the
        module notes); without, it is computed here only if the pairs fit ``max_bytes``.
    max_distance_m
        Keep only pairs at most this far apart [m], a finite number >= 0 (a radius query,
        for large catalogues).
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).
    max_bytes
        Memory bound of the call (default :data:`MAX_BYTES`, 2 GiB: about 3.5 million pairs).

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``pair_id``; columns ``<id>_from``, ``<id>_to`` (``tube_id_from``/``tube_id_to``
        for a tube catalogue, from < to in input order), ``distance_m``, ``azimuth_deg``
        (forward azimuth at the first point, clockwise from north, 0..360); LineString
        geometry from the first point to the second, in MARS_GEOGRAPHIC.

    Raises
    ------
    marsgeo.errors.TooLargeError
        The pairs would take more than ``max_bytes``.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> pairs = pairwise_distances(load_depot())
    >>> len(pairs), list(pairs.columns[:2])
    (45, ['tube_id_from', 'tube_id_to'])
    """
    max_distance_m = check_length(
        max_distance_m, name="max_distance_m", example="e.g. 50.0", allow_none=True
    )
    limit = byte_limit(max_bytes, default=MAX_BYTES)
    if on_dask(points):
        from marsgeo.distance import _dask

        return _dask.pairwise_distances(
            points, max_distance_m=max_distance_m, geod=geod, limit=limit
        )
    return _pairs.pairwise_distances(points, max_distance_m=max_distance_m, geod=geod, limit=limit)


def nearest_neighbours(points: PointFrame, *, geod: pyproj.Geod | None = None) -> gpd.GeoDataFrame:
    """Each point's nearest other point, its distance and azimuth.

    Found with a k-d tree of the points' directions, exactly (on the sphere the nearest by
    chord is the nearest on the body; on an ellipsoid passed as ``geod=`` candidates are
    re-ranked by the geodesic until none further out could be nearer): work grows as
    n log n and memory as n, so a million points are routine.

    Ties: of several points equally near (to the last bit of the distance as computed), the
    one first in the input order is the neighbour. Points at one place (equal coordinates)
    are each other's neighbours at distance 0, each taking the first other point there.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of at least two Points in a Mars CRS. A dask_geopandas frame
        gives a Dask GeoDataFrame computed on its cluster, exactly (see the module notes).
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).

    Returns
    -------
    geopandas.GeoDataFrame
        Index as the input's (``tube_id``); columns ``nearest_<id>`` (``nearest_tube_id``),
        ``distance_m``, ``azimuth_deg`` (towards the neighbour); LineString geometry from the
        point to its neighbour, in MARS_GEOGRAPHIC.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> nn = nearest_neighbours(load_depot())
    >>> int(nn.loc[10, "nearest_tube_id"]), round(float(nn.loc[10, "distance_m"]), 1)
    (9, 20.1)
    """
    if on_dask(points):
        from marsgeo.distance import _dask_nearest

        return _dask_nearest.nearest_neighbours(points, geod=geod)
    return _nearest.nearest_neighbours(points, geod=geod)


def spacing_violations(
    points: PointFrame,
    *,
    min_spacing_m: float,
    geod: pyproj.Geod | None = None,
    max_bytes: float | None = None,
) -> gpd.GeoDataFrame:
    """Pairs of points closer than ``min_spacing_m``.

    The Three Forks tubes were laid 5 to 15 m apart so that a recovery helicopter meets one
    tube at a time; this finds layouts that break such a rule.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS, or a dask_geopandas frame (the
        pairs are found on its cluster; the violations are returned in one GeoDataFrame).
    min_spacing_m
        Minimum allowed distance [m], a finite number > 0.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).
    max_bytes
        Memory bound of the call, as for :func:`pairwise_distances`.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`pairwise_distances`, only the pairs with ``distance_m < min_spacing_m``,
        closest first. Empty when the layout is fine.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> len(spacing_violations(load_depot(), min_spacing_m=5.0))
    0
    >>> close = spacing_violations(load_depot(), min_spacing_m=6.0)
    >>> close[["tube_id_from", "tube_id_to"]].values.tolist()
    [[3, 4], [5, 6]]
    """
    spacing = check_length(
        min_spacing_m, name="min_spacing_m", example="e.g. 5.0", allow_zero=False
    )
    limit = byte_limit(max_bytes, default=MAX_BYTES)
    if on_dask(points):
        from marsgeo.distance import _dask

        return _dask.spacing_violations(points, min_spacing_m=min_spacing_m, geod=geod, limit=limit)
    pairs = _pairs.pairwise_distances(points, max_distance_m=spacing, geod=geod, limit=limit)
    return _pairs.closest_first(pairs[pairs["distance_m"] < min_spacing_m])


def geodesic_area_perimeter(shapes: ShapeFrame, *, geod: pyproj.Geod | None = None) -> pd.DataFrame:
    """Geodesic area [m^2] and perimeter [m] of each geometry, on the Mars body.

    Polygon edges are taken as geodesics (densify lines of latitude before calling). Each
    ring of a polygon is measured on its own, so the result does not depend on the winding
    of the shell or of the holes. A ring is taken to enclose the smaller of the two regions
    it bounds on the body.

    Parameters
    ----------
    shapes
        GeoDataFrame or GeoSeries in a Mars CRS, its coordinates keeping marsgeo's coordinate
        range rule (:func:`marsgeo.crs.coordinate_problems`). A dask_geopandas frame gives
        a lazy Dask DataFrame, partitioned like it.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).

    Returns
    -------
    pandas.DataFrame
        Index as the input's, and two columns:

        ``area_m2``
            For a polygon, the area of its shell minus the areas of its holes; 0 for
            points and lines (a line is never closed into a ring, even when its ends meet).
        ``perimeter_m``
            For a polygon, the length of its whole boundary: the shell *and* every hole, as
            shapely's ``length`` counts it; for a line, its geodesic length; 0 for points.

        Multi-part geometries and geometry collections get the sums over their parts; empty
        and missing geometries get 0.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> from marsgeo.crs import MARS_GEOGRAPHIC
    >>> shapes = gpd.GeoSeries([box(0, 0, 1, 1), LineString([(0, 0), (1, 0)])], crs=MARS_GEOGRAPHIC)
    >>> measures = geodesic_area_perimeter(shapes)
    >>> (measures["area_m2"] / 1e6).round().tolist()
    [3513.0, 0.0]
    >>> (measures["perimeter_m"] / 1e3).round(3).tolist()
    [237.09, 59.275]
    """
    if on_dask(shapes):
        from marsgeo.distance import _dask

        measures: pd.DataFrame = _dask.geodesic_area_perimeter(shapes, geod=geod)
        return measures
    return _measure.geodesic_area_perimeter(shapes, geod=geod)
