"""Benchmark: web-map build time and page size.

The Three Forks depot (with plan and synthetic terrain), and 10 000 points drawn by marsgeo
against a naive loop of folium.Marker with the same tooltip and popup. Prints bytes per point
and the ratio, measured in this run. Aim: marsgeo's page at least 3x smaller per point.
"""

from __future__ import annotations

import time

import folium
import geopandas as gpd
import numpy as np

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.routing import ASSUMED_LANDER

N = 10_000


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    tubes = marsgeo.load_depot()

    def depot_page() -> str:
        plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
        m = marsgeo.depot_map(tubes, plan=plan, terrain="synthetic")
        return str(m.get_root().render())

    page, t = timed(depot_page)
    print(
        f"Three Forks depot map (plan, synthetic terrain): built in {t:.2f} s, "
        f"{len(page.encode()) / 1024:.0f} KiB (online; offline adds Leaflet, ~150 KiB)"
    )

    rng = np.random.default_rng(7)
    lon = rng.uniform(77.3, 77.5, N)
    lat = rng.uniform(18.35, 18.55, N)
    pts = gpd.GeoDataFrame(
        {
            "name": [f"point {i}" for i in range(N)],
            "sample_type": rng.choice(["igneous", "sedimentary", "regolith"], N),
            "elev_m": rng.normal(-2545, 5, N).round(2),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=MARS_GEOGRAPHIC,
    )

    def ours() -> str:
        m = marsgeo.depot_map(pts, basemap=None, places=None, nearest=False, pairwise=False)
        return str(m.get_root().render())

    def naive() -> str:
        m = folium.Map(location=[18.45, 77.4], zoom_start=12, tiles=None)
        for i, (x, y) in enumerate(zip(lon, lat, strict=True)):
            popup = (
                f"<b>point {i}</b><br>tube id {i}<br>sample_type "
                f"{pts['sample_type'].iloc[i]}<br>elev_m {pts['elev_m'].iloc[i]}"
            )
            folium.Marker([y, x], tooltip=f"point {i}", popup=popup).add_to(m)
        return str(m.get_root().render())

    base_ours, _ = timed(
        lambda: str(
            marsgeo.depot_map(
                pts.iloc[:1], basemap=None, places=None, nearest=False, pairwise=False
            )
            .get_root()
            .render()
        )
    )
    base_naive, _ = timed(lambda: str(folium.Map(tiles=None).get_root().render()))
    a, t_ours = timed(ours)
    b, t_naive = timed(naive)
    per_ours = (len(a.encode()) - len(base_ours.encode())) / N
    per_naive = (len(b.encode()) - len(base_naive.encode())) / N
    print(f"{N:,} points with tooltip and popup")
    print(
        f"  marsgeo.depot_map      {t_ours:6.2f} s  {len(a.encode()) / 2**20:6.2f} MiB  "
        f"{per_ours:6.0f} bytes/point"
    )
    print(
        f"  loop of folium.Marker  {t_naive:6.2f} s  {len(b.encode()) / 2**20:6.2f} MiB  "
        f"{per_naive:6.0f} bytes/point"
    )
    ratio = per_naive / per_ours
    print(
        f"  ratio bytes/point naive/marsgeo: {ratio:.1f}x (aim >= 3x) "
        f"{'OK' if ratio >= 3 else 'MISSED'}; time ratio {t_naive / t_ours:.1f}x"
    )


if __name__ == "__main__":
    main()
