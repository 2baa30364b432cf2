"""Benchmark: time to a proven optimum of the pickup assignment.

For the Three Forks depot (with the assumed lander) and for 100, 1000 and 10,000 random trips
on 2-4 helicopters, compare marsgeo's exact / proven method with a brute-force search (every
assignment, where it can finish) and with the plain LPT heuristic. Prints times and gaps to the
lower bounds, as ratios measured in this run, the share of random trip sets proven optimal at
each size, and an instance whose trivial bound is wrong by parity (every load is even).
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

import marsgeo as mg
from marsgeo.routing import ASSUMED_LANDER
from marsgeo.routing import optimise as _optimise

BRUTE_LIMIT = 12  # 2^12 assignments for two helicopters


def brute_force(flights: list[int], dist: list[float], h: int, f: int) -> tuple[int, float]:
    best: tuple[int, float] | None = None
    for a in itertools.product(range(h), repeat=len(flights)):
        fl = [0] * h
        d = [0.0] * h
        for i, k in enumerate(a):
            fl[k] += flights[i]
            d[k] += dist[i]
        key = (max(math.ceil(x / f) for x in fl), max(d))
        if best is None or key < best:
            best = key
    assert best is not None
    return best


def timed(fn, *args):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def report(name: str, flights: list[int], dist: list[float], h: int = 2, f: int = 2) -> None:
    """Print marsgeo against LPT (and brute force where it finishes) on one instance."""
    a, t_exact = timed(_optimise.assign, flights, dist, h, f)
    (lpt_sols, lpt_busiest), t_lpt = timed(_optimise.lpt_only, flights, dist, h, f)
    print(f"{name}: {len(flights)} trips, {h} helicopters, {f} flights a sol")
    print(
        f"  marsgeo  {t_exact * 1e3:9.2f} ms  {a.sols} sols (lower bound {a.sols_lower_bound},"
        f" proven {a.sols_proven}); busiest {a.busiest_m:.1f} m, gap to its bound "
        f"{a.busiest_gap_m:.3f} m (proven {a.busiest_proven}); {a.method}"
    )
    print(
        f"  LPT      {t_lpt * 1e3:9.2f} ms  {lpt_sols} sols; busiest {lpt_busiest:.1f} m, gap "
        f"{lpt_busiest - a.busiest_lower_bound_m:.3f} m; time ratio marsgeo/LPT "
        f"{t_exact / t_lpt:.1f}x"
    )
    if len(flights) <= BRUTE_LIMIT:
        (b_sols, b_busiest), t_brute = timed(brute_force, flights, dist, h, f)
        same = b_sols == a.sols and math.isclose(b_busiest, a.busiest_m, abs_tol=1e-6)
        print(
            f"  brute    {t_brute * 1e3:9.2f} ms  {b_sols} sols; busiest {b_busiest:.1f} m; "
            f"marsgeo matches: {same}; ratio brute/marsgeo {t_brute / t_exact:.1f}x"
        )
    else:
        print(f"  brute    not run: {h}^{len(flights)} assignments")


def proven_share(n: int, rng: np.random.Generator, repeats: int) -> None:
    """Print the share of random trip sets proven optimal, and the time against LPT."""
    for h in (2, 3, 4):
        proven = 0
        t_mg = t_lpt = 0.0
        gap_lpt = 0.0
        for _ in range(repeats):
            flights = rng.choice([2, 2, 2, 4, 6], size=n).tolist()
            dist = rng.uniform(50.0, 1400.0, size=n).tolist()
            a, t = timed(_optimise.assign, flights, dist, h, 2)
            (_, lpt_busiest), t2 = timed(_optimise.lpt_only, flights, dist, h, 2)
            proven += a.sols_proven and a.busiest_proven
            t_mg += t
            t_lpt += t2
            gap_lpt += (lpt_busiest - a.busiest_m) / a.busiest_m
        print(
            f"random {n:>5} trips, {h} helicopters: proven {proven}/{repeats}; "
            f"{t_mg / repeats * 1e3:8.1f} ms each (LPT ratio {t_mg / t_lpt:.1f}x); LPT's busiest "
            f"{100 * gap_lpt / repeats:.2f} % longer"
        )


def parity() -> None:
    """Print the parity instance: 4046 flights on 3 helicopters at 1 flight a sol."""
    flights = [4] * 977 + [6] * 23
    dist = [float(10 + (7 * i) % 90) for i in range(len(flights))]
    a, t = timed(_optimise.assign, flights, dist, 3, 1)
    print(
        f"parity: 1000 trips, 4046 flights, 3 helicopters, 1 flight a sol: {t * 1e3:.1f} ms, "
        f"{a.sols} sols (lower bound {a.sols_lower_bound}, trivial bound "
        f"{math.ceil(sum(flights) / 3)}), proven {a.sols_proven and a.busiest_proven}"
    )


def main() -> None:
    plan, t_plan = timed(lambda: mg.plan_pickup(mg.load_depot(), lander=ASSUMED_LANDER))
    print(
        f"Three Forks depot, whole plan (paths, schedule, legs): {t_plan:.3f} s, "
        f"{plan.makespan_sols} sols, proven optimal {plan.is_optimal}"
    )
    report("depot", plan.trips["flights"].tolist(), plan.trips["flight_m"].tolist())
    rng = np.random.default_rng(2023)
    for n in (100, 1000):
        flights = rng.choice([2, 2, 2, 4, 6], size=n).tolist()
        dist = rng.uniform(50.0, 1400.0, size=n).tolist()
        report(f"random {n}", flights, dist)
    for n, h in ((10, 3), (12, 3)):
        flights = rng.choice([2, 2, 2, 4, 6], size=n).tolist()
        dist = rng.uniform(50.0, 1400.0, size=n).tolist()
        report(f"random {n}", flights, dist, h)
    for n, repeats in ((100, 20), (1000, 5), (10_000, 2)):
        proven_share(n, rng, repeats)
    parity()


if __name__ == "__main__":
    main()
