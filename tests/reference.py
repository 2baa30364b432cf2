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
