from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from marsgeo.errors import InputError
from marsgeo.routing import optimise as _optimise
from marsgeo.routing.packing import pack_feasible

# --- independent references, written from the model description -------------------------


def first_sol(load: int, capacity: Callable[[int], int]) -> int:
    """The first sol S with capacity(S) >= load, by walking the sols."""
    s = 0
    while capacity(s) < load:
        s += 1
    return s


@cache
def bins_needed(sizes: tuple[int, ...], f: int) -> int:
    """Fewest sols of ``f`` flights that hold these trips, each within one sol (exhaustive)."""
    best = len(sizes)

    def rec(k: int, fills: list[int]) -> None:
        nonlocal best
        if len(fills) >= best:
            return
        if k == len(sizes):
            best = len(fills)
            return
        for b in range(len(fills)):
            if fills[b] + sizes[k] <= f:
                fills[b] += sizes[k]
                rec(k + 1, fills)
                fills[b] -= sizes[k]
        fills.append(sizes[k])
        rec(k + 1, fills)
        fills.pop()

    rec(0, [])
    return best if sizes else 0


def brute_force(
    flights: list[int],
    dist: list[float],
    helicopters: int,
    sols_of: Callable[[list[int]], int],
) -> tuple[int, float]:
    """Every assignment of trips to helicopters: (fewest sols, least busiest distance)."""
    best: tuple[int, float] | None = None
    for a in itertools.product(range(helicopters), repeat=len(flights)):
        groups: list[list[int]] = [[] for _ in range(helicopters)]
        for i, h in enumerate(a):
            groups[h].append(i)
        sols = max(sols_of(g) for g in groups)
        busiest = max(sum(dist[i] for i in g) for g in groups)
        if best is None or sols < best[0] or (sols == best[0] and busiest < best[1] - 1e-9):
            best = (sols, busiest)
    assert best is not None
    return best


def reference_milp(
    flights: list[int],
    dist: list[float],
    helicopters: int,
    cap: int,
    *,
    feasibility: bool = False,
    at_most: float = math.inf,
) -> float | None:
    """Least busiest distance with at most ``cap`` flights a helicopter (None: infeasible).

    One binary per trip and helicopter, no symmetry breaking, solved to optimality; the
    busiest distance searched up to ``at_most`` (a distance some plan achieves).
    """
    n, h = len(flights), helicopters
    nv = n * h + 1
    a = np.zeros((n + 2 * h, nv))
    for i in range(n):
        a[i, i * h : (i + 1) * h] = 1
        for k in range(h):
            a[n + k, i * h + k] = flights[i]
            a[n + h + k, i * h + k] = dist[i]
    a[n + h :, -1] = -1
    lo = np.r_[np.ones(n), np.full(2 * h, -np.inf)]
    hi = np.r_[np.ones(n), np.full(h, cap), np.zeros(h)]
    c = np.zeros(nv)
    if not feasibility:
        c[-1] = 1
    res = milp(
        c,
        constraints=LinearConstraint(a, lo, hi),
        integrality=np.r_[np.ones(nv - 1), 0],
        bounds=Bounds(np.zeros(nv), np.r_[np.ones(nv - 1), at_most]),
        options={"mip_rel_gap": 1e-9},
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return float(res.fun)


def check_groups(a: _optimise.Assignment, n: int) -> None:
    assert sorted(i for g in a.groups for i in g) == list(range(n))
    assert a.sols_lower_bound <= a.sols and a.sols_gap == a.sols - a.sols_lower_bound
    assert a.busiest_lower_bound_m <= a.busiest_m + 1e-9
    assert a.busiest_gap_m == pytest.approx(a.busiest_m - a.busiest_lower_bound_m)


# --- the model, against brute force -------------------------------------------------------

trips_st = st.lists(
    st.tuples(st.sampled_from([2, 2, 2, 4, 6, 8]), st.floats(5, 2000)), min_size=1, max_size=7
)


@settings(max_examples=80, deadline=None)
@given(trips_st, st.integers(1, 3), st.integers(1, 5))
def test_optimum_matches_brute_force(
    trips: list[tuple[int, float]], helicopters: int, f: int
) -> None:
    flights = [t[0] for t in trips]
    dist = [t[1] for t in trips]
    a = _optimise.assign(flights, dist, helicopters, f)
    sols, busiest = brute_force(
        flights, dist, helicopters, lambda g: math.ceil(sum(flights[i] for i in g) / f)
    )
    assert a.sols == sols
    assert a.busiest_m == pytest.approx(busiest, abs=1e-6)
    assert a.sols_proven and a.busiest_proven
    check_groups(a, len(trips))


@settings(max_examples=60, deadline=None)
@given(trips_st, st.integers(1, 3), st.integers(1, 3), st.integers(1, 4))
def test_capacity_function_matches_brute_force(
    trips: list[tuple[int, float]], helicopters: int, per: int, every: int
) -> None:
    # ``per`` flights every ``every`` sols, the first batch on sol ``every``
    def capacity(s: int) -> int:
        return per * (s // every)

    flights = [t[0] for t in trips]
    dist = [t[1] for t in trips]
    a = _optimise.assign(flights, dist, helicopters, 99, capacity=capacity)
    sols, busiest = brute_force(
        flights, dist, helicopters, lambda g: first_sol(sum(flights[i] for i in g), capacity)
    )
    assert a.sols == sols
    assert a.busiest_m == pytest.approx(busiest, abs=1e-6)
    assert a.sols_proven and a.busiest_proven
    check_groups(a, len(trips))
    for g, plan in zip(a.groups, a.sol_plan, strict=True):
        order = [i for sol in plan for i in sol]
        assert sorted(order) == list(g)
        flown = 0
        for s, sol in enumerate(plan, start=1):
            for i in sol:  # trip i's first flight falls on sol s
                assert first_sol(flown + 1, capacity) == s
                flown += flights[i]
        assert first_sol(flown, capacity) <= a.sols


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([1, 2, 2, 3, 4]), st.floats(5, 2000)), min_size=1, max_size=6
    ),
    st.integers(1, 3),
    st.integers(4, 6),
)
def test_whole_trips_per_sol_matches_brute_force(
    trips: list[tuple[int, float]], helicopters: int, f: int
) -> None:
    flights = [t[0] for t in trips]
    dist = [t[1] for t in trips]
    a = _optimise.assign(flights, dist, helicopters, f, whole_trips_per_sol=True)
    sols, busiest = brute_force(
        flights, dist, helicopters, lambda g: bins_needed(tuple(flights[i] for i in g), f)
    )
    assert a.sols == sols
    assert a.busiest_m == pytest.approx(busiest, abs=1e-6)
    assert a.sols_proven and a.busiest_proven
    check_groups(a, len(trips))
    for g, plan in zip(a.groups, a.sol_plan, strict=True):
        assert sorted(i for sol in plan for i in sol) == list(g)
        assert len(plan) <= a.sols
        assert all(sum(flights[i] for i in sol) <= f for sol in plan)


