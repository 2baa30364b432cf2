"""Zones, the local frame and flight paths of a pickup plan (private).

Used by :mod:`marsgeo.routing`.

- Zones to avoid (no-fly zones, hazards) are read from every spelling the API accepts, checked
  and made valid in MARS_GEOGRAPHIC (:func:`zones_from`). :func:`frame_zone` clips each to the
  planning window (a longitude/latitude box around the plan), densifies its edges (straight in
  longitude and latitude) and projects it into the plan's local frame; so a zone reaching a
  pole, covering the planet or crossing the antimeridian keeps its area there.
- :class:`Frame` is the local metric frame, centred on the points' mean unit vector
  (:func:`marsgeo.crs.local_crs_around`). The pad and the landing spots are placed on the Mars
  sphere and measured there (:class:`TubeIndex`); only paths are found in the frame.
- Each zone is grown by the obstacle clearance (:func:`grow_zone`: the grown outline contains
  every point within the clearance, plus :data:`FRAME_MARGIN_M`); outlines traced from DTM
  pixels are simplified outwards by at most :data:`OUTLINE_TOL_M`. Nothing else is added: no
  hulls. Shortest paths around the grown zones are exact in the frame (:class:`Field`: a
  visibility graph over their convex corners, one Dijkstra run from the pad for the whole
  plan). Each tube lands at the clear candidate spot with the shortest path from the pad
  (:meth:`Site.plan_trips`). Paths are cut into flights with :func:`split_path`, and
  :func:`fit_flights` checks each flight and relay on the sphere.
- Tubes may carry a position uncertainty: spots keep their clearances from the disc it spans
  (:class:`TubeIndex`); :func:`close_pairs` finds tubes whose discs overlap.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from shapely.affinity import translate
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import substring, unary_union

from marsgeo._schedule import Trip
from marsgeo.crs import (
    MARS_GEOGRAPHIC,
    coordinate_problems,
    local_crs_around,
    lon_to_180,
    mars_geod,
    mean_lonlat,
    real_numbers,
    require_mars_crs,
    to_mars_geographic,
)
from marsgeo.distance import geodesic_distance_m
from marsgeo.errors import (
    CoordinateError,
    InputError,
    PlanningError,
    TooLargeError,
    raise_collected,
)

if TYPE_CHECKING:
    from marsgeo.routing import HelicopterSpec

XY = tuple[float, float]
FloatArray = npt.NDArray[np.float64]

#: Longest edge [deg] of a zone when it is projected. Edges are straight in longitude and
#: latitude; on the Mars sphere a 0.02 deg step keeps each projected piece within 5 cm of
#: the true outline (``R * step**2 / 8``), inside the :data:`FRAME_MARGIN_M` obstacles get.
DENSIFY_DEG = 0.02
#: Zones are grown by the obstacle clearance plus this margin [m]: the 5 cm a projected edge
#: may stray from the true one (:data:`DENSIFY_DEG`) and the frame's scale error (under 1 cm
#: within 5 km of its centre).
FRAME_MARGIN_M = 0.06
#: Segments per quarter circle of the round buffers that grow zones. Their chords cut inside
#: the arcs by ``1 - cos(pi / 32)``, 0.5 % of the distance: the distance is enlarged to match.
QUAD_SEGS = 8
#: A grown zone with more corners than this (hazards traced from DTM pixels; points in a
#: line do not count) is simplified outwards (:func:`simplify_outwards`).
SIMPLIFY_VERTICES = 200
#: Douglas-Peucker tolerance [m] of the outward simplification.
SIMPLIFY_TOL_M = 0.2
#: A simplified grown zone lies at most this far [m] outside the grown zone: the tolerance,
#: plus ``sqrt(2)`` times the tolerance it is grown by again (mitred corners).
OUTLINE_TOL_M = SIMPLIFY_TOL_M * (1.0 + math.sqrt(2.0))
#: Segments are tested against the grown zones shrunk by this much [m], so that a path may
#: run along an outline or through a corner despite float rounding; it is far inside
#: :data:`FRAME_MARGIN_M`.
SOLID_M = 1e-3
#: The pad and the landing spots are placed this much [m] beyond their standoffs, so that float
#: rounding (about 3e-9 m in a position on Mars given in degrees) never measures them short.
NUDGE_M = 1e-6

Zone: TypeAlias = Polygon | MultiPolygon


# --- zones from the user ----------------------------------------------------------------------


def _flat(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """Take a geometry apart into simple parts, collections and multi-parts at any depth."""
    parts = shapely.get_parts(geom)
    while any(
        p.geom_type.startswith("Multi") or p.geom_type == "GeometryCollection" for p in parts
    ):
        parts = shapely.get_parts(parts)
    return list(parts)


def _zone_items(obj: Any, *, name: str) -> list[tuple[str, Any]]:
    """(label, item) pairs for each zone of a no_fly / hazard argument.

    Rows of a GeoDataFrame/GeoSeries come in MARS_GEOGRAPHIC, except rows with non-finite
    coordinates, which stay as they are (and are refused by the caller).
    """
    if isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries)):
        crs = require_mars_crs(obj, name=name)
        geoms = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
        finite = np.array(
            [g is None or bool(np.isfinite(shapely.get_coordinates(g)).all()) for g in geoms],
            dtype=bool,
        )
        good = geoms[finite]
        xy = shapely.get_coordinates(np.asarray(good.values, dtype=object))
        if crs.is_projected and len(xy):
            # edges are straight in the projected CRS: keep them so in longitude and latitude
            extent = float(np.ptp(xy, axis=0).max())
            if extent > 0:
                good = good.segmentize(extent / 512)
        converted = iter(to_mars_geographic(good))
        rows = [next(converted) if ok else g for ok, g in zip(finite, geoms, strict=True)]
        # hazards from terrain say why they are hazards (e.g. slope, or no elevation data)
        why = obj["rule"] if isinstance(obj, gpd.GeoDataFrame) and "rule" in obj else None
        labels = [
            f"{name} row {i!r}" + (f" ({why.loc[i]})" if why is not None else "")
            for i in geoms.index
        ]
        return list(zip(labels, rows, strict=True))
    if isinstance(obj, (str, shapely.Geometry)):
        return [(name, obj)]
    if isinstance(obj, (bytes, Mapping)) or not isinstance(obj, Iterable):
        msg = f"{name} of type {type(obj).__name__} is not a set of zones; {_zones_fix(name)}."
        raise InputError(msg)
    return [(f"{name}[{k}]", v) for k, v in enumerate(obj)]


def _zones_fix(name: str) -> str:
    extra = ", a marsgeo Raster, or 'synthetic'" if name == "hazard" else ""
    return (
        f"pass {name} as polygons: a GeoDataFrame/GeoSeries in a Mars CRS, shapely polygons in "
        f"MARS_GEOGRAPHIC lon/lat, WKT text, or a list of those{extra}"
    )


def zones_from(obj: Any, *, name: str) -> list[tuple[str, Polygon | MultiPolygon]]:
    """Zones to avoid as (label, valid polygons in MARS_GEOGRAPHIC); bad ones refused at once.

    A self-intersecting zone is repaired (shapely ``make_valid``: a bowtie becomes its two
    lobes); empty zones are skipped; zones with non-polygon parts, NaN or infinite vertices,
    latitude outside -90..90, longitude outside -360..360 or no area are refused, naming them.
    """
    if obj is None:
        return []
    problems: list[str] = []
    coordinate = True
    out: list[tuple[str, Polygon | MultiPolygon]] = []
    for label, item in _zone_items(obj, name=name):
        geom = item
        if isinstance(item, str):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # "nan" vertices: refused below
                    geom = shapely.from_wkt(item)
            except shapely.errors.ShapelyError as exc:
                problems.append(f"{label}={item!r} is not WKT ({exc}); {_zones_fix(name)}")
                coordinate = False
                continue
        if not isinstance(geom, shapely.Geometry):
            problems.append(f"{label} is a {type(geom).__name__}; {_zones_fix(name)}")
            coordinate = False
            continue
        if geom.is_empty:
            continue
        kinds = sorted({p.geom_type for p in _flat(geom)})
        if kinds != ["Polygon"]:
            problems.append(
                f"{label} holds {'/'.join(kinds)}, not only polygons; pass polygons (buffer "
                "points and lines by a distance first)"
            )
            coordinate = False
            continue
        xy = shapely.get_coordinates(geom)
        # marsgeo's one coordinate range rule, naming the zone
        broken = coordinate_problems(xy[:, 0], xy[:, 1], rows=[label] * len(xy))
        if broken:
            problems.extend(p.replace(f"rows {label!r} have", f"{label} has") for p in broken)
            continue
        valid = polygonal(shapely.make_valid(shapely.force_2d(geom)))
        if valid is None:
            problems.append(
                f"{label} has no area (its vertices are repeated or in a line); pass a "
                "polygon with an area"
            )
            coordinate = False
            continue
        out.append((label, valid))
    raise_collected(CoordinateError if coordinate else InputError, problems, what="zones to avoid")
    return out


def hazard_zones(hazard: Any, *, tubes: Any = None) -> list[tuple[str, Polygon | MultiPolygon]]:
    """Zones of hazardous terrain: from zones, a Raster, or "synthetic" (the synthetic DTM).

    A DTM with no elevation data at one of ``tubes`` is refused with a PlanningError that
    says so, rather than reporting the tube as inside a hazard (unknown terrain is one).
    """
    if hazard is None:
        return []
    if isinstance(hazard, str) and hazard.strip().lower() == "synthetic":
        from marsgeo._terrain import synthetic_dtm

        hazard = synthetic_dtm()  # as marsgeo.basemap.load_dtm(None)
    from marsgeo._raster import Raster

    if isinstance(hazard, Raster):
        from marsgeo._terrain import check_elevation_at, hazard_areas

        if tubes is not None and hazard.units in ("m", "metre", "meter"):
            check_elevation_at(
                hazard, tubes, where="the hazard DTM", what="tubes", error=PlanningError
            )
        return zones_from(hazard_areas(hazard), name="hazard")
    return zones_from(hazard, name="hazard")


# --- zones into the local frame -----------------------------------------------------------------


def polygonal(geom: shapely.Geometry | None) -> Polygon | MultiPolygon | None:
    """Return the polygons with area in ``geom`` (lines and points dropped), or None."""
    if geom is None or geom.is_empty:
        return None
    polys = [p for p in _flat(geom) if p.geom_type == "Polygon" and p.area > 0]
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def window_box(lon: float, lat: float, radius_m: float, *, sphere_radius_m: float) -> Polygon:
    """Return a longitude/latitude box holding every point within ``radius_m`` of (lon, lat).

    Longitudes run on continuously around ``lon`` (they may pass +-180). Where the circle
    reaches a pole the box spans all longitudes, up to that pole.
    """
    d = math.degrees(radius_m / sphere_radius_m)
    south, north = max(lat - d, -90.0), min(lat + d, 90.0)
    edge = max(abs(south), abs(north))
    half = 180.0
    if d < 90.0 and edge < 90.0:
        reach = math.sin(math.radians(d)) / math.cos(math.radians(edge))
        if reach < 1.0:
            half = math.degrees(math.asin(reach))
    return shapely.box(lon - half, south, lon + half, north)


def frame_zone(
    zone: Polygon | MultiPolygon,
    window: Polygon,
    to_frame: Callable[[FloatArray], FloatArray],
) -> Polygon | MultiPolygon | None:
    """Project the part of a zone inside the window into the local frame.

    ``zone`` is valid and in MARS_GEOGRAPHIC, with longitudes in -360..360; it is matched
    with the window shifted by whole turns, so either longitude convention works. Returns
    None when nothing of the zone lies in the window.
    """
    zminx, _, zmaxx, _ = zone.bounds
    wminx, _, wmaxx, _ = window.bounds
    parts = []
    for k in range(math.floor((zminx - wmaxx) / 360.0), math.ceil((zmaxx - wminx) / 360.0) + 1):
        piece = polygonal(shapely.intersection(zone, translate(window, xoff=360.0 * k)))
        if piece is not None:
            parts.append(translate(piece, xoff=-360.0 * k))
    if not parts:
        return None
    clipped = unary_union(parts)
    dense = shapely.segmentize(clipped, DENSIFY_DEG)
    projected = shapely.transform(dense, to_frame)
    if not np.isfinite(shapely.get_coordinates(projected)).all():
        return None  # pragma: no cover - the window lies well inside the frame's domain
    return polygonal(shapely.make_valid(projected))


# --- obstacles and shortest paths --------------------------------------------------------------


def grow_zone(zone: Zone, clearance_m: float) -> Zone:
    """Grow a zone (frame coordinates) by ``clearance_m`` into the outline paths go around.

    The result CONTAINS every point within ``clearance_m + FRAME_MARGIN_M`` of the zone:
    shapely's round buffer puts its vertices on the offset arcs and its chords cut inside
    them by at most ``1 - cos(pi / (4 * QUAD_SEGS))`` of the distance, so the distance is
    enlarged by ``1 / cos(pi / (4 * QUAD_SEGS))`` (0.5 %).
    """
    r = (clearance_m + FRAME_MARGIN_M) / math.cos(math.pi / (4 * QUAD_SEGS))
    out = polygonal(shapely.buffer(zone, r, quad_segs=QUAD_SEGS))
    return out if out is not None else Polygon()


def simplify_outwards(outline: Polygon) -> Polygon | MultiPolygon:
    """Simplify an outline with many corners so that the result still CONTAINS it.

    Douglas-Peucker with :data:`SIMPLIFY_TOL_M` keeps every point of the outline within the
    tolerance of the simple one (and the simple one within the tolerance of the outline), so
    the simple one grown by the tolerance contains the outline again. It is grown with
    mitred corners (each at most ``sqrt(2)`` times the tolerance from the simple corner,
    beyond that bevelled), which contain the round ones: the result lies within
    :data:`OUTLINE_TOL_M` outside the outline.
    """
    simple = shapely.simplify(outline, SIMPLIFY_TOL_M, preserve_topology=True)
    grown = shapely.buffer(simple, SIMPLIFY_TOL_M, join_style="mitre", mitre_limit=math.sqrt(2))
    out = polygonal(grown)
    return out if out is not None else outline


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.asarray(a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0], dtype=float)


class PathTree(NamedTuple):
    """Shortest distances in the frame from one source to every corner of a :class:`Field`."""

    source: FloatArray  # (2,) frame x, y
    dist: FloatArray  # (V,) path length to each corner, inf where none
    pred: npt.NDArray[np.intp]  # (V,) previous corner on the path, -1: the source
    within: float = math.inf  # corners farther from the source were left out


class Field:
    """Obstacles in the local metric frame, and exact shortest paths around them.

    Each zone is grown by the clearance with :func:`grow_zone` (the grown outline contains
    every point within ``clearance_m`` of the zone, plus :data:`FRAME_MARGIN_M` for the
    frame), and the grown zones are merged where they overlap (``unary_union``), nothing
    more: no hulls. A merged outline with more than :data:`SIMPLIFY_VERTICES` corners (hazards
    traced from DTM pixels) is simplified outwards (:func:`simplify_outwards`). A path may run
    along a grown outline or through its corners but never enters one.

    Shortest paths are exact in the frame for the grown outlines: they are found on the
    visibility graph of the outlines' convex corners (a shortest path bends only there),
    keeping only edges tangent at both ends, with Dijkstra's algorithm. The grown outlines
    lie outside the zones grown by exactly the clearance by at most ``0.5 %`` of the
    clearance plus :data:`FRAME_MARGIN_M` (plus :data:`OUTLINE_TOL_M` where simplified); so
    paths are the shortest around the zones grown by the clearance to within about that
    much times the angle (in radians) they turn through.
    """

    def __init__(self, obstacles: Sequence[Polygon | MultiPolygon], *, clearance_m: float) -> None:
        self.raw: list[Zone] = [p for p in obstacles if not p.is_empty]
        self._raw_tree = shapely.STRtree(self.raw) if self.raw else None
        for r in self.raw:
            shapely.prepare(r)
        grown = [grow_zone(p, clearance_m) for p in self.raw]
        merged = polygonal(unary_union(grown)) if grown else None
        parts = [] if merged is None else [p for p in _flat(merged) if p.area > 0]
        many = [
            shapely.get_num_coordinates(shapely.simplify(p, 1e-6)) > SIMPLIFY_VERTICES
            for p in parts
        ]
        if any(many):
            simpler = [simplify_outwards(p) if m else p for p, m in zip(parts, many, strict=True)]
            merged = polygonal(unary_union(simpler))
            parts = [] if merged is None else [p for p in _flat(merged) if p.area > 0]
        self.zones: list[Polygon] = [shapely.orient_polygons(p) for p in parts]
        # interiors, for crossing tests: a segment may touch an outline, not enter it
        solid = [polygonal(z.buffer(-SOLID_M, join_style="mitre")) for z in self.zones]
        self._solid = [s for s in solid if s is not None]
        for s in self._solid:
            shapely.prepare(s)
        self._tree = shapely.STRtree(self._solid) if self._solid else None
        self._zone_tree = shapely.STRtree(self.zones) if self.zones else None
        for z in self.zones:
            shapely.prepare(z)
        corners, before, after = [], [], []
        for z in self.zones:
            # corners, and the edges beside them, without the points in a line between them
            bare = shapely.orient_polygons(shapely.simplify(z, 1e-4, preserve_topology=True))
            for ring in [bare.exterior, *bare.interiors]:
                c = np.asarray(ring.coords, dtype=float)[:-1]
                if len(c) < 3:
                    continue
                prv, nxt = np.roll(c, 1, axis=0), np.roll(c, -1, axis=0)
                e1, e2 = c - prv, nxt - c
                # the zone lies on the left of every ring: a convex corner turns left
                size = np.hypot(e1[:, 0], e1[:, 1]) * np.hypot(e2[:, 0], e2[:, 1])
                convex = _cross(e1, e2) > 1e-6 * size
                corners.append(c[convex])
                before.append(prv[convex])
                after.append(nxt[convex])
        empty = np.empty((0, 2))
        self.nodes: FloatArray = np.vstack(corners) if corners else empty
        self._prv: FloatArray = np.vstack(before) if before else empty
        self._nxt: FloatArray = np.vstack(after) if after else empty
        self.corners: list[XY] = [(float(x), float(y)) for x, y in self.nodes]
        # visibility edges found so far, and the corners they were looked for among
        self._looked = np.zeros(len(self.nodes), dtype=bool)
        self._found: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]] = []

    @property
    def empty(self) -> bool:
        """True when there is nothing to avoid."""
        return not self.zones

    def blocked(self, p: XY) -> bool:
        """Tell whether a point lies inside or on a grown obstacle."""
        return bool(self.blocked_many([p])[0])

    def blocked_many(self, points: Sequence[XY] | FloatArray) -> npt.NDArray[np.bool_]:
        """Tell, for each point, whether it lies inside or on a grown obstacle."""
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        return _meets(self._zone_tree, self.zones, np.asarray(shapely.points(pts), dtype=object))

    def drive_clear(self, a: FloatArray, b: FloatArray) -> npt.NDArray[np.bool_]:
        """Tell, for each pair, whether the segment a-b stays out of every zone as given.

        Ground drives (landing spot to tube, pad to lander) keep out of the zones
        themselves, not the grown ones.
        """
        a2, b2 = np.asarray(a, dtype=float).reshape(-1, 2), np.asarray(b, dtype=float)
        b2 = np.broadcast_to(b2.reshape(-1, 2), a2.shape)
        return ~_meets(self._raw_tree, self.raw, _segments(a2, b2))

    def visible(self, a: FloatArray, b: FloatArray) -> npt.NDArray[np.bool_]:
        """Tell, for each pair, whether the segment a-b enters no grown obstacle.

        Segments may run along an outline or through its corners (they are tested against
        the grown zones shrunk by :data:`SOLID_M`).
        """
        a2, b2 = np.asarray(a, dtype=float).reshape(-1, 2), np.asarray(b, dtype=float)
        b2 = np.broadcast_to(b2.reshape(-1, 2), a2.shape)
        if self._tree is None or not len(a2):
            return np.ones(len(a2), dtype=bool)
        return ~_meets(self._tree, self._solid, _segments(a2, b2))

    def _tangent(self, v: npt.NDArray[np.intp], p: FloatArray) -> npt.NDArray[np.bool_]:
        """Tell whether the line from corner ``v`` to ``p`` leaves both its edges on one side.

        Only such lines can carry a shortest path that bends at the corner. ``v`` and ``p``
        broadcast together (``p`` has a last axis of 2).
        """
        c = self.nodes[v]
        d = p - c
        a, b = self._prv[v] - c, self._nxt[v] - c
        s1, s2 = _cross(d, a), _cross(d, b)
        dn = np.hypot(d[..., 0], d[..., 1])
        e1 = 1e-7 * dn * np.hypot(a[..., 0], a[..., 1])
        e2 = 1e-7 * dn * np.hypot(b[..., 0], b[..., 1])
        return np.asarray(((s1 >= -e1) & (s2 >= -e2)) | ((s1 <= e1) & (s2 <= e2)), dtype=bool)

    def _edges(self, among: npt.NDArray[np.bool_]) -> None:
        """Find the visibility edges among the corners ``among`` not yet looked at."""
        new = np.flatnonzero(among & ~self._looked)
        if not len(new):
            return
        old = np.flatnonzero(self._looked)
        self._looked[new] = True
        both = np.concatenate([old, new])
        rows = max(1, 2_000_000 // max(len(both), 1))
        for r0 in range(0, len(new), rows):
            rr = new[r0 : r0 + rows]
            i = np.repeat(rr, len(both))
            j = np.tile(both, len(rr))
            keep = (j < i) | ~np.isin(j, new)  # each new pair once
            i, j = i[keep], j[keep]
            keep = self._tangent(i, self.nodes[j]) & self._tangent(j, self.nodes[i])
            i, j = i[keep], j[keep]
            keep = self.visible(self.nodes[i], self.nodes[j])
            self._found.append((i[keep], j[keep]))

    def _graph(
        self, among: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray]:
        """Visibility graph of the corners ``among``: CSR (starts, neighbours, lengths)."""
        self._edges(among)
        n = len(self.nodes)
        i = np.concatenate([e[0] for e in self._found] or [np.empty(0, dtype=np.intp)])
        j = np.concatenate([e[1] for e in self._found] or [np.empty(0, dtype=np.intp)])
        keep = among[i] & among[j]
        i, j = i[keep], j[keep]
        a, b = np.concatenate([i, j]), np.concatenate([j, i])
        order = np.argsort(a, kind="stable")
        a, b = a[order], b[order]
        w = np.hypot(*(self.nodes[a] - self.nodes[b]).T)
        starts = np.searchsorted(a, np.arange(n + 1))
        return starts.astype(np.intp), b.astype(np.intp), w

    def tree_from(self, source: XY | FloatArray, *, within: float = math.inf) -> PathTree:
        """Shortest paths from ``source`` to every corner (one Dijkstra run).

        Only corners within ``within`` of the source are used: the distances are exact for
        every path no longer than ``within`` (such a path never leaves that disc), and inf
        or too long otherwise.
        """
        s = np.asarray(source, dtype=float).reshape(2)
        n = len(self.nodes)
        dist = np.full(n, np.inf)
        pred = np.full(n, -1, dtype=np.intp)
        if not n:
            return PathTree(s, dist, pred, within)
        among = np.hypot(*(self.nodes - s).T) <= within
        starts, nbr, w = self._graph(among)
        first = np.flatnonzero(among & self._tangent(np.arange(n), s))
        first = first[self.visible(np.broadcast_to(s, (len(first), 2)), self.nodes[first])]
        d0 = np.hypot(*(self.nodes[first] - s).T)
        dist[first] = d0
        heap = list(zip(d0.tolist(), first.tolist(), strict=True))
        heapq.heapify(heap)
        done = np.zeros(n, dtype=bool)
        starts_l, nbr_l, w_l = starts.tolist(), nbr.tolist(), w.tolist()
        dist_l = dist.tolist()
        pred_l = pred.tolist()
        while heap:
            g, k = heapq.heappop(heap)
            if done[k]:
                continue
            done[k] = True
            for e in range(starts_l[k], starts_l[k + 1]):
                j = nbr_l[e]
                nd = g + w_l[e]
                if nd < dist_l[j]:
                    dist_l[j] = nd
                    pred_l[j] = k
                    heapq.heappush(heap, (nd, j))
        return PathTree(s, np.asarray(dist_l), np.asarray(pred_l, dtype=np.intp), within)

    def routes(
        self,
        source: XY | FloatArray,
        points: FloatArray,
        group: npt.NDArray[np.intp] | None = None,
    ) -> tuple[PathTree, FloatArray, npt.NDArray[np.intp]]:
        """Shortest paths from ``source`` to many points: the tree, lengths and last corners.

        As :meth:`reach`, exact. The corners near the source come first: the search uses
        those within a disc about the farthest point, and widens the disc (doubling it)
        only while a group's shortest path found is longer than the disc's radius, or none
        was found, and corners remain outside it; the visibility edges already found are
        kept.
        """
        s = np.asarray(source, dtype=float).reshape(2)
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        grp = np.arange(len(pts)) if group is None else np.asarray(group, dtype=np.intp)
        far = float(np.hypot(*(self.nodes - s).T).max()) if len(self.nodes) else 0.0
        near = float(np.hypot(*(pts - s).T).max()) if len(pts) else 0.0
        within = 1.5 * near + 10.0
        while True:
            tree = self.tree_from(s, within=within)
            length, via = self.reach(tree, pts, grp)
            if within >= far or not len(pts):
                return tree, length, via
            best = np.full(int(grp.max()) + 1, np.inf)
            np.minimum.at(best, grp, length)
            used = np.unique(grp)
            if (best[used] <= within).all():
                return tree, length, via
            within *= 2.0

    def reach(
        self, tree: PathTree, points: FloatArray, group: npt.NDArray[np.intp] | None = None
    ) -> tuple[FloatArray, npt.NDArray[np.intp]]:
        """Shortest path lengths from the tree's source to many points, and their last corner.

        Exact on the visibility graph: a point's distance is the straight line when it sees
        the source, else the least ``dist(corner) + |corner - point|`` over the corners it
        sees (tested in increasing order, all points at once). ``group`` (one number per
        point) asks only for the shortest per group: points that cannot beat their group's
        best are left at inf. Returns lengths (inf: no path) and the last corner (-1: the
        source itself, -2: no path).
        """
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        n = len(pts)
        grp = np.zeros(n, dtype=np.intp) if group is None else np.asarray(group, dtype=np.intp)
        length = np.full(n, np.inf)
        via = np.full(n, -2, dtype=np.intp)
        if not n:
            return length, via
        straight = np.hypot(*(pts - tree.source).T)
        seen = self.visible(np.broadcast_to(tree.source, pts.shape), pts)
        length[seen], via[seen] = straight[seen], -1
        best = np.full(int(grp.max()) + 1, np.inf)
        if group is not None:
            np.minimum.at(best, grp[seen], straight[seen])
        todo = np.flatnonzero(~seen & (straight < best[grp]) if group is not None else ~seen)
        live = np.flatnonzero(np.isfinite(tree.dist))
        if not len(todo) or not len(live):
            return length, via
        step = max(1, 1_000_000 // len(live))
        for c0 in range(0, len(todo), step):
            chunk = todo[c0 : c0 + step]
            p = pts[chunk]
            keys = tree.dist[live][None, :] + np.hypot(
                self.nodes[live][None, :, 0] - p[:, None, 0],
                self.nodes[live][None, :, 1] - p[:, None, 1],
            )
            keys[~self._tangent(live[None, :], p[:, None, :])] = np.inf
            order = np.argsort(keys, axis=1)
            open_ = np.arange(len(chunk))
            for r in range(len(live)):
                if not len(open_):
                    break
                pick = order[open_, r]
                k = keys[open_, pick]
                alive = k < best[grp[chunk[open_]]] if group is not None else np.isfinite(k)
                alive &= np.isfinite(k)
                open_, pick, k = open_[alive], pick[alive], k[alive]
                ok = self.visible(self.nodes[live[pick]], p[open_])
                hit = chunk[open_[ok]]
                length[hit], via[hit] = k[ok], live[pick[ok]]
                if group is not None:
                    np.minimum.at(best, grp[hit], k[ok])
                open_ = open_[~ok]
        return length, via

    def path_to(self, tree: PathTree, point: XY | FloatArray, via: int) -> list[XY]:
        """Return the path from the tree's source to ``point`` whose last corner is ``via``."""
        out = [(float(point[0]), float(point[1]))]
        k = int(via)
        while k >= 0:
            out.append((float(self.nodes[k, 0]), float(self.nodes[k, 1])))
            k = int(tree.pred[k])
        out.append((float(tree.source[0]), float(tree.source[1])))
        return out[::-1]

    def shortest_path(self, a: XY, b: XY) -> list[XY] | None:
        """Shortest polyline from a to b that enters no grown obstacle; None if there is none."""
        tree, length, via = self.routes(a, np.asarray([b], dtype=float))
        if not math.isfinite(float(length[0])):
            return None
        return self.path_to(tree, b, int(via[0]))


