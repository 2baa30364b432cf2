"""Assignment of capacity-1 trips to helicopters (private; no geometry here).

Each trip i needs ``flights[i]`` flights (2 without relays) and ``dist[i]`` metres of flight.
A helicopter flies at most ``f`` flights a sol, so one doing trips T finishes on sol
ceil(sum(flights[T]) / f). Objectives, in order:

1. fewest sols: ``max_h ceil(F_h / f)``; parallel-machine makespan in whole flights, solved
   exactly at any size (the flight counts take few distinct values: high-multiplicity bin
   packing);
2. least flight distance for the busiest helicopter: ``max_h D_h`` under the sols found;
   exact by enumeration for small catalogues, else LPT plus pairwise improvement, proven
   optimal when it meets its lower bound within a tolerance.

With capacity-1 trips, helicopters beyond one per trip can never be used: the work is bounded
by the number of trips, whatever the number of helicopters (:func:`usable_helicopters`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

#: Largest catalogue solved by exhaustive enumeration, two helicopters / more.
EXACT_N_TWO = 20
EXACT_N_MANY = 12
#: Largest count of pattern states the exact bin-packing feasibility test explores.
MAX_STATES = 200_000


@dataclass(frozen=True)
class Assignment:
    """Which trips each helicopter flies, and what is proven about it."""

    groups: tuple[tuple[int, ...], ...]
    sols: int
    sols_lower_bound: int
    sols_proven: bool
    busiest_m: float
    busiest_lower_bound_m: float
    busiest_proven: bool
    method: str


def _sols(flights: int, f: int) -> int:
    return -(-flights // f)


def usable_helicopters(helicopters: int, trips: int) -> int:
    """Helicopters a plan can use: one trip each at most, so no more than the trips (>= 1).

    Neither objective improves with more: the bounds and the optimum are the same.
    """
    return max(1, min(int(helicopters), int(trips)))


def sols_lower_bound(flights: Sequence[int], helicopters: int, f: int) -> int:
    """No plan can finish sooner: total flight capacity and the longest single trip."""
    if not flights:
        return 0
    return max(_sols(sum(flights), helicopters * f), max(_sols(x, f) for x in flights))


def _patterns(sizes: tuple[int, ...], counts: tuple[int, ...], cap: int) -> list[tuple[int, ...]]:
    """All count vectors p <= counts with sum(p * sizes) <= cap that cannot take one more item."""
    out: list[tuple[int, ...]] = []

    def rec(j: int, left: int, acc: list[int]) -> None:
        if j == len(sizes):
            room = [k for k in range(len(sizes)) if acc[k] < counts[k] and sizes[k] <= left]
            if not room:
                out.append(tuple(acc))
            return
        for take in range(min(counts[j], left // sizes[j]), -1, -1):
            acc.append(take)
            rec(j + 1, left - take * sizes[j], acc)
            acc.pop()

    rec(0, cap, [])
    return out


def pack_feasible(flights: Sequence[int], bins: int, cap: int) -> bool | None:
    """Tell whether the trips fit ``bins`` helicopters with at most ``cap`` flights each.

    Exact (True/False) over the distinct flight counts; None when the search would be too
    large to finish (then the caller must not claim a proof).
    """
    if any(x > cap for x in flights):
        return False
    if sum(flights) > bins * cap:
        return False
    bins = usable_helicopters(bins, len(flights))  # an empty bin more changes nothing
    # a first-fit-decreasing packing that fits is a proof by construction
    loads = [0] * bins
    for x in sorted(flights, reverse=True):
        k = next((b for b in range(bins) if loads[b] + x <= cap), -1)
        if k < 0:
            break
        loads[k] += x
    else:
        return True
    if bins == 2:
        # exact: some subset must fill the first helicopter to within [total - cap, cap]
        reach = 1
        for x in flights:
            reach |= reach << x
        total = sum(flights)
        window = ((1 << (cap + 1)) - 1) >> max(total - cap, 0) << max(total - cap, 0)
        return bool(reach & window)
    values = sorted(set(flights), reverse=True)
    sizes = tuple(values)
    counts = tuple(sum(1 for x in flights if x == v) for v in values)
    if len(sizes) == 1:
        return bins * (cap // sizes[0]) >= counts[0]
    explored = 0

    @cache
    def rec(state: tuple[int, ...], left: int) -> bool:
        nonlocal explored
        explored += 1
        if explored > MAX_STATES:
            raise OverflowError
        if not any(state):
            return True
        if left == 0 or sum(s * c for s, c in zip(sizes, state, strict=True)) > left * cap:
            return False
        return any(
            rec(tuple(s - p for s, p in zip(state, pat, strict=True)), left - 1)
            for pat in _patterns(sizes, state, cap)
            if any(pat)
        )

    try:
        return rec(counts, bins)
    except OverflowError:
        return None


def min_sols(flights: Sequence[int], helicopters: int, f: int) -> tuple[int, int, bool]:
    """Fewest sols: (sols, lower bound, proven)."""
    helicopters = usable_helicopters(helicopters, len(flights))
    lb = sols_lower_bound(flights, helicopters, f)
    proven = True
    s = lb
    while True:
        ok = pack_feasible(flights, helicopters, s * f)
        if ok:
            return s, lb, proven
        if ok is None:
            # could not decide: the greedy split tells a feasible count, unproven
            proven = False
            greedy = _lpt_groups(flights, [0.0] * len(flights), helicopters, None)
            s_greedy = max(_sols(sum(flights[i] for i in g), f) for g in greedy)
            if s_greedy <= s:
                return s, lb, False
        s += 1


def _lpt_groups(
    flights: Sequence[int],
    dist: Sequence[float],
    helicopters: int,
    cap: int | None,
    *,
    by_distance: bool = False,
) -> list[list[int]]:
    """Longest processing time first: each trip to the least loaded helicopter it fits.

    "Longest" is by flights (then distance), or with ``by_distance`` by distance (then
    flights); the latter falls back to the former when a trip no longer fits. Returns []
    when the trips cannot be placed under ``cap``.
    """
    first, second = (dist, flights) if by_distance else (flights, dist)
    order = sorted(range(len(flights)), key=lambda i: (-first[i], -second[i], i))
    groups: list[list[int]] = [[] for _ in range(helicopters)]
    load_f = [0] * helicopters
    load_d = [0.0] * helicopters
    for i in order:
        fits = [h for h in range(helicopters) if cap is None or load_f[h] + flights[i] <= cap]
        if not fits:
            return _lpt_groups(flights, dist, helicopters, cap) if by_distance else []
        if by_distance:
            h = min(fits, key=lambda k: (load_d[k], k))
        else:
            h = min(fits, key=lambda k: (load_d[k], load_f[k], k))
        groups[h].append(i)
        load_f[h] += flights[i]
        load_d[h] += dist[i]
    return groups


def _improve(
    groups: list[list[int]], flights: Sequence[int], dist: Sequence[float], cap: int
) -> list[list[int]]:
    """Move and swap trips between the busiest helicopter and the others while it helps."""
    d = np.asarray(dist, dtype=float)
    fl = np.asarray(flights, dtype=int)
    for _ in range(10_000):
        loads = [float(d[g].sum()) for g in groups]
        fills = [int(fl[g].sum()) for g in groups]
        hi = int(np.argmax(loads))
        best: tuple[float, int, int, int] | None = None  # (new max pair, h, a, b)
        for h in range(len(groups)):
            if h == hi:
                continue
            pair_max = loads[hi]
            # move one trip from hi to h
            for a in groups[hi]:
                if fills[h] + fl[a] <= cap:
                    m = max(loads[hi] - d[a], loads[h] + d[a])
                    if m < pair_max - 1e-9 and (best is None or m < best[0]):
                        best = (m, h, a, -1)
            # swap a (from hi) with b (from h): best when d[a] - d[b] ~ (loads[hi]-loads[h])/2
            if groups[h]:
                gb = np.asarray(groups[h])
                for a in groups[hi]:
                    ok = (fills[hi] - fl[a] + fl[gb] <= cap) & (fills[h] - fl[gb] + fl[a] <= cap)
                    if not ok.any():
                        continue
                    delta = d[a] - d[gb]
                    m = np.maximum(loads[hi] - delta, loads[h] + delta)
                    m = np.where(ok & (delta > 0), m, np.inf)
                    k = int(np.argmin(m))
                    if m[k] < pair_max - 1e-9 and (best is None or m[k] < best[0]):
                        best = (float(m[k]), h, a, int(gb[k]))
        if best is None:
            break
        _, h, a, b = best
        groups[hi].remove(a)
        groups[h].append(a)
        if b >= 0:
            groups[h].remove(b)
            groups[hi].append(b)
    return groups


def _exact_two(flights: Sequence[int], dist: Sequence[float], cap: int) -> list[list[int]] | None:
    """Every split into two, vectorised: the best busiest-helicopter distance."""
    n = len(flights)
    masks = np.arange(1 << n, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(n)) & 1
    fa = bits @ np.asarray(flights, dtype=np.int64)
    da = bits @ np.asarray(dist, dtype=float)
    ftot, dtot = int(sum(flights)), float(sum(dist))
    ok = (fa <= cap) & (ftot - fa <= cap)
    if not ok.any():
        return None
    worst = np.where(ok, np.maximum(da, dtot - da), np.inf)
    m = int(np.argmin(worst))
    a = [i for i in range(n) if (m >> i) & 1]
    return [a, [i for i in range(n) if not (m >> i) & 1]]


def _exact_many(
    flights: Sequence[int], dist: Sequence[float], helicopters: int, cap: int
) -> list[list[int]] | None:
    """Depth-first search over assignments with symmetry breaking and bound pruning.

    Stops as soon as a plan meets the lower bound (no plan can beat it).
    """
    n = len(flights)
    order = sorted(range(n), key=lambda i: -dist[i])
    bound = busiest_lower_bound(dist, helicopters)
    best_val = math.inf
    best: list[list[int]] | None = None
    groups: list[list[int]] = [[] for _ in range(helicopters)]
    load_f = [0] * helicopters
    load_d = [0.0] * helicopters

    def rec(k: int) -> None:
        nonlocal best_val, best
        if max(load_d) >= best_val - 1e-12 or best_val <= bound + 1e-12:
            return
        if k == n:
            best_val = max(load_d)
            best = [list(g) for g in groups]
            return
        i = order[k]
        seen_empty = False
        for h in range(helicopters):
            if not groups[h]:
                if seen_empty:
                    continue  # helicopters are interchangeable: one empty one is enough
                seen_empty = True
            if load_f[h] + flights[i] > cap:
                continue
            groups[h].append(i)
            load_f[h] += flights[i]
            load_d[h] += dist[i]
            rec(k + 1)
            groups[h].pop()
            load_f[h] -= flights[i]
            load_d[h] -= dist[i]

    rec(0)
    return best


def busiest_lower_bound(dist: Sequence[float], helicopters: int) -> float:
    """Bound the busiest helicopter: at least the average and at least the longest trip."""
    if not dist:
        return 0.0
    return max(sum(dist) / helicopters, max(dist))


def assign(
    flights: Sequence[int],
    dist: Sequence[float],
    helicopters: int,
    flights_per_sol: int,
    *,
    tolerance_m: float = 1.0,
) -> Assignment:
    """Assign trips to helicopters: fewest sols, then the least busiest-helicopter distance.

    ``helicopters`` beyond one per trip are left out (:func:`usable_helicopters`): the
    assignment has at most one group per trip.
    """
    n = len(flights)
    helicopters = usable_helicopters(helicopters, n)
    sols, lb, sols_proven = min_sols(flights, helicopters, flights_per_sol)
    cap = sols * flights_per_sol
    lb_d = busiest_lower_bound(dist, helicopters)
    groups: list[list[int]] | None = None
    exact = False
    if helicopters == 1 or n <= 1:
        groups = [list(range(n))] + [[] for _ in range(helicopters - 1)]
        exact = True
        method = "single helicopter" if helicopters == 1 else "trivial"
    elif helicopters == 2 and n <= EXACT_N_TWO:
        groups = _exact_two(flights, dist, cap)
        exact = groups is not None
        method = "exact: every split into two"
    elif n <= EXACT_N_MANY:
        groups = _exact_many(flights, dist, helicopters, cap)
        exact = groups is not None
        method = "exact: depth-first search with bounds"
    if groups is None:
        start = _lpt_groups(flights, dist, helicopters, cap, by_distance=True)
        groups = _improve(start, flights, dist, cap)
        method = "LPT then pairwise moves and swaps"
    while len(groups) < helicopters:
        groups.append([])
    busiest = max((sum(dist[i] for i in g) for g in groups), default=0.0)
    proven_d = exact or busiest - lb_d <= tolerance_m
    return Assignment(
        groups=tuple(tuple(sorted(g)) for g in groups),
        sols=sols,
        sols_lower_bound=lb,
        sols_proven=sols_proven,
        busiest_m=busiest,
        busiest_lower_bound_m=lb_d,
        busiest_proven=proven_d,
        method=method,
    )


def lpt_only(
    flights: Sequence[int], dist: Sequence[float], helicopters: int, flights_per_sol: int
) -> tuple[int, float]:
    """Run the plain LPT heuristic (for comparison): its sols and busiest distance."""
    helicopters = usable_helicopters(helicopters, len(flights))
    groups = _lpt_groups(flights, dist, helicopters, None)
    sols = max(_sols(sum(flights[i] for i in g), flights_per_sol) for g in groups)
    return sols, max(sum(dist[i] for i in g) for g in groups)


__all__ = [
    "Assignment",
    "assign",
    "busiest_lower_bound",
    "lpt_only",
    "min_sols",
    "pack_feasible",
    "sols_lower_bound",
    "usable_helicopters",
]
