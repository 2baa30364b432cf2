"""Objective 2 of the assignment: the least flight distance for the busiest helicopter."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from marsgeo._numbers import is_number, is_whole
from marsgeo.errors import (
    InputError,
    raise_collected,
)
from marsgeo.routing.packing import (
    EXACT_N_TWO,
    Capacity,
    Clock,
    sols_cumulative,
    sols_whole_trips,
    usable_helicopters,
)

#: Largest catalogue (trips) and model (binary variables) given to the MILP solver.
MILP_MAX_TRIPS = 80
MILP_MAX_VARS = 8_000
#: Least time left, in seconds, for which scipy is imported to run the MILP.
MILP_IMPORT_S = 1.0


@dataclass(frozen=True)
class Assignment:
    """Which trips each helicopter flies, and what is proven about it.

    ``groups[h]`` are helicopter h's trips (sorted). ``sol_plan[h][s - 1]`` are the trips of
    helicopter h flown (``whole_trips_per_sol``) or started (otherwise: flown back to back in
    that order) on sol s; with ``whole_trips_per_sol`` the trips of one entry are flown within
    that sol. ``sols_proven`` means no plan takes fewer sols; ``busiest_proven`` means the
    busiest helicopter's distance is within ``tolerance_m`` of a proven lower bound.
    ``timed_out`` tells that the time limit stopped a search.
    """

    groups: tuple[tuple[int, ...], ...]
    sols: int
    sols_lower_bound: int
    sols_proven: bool
    busiest_m: float
    busiest_lower_bound_m: float
    busiest_proven: bool
    method: str
    sol_plan: tuple[tuple[tuple[int, ...], ...], ...] = ()
    timed_out: bool = False

    @property
    def sols_gap(self) -> int:
        """Sols beyond the proven lower bound (0 when proven)."""
        return self.sols - self.sols_lower_bound

    @property
    def busiest_gap_m(self) -> float:
        """Busiest helicopter's distance beyond its proven lower bound, in metres."""
        return self.busiest_m - self.busiest_lower_bound_m


# --- objective 2: the busiest helicopter ------------------------------------------------


