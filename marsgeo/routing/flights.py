"""Cutting a path into flights within range, with relay landings clear of the tubes."""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from marsgeo.crs import (
    mars_geod,
)
from marsgeo.errors import (
    PlanningError,
)
from marsgeo.routing.frame import Frame, TubeIndex
from marsgeo.routing.model import FloatArray, HelicopterSpec
from marsgeo.routing.zones import XY

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


def line_m(ll: FloatArray) -> float:
    """Length [m] of a (n, 2) lon/lat polyline, geodesic on the Mars sphere."""
    if len(ll) < 2:
        return 0.0
    _, _, d = mars_geod().inv(ll[:-1, 0], ll[:-1, 1], ll[1:, 0], ll[1:, 1])
    return float(np.sum(d))


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
