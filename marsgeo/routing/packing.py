"""Objective 1 of the assignment: fewest sols (bin packing of flights), exact and bounded."""

from __future__ import annotations

import heapq
import math
import time
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from marsgeo.errors import (
    InputError,
)

#: Largest catalogue solved by enumerating every split into two.
EXACT_N_TWO = 20
#: Largest count of pattern states the exact bin-packing search keeps in memory.
MAX_STATES = 1_000_000
#: Most bins the exact bin-packing search recurses over.
MAX_DEPTH = 500
#: Latest sol a ``capacity`` function is searched to.
MAX_SOL = 2**40


class _DeadlineError(Exception):
    """The deadline passed inside a search."""


class Clock:
    """A deadline on ``time.perf_counter``; ``hit`` remembers that it stopped something."""

    def __init__(self, limit_s: float) -> None:
        self.start = time.perf_counter()
        self.end = self.start + limit_s
        self.hit = False
        self._ticks = 0

    def left(self) -> float:
        """Give the seconds left before the deadline (0 when it has passed)."""
        return max(0.0, self.end - time.perf_counter())

    def expired(self) -> bool:
        """Tell whether the deadline has passed (and remember that it did)."""
        if time.perf_counter() >= self.end:
            self.hit = True
        return self.hit

    def tick(self) -> None:
        """Count a step of a search; raise :class:`_DeadlineError` once the deadline has passed."""
        self._ticks += 1
        if not self._ticks & 63 and self.expired():
            raise _DeadlineError


def _no_deadline() -> Clock:
    return Clock(math.inf)