def busiest_lower_bound(dist: Sequence[float], helicopters: int) -> float:
    """Bound the busiest helicopter's distance from below.

    At least the average, the longest trip, and for every k the k + 1 shortest of the
    ``k * helicopters + 1`` longest trips (some helicopter flies k + 1 of them).

    Examples
    --------
    >>> busiest_lower_bound([10.0, 9.0, 8.0], 2)  # two of the three share a helicopter
    17.0
    """
    if not dist:
        return 0.0
    d = np.sort(np.asarray(dist, dtype=float))[::-1]
    h = max(1, int(helicopters))
    best = max(float(d.sum()) / h, float(d[0]))
    csum = np.concatenate([[0.0], np.cumsum(d)])
    k = np.arange(1, (len(d) - 1) // h + 1)
    if len(k):
        top = k * h + 1  # the top ``top`` trips; their k + 1 shortest
        best = max(best, float((csum[top] - csum[top - k - 1]).max()))
    return best


@dataclass
class _Rules:
    """What a helicopter may carry: ``per_heli`` bins of ``bin_cap`` flights each."""

    bin_cap: int
    per_heli: int


Layout = list[list[list[int]]]  # helicopter -> bins (sols, or one bin) -> trips


def _busiest(layout: Layout, dist: Sequence[float]) -> float:
    return max((sum(dist[i] for b in bins for i in b) for bins in layout), default=0.0)


def _valid(layout: Layout, flights: Sequence[int], rules: _Rules, n: int) -> bool:
    seen = sorted(i for bins in layout for b in bins for i in b)
    return seen == list(range(n)) and all(
        len(bins) <= rules.per_heli
        and all(sum(flights[i] for i in b) <= rules.bin_cap for b in bins)
        for bins in layout
    )


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


def _greedy_sols(
    flights: Sequence[int], dist: Sequence[float], heli: int, rules: _Rules
) -> Layout | None:
    """Longest trip first to the least loaded helicopter with a sol it fits (best fit)."""
    order = sorted(range(len(flights)), key=lambda i: (-dist[i], -flights[i], i))
    layout: Layout = [[] for _ in range(heli)]
    fills: list[list[int]] = [[] for _ in range(heli)]
    load = [0.0] * heli
    for i in order:
        for h in sorted(range(heli), key=lambda k: (load[k], k)):
            room = [
                (rules.bin_cap - x, b)
                for b, x in enumerate(fills[h])
                if x + flights[i] <= rules.bin_cap
            ]
            if room:
                b = min(room)[1]
            elif len(fills[h]) < rules.per_heli:
                b = len(fills[h])
                fills[h].append(0)
                layout[h].append([])
            else:
                continue
            layout[h][b].append(i)
            fills[h][b] += flights[i]
            load[h] += dist[i]
            break
        else:
            return None
    return layout


def _deal_bins(bins: list[list[int]], dist: Sequence[float], heli: int, per_heli: int) -> Layout:
    """Deal a packing's bins to helicopters, longest first, at most ``per_heli`` each."""
    layout: Layout = [[] for _ in range(heli)]
    load = [0.0] * heli
    for b in sorted(bins, key=lambda b: -sum(dist[i] for i in b)):
        h = min((k for k in range(heli) if len(layout[k]) < per_heli), key=lambda k: (load[k], k))
        layout[h].append(list(b))
        load[h] += sum(dist[i] for i in b)
    return layout


class _Busiest(NamedTuple):
    """The busiest helicopter's load, and each of its trips with its sol (bin) and that fill."""

    load: float
    trips: npt.NDArray[np.int64]
    bins: npt.NDArray[np.int64]
    fills: npt.NDArray[np.int64]


def _best_change(
    busy: _Busiest,
    load_h: float,
    bins_h: list[list[int]],
    data: tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], int],
) -> tuple[float, int, int, int, int] | None:
    """Find the best move or swap between the busiest helicopter and helicopter h.

    Returns (the pair's new maximum, trip moved, its bin, trip swapped back or -1, h's bin),
    or None when nothing lowers the busiest load.
    """
    d, fl, cap = data
    a_idx, a_bin, a_fill = busy.trips, busy.bins, busy.fills
    fills_h = [int(fl[b].sum()) if b else 0 for b in bins_h]
    gap = busy.load - load_h
    best: tuple[float, int, int, int, int] | None = None
    if fills_h:
        room_k = int(np.argmin(fills_h))
        ok = fl[a_idx] + fills_h[room_k] <= cap
        if ok.any():
            m = np.where(ok, np.maximum(busy.load - d[a_idx], load_h + d[a_idx]), np.inf)
            j = int(np.argmin(m))
            if m[j] < busy.load - 1e-9:
                best = (float(m[j]), int(a_idx[j]), int(a_bin[j]), -1, room_k)
    groups: dict[tuple[int, int], list[tuple[float, int, int]]] = {}
    for k, b in enumerate(bins_h):
        for i in b:
            groups.setdefault((int(fl[i]), fills_h[k]), []).append((float(d[i]), i, k))
    for (fb, fill_b), items in groups.items():
        ok = (a_fill - fl[a_idx] + fb <= cap) & (fill_b - fb + fl[a_idx] <= cap)
        if not ok.any():
            continue
        items.sort()
        db = np.array([x[0] for x in items])
        pos = np.searchsorted(db, d[a_idx] - gap / 2)
        for cand in (np.clip(pos - 1, 0, len(db) - 1), np.clip(pos, 0, len(db) - 1)):
            delta = d[a_idx] - db[cand]
            m = np.where(ok & (delta > 0), np.maximum(busy.load - delta, load_h + delta), np.inf)
            j = int(np.argmin(m))
            if m[j] < busy.load - 1e-9 and (best is None or m[j] < best[0]):
                _, ib, kb = items[int(cand[j])]
                best = (float(m[j]), int(a_idx[j]), int(a_bin[j]), ib, kb)
    return best