def test_whole_trips_need_fewer_helicopter_sols_than_loads_suggest() -> None:
    # trips of 3 flights at 4 a sol: one trip a sol, though 4 sols hold 16 flights
    a = _optimise.assign([3, 3, 3, 3], [1.0, 2.0, 3.0, 4.0], 1, 4, whole_trips_per_sol=True)
    assert a.sols == 4 and a.sols_proven
    b = _optimise.assign([3, 3, 3, 3], [1.0, 2.0, 3.0, 4.0], 1, 4)
    assert b.sols == 3  # 12 flights, trips may span a night


# --- defects of the search ---------------------------------------------------------------


def test_bin_packing_infeasibility_is_proven() -> None:
    # three trips of 6 flights on two helicopters, 2 flights a sol: 9 flights a helicopter
    # would fit 18 in total, but no helicopter can take 1.5 trips: 6 sols, not 5
    a = _optimise.assign([6, 6, 6], [1.0, 1.0, 1.0], 2, 2)
    assert a.sols == 6 and a.sols_proven
    assert pack_feasible([6, 6, 6], 2, 10) == (False, [])


def test_packing_found_by_the_exact_search_is_used() -> None:
    # 80 flights on 4 helicopters at 4 a sol: 20 flights each, e.g. [8, 8, 4] [8, 8, 4]
    # [6, 6, 4, 4] [6, 6, 4, 2, 2]; distance is 100 m a flight, so every helicopter flies 2 km
    flights = [4, 6, 2, 6, 4, 8, 8, 8, 4, 6, 4, 4, 6, 2, 8]
    dist = [100.0 * x for x in flights]
    a = _optimise.assign(flights, dist, 4, 4)
    check_groups(a, len(flights))
    assert a.sols == 5 and a.sols_proven
    assert all(sum(flights[i] for i in g) <= 20 for g in a.groups)
    assert a.busiest_m == pytest.approx(2000.0) and a.busiest_proven


def test_parity_bound_is_proven_within_the_time_limit() -> None:
    # 4046 flights, 3 helicopters, 1 flight a sol: every load is even, so the busiest
    # helicopter flies at least the first even number >= 4046 / 3, i.e. 1350
    flights = [4] * 977 + [6] * 23
    assert sum(flights) == 4046
    parity = math.ceil(math.ceil(4046 / 3) / 2) * 2
    dist = [float(10 + (7 * i) % 90) for i in range(len(flights))]
    a = _optimise.assign(flights, dist, 3, 1, time_limit_s=2)
    check_groups(a, len(flights))
    assert a.sols_lower_bound >= parity == 1350
    assert max(sum(flights[i] for i in g) for g in a.groups) <= a.sols
    assert a.sols == 1350 and a.sols_proven


