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
- Obstacles are grown by a clearance, wrapped in convex hulls and simplified outwards, so that
  a path touching their outline keeps the clearance. Shortest paths come from a visibility
  graph (A*) over the obstacle corners. Paths are cut into flights with :func:`split_path`,
  and :func:`fit_flights` checks each flight and relay on the sphere.
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
#: the true outline (``R * step**2 / 8``), well inside the 0.5 m margin obstacles get.
DENSIFY_DEG = 0.02
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


class Field:
    """Obstacles in local metric coordinates, and shortest paths among them."""

    def __init__(self, obstacles: Sequence[Polygon | MultiPolygon], *, clearance_m: float) -> None:
        grown = [shapely.buffer(p, clearance_m + 0.5) for p in obstacles if not p.is_empty]
        merged = unary_union(grown) if grown else Polygon()
        parts = list(getattr(merged, "geoms", [merged])) if not merged.is_empty else []
        hulls = unary_union([p.convex_hull for p in parts]) if parts else Polygon()
        # hulls may overlap after wrapping: merge again until stable
        for _ in range(5):
            parts = list(getattr(hulls, "geoms", [hulls])) if not hulls.is_empty else []
            again = unary_union([p.convex_hull for p in parts]) if parts else Polygon()
            if again.equals(hulls):
                break
            hulls = again
        parts = list(getattr(hulls, "geoms", [hulls])) if not hulls.is_empty else []
        # simplify outwards: grown by the tolerance first, so the simple outline stays outside
        self.zones: list[Polygon] = [
            p.buffer(0.5).simplify(0.5, preserve_topology=True).convex_hull for p in parts
        ]
        self._solid = [z.buffer(-1e-3) for z in self.zones]  # interiors, for crossing tests
        self._tree = shapely.STRtree(self._solid) if self._solid else None
        self._zone_tree = shapely.STRtree(self.zones) if self.zones else None
        corners: list[XY] = []
        for z in self.zones:
            corners.extend((float(x), float(y)) for x, y in list(z.exterior.coords)[:-1])
        self.corners = corners

    def blocked(self, p: XY) -> bool:
        """Tell whether a point lies inside an (grown) obstacle."""
        return bool(self.blocked_many([p])[0])

    def blocked_many(self, points: Sequence[XY]) -> npt.NDArray[np.bool_]:
        """Tell, for each point, whether it lies inside an (grown) obstacle."""
        out = np.zeros(len(points), dtype=bool)
        if self._zone_tree is None or not len(points):
            return out
        hit = self._zone_tree.query(shapely.points(np.asarray(points)), predicate="intersects")
        out[np.unique(hit[0])] = True
        return out

    def _visible(self, a: XY, targets: Sequence[XY]) -> npt.NDArray[np.bool_]:
        if self._tree is None or not targets:
            return np.ones(len(targets), dtype=bool)
        segs = shapely.linestrings([[a, t] for t in targets])
        hit = self._tree.query(segs, predicate="intersects")
        ok = np.ones(len(targets), dtype=bool)
        ok[np.unique(hit[0])] = False
        same = np.array([math.hypot(a[0] - t[0], a[1] - t[1]) < 1e-9 for t in targets])
        ok[same] = True
        return ok

    def shortest_path(self, a: XY, b: XY) -> list[XY] | None:
        """Shortest polyline from a to b that enters no obstacle; None if there is none."""
        if self._visible(a, [b])[0]:
            return [a, b]
        nodes = [a, b, *self.corners]
        goal = 1
        dist = {0: 0.0}
        prev: dict[int, int] = {}
        heap = [(math.dist(a, b), 0.0, 0)]
        done: set[int] = set()
        while heap:
            _, g, k = heapq.heappop(heap)
            if k in done:
                continue
            done.add(k)
            if k == goal:
                path = [nodes[goal]]
                while k in prev:
                    k = prev[k]
                    path.append(nodes[k])
                return path[::-1]
            rest = [j for j in range(len(nodes)) if j not in done]
            vis = self._visible(nodes[k], [nodes[j] for j in rest])
            for j, ok in zip(rest, vis, strict=True):
                if not ok:
                    continue
                nd = g + math.dist(nodes[k], nodes[j])
                if nd < dist.get(j, math.inf) - 1e-12:
                    dist[j] = nd
                    prev[j] = k
                    heapq.heappush(heap, (nd + math.dist(nodes[j], b), nd, j))
        return None