def _improve(
    layout: Layout, flights: Sequence[int], dist: Sequence[float], rules: _Rules, clock: Clock
) -> Layout:
    """Move or swap trips between the busiest helicopter and another while it helps.

    For each other helicopter the best single move and the best swap (the one bringing the
    pair closest to balance, found by sorted search per flight count and fill) are compared;
    the best strict improvement of the pair's maximum is applied.
    """
    d = np.asarray(dist, dtype=float)
    fl = np.asarray(flights, dtype=np.int64)
    cap = rules.bin_cap
    layout = [[list(b) for b in bins] for bins in layout]
    for h_ in range(len(layout)):  # one spare empty bin where a helicopter may open one
        if len(layout[h_]) < rules.per_heli and all(layout[h_]):
            layout[h_].append([])
    for _ in range(100_000):
        if clock.expired():
            break
        loads = [math.fsum(dist[i] for b in bins for i in b) for bins in layout]
        hi = int(np.argmax(loads))
        trips_hi = [(i, k) for k, b in enumerate(layout[hi]) for i in b]
        if not trips_hi:
            break
        a_idx = np.array([i for i, _ in trips_hi], dtype=np.int64)
        a_bin = np.array([k for _, k in trips_hi], dtype=np.int64)
        fill_hi = np.array([int(fl[b].sum()) if b else 0 for b in layout[hi]], dtype=np.int64)
        a_fill = fill_hi[a_bin]
        busy = _Busiest(loads[hi], a_idx, a_bin, a_fill)
        best: tuple[float, int, int, int, int, int] | None = None  # (max, h, a, kA, b, kB)
        for h in range(len(layout)):
            if h == hi:
                continue
            found = _best_change(busy, loads[h], layout[h], (d, fl, cap))
            if found is not None and (best is None or found[0] < best[0]):
                m, a, ka, other, kb = found
                best = (m, h, a, ka, other, kb)
        if best is None:
            break
        _, h, a, ka, other, kb = best
        layout[hi][ka].remove(a)
        layout[h][kb].append(a)
        if other >= 0:
            layout[h][kb].remove(other)
            layout[hi][ka].append(other)
        if len(layout[h]) < rules.per_heli and all(layout[h]):
            layout[h].append([])
    return [[b for b in bins if b] for bins in layout]


def _exact_two(flights: Sequence[int], dist: Sequence[float], cap: int) -> list[list[int]] | None:
    """Every split into two, vectorised: the best busiest-helicopter distance."""
    n = len(flights)
    fa = np.zeros(1, dtype=np.int64)
    da = np.zeros(1)
    for i in range(n):  # subset m holds trip i when bit i of m is set
        fa = np.concatenate([fa, fa + int(flights[i])])
        da = np.concatenate([da, da + float(dist[i])])
    ftot, dtot = int(sum(flights)), float(sum(dist))
    ok = (fa <= cap) & (ftot - fa <= cap)
    if not ok.any():
        return None
    worst = np.where(ok, np.maximum(da, dtot - da), np.inf)
    m = int(np.argmin(worst))
    a = [i for i in range(n) if (m >> i) & 1]
    return [a, [i for i in range(n) if not (m >> i) & 1]]


@contextmanager
def _quiet_c_stdout() -> Iterator[None]:
    """Silence the process's C-level stdout while HiGHS runs.

    HiGHS 1.12 may print a stray diagnostic line straight to file descriptor 1, which would
    corrupt machine-readable output (``marsgeo plan --format json``).
    """
    try:
        fd = sys.stdout.fileno() if sys.stdout is not None else 1
    except (AttributeError, OSError, ValueError):
        fd = 1
    try:
        saved = os.dup(fd)
    except OSError:
        yield
        return
    if sys.stdout is not None:
        sys.stdout.flush()
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


@dataclass
class _Milp:
    layout: Layout | None
    bound: float
    optimal: bool


