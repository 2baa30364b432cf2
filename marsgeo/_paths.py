"""Flight paths around obstacles, in a local metric CRS (private).

Obstacles (no-fly zones and hazardous terrain) are grown by a clearance, wrapped in convex
hulls and simplified outwards, so that a path touching their outline keeps the clearance.
Shortest paths come from a visibility graph (A*) over the obstacle corners.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import substring, unary_union

XY = tuple[float, float]


class Field:
    """Obstacles in local metric coordinates, and shortest paths among them."""

    def __init__(self, obstacles: Sequence[Polygon], *, clearance_m: float) -> None:
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
        corners: list[XY] = []
        for z in self.zones:
            corners.extend((float(x), float(y)) for x, y in list(z.exterior.coords)[:-1])
        self.corners = corners

    def blocked(self, p: XY) -> bool:
        """Tell whether a point lies inside an (grown) obstacle."""
        pt = Point(p)
        return any(z.contains(pt) for z in self.zones)

    def _visible(self, a: XY, targets: Sequence[XY]) -> np.ndarray:
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


def landing_spot(
    tube: XY,
    others: Sequence[XY],
    towards: XY,
    field: Field,
    *,
    standoff_m: float,
    clearance_m: float,
) -> XY | None:
    """Find a spot ``standoff_m`` from the tube, clear of tubes and obstacles, facing ``towards``.

    Of 72 candidates around the tube, the one nearest ``towards`` that keeps ``clearance_m``
    from every other tube and lies outside every obstacle.
    """
    best: tuple[float, XY] | None = None
    for k in range(72):
        a = math.radians(5.0 * k)
        p = (tube[0] + standoff_m * math.sin(a), tube[1] + standoff_m * math.cos(a))
        if any(math.dist(p, o) < clearance_m for o in others):
            continue
        if field.blocked(p):
            continue
        d = math.dist(p, towards)
        if best is None or d < best[0]:
            best = (d, p)
    return None if best is None else best[1]


def split_path(
    path: Sequence[XY], pieces: int, avoid: Sequence[XY], clearance_m: float, max_piece: float
) -> list[LineString] | None:
    """Cut a path into ``pieces`` flights, each at most ``max_piece`` long.

    Relay spots start at equal spacing and may move along the path to keep ``clearance_m``
    from every tube, but only as far as both flights beside them stay within ``max_piece``.
    Returns None when some relay cannot be placed so (the caller then tries more pieces).
    """
    line = LineString(path)
    length = line.length
    if length / pieces > max_piece:
        return None
    cuts = [0.0]
    for j in range(1, pieces):
        target = length * j / pieces
        chosen = None
        for shift in sorted(np.linspace(-0.2, 0.2, 81) * length / pieces, key=abs):
            at = target + shift
            # this flight and every later one (still to be cut evenly) must stay in range
            if at - cuts[-1] > max_piece or (length - at) / (pieces - j) > max_piece:
                continue
            p = line.interpolate(at)
            if all(math.dist((p.x, p.y), o) >= clearance_m for o in avoid):
                chosen = at
                break
        if chosen is None:
            return None
        cuts.append(chosen)
    if length - cuts[-1] > max_piece:
        return None
    cuts.append(length)
    out = []
    for s, e in itertools.pairwise(cuts):
        seg = substring(line, s, e)
        out.append(seg if isinstance(seg, LineString) else LineString([seg, seg]))
    return out