def choose_spot(
    candidates: Sequence[XY], clear: npt.NDArray[np.bool_], towards: XY, field: Field
) -> int | None:
    """Index of the candidate nearest ``towards`` that is ``clear`` and outside every obstacle.

    ``clear`` says which candidates keep their distance from the tubes (measured by the
    caller, on the body). None when no candidate qualifies.
    """
    ok = np.asarray(clear, dtype=bool) & ~field.blocked_many(candidates)
    if not ok.any():
        return None
    xy = np.asarray(candidates, dtype=float)
    d = np.hypot(xy[:, 0] - towards[0], xy[:, 1] - towards[1])
    d[~ok] = np.inf
    return int(np.argmin(d))


# --- cutting a path into flights -----------------------------------------------------------


def _forbidden(
    line: LineString, avoid: Sequence[XY], clearance: float
) -> list[tuple[float, float]]:
    """Stretches (start, end) of the line, as distances along it, within ``clearance`` of a point.

    Sorted and merged; the ends themselves are allowed (exactly ``clearance`` away).
    """
    if clearance <= 0 or not len(avoid):
        return []
    pts = shapely.points(np.asarray(avoid, dtype=float))
    near = np.asarray(avoid, dtype=float)[shapely.dwithin(pts, line, clearance)]
    if not len(near):
        return []
    c = np.asarray(line.coords, dtype=float)
    start, vec = c[:-1], np.diff(c, axis=0)
    seg = np.hypot(vec[:, 0], vec[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    keep = seg > 0
    start, vec, seg, cum0 = start[keep], vec[keep], seg[keep], cum[:-1][keep]
    out: list[tuple[float, float]] = []
    for p in near:
        # |start + t vec - p| = clearance, for t in [0, 1] along each segment
        w = start - p
        a = np.einsum("ij,ij->i", vec, vec)
        b = 2.0 * np.einsum("ij,ij->i", w, vec)
        cc = np.einsum("ij,ij->i", w, w) - clearance * clearance
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
) -> list[LineString] | None:
    """Cut a path into the fewest flights, each at most ``max_piece`` long.

    Relay spots (the cuts) keep ``clearance`` from every point of ``avoid``. The fewest
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
    bad = _forbidden(line, avoid, clearance)
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
    """The tubes near the plan, for clearances measured on the sphere."""

    def __init__(self, index: npt.NDArray[np.intp], ll: FloatArray, frame: Frame) -> None:
        self.index = index  # positions in the catalogue
        self.ll = ll
        self.xy = frame.xy(ll) if len(ll) else np.empty((0, 2))
        self._tree = shapely.STRtree(shapely.points(self.xy))

    def nearest_m(
        self, ll: FloatArray, xy: FloatArray, within_m: float, *, skip: npt.ArrayLike = -1
    ) -> FloatArray:
        """Geodesic distance from each point to its nearest tube, inf beyond ``within_m``.

        ``skip`` gives, per point (or for all), a catalogue position of a tube to ignore.
        """
        out = np.full(len(ll), np.inf)
        if not len(ll) or not len(self.ll):
            return out
        # planar distances in the frame are never shorter than geodesic ones by more than
        # the frame's scale error: query with a margin, then measure on the sphere
        a, b = self._tree.query(
            shapely.points(xy), predicate="dwithin", distance=within_m * 1.01 + 1.0
        )
        skip_arr = np.broadcast_to(np.asarray(skip), (len(ll),))
        keep = self.index[b] != skip_arr[a]
        a, b = a[keep], b[keep]
        if len(a):
            d = geodesic_distance_m(ll[a, 0], ll[a, 1], self.ll[b, 0], self.ll[b, 1])
            np.minimum.at(out, a, d)
        return out

    def near_line(self, line: LineString, within: float) -> FloatArray:
        """Frame coordinates of the tubes within ``within`` (frame units) of a line."""
        hit = self._tree.query(line, predicate="dwithin", distance=within)
        return np.asarray(self.xy[np.sort(hit)], dtype=float)


def line_m(ll: FloatArray) -> float:
    """Length [m] of a (n, 2) lon/lat polyline, geodesic on the Mars sphere."""
    if len(ll) < 2:
        return 0.0
    _, _, d = mars_geod().inv(ll[:-1, 0], ll[:-1, 1], ll[1:, 0], ll[1:, 1])
    return float(np.sum(d))


def place_pad(
    lander_ll: tuple[float, float],
    depot_ll: tuple[float, float],
    field_: Field,
    tubes: TubeIndex,
    frame: Frame,
    spec: HelicopterSpec,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Place the pad ``lander_standoff_m`` from the lander: towards the depot, or turned.

    Measured on the sphere; the pad keeps ``tube_clearance_m`` from every tube and lies
    outside every (grown) obstacle. Returns its (lon, lat) and its frame (x, y).
    """
    g = mars_geod()
    base = float(g.inv(*lander_ll, *depot_ll)[0])
    turns = [sign * turn for turn in range(0, 360, 10) for sign in (1, -1)]
    n = len(turns)
    lon, lat, _ = g.fwd(
        np.full(n, lander_ll[0]),
        np.full(n, lander_ll[1]),
        base + np.asarray(turns, dtype=float),
        np.full(n, spec.lander_standoff_m + NUDGE_M),
    )
    ll = np.column_stack([lon_to_180(lon), lat])
    xy = frame.xy(ll)
    ok = tubes.nearest_m(ll, xy, spec.tube_clearance_m) >= spec.tube_clearance_m
    ok &= ~field_.blocked_many(xy.tolist())
    if not ok.any():
        msg = (
            f"no pad lander_standoff_m={spec.lander_standoff_m:g} m from the lander is clear of "
            "the obstacles and tubes around it; move the lander or change lander_standoff_m."
        )
        raise PlanningError(msg)
    j = int(np.argmax(ok))
    return (float(ll[j, 0]), float(ll[j, 1])), (float(xy[j, 0]), float(xy[j, 1]))


def landing_spot(
    tube_ll: tuple[float, float],
    own: int,
    towards: tuple[float, float],
    field: Field,
    tubes: TubeIndex,
    frame: Frame,
    spec: HelicopterSpec,
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Place a landing spot ``tube_standoff_m`` from a tube, on the sphere, facing ``towards``.

    Of 72 candidates around the tube (every 5 degrees of azimuth), the one nearest
    ``towards`` (frame x, y) that keeps ``tube_clearance_m`` from every other tube (``own`` is
    the tube's catalogue position) and lies outside every obstacle. Returns its (lon, lat) and
    frame (x, y), or None.
    """
    n = 72
    lon, lat, _ = mars_geod().fwd(
        np.full(n, tube_ll[0]),
        np.full(n, tube_ll[1]),
        np.arange(n) * (360.0 / n),
        np.full(n, spec.tube_standoff_m + NUDGE_M),
    )
    ll = np.column_stack([lon_to_180(lon), lat])
    xy = frame.xy(ll)
    gap = tubes.nearest_m(ll, xy, spec.tube_clearance_m, skip=own)
    j = choose_spot(xy.tolist(), gap >= spec.tube_clearance_m, towards, field)
    if j is None:
        return None
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

    Cut in the frame, then measured on the sphere; where the frame's scale made a flight too
    long or a relay too close to a tube, cut again with tighter figures.
    """
    line = LineString(path)
    scale = line.length / path_m if path_m > 0 else 1.0
    max_piece = spec.range_m * scale * (1 - 1e-9)
    clearance = spec.tube_clearance_m * scale * (1 + 1e-9)
    for _ in range(4):
        avoid = tubes.near_line(line, clearance * 1.01 + 1.0)
        pieces = split_path(
            path,
            max_piece=max_piece,
            avoid=avoid.tolist(),
            clearance=clearance,
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
    to three times ``radius_m``; zones are clipped to it.
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
    ) -> None:
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
        margin = (
            max(spec.tube_standoff_m, spec.lander_standoff_m) + spec.obstacle_clearance_m + 10.0
        )
        self.window_m = min(extent + spec.range_m * flights + margin, 3.0 * radius_m)
        window = window_box(*centre, self.window_m * 1.01, sphere_radius_m=mars_geod().a)
        from_centre = geodesic_distance_m(*centre, tubes_ll[:, 0], tubes_ll[:, 1])
        near = np.flatnonzero(from_centre <= self.window_m + margin + spec.tube_clearance_m)
        self.tubes = TubeIndex(near, tubes_ll[near], self.frame)
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

    def place_pad(self, spec: HelicopterSpec) -> None:
        """Place the pad (after the zones were checked: the lander is outside them)."""
        self.pad_ll, self.pad_xy = place_pad(
            self.lander_ll, self._depot_ll, self.field, self.tubes, self.frame, spec
        )


def plan_trip(
    tid: Any, k: int, site: Site, spec: HelicopterSpec
) -> tuple[Trip, LineString] | Miss | str:
    """Plan one tube's trip: a landing spot, a path, its flights.

    Returns the trip and its path in the frame; or why not: a miss, or (a string) the words
    of a request too large to plan.
    """
    tube_ll = (float(site.tubes_ll[k, 0]), float(site.tubes_ll[k, 1]))
    spot = landing_spot(tube_ll, k, site.pad_xy, site.field, site.tubes, site.frame, spec)
    if spot is None:
        return Miss(tid, math.nan, "no landing spot clear of other tubes and hazards")
    spot_ll, spot_xy = spot
    path = site.field.shortest_path(site.pad_xy, spot_xy)
    if path is None:
        return Miss(tid, math.nan, "no flight path around the no-fly zones")
    if max(math.hypot(x, y) for x, y in path) > site.window_m:
        return Miss(
            tid, math.nan, f"no flight path within {site.window_m / 1000:.0f} km of the plan"
        )
    path_ll = site.frame.ll(np.asarray(path))
    path_ll[0], path_ll[-1] = site.pad_ll, spot_ll
    path_m = line_m(path_ll)
    flights_min = path_m / spec.range_m - 1e-12  # flights each way, at the least
    if flights_min > spec.max_relays + 1 and spec.max_relays <= site.relay_cap:
        return Miss(tid, path_m / (spec.max_relays + 1), f"path {path_m:.0f} m long")
    if flights_min > site.relay_cap + 1:
        return (
            f"tube {tid!r}: its path is {path_m:.1f} m long, {flights_min:.3g} flights each way "
            f"with range_m={spec.range_m:g}"
        )
    relays = site.relays
    pieces = fit_flights(path, path_m, site.pad_ll, spot_ll, site.tubes, site.frame, spec, relays)
    if pieces is None:
        why = (
            f"relays cannot land {spec.tube_clearance_m:g} m clear of the tubes along its "
            f"{path_m:.0f} m path with at most {relays} relays"
        )
        return Miss(tid, math.nan, why)
    return Trip(tid, tube_ll, spot_ll, path_m, len(pieces), pieces), LineString(path)