def _milp(
    flights: Sequence[int],
    dist: Sequence[float],
    heli: int,
    rules: _Rules,
    incumbent: float,
    lower: float,
    tolerance_m: float,
    clock: Clock,
) -> _Milp | None:
    """Solve objective 2 exactly with HiGHS: x[i, h, s] = trip i on helicopter h, bin s.

    Symmetry broken by ordering trips longest first: the k-th trip only on helicopters and
    bins numbered <= k. Returns None when there is no time left to try (importing scipy
    the first time takes a few tenths of a second: not tried with less than MILP_IMPORT_S).
    """
    if clock.left() < (0.02 if "scipy.optimize" in sys.modules else MILP_IMPORT_S):
        return None
    from scipy.optimize import (  # type: ignore[import-untyped]
        Bounds,
        LinearConstraint,
        milp,
    )
    from scipy.sparse import coo_array  # type: ignore[import-untyped]

    limit = clock.left()
    if limit < 0.02:
        return None
    n = len(flights)
    order = sorted(range(n), key=lambda i: (-dist[i], -flights[i], i))
    var: list[tuple[int, int, int]] = [
        (i, h, s)
        for k, i in enumerate(order)
        for h in range(min(heli, k + 1))
        for s in range(min(rules.per_heli, k + 1))
    ]
    nv = len(var) + 1
    scale = max(incumbent, 1e-9)  # distances in units of the incumbent: z <= 1
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    r_trip = {i: r for r, i in enumerate(range(n))}
    r_bin = {(h, s): n + h * rules.per_heli + s for h in range(heli) for s in range(rules.per_heli)}
    r_load = {h: n + heli * rules.per_heli + h for h in range(heli)}
    for j, (i, h, s) in enumerate(var):
        rows += [r_trip[i], r_bin[h, s], r_load[h]]
        cols += [j, j, j]
        vals += [1.0, float(flights[i]), float(dist[i]) / scale]
    for h in range(heli):
        rows.append(r_load[h])
        cols.append(nv - 1)
        vals.append(-1.0)
    n_rows = n + heli * rules.per_heli + heli
    a = coo_array((vals, (rows, cols)), shape=(n_rows, nv)).tocsr()
    lo = np.concatenate([np.ones(n), np.full(n_rows - n, -np.inf)])
    hi = np.concatenate([np.ones(n), np.full(heli * rules.per_heli, rules.bin_cap), np.zeros(heli)])
    c = np.zeros(nv)
    c[-1] = 1.0
    lb = np.zeros(nv)
    ub = np.ones(nv)
    lb[-1] = lower / scale
    ub[-1] = 1.0 + 1e-5
    integrality = np.ones(nv)
    integrality[-1] = 0
    with _quiet_c_stdout():
        res: Any = milp(
            c,
            constraints=LinearConstraint(a, lo, hi),
            integrality=integrality,
            bounds=Bounds(lb, ub),
            options={
                "time_limit": limit,
                "mip_rel_gap": min(1e-4, tolerance_m / max(incumbent, 1e-9)),
                "presolve": True,
            },
        )
    dual = getattr(res, "mip_dual_bound", None)
    bound = float(dual) * scale if dual is not None and math.isfinite(dual) else lower
    if res.status == 1:
        clock.hit = True
    layout: Layout | None = None
    if res.x is not None:
        layout = [[[] for _ in range(rules.per_heli)] for _ in range(heli)]
        for j, (i, h, s) in enumerate(var):
            if res.x[j] > 0.5:
                layout[h][s].append(i)
        layout = [[b for b in bins if b] for bins in layout]
        if not _valid(layout, flights, rules, n):
            layout = None
    optimal = res.status == 0 and layout is not None
    return _Milp(layout, bound if res.status in (0, 1) else lower, optimal)


# --- the entry point ------------------------------------------------------------------------


def _number(x: Any) -> float:
    return float(x) if is_number(x) else math.nan


def _trip_problems(flights: Sequence[int], dist: Sequence[float]) -> list[str]:
    """Problems with the trips' flight counts and distances."""
    problems = []
    bad = [(i, x) for i, x in enumerate(flights) if not is_whole(x) or int(x) < 1]
    if bad:
        problems.append(
            f"flights[{bad[0][0]}]={bad[0][1]!r}: each trip's flights must be a whole number >= 1"
        )
    if len(dist) != len(flights):
        problems.append(f"dist has {len(dist)} values for {len(flights)} trips: give one per trip")
    bad_d = [
        (i, x) for i, x in enumerate(dist) if not _number(x) >= 0 or not math.isfinite(_number(x))
    ]
    if bad_d:
        problems.append(
            f"dist[{bad_d[0][0]}]={bad_d[0][1]!r}: each trip's distance must be finite and >= 0 m"
        )
    return problems