def _meets(
    tree: shapely.STRtree | None, zones: Sequence[Zone], geoms: npt.NDArray[np.object_]
) -> npt.NDArray[np.bool_]:
    """Tell, for each geometry, whether it meets one of the (prepared) zones of the tree."""
    out = np.zeros(len(geoms), dtype=bool)
    if tree is None or not len(geoms):
        return out
    # boxes first, then each zone (prepared: indexed edges) against what may meet it
    which, zone = tree.query(geoms)
    for z in np.unique(zone):
        part = which[zone == z]
        out[part[shapely.intersects(zones[int(z)], geoms[part])]] = True
    return out


def _segments(a: FloatArray, b: FloatArray) -> npt.NDArray[np.object_]:
    return np.asarray(shapely.linestrings(np.stack([a, b], axis=1)), dtype=object)


# --- cutting a path into flights -----------------------------------------------------------


def _forbidden(
    line: LineString, avoid: Sequence[XY], clearance: float, extra: Sequence[float] | None = None
) -> list[tuple[float, float]]:
    """Stretches (start, end) of the line, as distances along it, too close to a point.

    Too close: within ``clearance`` plus the point's ``extra`` (default 0). Sorted and
    merged; the ends themselves are allowed (exactly that far away).
    """
    if not len(avoid):
        return []
    radii_all = np.full(len(avoid), float(clearance))
    if extra is not None:
        radii_all = radii_all + np.asarray(extra, dtype=float)
    pts = shapely.points(np.asarray(avoid, dtype=float))
    close = shapely.dwithin(pts, line, radii_all) & (radii_all > 0)
    near = np.asarray(avoid, dtype=float)[close]
    radii = radii_all[close]
    if not len(near):
        return []
    c = np.asarray(line.coords, dtype=float)
    start, vec = c[:-1], np.diff(c, axis=0)
    seg = np.hypot(vec[:, 0], vec[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    keep = seg > 0
    start, vec, seg, cum0 = start[keep], vec[keep], seg[keep], cum[:-1][keep]
    out: list[tuple[float, float]] = []
    for p, radius in zip(near, radii.tolist(), strict=True):
        # |start + t vec - p| = radius, for t in [0, 1] along each segment
        w = start - p
        a = np.einsum("ij,ij->i", vec, vec)
        b = 2.0 * np.einsum("ij,ij->i", w, vec)
        cc = np.einsum("ij,ij->i", w, w) - radius * radius
        disc = b * b - 4.0 * a * cc
        hit = disc > 0
        if not hit.any():
            continue
        sq = np.sqrt(disc[hit])
        t0 = np.maximum((-b[hit] - sq) / (2.0 * a[hit]), 0.0)
        t1 = np.minimum((-b[hit] + sq) / (2.0 * a[hit]), 1.0)
        ok = t0 < t1
        s0 = cum0[hit][ok] + t0[ok] * seg[hit][ok]
        s1 = cum0[hit][ok] + t1[ok] * seg[hit][ok]
        out.extend(zip(s0.tolist(), s1.tolist(), strict=True))
    out.sort()
    merged: list[tuple[float, float]] = []
    for s, e in out:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def split_path(
    path: Sequence[XY],
    *,
    max_piece: float,
    avoid: Sequence[XY],
    clearance: float,
    max_pieces: int,
    extra: Sequence[float] | None = None,
) -> list[LineString] | None:
    """Cut a path into the fewest flights, each at most ``max_piece`` long.

    Relay spots (the cuts) keep ``clearance`` (plus the point's ``extra``, when given) from
    every point of ``avoid``. The fewest
    flights come from placing each relay as far along as allowed; with that many flights the
    relays are then spaced evenly where the points allow (each may move by up to a fifth of a
    flight), else they stay where they were found. Returns None when the path needs more than
    ``max_pieces`` flights, or when a stretch longer than a flight is off-limits. The work is
    bounded by ``max_pieces``.
    """
    line = LineString(path)
    length = line.length
    if length <= max_piece:
        return [line]
    bad = _forbidden(line, avoid, clearance, extra)
    starts = [s for s, _ in bad]

    def inside(at: float) -> int:
        k = bisect.bisect_right(starts, at) - 1
        return k if k >= 0 and bad[k][0] < at < bad[k][1] else -1

    cuts = [0.0]
    while length - cuts[-1] > max_piece:
        if len(cuts) >= max_pieces:
            return None
        reach = cuts[-1] + max_piece
        k = inside(reach)
        nxt = bad[k][0] if k >= 0 else reach
        if nxt <= cuts[-1]:
            return None  # the stretch ahead is off-limits for longer than one flight
        cuts.append(nxt)
    even = _even_cuts(length, len(cuts), max_piece, lambda at: inside(at) >= 0)
    cuts = [*(even or cuts), length]
    out = []
    for s, e in itertools.pairwise(cuts):
        seg = substring(line, s, e)
        out.append(seg if isinstance(seg, LineString) else LineString([seg, seg]))
    return out


_SHIFTS = sorted(np.linspace(-0.2, 0.2, 81).tolist(), key=abs)


def _even_cuts(
    length: float, pieces: int, max_piece: float, blocked: Callable[[float], bool]
) -> list[float] | None:
    """Cuts (from 0) for ``pieces`` flights of about equal length, or None if they cannot be."""
    cuts = [0.0]
    step = length / pieces
    for j in range(1, pieces):
        target = length * j / pieces
        chosen = None
        for shift in _SHIFTS:
            at = target + shift * step
            # this flight and every later one (still to be cut evenly) must stay in range
            if at - cuts[-1] > max_piece or (length - at) / (pieces - j) > max_piece:
                continue
            if at > cuts[-1] and not blocked(at):
                chosen = at
                break
        if chosen is None:
            return None
        cuts.append(chosen)
    if length - cuts[-1] > max_piece:
        return None
    return cuts


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


def line_m(ll: FloatArray) -> float:
    """Length [m] of a (n, 2) lon/lat polyline, geodesic on the Mars sphere."""
    if len(ll) < 2:
        return 0.0
    _, _, d = mars_geod().inv(ll[:-1, 0], ll[:-1, 1], ll[1:, 0], ll[1:, 1])
    return float(np.sum(d))


def _around(centre_ll: FloatArray, dist_m: FloatArray, azimuth_deg: FloatArray) -> FloatArray:
    """(n, 2) lon/lat of points at ``dist_m`` and ``azimuth_deg`` from each centre (sphere)."""
    lon, lat, _ = mars_geod().fwd(centre_ll[:, 0], centre_ll[:, 1], azimuth_deg, dist_m)
    return np.column_stack([np.asarray(lon_to_180(lon), dtype=float), lat])


#: Candidate landing spots around each tube, every 360 / SPOT_AZIMUTHS degrees of azimuth.
SPOT_AZIMUTHS = 72
#: Candidate pads around the lander, every 360 / PAD_AZIMUTHS degrees of azimuth.
PAD_AZIMUTHS = 72


def place_pad(
    lander_ll: tuple[float, float],
    depot_ll: tuple[float, float],
    field_: Field,
    tubes: TubeIndex,
    frame: Frame,
    spec: HelicopterSpec,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Place the pad ``lander_standoff_m`` from the lander: towards the depot, or turned.

    Of :data:`PAD_AZIMUTHS` candidates around the lander, the one turned least from the
    direction of the depot that keeps ``tube_clearance_m`` (plus each tube's uncertainty)
    from every tube, lies outside every grown obstacle and whose drive to the lander enters
    no zone. Measured on the sphere. Returns its (lon, lat) and its frame (x, y).
    """
    g = mars_geod()
    base = float(g.inv(*lander_ll, *depot_ll)[0])
    step = 360.0 / PAD_AZIMUTHS
    half = PAD_AZIMUTHS // 2
    turns = [0.0] + [s * k * step for k in range(1, half + 1) for s in (1, -1)]
    turns = turns[:PAD_AZIMUTHS]
    n = len(turns)
    ll = _around(
        np.full((n, 2), lander_ll),
        np.full(n, spec.lander_standoff_m + NUDGE_M),
        base + np.asarray(turns, dtype=float),
    )
    xy = frame.xy(ll)
    clear = tubes.nearest_m(ll, xy, spec.tube_clearance_m) >= spec.tube_clearance_m
    outside = ~field_.blocked_many(xy)
    drive = field_.drive_clear(xy, frame.xy(np.asarray([lander_ll], dtype=float)))
    ok = clear & outside & drive
    if not ok.any():
        why = []
        if not clear.any():
            why.append(
                f"every one is within tube_clearance_m={spec.tube_clearance_m:g} m of a tube"
            )
        elif not (clear & outside).any():
            why.append("those clear of the tubes lie within obstacle_clearance_m of a zone")
        else:
            why.append("from those clear of tubes and zones the drive to the lander crosses a zone")
        msg = (
            f"no pad lander_standoff_m={spec.lander_standoff_m:g} m from the lander is clear "
            f"of the obstacles and tubes around it ({'; '.join(why)}); move the lander or "
            "change lander_standoff_m."
        )
        raise PlanningError(msg)
    j = int(np.argmax(ok))
    return (float(ll[j, 0]), float(ll[j, 1])), (float(xy[j, 0]), float(xy[j, 1]))


def fit_flights(
    path: list[tuple[float, float]],
    path_m: float,
    pad_ll: tuple[float, float],
    spot_ll: tuple[float, float],
    tubes: TubeIndex,
    frame: Frame,
    spec: HelicopterSpec,
    relays: int,
) -> list[LineString] | None:
    """Cut a path into flights (MARS_GEOGRAPHIC lines), each within range on the sphere.

    Relays keep ``tube_clearance_m`` plus each tube's uncertainty from every tube. Cut in
    the frame, then measured on the sphere; where the frame's scale made a flight too long
    or a relay too close to a tube, cut again with tighter figures.
    """
    line = LineString(path)
    scale = line.length / path_m if path_m > 0 else 1.0
    max_piece = spec.range_m * scale * (1 - 1e-9)
    clearance = spec.tube_clearance_m * scale * (1 + 1e-9)
    for _ in range(4):
        avoid, unc = tubes.near_line(line, clearance * 1.01 + 1.0)
        pieces = split_path(
            path,
            max_piece=max_piece,
            avoid=avoid.tolist(),
            clearance=clearance,
            extra=(unc * scale * (1 + 1e-9)).tolist(),
            max_pieces=relays + 1,
        )
        if pieces is None:
            return None
        lines = [frame.ll(np.asarray(p.coords)) for p in pieces]
        lines[0][0], lines[-1][-1] = pad_ll, spot_ll
        longest = max(line_m(c) for c in lines)
        ends_ll = np.array([c[-1] for c in lines[:-1]]).reshape(-1, 2)
        ends_xy = np.array([p.coords[-1] for p in pieces[:-1]]).reshape(-1, 2)
        gap = tubes.nearest_m(ends_ll, ends_xy, spec.tube_clearance_m)
        closest = float(gap.min()) if len(gap) else math.inf
        if longest <= spec.range_m and closest >= spec.tube_clearance_m:
            return [LineString(c) for c in lines]
        if longest > spec.range_m:
            max_piece *= spec.range_m / longest * (1 - 1e-9)
        if closest < spec.tube_clearance_m:
            clearance += 2 * (spec.tube_clearance_m - closest) * scale + 1e-9
    msg = (
        f"flights of a {path_m:.1f} m path could not be kept within range_m={spec.range_m:g} "
        "and tube_clearance_m in the local frame; this is an internal error of the planner."
    )
    raise PlanningError(msg)


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


# --- the planning site and its trips ------------------------------------------------------------


class Miss(NamedTuple):
    """A tube left out of a plan: the range it needs (NaN when range is not why) and why."""

    tube_id: Any
    need_m: float  # NaN when range is not the reason
    why: str
    lower_bound: bool = False


def far_tubes(
    ids: list[Any],
    tubes_ll: FloatArray,
    lander_ll: tuple[float, float],
    spec: HelicopterSpec,
    *,
    radius_m: float,
    relay_cap: int,
) -> tuple[npt.NDArray[np.bool_], list[Miss]]:
    """Find the tubes beyond ``radius_m`` of the lander: out of reach, or too large a request.

    They are out of reach when no trip (with at most ``relay_cap`` relays) can fly that far;
    when one could, planning them would take more than one local frame holds, and the
    request is refused (TooLargeError).
    """
    from_lander = geodesic_distance_m(*lander_ll, tubes_ll[:, 0], tubes_ll[:, 1])
    far = from_lander > radius_m
    reach_m = (
        spec.range_m * (min(spec.max_relays, relay_cap) + 1)
        + spec.lander_standoff_m
        + spec.tube_standoff_m
    )
    if far.any() and reach_m > radius_m:
        far_ids = [ids[k] for k in np.flatnonzero(far)]
        msg = (
            f"tubes {far_ids[:5]}{' ...' if len(far_ids) > 5 else ''} lie up to "
            f"{from_lander.max() / 1000:.0f} km from the lander, beyond "
            f"marsgeo.routing.MAX_PLAN_RADIUS_M={radius_m / 1000:.0f} km, and with "
            f"range_m={spec.range_m:g} and max_relays={spec.max_relays} a trip could reach "
            f"{reach_m / 1000:.0f} km. Plan the tubes near each lander separately."
        )
        raise TooLargeError(msg)
    misses = []
    for k in np.flatnonzero(far):
        d = float(from_lander[k])
        need = (d - spec.lander_standoff_m - spec.tube_standoff_m) / (spec.max_relays + 1)
        misses.append(Miss(ids[k], need, f"{d / 1000:.1f} km from the lander", True))
    return far, misses


class Site:
    """The local frame of a plan, the window paths may use, the zones in it, the pad.

    The frame is centred on the lander and the tubes to plan. Every path a trip may fly (at
    most ``relay_cap`` relays each way) stays in the window, a circle around that centre, up
    to three times ``radius_m``; zones are clipped to it. ``uncertainty_m`` gives each
    tube's position uncertainty [m] in catalogue order (default 0): landing spots are placed
    ``tube_standoff_m`` plus the tube's own uncertainty from it, and every landing spot,
    relay and the pad keep ``tube_clearance_m`` plus each other tube's uncertainty from it.
    ``ids`` are the tube ids in catalogue order (default: the positions).
    """

    def __init__(
        self,
        tubes_ll: FloatArray,
        planned: npt.NDArray[np.bool_],
        lander_ll: tuple[float, float],
        zones: list[tuple[str, Zone]],
        spec: HelicopterSpec,
        *,
        radius_m: float,
        relay_cap: int,
        uncertainty_m: npt.ArrayLike | None = None,
        ids: Sequence[Any] | None = None,
    ) -> None:
        n_all = len(tubes_ll)
        self.uncertainty_m = _uncertainty(uncertainty_m, n_all)
        self.ids: list[Any] = list(range(n_all)) if ids is None else list(ids)
        # the frame: centred on the lander and the tubes to plan
        self.planned = np.flatnonzero(planned)
        pts = np.vstack([tubes_ll[self.planned], [lander_ll]])
        self.frame = Frame(pts[:, 0], pts[:, 1])
        centre = self.frame.centre
        extent = float(geodesic_distance_m(*centre, pts[:, 0], pts[:, 1]).max())
        # the window: every path a trip may fly stays in it (longer ones are out of reach)
        self.relays = min(spec.max_relays, relay_cap)
        self.relay_cap = relay_cap
        flights = self.relays + 1
        u_max = float(self.uncertainty_m.max()) if n_all else 0.0
        margin = (
            max(spec.tube_standoff_m + u_max, spec.lander_standoff_m)
            + spec.obstacle_clearance_m
            + 10.0
        )
        self.window_m = min(extent + spec.range_m * flights + margin, 3.0 * radius_m)
        window = window_box(*centre, self.window_m * 1.01, sphere_radius_m=mars_geod().a)
        from_centre = geodesic_distance_m(*centre, tubes_ll[:, 0], tubes_ll[:, 1])
        near = np.flatnonzero(from_centre <= self.window_m + margin + spec.tube_clearance_m + u_max)
        self.tubes = TubeIndex(near, tubes_ll[near], self.frame, self.uncertainty_m[near])
        self.tubes_xy = self.frame.xy(tubes_ll[self.planned])
        self.lander_xy = self.frame.xy(np.array([lander_ll]))[0]
        self.tubes_ll = tubes_ll
        self.framed: list[tuple[str, Zone]] = []
        for label, zone in zones:
            in_frame = frame_zone(zone, window, self.frame.xy)
            if in_frame is not None:
                self.framed.append((label, in_frame))
        self.field = Field([g for _, g in self.framed], clearance_m=spec.obstacle_clearance_m)
        planned_ll = tubes_ll[self.planned]
        depot_ll = mean_lonlat(planned_ll[:, 0], planned_ll[:, 1]) if len(planned_ll) else centre
        self.lander_ll = lander_ll
        self._depot_ll = depot_ll

    @staticmethod
    def uncertainty_from(tubes: gpd.GeoDataFrame) -> FloatArray:
        """Position uncertainty [m] per tube, from a ``position_uncertainty_m`` column.

        Zeros when the column is absent; a value that is not a finite number >= 0 is
        refused (InputError) naming the tubes.
        """
        if "position_uncertainty_m" not in tubes.columns:
            return np.zeros(len(tubes))
        # numbers only: booleans and text are refused, not read as 1.0 or NaN
        u = real_numbers(
            tubes["position_uncertainty_m"], name="column 'position_uncertainty_m' of tubes"
        )
        bad = ~np.isfinite(u) | (u < 0)
        if bad.any():
            which = list(tubes.index[bad])[:5]
            msg = (
                f"column 'position_uncertainty_m' of tubes: tubes {which} have "
                f"{list(tubes['position_uncertainty_m'][bad])[:5]}; give every tube a "
                "finite distance >= 0 in metres, or drop the column."
            )
            raise InputError(msg)
        return np.asarray(u, dtype=float)

    def place_pad(self, spec: HelicopterSpec) -> None:
        """Place the pad (after the zones were checked: the lander is outside them).

        A lander closer than ``lander_standoff_m`` to a tube is refused (PlanningError).
        """
        d = geodesic_distance_m(*self.lander_ll, self.tubes.ll[:, 0], self.tubes.ll[:, 1])
        close = np.flatnonzero(d < spec.lander_standoff_m)
        if len(close):
            order = close[np.argsort(d[close])]
            named = ", ".join(
                f"tube {self.ids[int(self.tubes.index[c])]!r} at {float(d[c]):.2f} m"
                for c in order[:5]
            )
            msg = (
                f"the lander stands on or beside tubes: {named}, closer than "
                f"lander_standoff_m={spec.lander_standoff_m:g} m; move the lander at least "
                f"{spec.lander_standoff_m:g} m from every tube (or lower lander_standoff_m)."
            )
            raise PlanningError(msg)
        self.pad_ll, self.pad_xy = place_pad(
            self.lander_ll, self._depot_ll, self.field, self.tubes, self.frame, spec
        )

    def plan_trips(
        self, ks: npt.ArrayLike, spec: HelicopterSpec
    ) -> list[tuple[Trip, LineString] | Miss | str]:
        """Plan the trips of many tubes at once: landing spots, paths, flights.

        For each catalogue position in ``ks`` (after :meth:`place_pad`), in order: the trip
        and its path in the frame; or why not, a :class:`Miss`, or (a string) the words of a
        request too large to plan. Each tube lands at the candidate spot (one every
        ``360 / SPOT_AZIMUTHS`` degrees at ``tube_standoff_m`` plus its uncertainty) with the
        shortest path from the pad, among those that keep the clearances and whose drive to
        the tube enters no zone. Without zones the path is the geodesic from the pad and the
        choice is made for all tubes at once; with zones, one shortest-path tree from the
        pad over the obstacle corners serves every candidate (:meth:`Field.routes`).
        """
        k_arr = np.asarray(ks, dtype=np.intp).reshape(-1)
        return self._plan(k_arr, [self.ids[int(k)] for k in k_arr], spec)

    def _plan(
        self, ks: npt.NDArray[np.intp], tids: list[Any], spec: HelicopterSpec
    ) -> list[tuple[Trip, LineString] | Miss | str]:
        m, n = len(ks), SPOT_AZIMUTHS
        if not m:
            return []
        own = np.repeat(ks, n)
        slot = np.repeat(np.arange(m), n)
        centre = self.tubes_ll[own]
        ll = _around(
            centre,
            spec.tube_standoff_m + self.uncertainty_m[own] + NUDGE_M,
            np.tile(np.arange(n) * (360.0 / n), m),
        )
        xy = self.frame.xy(ll)
        gap = self.tubes.nearest_m(ll, xy, spec.tube_clearance_m, skip=own)
        clear = gap >= spec.tube_clearance_m
        usable = clear.copy()
        field = self.field
        if not field.empty:
            idx = np.flatnonzero(clear)
            clear[idx] = ~field.blocked_many(xy[idx])
            idx = np.flatnonzero(clear)
            usable = clear.copy()
            usable[idx] = field.drive_clear(xy[idx], self.frame.xy(centre[idx]))
        length = np.full(len(ll), np.inf)
        via = np.full(len(ll), -2, dtype=np.intp)
        idx = np.flatnonzero(usable)
        tree = None
        if field.empty:
            length[idx] = geodesic_distance_m(*self.pad_ll, ll[idx, 0], ll[idx, 1])
            via[idx] = -1
        elif len(idx):
            tree, length[idx], via[idx] = field.routes(self.pad_xy, xy[idx], slot[idx])
        best = np.argmin(length.reshape(m, n), axis=1)
        chosen = np.arange(m) * n + best
        found = np.isfinite(length[chosen])
        direct = found & (via[chosen] == -1)
        path_m = np.full(m, np.nan)
        if field.empty:
            path_m[direct] = length[chosen[direct]]  # geodesic already
        elif direct.any():
            c = chosen[direct]
            path_m[direct] = geodesic_distance_m(*self.pad_ll, ll[c, 0], ll[c, 1])
        out: list[tuple[Trip, LineString] | Miss | str] = []
        for t in range(m):
            tid, k, c = tids[t], int(ks[t]), int(chosen[t])
            if not found[t]:
                mine = slice(t * n, (t + 1) * n)
                if not clear[mine].any():
                    why = "no landing spot clear of other tubes and hazards"
                elif not usable[mine].any():
                    why = (
                        "no landing spot clear of other tubes and hazards from which the drive "
                        "to the tube stays out of the no-fly zones and hazards"
                    )
                else:
                    why = "no flight path around the no-fly zones"
                out.append(Miss(tid, math.nan, why))
                continue
            spot_ll = (float(ll[c, 0]), float(ll[c, 1]))
            spot_xy = (float(xy[c, 0]), float(xy[c, 1]))
            if via[c] == -1 or tree is None:
                path = [self.pad_xy, spot_xy]
            else:
                path = field.path_to(tree, spot_xy, int(via[c]))
            out.append(self._finish(tid, k, spot_ll, path, float(path_m[t]), spec))
        return out

    def _finish(
        self,
        tid: Any,
        k: int,
        spot_ll: tuple[float, float],
        path: list[XY],
        path_m: float,
        spec: HelicopterSpec,
    ) -> tuple[Trip, LineString] | Miss | str:
        """Measure a path on the sphere and cut it into flights: the trip, or why not."""
        tube_ll = (float(self.tubes_ll[k, 0]), float(self.tubes_ll[k, 1]))
        if len(path) > 2 and max(math.hypot(x, y) for x, y in path) > self.window_m:
            return Miss(
                tid, math.nan, f"no flight path within {self.window_m / 1000:.0f} km of the plan"
            )
        if len(path) == 2:
            path_ll = np.asarray([self.pad_ll, spot_ll], dtype=float)
        else:
            path_ll = self.frame.ll(np.asarray(path))
            path_ll[0], path_ll[-1] = self.pad_ll, spot_ll
        if not math.isfinite(path_m):
            path_m = line_m(path_ll)
        flights_min = path_m / spec.range_m - 1e-12  # flights each way, at the least
        if flights_min > spec.max_relays + 1 and spec.max_relays <= self.relay_cap:
            return Miss(tid, path_m / (spec.max_relays + 1), f"path {path_m:.0f} m long")
        if flights_min > self.relay_cap + 1:
            return (
                f"tube {tid!r}: its path is {path_m:.1f} m long, {flights_min:.3g} flights each "
                f"way with range_m={spec.range_m:g}"
            )
        if path_m <= spec.range_m:
            pieces: list[LineString] | None = [LineString(path_ll)]
        else:
            pieces = fit_flights(
                path, path_m, self.pad_ll, spot_ll, self.tubes, self.frame, spec, self.relays
            )
        if pieces is None:
            why = (
                f"relays cannot land {spec.tube_clearance_m:g} m clear of the tubes along its "
                f"{path_m:.0f} m path with at most {self.relays} relays"
            )
            return Miss(tid, math.nan, why)
        return Trip(tid, tube_ll, spot_ll, path_m, len(pieces), pieces), LineString(path)


def _uncertainty(values: npt.ArrayLike | None, n: int) -> FloatArray:
    if values is None:
        return np.zeros(n)
    u = np.array(values, dtype=float).reshape(-1)
    if u.shape != (n,) or not (np.isfinite(u).all() and (u >= 0).all()):
        msg = (
            f"uncertainty_m must give each of the {n} tubes a finite distance >= 0 in metres "
            f"(catalogue order), got {u.size} values"
            + ("" if u.shape != (n,) else f" with {int((~(np.isfinite(u) & (u >= 0))).sum())} bad")
            + "."
        )
        raise InputError(msg)
    return u


def plan_trip(
    tid: Any, k: int, site: Site, spec: HelicopterSpec
) -> tuple[Trip, LineString] | Miss | str:
    """Plan one tube's trip: a landing spot, a path, its flights (as :meth:`Site.plan_trips`).

    Returns the trip and its path in the frame; or why not: a miss, or (a string) the words
    of a request too large to plan.
    """
    return site._plan(np.asarray([k], dtype=np.intp), [tid], spec)[0]