class Capacity:
    """``capacity(S)``: flights a helicopter can have flown by the end of sol S, checked."""

    def __init__(self, fn: Callable[[int], int] | None, per_sol: int) -> None:
        self.fn = fn
        self.per_sol = per_sol
        self._seen: dict[int, int] = {}
        self._keys: list[int] = []
        if fn is not None and self.at(0) != 0:
            msg = (
                f"capacity(0)={self.at(0)!r}: no flight can have been flown before sol 1; "
                "return 0 for sol 0"
            )
            raise InputError(msg)

    def at(self, sol: int) -> int:
        """Give the most flights a helicopter can have flown by the end of ``sol``."""
        if self.fn is None:
            return sol * self.per_sol
        if sol in self._seen:
            return self._seen[sol]
        v = self.fn(sol)
        if isinstance(v, bool) or not isinstance(v, Integral) or int(v) < 0:
            msg = (
                f"capacity({sol}) returned {v!r}: capacity must return a whole number of "
                "flights >= 0"
            )
            raise InputError(msg)
        v = int(v)
        k = bisect_left(self._keys, sol)
        below = self._seen[self._keys[k - 1]] if k > 0 else None
        above = self._seen[self._keys[k]] if k < len(self._keys) else None
        if (below is not None and below > v) or (above is not None and above < v):
            msg = (
                f"capacity({sol})={v} breaks the order of capacity({self._keys[k - 1]})="
                f"{below} and capacity({self._keys[k] if above is not None else '-'})="
                f"{above}: capacity must be non-decreasing in the sol"
            )
            raise InputError(msg)
        insort(self._keys, sol)
        self._seen[sol] = v
        return v

    def sol_of(self, load: int) -> int:
        """Give the first sol by whose end ``load`` flights can have been flown."""
        if load <= 0:
            return 0
        if self.fn is None:
            return -(-load // self.per_sol)
        hi = 1
        while self.at(hi) < load:
            if hi >= MAX_SOL:
                msg = (
                    f"capacity never reaches {load} flights (capacity({hi})={self.at(hi)}): "
                    "it must grow without bound, or allow at least the largest load"
                )
                raise InputError(msg)
            hi *= 2
        lo = hi // 2  # capacity(lo) < load, or lo == 0
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.at(mid) >= load:
                hi = mid
            else:
                lo = mid
        return hi


def usable_helicopters(helicopters: int, trips: int) -> int:
    """Helicopters a plan can use: one trip each at most, so no more than the trips (>= 1).

    Neither objective improves with more: the bounds and the optimum are the same.
    """
    return max(1, min(int(helicopters), int(trips)))


def _gcd(flights: Sequence[int]) -> int:
    return math.gcd(*(int(x) for x in flights)) or 1


def _balanced_load(flights: Sequence[int], heli: int) -> int:
    """Least busiest load: the average, rounded up to a multiple of the flights' gcd."""
    g = _gcd(flights)
    avg = -(-sum(flights) // heli)
    return -(-avg // g) * g


def _l2_counts(values: Sequence[int], counts: Sequence[int], cap: int) -> int:
    """Martello-Toth L2: a lower bound on the bins of size ``cap`` that items need.

    ``values`` are the distinct item sizes (each <= cap) and ``counts`` how many of each.
    """
    total = sum(v * c for v, c in zip(values, counts, strict=True))
    if total == 0:
        return 0
    best = -(-total // cap)
    for k in {0, *(v for v in values if 2 * v <= cap)}:
        n_big = s_mid = n_mid = s_small = 0
        for v, c in zip(values, counts, strict=True):
            if v > cap - k:
                n_big += c
            elif 2 * v > cap:
                n_mid += c
                s_mid += v * c
            elif v >= k:
                s_small += v * c
        extra = s_small - (n_mid * cap - s_mid)
        best = max(best, n_big + n_mid + max(0, -(-extra // cap)))
    return best


def bins_lower_bound(flights: Sequence[int], cap: int) -> int:
    """Fewest bins of ``cap`` flights the trips could fit: gcd-rounded Martello-Toth L2.

    Examples
    --------
    >>> bins_lower_bound([6, 6, 6], 10)  # no two trips of 6 share 10 flights
    3
    """
    if not flights:
        return 0
    g = _gcd(flights)
    c = cap // g
    values, counts = np.unique(np.asarray(flights, dtype=np.int64) // g, return_counts=True)
    if c <= 0 or int(values[-1]) > c:
        return len(flights) + 1  # some trip fits no bin
    return _l2_counts([int(v) for v in values], [int(k) for k in counts], c)


def sols_lower_bound(flights: Sequence[int], helicopters: int, f: int) -> int:
    """Bound the sols from below, at ``f`` flights a sol.

    No plan finishes sooner: the total work in whole multiples of the flight counts' gcd, the
    longest single trip, and the L2 bin-packing bound.

    Examples
    --------
    >>> sols_lower_bound([4, 4, 2], 3, 1)  # 10 / 3 flights, but loads are even: 4 each
    4
    """
    if not flights:
        return 0
    g = _gcd(flights)
    h = usable_helicopters(helicopters, len(flights))
    load = max(max(flights), _balanced_load(flights, h))
    s = -(-load // f)
    while bins_lower_bound(flights, s * f) > h:
        s = -(-((s * f) // g * g + g) // f)
    return s


# --- exact bin packing ------------------------------------------------------------------


def _fit_decreasing(
    sizes: Sequence[int], cap: int, bins: int, *, worst: bool
) -> list[list[int]] | None:
    """Best-fit (or worst-fit: least-loaded) decreasing into ``bins`` bins; None if it fails."""
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i], i))
    if worst:
        heap = [(0, b) for b in range(bins)]
        out: list[list[int]] = [[] for _ in range(bins)]
        for i in order:
            load, b = heap[0]
            if load + sizes[i] > cap:
                return None
            heapq.heapreplace(heap, (load + sizes[i], b))
            out[b].append(i)
        return [g for g in out if g]
    # best fit: the fullest bin that still fits, bins kept by their room left
    rooms: list[int] = []  # sorted distinct rooms
    by_room: dict[int, list[int]] = {}
    groups: list[list[int]] = []
    for i in order:
        k = bisect_left(rooms, sizes[i])
        if k < len(rooms):
            room = rooms[k]
            b = by_room[room].pop()
            if not by_room[room]:
                del by_room[room]
                rooms.pop(k)
        elif len(groups) < bins:
            room, b = cap, len(groups)
            groups.append([])
        else:
            return None
        groups[b].append(i)
        new = room - sizes[i]
        if new > 0:
            if new not in by_room:
                insort(rooms, new)
                by_room[new] = []
            by_room[new].append(b)
    return groups


def _two_bins(sizes: Sequence[int], cap: int, clock: Clock) -> list[list[int]] | None:
    """Exact for two bins: a subset filling the first to within [total - cap, cap]."""
    total = sum(sizes)
    by_value: dict[int, list[int]] = {}
    for i, x in enumerate(sizes):
        by_value.setdefault(x, []).append(i)
    chunks: list[list[int]] = []  # binary splitting of each size's items
    for items in by_value.values():
        k, step = 0, 1
        while k < len(items):
            chunks.append(items[k : k + step])
            k += step
            step *= 2
    mask = (1 << (cap + 1)) - 1
    reach = 1
    history: list[int] = []
    for ch in chunks:
        clock.tick()
        history.append(reach)
        reach = (reach | (reach << (sizes[ch[0]] * len(ch)))) & mask
    lo = max(total - cap, 0)
    hit = reach >> lo << lo
    if not hit:
        return None
    t = hit.bit_length() - 1
    first: list[int] = []
    for ch, before in zip(reversed(chunks), reversed(history), strict=True):
        if not (before >> t) & 1:
            first.extend(ch)
            t -= sizes[ch[0]] * len(ch)
    taken = set(first)
    return [first, [i for i in range(len(sizes)) if i not in taken]]


def _patterns(
    sizes: tuple[int, ...], counts: tuple[int, ...], cap: int, clock: Clock
) -> Iterator[tuple[int, ...]]:
    """Count vectors p <= counts with sum(p * sizes) <= cap that cannot take one more item."""
    acc: list[int] = []

    def rec(j: int, left: int) -> Iterator[tuple[int, ...]]:
        clock.tick()
        if j == len(sizes):
            if not any(acc[k] < counts[k] and sizes[k] <= left for k in range(len(sizes))):
                yield tuple(acc)
            return
        for take in range(min(counts[j], left // sizes[j]), -1, -1):
            acc.append(take)
            yield from rec(j + 1, left - take * sizes[j])
            acc.pop()

    yield from rec(0, cap)


class _SearchTooLargeError(Exception):
    """The exact search would keep too many states or recurse too deep."""


def _pattern_search(
    sizes: Sequence[int], cap: int, bins: int, clock: Clock
) -> list[list[int]] | None:
    """Exact over the distinct sizes: one maximal bin at a time, failures memoised."""
    values = tuple(sorted(set(sizes), reverse=True))
    counts = tuple(sum(1 for x in sizes if x == v) for v in values)
    if bins > MAX_DEPTH:
        raise _SearchTooLargeError
    failed: dict[tuple[int, ...], int] = {}  # state -> most bins it failed with

    def rec(state: tuple[int, ...], left: int) -> list[tuple[int, ...]] | None:
        clock.tick()
        if not any(state):
            return []
        if failed.get(state, -1) >= left:
            return None
        if left > 0 and _l2_counts(values, state, cap) <= left:
            for pat in _patterns(values, state, cap, clock):
                if not any(pat):
                    continue
                rest = rec(tuple(s - p for s, p in zip(state, pat, strict=True)), left - 1)
                if rest is not None:
                    return [pat, *rest]
        failed[state] = max(left, failed.get(state, -1))
        if len(failed) > MAX_STATES:
            raise _SearchTooLargeError
        return None

    pats = rec(counts, bins)
    if pats is None:
        return None
    pools = {v: [i for i, x in enumerate(sizes) if x == v] for v in values}
    return [
        [pools[v].pop() for v, c in zip(values, p, strict=True) for _ in range(c)] for p in pats
    ]


def _quick_pack(sizes: Sequence[int], cap: int, bins: int) -> list[list[int]] | None:
    """Best-fit, then (for few bins) least-loaded, decreasing: a packing or None."""
    for worst in (False, True) if bins <= 64 else (False,):
        found = _fit_decreasing(sizes, cap, bins, worst=worst)
        if found is not None:
            return found
    return None


def _first_quick(
    lo: int, hi: int, pack: Callable[[int], list[list[int]] | None]
) -> tuple[int, list[list[int]]] | None:
    """Smallest s in [lo, hi) where the quick packing succeeds, by bisection (heuristic)."""
    out: tuple[int, list[list[int]]] | None = None
    while lo < hi:
        mid = (lo + hi) // 2
        found = pack(mid)
        if found is not None:
            out, hi = (mid, found), mid
        else:
            lo = mid + 1
    return out


def pack_feasible(
    flights: Sequence[int], bins: int, cap: int, *, clock: Clock | None = None
) -> tuple[bool | None, list[list[int]]]:
    """Tell whether the trips fit ``bins`` bins of at most ``cap`` flights each.

    Returns
    -------
    tuple
        ``(True, groups)`` with a packing that proves it (the non-empty bins, trip indices),
        ``(False, [])`` when proven impossible, ``(None, [])`` when the deadline passed or the
        search would be too large (then no proof either way).

    Examples
    --------
    >>> pack_feasible([6, 6, 6], 2, 10)
    (False, [])
    >>> pack_feasible([4, 2, 2], 2, 4)[0]
    True
    """
    n = len(flights)
    if n == 0:
        return True, []
    if bins <= 0 or max(flights) > cap:
        return False, []
    g = _gcd(flights)
    sizes = [int(x) // g for x in flights]
    c = cap // g
    used = min(bins, n)  # an empty bin more changes nothing
    if sum(sizes) > used * c or bins_lower_bound(flights, cap) > used:
        return False, []
    found = _quick_pack(sizes, c, used)
    if found is not None:
        return True, found
    clock = clock or _no_deadline()
    try:
        found = _two_bins(sizes, c, clock) if used == 2 else _pattern_search(sizes, c, used, clock)
    except (_DeadlineError, _SearchTooLargeError, RecursionError):
        return None, []
    return (True, found) if found is not None else (False, [])


# --- objective 1: fewest sols -------------------------------------------------------------


@dataclass
class _Sols:
    sols: int
    lower: int
    proven: bool
    bins: list[list[int]]  # a packing that meets ``sols``
    note: str


def sols_cumulative(flights: Sequence[int], heli: int, cap: Capacity, clock: Clock) -> _Sols:
    """Fewest sols when a helicopter's load L finishes on the first sol with capacity >= L."""
    g = _gcd(flights)
    sizes = [x // g for x in flights]
    lpt = _fit_decreasing(flights, sum(flights), heli, worst=True) or [list(range(len(flights)))]
    best = cap.sol_of(max(sum(flights[i] for i in b) for b in lpt))
    load = max(max(flights), _balanced_load(flights, heli))
    s = cap.sol_of(load)
    while s < best:
        ok, packing = (
            pack_feasible(flights, heli, cap.at(s), clock=clock)
            if not clock.expired()
            else (None, [])
        )
        if ok:
            return _Sols(s, s, True, packing, "exact bin packing")
        if ok is None:
            why = "time limit" if clock.hit else "search too large"
            quick = _first_quick(s + 1, best, lambda t: _quick_pack(sizes, cap.at(t) // g, heli))
            if quick is not None:
                return _Sols(quick[0], s, False, quick[1], f"best fit ({why} before a proof)")
            return _Sols(best, s, False, lpt, f"LPT ({why} before a proof)")
        s = cap.sol_of((cap.at(s) // g + 1) * g)
    return _Sols(best, best, True, lpt, "LPT meets the bound")


def sols_whole_trips(flights: Sequence[int], heli: int, f: int, clock: Clock) -> _Sols:
    """Fewest sols when each trip is flown within one sol: bin packing into heli * S sols."""
    g = _gcd(flights)
    sizes = [x // g for x in flights]
    bfd = _fit_decreasing(sizes, f // g, len(flights), worst=False) or [
        [i] for i in range(len(flights))
    ]
    best = -(-len(bfd) // heli)
    s = -(-bins_lower_bound(flights, f) // heli)
    while s < best:
        ok, packing = (
            pack_feasible(flights, heli * s, f, clock=clock) if not clock.expired() else (None, [])
        )
        if ok:
            return _Sols(s, s, True, packing, "exact bin packing")
        if ok is None:
            why = "time limit" if clock.hit else "search too large"
            quick = _first_quick(s + 1, best, lambda t: _quick_pack(sizes, f // g, heli * t))
            if quick is not None:
                return _Sols(quick[0], s, False, quick[1], f"best fit ({why} before a proof)")
            return _Sols(best, s, False, bfd, f"best fit ({why} before a proof)")
        s += 1
    return _Sols(best, best, True, bfd, "best fit meets the bound")


def min_sols(flights: Sequence[int], helicopters: int, f: int) -> tuple[int, int, bool]:
    """Fewest sols at ``f`` flights a sol: (sols, proven lower bound, proven).

    Examples
    --------
    >>> min_sols([6, 6, 6], 2, 2)  # 5 sols would hold 20 flights, but not 1.5 trips each
    (6, 6, True)
    """
    if not flights:
        return 0, 0, True
    heli = usable_helicopters(helicopters, len(flights))
    r = sols_cumulative(flights, heli, Capacity(None, f), Clock(5.0))
    return r.sols, r.lower, r.proven