def _check(
    flights: Sequence[int],
    dist: Sequence[float],
    helicopters: Any,
    flights_per_sol: Any,
    tolerance_m: Any,
    time_limit_s: Any,
    capacity: Any,
    whole_trips_per_sol: Any,
) -> None:
    problems = _trip_problems(flights, dist)
    bad = any(not is_whole(x) or int(x) < 1 for x in flights)
    whole, number = is_whole, _number
    if not whole(helicopters) or int(helicopters) < 1:
        problems.append(f"helicopters={helicopters!r} must be a whole number >= 1")
    if not whole(flights_per_sol) or int(flights_per_sol) < 1:
        problems.append(f"flights_per_sol={flights_per_sol!r} must be a whole number >= 1")
    tol = number(tolerance_m)
    if not (math.isfinite(tol) and tol >= 0):
        problems.append(f"tolerance_m={tolerance_m!r} must be a finite distance >= 0 in metres")
    lim = number(time_limit_s)
    if not (math.isfinite(lim) and lim > 0):
        problems.append(f"time_limit_s={time_limit_s!r} must be a finite number of seconds > 0")
    if capacity is not None and not callable(capacity):
        problems.append(f"capacity={capacity!r} must be a function of the sol, or None")
    if not isinstance(whole_trips_per_sol, (bool, np.bool_)):
        problems.append(f"whole_trips_per_sol={whole_trips_per_sol!r} must be True or False")
    elif whole_trips_per_sol and capacity is not None:
        problems.append(
            "whole_trips_per_sol=True takes flights_per_sol as each sol's limit: pass "
            "capacity=None, or whole_trips_per_sol=False"
        )
    raise_collected(InputError, problems, what="assignment")
    if whole_trips_per_sol and not bad:
        over = [(i, int(x)) for i, x in enumerate(flights) if int(x) > int(flights_per_sol)]
        if over:
            i, x = over[0]
            msg = (
                f"trip {i} needs {x} flights but flights_per_sol={flights_per_sol}: with "
                "whole_trips_per_sol=True a trip must fit one sol; allow more flights a sol, "
                "or pass whole_trips_per_sol=False"
            )
            raise InputError(msg)


def assign(
    flights: Sequence[int],
    dist: Sequence[float],
    helicopters: int,
    flights_per_sol: int,
    *,
    tolerance_m: float = 1.0,
    time_limit_s: float = 5.0,
    capacity: Callable[[int], int] | None = None,
    whole_trips_per_sol: bool = False,
) -> Assignment:
    """Assign trips to helicopters: fewest sols, then the least busiest-helicopter distance.

    Parameters
    ----------
    flights, dist
        Per trip, its flights and its flight distance in metres.
    helicopters
        Helicopters available; those beyond one per trip are left out
        (:func:`usable_helicopters`), so there is at most one group per trip.
    flights_per_sol
        Most flights a helicopter flies in a sol.
    tolerance_m
        The busiest helicopter's distance counts as proven (``busiest_proven``) when it is
        within this many metres of a proven lower bound; finite and >= 0.
    time_limit_s
        Time for the whole search, in seconds; once it passes, the best assignment found so
        far is returned with the bounds proven so far (``timed_out`` True).
    capacity
        ``capacity(S)``: most flights a helicopter can have flown by the end of sol S
        (non-decreasing, ``capacity(0) == 0``); default ``S * flights_per_sol``. A load of L
        flights then finishes on the first sol S with ``capacity(S) >= L``.
    whole_trips_per_sol
        Fly every trip within one sol: a helicopter's trips are packed into sols of
        ``flights_per_sol`` flights (then ``capacity`` must be None).

    Returns
    -------
    Assignment
        The groups, the sol plan, the objectives, their bounds and what proved them.

    Raises
    ------
    InputError
        For bad arguments, or with ``whole_trips_per_sol`` a trip longer than a sol allows.

    Examples
    --------
    >>> a = assign([2, 2, 2, 2], [100.0, 300.0, 200.0, 200.0], 2, 2)
    >>> a.sols, a.busiest_m, a.sols_proven and a.busiest_proven
    (2, 400.0, True)
    """
    _check(
        flights,
        dist,
        helicopters,
        flights_per_sol,
        tolerance_m,
        time_limit_s,
        capacity,
        whole_trips_per_sol,
    )
    clock = Clock(float(time_limit_s))
    fl = [int(x) for x in flights]
    d = [float(x) for x in dist]
    n = len(fl)
    heli = usable_helicopters(helicopters, n)
    f = int(flights_per_sol)
    tol = float(tolerance_m)
    cap = Capacity(capacity, f)
    if n == 0:
        return Assignment(((),), 0, 0, True, 0.0, 0.0, True, "no trips", ((),), False)
    whole = bool(whole_trips_per_sol)
    if whole:
        res = sols_whole_trips(fl, heli, f, clock)
        rules = _Rules(bin_cap=f, per_heli=res.sols)
        witness = _deal_bins(res.bins, d, heli, res.sols)
    else:
        res = sols_cumulative(fl, heli, cap, clock)
        rules = _Rules(bin_cap=cap.at(res.sols), per_heli=1)
        witness = [[b] for b in res.bins] + [[] for _ in range(heli - len(res.bins))]
    sols_note = f"sols: {res.note}"
    lower = busiest_lower_bound(d, heli)
    layout, how, lower, optimal = _objective_two(fl, d, heli, rules, witness, lower, tol, clock)
    busiest = _busiest(layout, d)
    proven = optimal or busiest - lower <= tol
    if clock.hit:
        how = f"best in {clock.end - clock.start:.1f} s (time limit); {how}"
    while len(layout) < heli:
        layout.append([])
    return Assignment(
        groups=tuple(tuple(sorted(i for b in bins for i in b)) for bins in layout),
        sols=res.sols,
        sols_lower_bound=res.lower,
        sols_proven=res.proven,
        busiest_m=busiest,
        busiest_lower_bound_m=min(lower, busiest),
        busiest_proven=bool(proven),
        method=f"{sols_note}; distance: {how}",
        sol_plan=_sol_plan(layout, fl, cap, whole),
        timed_out=clock.hit,
    )


