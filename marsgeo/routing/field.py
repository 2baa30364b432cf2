"""Obstacles in the local frame and exact shortest paths around them (a visibility graph)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import unary_union

from marsgeo.routing.model import FloatArray
from marsgeo.routing.zones import (
    SIMPLIFY_VERTICES,
    SOLID_M,
    XY,
    Zone,
    flat_parts,
    grow_zone,
    polygonal,
    simplify_outwards,
)


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
        parts = [] if merged is None else [p for p in flat_parts(merged) if p.area > 0]
        many = [
            shapely.get_num_coordinates(shapely.simplify(p, 1e-6)) > SIMPLIFY_VERTICES
            for p in parts
        ]
        if any(many):
            simpler = [simplify_outwards(p) if m else p for p, m in zip(parts, many, strict=True)]
            merged = polygonal(unary_union(simpler))
            parts = [] if merged is None else [p for p in flat_parts(merged) if p.area > 0]
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
