"""Published facts the tests check against, typed independently of the package's data files.

Sources: NASA/JPL and PDS (the tube list, landing site), as collected in the project's
reference notes; see marsgeo/data/sources.json for the citations.
"""

LANDING = (77.45088572, 18.44462715)  # Octavia E. Butler Landing (lon E, lat N)
TUBE_NAMES = [
    "Malay",
    "Mageik",
    "Crosswind Lake",
    "Roubion",
    "Coulettes",
    "Montdenier",
    "Bearwallow",
    "Skyland",
    "Atsá",
    "Amalik Witness",
]

# Tube positions (lon E, lat N) from the reference positions table, in drop order
TUBE_LONLAT = [
    (77.40775321, 18.45263041),
    (77.40784155, 18.45253023),
    (77.40805848, 18.45267208),
    (77.40808127, 18.45276239),
    (77.40819782, 18.45272212),
    (77.40825814, 18.45280517),
    (77.40833265, 18.45273043),
    (77.40850690, 18.45300435),
    (77.40860472, 18.45306540),
    (77.40844748, 18.45337040),
]
MARS_R = 3_396_190.0


def haversine_m(lon1, lat1, lon2, lat2, r=MARS_R):  # type: ignore[no-untyped-def]
    """Great-circle distance on a sphere, written independently of the package (numpy only)."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def reference_nearest_m() -> list[float]:
    """Each tube's nearest-neighbour distance from the reference coordinates."""
    import numpy as np

    lon, lat = np.array(TUBE_LONLAT).T
    d = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    np.fill_diagonal(d, np.inf)
    return [float(v) for v in d.min(axis=1)]