def _objective_two(
    fl: list[int],
    d: list[float],
    heli: int,
    rules: _Rules,
    witness: Layout,
    lower: float,
    tol: float,
    clock: Clock,
) -> tuple[Layout, str, float, bool]:
    """Best layout, how it was found, a proven lower bound, and whether it is optimal."""
    n = len(fl)
    if heli == 1:
        return witness, "single helicopter", _busiest(witness, d), True
    if heli == 2 and n <= EXACT_N_TWO and rules.per_heli == 1:
        two = _exact_two(fl, d, rules.bin_cap)
        if two is not None:
            best = [[g] for g in two]
            return best, "exact: every split into two", _busiest(best, d), True
    starts: list[Layout] = [witness]
    if rules.per_heli == 1:
        lpt = _lpt_groups(fl, d, heli, rules.bin_cap, by_distance=True)
        if lpt:
            starts.insert(0, [[g] for g in lpt])
    else:
        greedy = _greedy_sols(fl, d, heli, rules)
        if greedy is not None:
            starts.insert(0, greedy)
    best = min(starts, key=lambda lay: _busiest(lay, d))
    how = "LPT then moves and swaps"
    best = _improve(best, fl, d, rules, clock)
    value = _busiest(best, d)
    if value - lower <= tol:
        return best, f"{how}; bound met within {tol:g} m", lower, True
    if n > MILP_MAX_TRIPS or n * heli * min(rules.per_heli, n) > MILP_MAX_VARS or clock.expired():
        return best, how, lower, False
    out = _milp(fl, d, heli, rules, value, lower, tol, clock)
    if out is None:
        return best, how, lower, False
    if out.layout is not None and _busiest(out.layout, d) < value:
        best = out.layout
    if out.optimal:
        return best, "exact: MILP (HiGHS)", max(out.bound, lower), True
    return best, f"{how}; bound by MILP (HiGHS)", max(out.bound, lower), False


def _sol_plan(
    layout: Layout, flights: Sequence[int], cap: Capacity, whole: bool
) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """Per helicopter, the trips flown (whole trips) or started (otherwise) on each sol."""
    plan: list[tuple[tuple[int, ...], ...]] = []
    for bins in layout:
        if whole:
            plan.append(tuple(tuple(sorted(b)) for b in sorted((b for b in bins if b), key=min)))
            continue
        sols: list[list[int]] = []
        flown = 0
        for i in sorted(i for b in bins for i in b):
            s = cap.sol_of(flown + 1)
            while len(sols) < s:
                sols.append([])
            sols[s - 1].append(i)
            flown += flights[i]
        plan.append(tuple(tuple(x) for x in sols))
    return tuple(plan)


def lpt_only(
    flights: Sequence[int], dist: Sequence[float], helicopters: int, flights_per_sol: int
) -> tuple[int, float]:
    """Run the plain LPT heuristic (for comparison): its sols and busiest distance."""
    helicopters = usable_helicopters(helicopters, len(flights))
    groups = _lpt_groups(flights, dist, helicopters, None)
    sols = max(-(-sum(flights[i] for i in g) // flights_per_sol) for g in groups)
    return sols, max(sum(dist[i] for i in g) for g in groups)
