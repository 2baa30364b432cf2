"""Compare pickup strategies for the Three Forks depot: helicopters, relays, lander distance, risk.

Usage: python examples/compare_strategies.py [OUTPUT_DIR]

For one and two helicopters, with the lander at marsgeo's ASSUMED position (81 m from the
depot) and at an ASSUMED far position 1.2 km east of it, with and without relay landings,
plans the pickup and prints a Markdown table: sols (and whether proven), flights, relay
landings, flight distance, nights a helicopter spends away from the lander, and the risk:
with a 2 % chance that a flight fails and ends its helicopter's work, the expected number of
tubes delivered and the chance that all are. Writes the table as strategies.csv in
OUTPUT_DIR (default ./out). Every lander position here is an assumption.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from pyproj import Geod

import marsgeo as mg
from marsgeo.errors import UnreachableError
from marsgeo.routing import ASSUMED_LANDER

P_FAIL = 0.02  # ASSUMPTION: chance that one flight fails (Ingenuity: 72 flights, 1 loss)


def _far_lander() -> tuple[float, float]:
    mars = Geod(a=3_396_190.0, b=3_396_190.0)
    lon, lat, _ = mars.fwd(*ASSUMED_LANDER, 90.0, 1200.0)
    return float(lon), float(lat)


def compare() -> pd.DataFrame:
    """Plan every strategy and tabulate it."""
    tubes = mg.load_depot()
    rows = []
    cases = [
        (where, lander, helicopters, relays, 2, False)
        for where, lander in (("near (81 m)", ASSUMED_LANDER), ("far (1.2 km)", _far_lander()))
        for helicopters in (1, 2)
        for relays in (0, 3)
    ]
    # relayed trips of 4 flights, flown within one sol: every night at the lander
    cases += [("far (1.2 km)", _far_lander(), h, 3, 4, True) for h in (1, 2)]
    for where, lander, helicopters, relays, per_sol, home in cases:
        spec = mg.HelicopterSpec(max_relays=relays, flights_per_sol=per_sol)
        row: dict[str, object] = {
            "lander": where,
            "helicopters": helicopters,
            "max relays": relays,
            "flights a sol": per_sol,
            "nights": "at the lander" if home else "where it lands",
        }
        try:
            plan = mg.plan_pickup(
                tubes,
                lander=lander,
                helicopters=helicopters,
                spec=spec,
                p_fail_flight=P_FAIL,
                nights_at_lander=home,
            )
        except UnreachableError:
            row["sols"] = "unreachable"
            rows.append(row)
            continue
        trips = plan.trips
        row |= {
            "sols": f"{plan.makespan_sols}" + ("" if plan.is_optimal else " (best found)"),
            "flights": str(int(trips["flights"].sum())),
            "relay landings": str(int(2 * trips["relays"].sum())),
            "flight km": f"{plan.total_flight_m / 1000.0:.2f}",
            "trips with a night away": str(int((trips["first_sol"] != trips["last_sol"]).sum())),
            "expected tubes": f"{plan.expected_value:.2f}",
            # every flight must succeed
            "P(all 10)": f"{(1.0 - P_FAIL) ** int(trips['flights'].sum()):.3f}",
        }
        rows.append(row)
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame) -> str:
    """Write a table as Markdown."""
    cells = table.astype(object).where(table.notna(), "")
    lines = ["| " + " | ".join(map(str, table.columns)) + " |"]
    lines.append("|" + "---|" * len(table.columns))
    lines.extend("| " + " | ".join(map(str, row)) + " |" for row in cells.itertuples(index=False))
    return "\n".join(lines)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    table = compare()
    table.to_csv(out_dir / "strategies.csv", index=False)
    print(markdown(table))
    print(f"ASSUMPTION: both lander positions; p_fail_flight={P_FAIL}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out"))