def test_time_limit_returns_the_best_so_far() -> None:
    rng = np.random.default_rng(40)
    flights = rng.choice([2, 2, 2, 4, 6], size=40).tolist()
    dist = rng.uniform(50, 1400, size=40).tolist()
    a = _optimise.assign(flights, dist, 4, 2, time_limit_s=0.3)
    check_groups(a, 40)
    assert a.busiest_proven or a.timed_out
    assert a.busiest_lower_bound_m >= sum(dist) / 4 - 1e-6
    loads = [sum(flights[i] for i in g) for g in a.groups]
    assert max(loads) <= 2 * a.sols
    if a.timed_out:
        assert "time limit" in a.method


@pytest.mark.parametrize("n", [100, 1000])
def test_large_catalogues_are_proven_quickly(n: int) -> None:
    rng = np.random.default_rng(n)
    flights = rng.choice([2, 2, 2, 4], size=n).tolist()
    dist = rng.uniform(50, 1400, size=n).tolist()
    a = _optimise.assign(flights, dist, 2, 2)
    # independent bound: total flights over total flight capacity per sol
    assert a.sols == math.ceil(sum(flights) / 4) and a.sols_proven
    assert a.busiest_m - sum(dist) / 2 <= 1.0 and a.busiest_proven
    loads = [sum(flights[i] for i in g) for g in a.groups]
    assert max(loads) <= a.sols * 2


def test_busiest_bound_counts_trips_that_must_share() -> None:
    # 4 trips on 3 helicopters: two of them share one, at least the two shortest of the four
    a = _optimise.assign([2, 2, 2, 2], [1000.0, 1000.0, 1000.0, 990.0], 3, 2, tolerance_m=0)
    assert a.busiest_m == 1990.0 and a.busiest_proven
    assert a.busiest_lower_bound_m == 1990.0


@pytest.mark.parametrize("chunk", range(6))
def test_medium_catalogues_are_solved_exactly(chunk: int) -> None:
    # 13-16 trips on 3-4 helicopters, checked against a separate exact formulation
    rng = np.random.default_rng(1000 + chunk)
    for _ in range(16):
        n = int(rng.integers(13, 17))
        h = int(rng.integers(3, 5))
        f = int(rng.integers(1, 5))
        flights = rng.choice([2, 2, 2, 4, 6, 8], size=n).tolist()
        dist = rng.uniform(5, 2000, size=n).round(1).tolist()
        a = _optimise.assign(flights, dist, h, f, time_limit_s=60)
        check_groups(a, n)
        cap = a.sols * f
        assert max(sum(flights[i] for i in g) for g in a.groups) <= cap
        if a.sols_proven and a.sols > 1:
            assert reference_milp(flights, dist, h, cap - f, feasibility=True) is None
        # a.groups were checked above: their busiest distance is achievable
        best = reference_milp(flights, dist, h, cap, at_most=a.busiest_m + 1e-6)
        assert best is not None
        assert a.busiest_lower_bound_m <= best + 1e-6
        assert a.busiest_proven, a.method
        assert a.busiest_m <= best + 1.0  # within tolerance_m of the optimum


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize("tol", [math.nan, -1.0, math.inf, "1"])
def test_tolerance_is_checked(tol: object) -> None:
    with pytest.raises(InputError, match="tolerance_m"):
        _optimise.assign([2], [1.0], 1, 2, tolerance_m=tol)  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [0.0, -1.0, math.nan, math.inf])
def test_time_limit_is_checked(limit: float) -> None:
    with pytest.raises(InputError, match="time_limit_s"):
        _optimise.assign([2], [1.0], 1, 2, time_limit_s=limit)


def test_capacity_is_checked() -> None:
    with pytest.raises(InputError, match=r"capacity\(0\)"):
        _optimise.assign([2], [1.0], 1, 2, capacity=lambda s: s + 1)
    with pytest.raises(InputError, match="non-decreasing"):
        _optimise.assign([2, 2, 2], [1.0, 1.0, 1.0], 1, 2, capacity=lambda s: [0, 3, 1, 5][s])
    with pytest.raises(InputError, match="whole number"):
        _optimise.assign([2], [1.0], 1, 2, capacity=lambda s: s * 1.5)  # type: ignore[arg-type,return-value]


def test_whole_trips_need_trips_that_fit_a_sol() -> None:
    with pytest.raises(InputError, match=r"trip 1 needs 6 flights.*flights_per_sol=4.*False"):
        _optimise.assign([2, 6], [1.0, 1.0], 2, 4, whole_trips_per_sol=True)
    with pytest.raises(InputError, match="capacity=None"):
        _optimise.assign([2], [1.0], 1, 4, whole_trips_per_sol=True, capacity=lambda s: 4 * s)


def test_capacity_one_flight_every_three_sols() -> None:
    # capacity(S) = (S + 2) // 3: flights on sols 1, 4, 7, ...; 4 flights end on sol 10
    a = _optimise.assign([2, 2], [5.0, 7.0], 1, 1, capacity=lambda s: (s + 2) // 3)
    assert a.sols == 10 and a.sols_proven
    assert a.sol_plan == (((0,), (), (), (), (), (), (1,)),)
