"""Synthetic PDS PLACES rover localization tables, in the shape of the real archive.

The real tables: Curiosity's ``localized_interp.csv`` (PDS Cartography and Imaging Sciences
Node, volume ``MSLPLC_1XXX``, ``DATA/LOCALIZATIONS/``) with its detached PDS3 label
``localized_interp.lbl``; Perseverance's bundle ``urn:nasa:pds:mars2020_rover_places`` shares
the table format, with PDS4 labels. A header line with the 26 columns of :data:`COLUMNS`, then
one row per localization: ``SITE`` rows (a site frame's origin: drive = pose = -1, sclk 0,
sol -1) before the ``ROVER`` rows of their site, and ``ROVER`` rows with several poses per
drive and a pose -1 summary row per drive. :data:`PUBLISHED_MSL_LINES` are the first two rows
of the MSL table as published.

The conventions here were checked against those published rows (see
``test_the_helper_writes_the_published_rows``): northing and easting are the mission's
equirectangular map projection on the Mars sphere (R = 3 396 190 m; true scale at the
equator for MSL, at 18.4663 N for Mars 2020, the team's map projection), the planetodetic
latitude is on the IAU 2015 ellipsoid, the map and DEM pixels are 0.25 m and 1 m, and the
attitude quaternion (s, v1, v2, v3) is the rotation yaw about Z, then pitch about Y, then
roll about X. What is made up: the sclk (seconds since J2000 in UTC, with no clock drift),
the summary rows' positions (the mean of the drive's poses), the Mars 2020 map corners, the
product ids of the synthetic labels, and every row except the two published ones.

Everything is computed independently of marsgeo: positions come from the reference notes
(tests/reference.py), landing-site-relative X (north), Y (east), Z (down) from a local tangent
plane at the landing site on the Mars sphere, sols and times from the Mars24 formulas written
out here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from .reference import LANDING, MARS_R, TUBE_LONLAT

#: The columns of a PLACES localization table, in file order (as published)
COLUMNS: tuple[str, ...] = (
    "frame",
    "site",
    "drive",
    "pose",
    "landing_x",
    "landing_y",
    "landing_z",
    "northing",
    "easting",
    "planetocentric_latitude",
    "planetodetic_latitude",
    "longitude",
    "elevation",
    "map_pixel_line",
    "map_pixel_sample",
    "dem_pixel_line",
    "dem_pixel_sample",
    "roll",
    "pitch",
    "yaw",
    "quat_s",
    "quat_v1",
    "quat_v2",
    "quat_v3",
    "sclk",
    "sol",
)
#: The first two rows of MSL's localized_interp.csv, as published
PUBLISHED_MSL_LINES = (
    "SITE,1,-1,-1,0.000,0.000,0.000,-272039.268,8146811.223,-4.589466996,-4.643738049,"
    "137.441632997,-4501.040,2101.07,23092.89,526.19,5773.73,0.000,-0.000,0.000,1.000000000,"
    "0.000000000,0.000000000,0.000000000,0,-1",
    "ROVER,1,0,0,0.000,0.000,0.000,-272039.268,8146811.223,-4.589466996,-4.643738049,"
    "137.441632997,-4501.040,2101.07,23092.89,526.19,5773.73,-2.414,-3.612,112.722,"
    "0.554112319,0.014571694,-0.034982380,0.831578882,397502188,0",
)
#: The columns a PDS3 label of MSL's shape lists (FIELDS = 22): all but the pixel columns
PDS3_LISTED = tuple(c for c in COLUMNS if "pixel" not in c)
MSL_DATA_SET_ID = "MSL-M-ROVER-6-RDR-PLACES-V1.0"
M2020_PRODUCT = "urn:nasa:pds:mars2020_rover_places:data_localizations:localized_interp"
# the IAU 2015 Mars ellipsoid [m]
IAU_A_M, IAU_B_M = 3_396_190.0, 3_376_200.0
# J2000 (2000-01-01T12:00:00 TT) in UTC: the synthetic spacecraft clocks count from here
J2000_UTC = datetime(2000, 1, 1, 11, 58, 55, 816000, tzinfo=UTC)
SOL_DAYS = 1.0274912517

#: Tube elevations [m] from the reference positions table, in drop order
TUBE_ELEV_M = [
    -2545.26,
    -2545.48,
    -2545.31,
    -2545.19,
    -2545.27,
    -2545.11,
    -2545.44,
    -2545.10,
    -2545.28,
    -2545.20,
]
#: Drop sols and drop LMST from the reference tube table, in drop order
DROP_SOLS = [653, 655, 661, 666, 668, 672, 675, 680, 682, 690]
DROP_LMST = [
    "13:38:22",
    "13:25:57",
    "12:48:36",
    "13:32:55",
    "13:23:56",
    "14:09:04",
    "13:07:52",
    "12:52:42",
    "14:04:26",
    "14:36:27",
]


def mars_sol_date(utc: datetime, *, tt_minus_utc_s: float) -> float:
    """Mars Sol Date of a UTC moment (Mars24: Allison and McEwen 2000)."""
    days_tt = (utc - J2000_UTC).total_seconds() / 86_400.0 + (tt_minus_utc_s - 64.184) / 86_400
    # J2000_UTC is 2000-01-01T12:00 TT when TT - UTC was 64.184 s
    return (days_tt - 4.5) / SOL_DAYS + 44_796.0 - 0.0009626


@dataclass(frozen=True)
class Mission:
    """What a mission's table depends on: landing site, map projection, sols."""

    landing: tuple[float, float]  # (lon E, lat N), site 1's origin
    landing_elev: float
    eqc_lat_ts: float  # the map projection's latitude of true scale
    map_corner: tuple[float, float]  # (northing, easting) of the orbital map's first pixel
    dem_corner: tuple[float, float]
    landing_utc: datetime  # touchdown: sol 0 is its sol
    tt_minus_utc_s: float

    @property
    def sol0_msd(self) -> int:
        msd = mars_sol_date(self.landing_utc, tt_minus_utc_s=self.tt_minus_utc_s)
        return math.floor(msd + self.landing[0] / 360.0)

    def utc(self, sol: int, lmst: str) -> datetime:
        """The UTC moment of a sol and local mean solar time (hh:mm:ss) at the landing site."""
        hh, mm, ss = (int(v) for v in lmst.split(":"))
        msd = self.sol0_msd + sol + (hh + mm / 60 + ss / 3600) / 24 - self.landing[0] / 360
        days_tt = (msd - 44_796.0 + 0.0009626) * SOL_DAYS + 4.5
        return J2000_UTC + timedelta(days=days_tt, seconds=64.184 - self.tt_minus_utc_s)


def _eqc(lat_ts: float, lon: float, lat: float) -> tuple[float, float]:
    """(northing, easting) [m] in an equirectangular projection on the Mars sphere."""
    return MARS_R * math.radians(lat), MARS_R * math.cos(math.radians(lat_ts)) * math.radians(lon)


_M2020_MAP = _eqc(18.4663, 77.38, 18.50)
M2020 = Mission(
    landing=LANDING,
    landing_elev=-2569.9,
    eqc_lat_ts=18.4663,
    map_corner=_M2020_MAP,
    dem_corner=(_M2020_MAP[0] + 0.5, _M2020_MAP[1] - 0.5),
    landing_utc=datetime(2021, 2, 18, 20, 43, 49, tzinfo=UTC),
    tt_minus_utc_s=69.184,
)
#: Curiosity: Bradbury Landing (site 1's origin) and the map corners of the published rows
MSL = Mission(
    landing=(137.441632997, -4.589466996),
    landing_elev=-4501.040,
    eqc_lat_ts=0.0,
    map_corner=(-271514.0, 8141038.0),
    dem_corner=(-271513.078, 8141037.493),
    landing_utc=datetime(2012, 8, 6, 5, 17, 57, tzinfo=UTC),
    tt_minus_utc_s=67.184,
)


@dataclass(frozen=True)
class Row:
    """One localization: a rover pose (frame ROVER) or a site origin (frame SITE)."""

    frame: str
    site: int
    drive: int
    pose: int
    lon: float
    lat: float
    elev: float
    sol: int = -1
    sclk: int = 0
    roll: float = 0.0
    pitch: float = 0.0
    yaw: float = 0.0
    utc: str = ""
    note: str = ""


def sclk_of(utc: datetime) -> int:
    """A plausible spacecraft clock: whole seconds since J2000 (no drift modelled)."""
    return math.floor((utc - J2000_UTC).total_seconds())


def ned_m(
    lon: float,
    lat: float,
    elev: float,
    *,
    origin: tuple[float, float] = LANDING,
    origin_elev: float = M2020.landing_elev,
) -> tuple[float, float, float]:
    """X north, Y east, Z down [m] of a point in the local tangent plane at ``origin``.

    On the Mars sphere (R = 3 396 190 m): the origin at radius R, the point at R plus its
    height above the origin.
    """

    def xyz(lo: float, la: float, r: float) -> tuple[float, float, float]:
        lo, la = math.radians(lo), math.radians(la)
        return (r * math.cos(la) * math.cos(lo), r * math.cos(la) * math.sin(lo), r * math.sin(la))

    lon0, lat0 = math.radians(origin[0]), math.radians(origin[1])
    p = xyz(lon, lat, MARS_R + elev - origin_elev)
    o = xyz(origin[0], origin[1], MARS_R)
    dx, dy, dz = (p[k] - o[k] for k in range(3))
    north = (
        -math.sin(lat0) * math.cos(lon0) * dx
        - math.sin(lat0) * math.sin(lon0) * dy
        + math.cos(lat0) * dz
    )
    east = -math.sin(lon0) * dx + math.cos(lon0) * dy
    up = (
        math.cos(lat0) * math.cos(lon0) * dx
        + math.cos(lat0) * math.sin(lon0) * dy
        + (math.sin(lat0) * dz)
    )
    return north, east, -up


def moved(lon: float, lat: float, north_m: float, east_m: float) -> tuple[float, float]:
    """A point a few metres north and east of (lon, lat), on the sphere."""
    dlat = math.degrees(north_m / MARS_R)
    dlon = math.degrees(east_m / (MARS_R * math.cos(math.radians(lat))))
    return lon + dlon, lat + dlat


def quaternion(roll: float, pitch: float, yaw: float) -> tuple[float, float, float, float]:
    """(s, v1, v2, v3) of the rotation yaw about Z, then pitch about Y, then roll about X [deg]."""
    r, p, y = (math.radians(a) / 2 for a in (roll, pitch, yaw))
    cr, sr, cp, sp = math.cos(r), math.sin(r), math.cos(p), math.sin(p)
    cy, sy = math.cos(y), math.sin(y)
    return (
        cy * cp * cr + sy * sp * sr,
        cy * cp * sr - sy * sp * cr,
        cy * sp * cr + sy * cp * sr,
        sy * cp * cr - cy * sp * sr,
    )


def _ographic(lat: float) -> float:
    return math.degrees(math.atan((IAU_A_M / IAU_B_M) ** 2 * math.tan(math.radians(lat))))


def _fixed(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return text if text.strip("-0.") else text.lstrip("-")  # no "-0.000" unless published


def cells(row: Row, *, mission: Mission = M2020, lon_360: bool = False) -> dict[str, str]:
    """The text of each column (and of ``utc`` and ``note``) for one row."""
    x, y, z = ned_m(
        row.lon, row.lat, row.elev, origin=mission.landing, origin_elev=mission.landing_elev
    )
    lon = row.lon % 360.0 if lon_360 else (row.lon + 180.0) % 360.0 - 180.0
    northing, easting = _eqc(mission.eqc_lat_ts, row.lon, row.lat)
    quat = quaternion(row.roll, row.pitch, row.yaw)
    return {
        "frame": row.frame,
        "site": str(row.site),
        "drive": str(row.drive),
        "pose": str(row.pose),
        "landing_x": _fixed(x, 3),
        "landing_y": _fixed(y, 3),
        "landing_z": _fixed(z, 3),
        "northing": f"{northing:.3f}",
        "easting": f"{easting:.3f}",
        "planetocentric_latitude": f"{row.lat:.9f}",
        "planetodetic_latitude": f"{_ographic(row.lat):.9f}",
        "longitude": f"{lon:.9f}",
        "elevation": f"{row.elev:.3f}",
        "map_pixel_line": f"{(mission.map_corner[0] - northing) / 0.25:.2f}",
        "map_pixel_sample": f"{(easting - mission.map_corner[1]) / 0.25:.2f}",
        "dem_pixel_line": f"{mission.dem_corner[0] - northing:.2f}",
        "dem_pixel_sample": f"{easting - mission.dem_corner[1]:.2f}",
        "roll": f"{row.roll:.3f}",
        "pitch": f"{row.pitch:.3f}",
        "yaw": f"{row.yaw:.3f}",
        **{
            k: f"{q:.9f}"
            for k, q in zip(("quat_s", "quat_v1", "quat_v2", "quat_v3"), quat, strict=True)
        },
        "sclk": str(row.sclk),
        "sol": str(row.sol),
        "utc": row.utc,
        "note": row.note,
    }


# --- the rover around Three Forks ----------------------------------------------------------------


def _drive(
    site: int,
    drive: int,
    sol: int,
    stops: Sequence[tuple[float, float, float]],
    *,
    start: datetime,
    mission: Mission = M2020,
) -> list[Row]:
    """A drive's poses 0, 1, ... at ``stops`` (lon, lat, elev), two minutes apart, then its
    pose -1 summary row (at the mean of the poses, with the last pose's clock)."""
    rows = []
    for pose, (lon, lat, elev) in enumerate(stops):
        when = start + timedelta(minutes=2 * pose)
        yaw = (drive * 37 + pose * 11) % 360 - 180.0
        rows.append(
            Row("ROVER", site, drive, pose, lon, lat, elev, sol, sclk_of(when), 1.25, -0.75, yaw)
        )
    mean = [sum(s[k] for s in stops) / len(stops) for k in range(3)]
    rows.append(replace(rows[-1], pose=-1, lon=mean[0], lat=mean[1], elev=mean[2]))
    return rows


def site_row(site: int, at: Row) -> Row:
    """The SITE row of a site declared where ``at`` stands."""
    return Row("SITE", site, -1, -1, at.lon, at.lat, at.elev)


def depot_rows() -> tuple[list[Row], dict[int, Row]]:
    """The rover around Three Forks: every row, and the parking row of each tube (by tube id).

    Site 41's SITE row comes first. Before each drop sol, a decoy drive ends 8 m away on the
    sol before; on the drop sol, a drive of three poses (3.6 m away, 5 cm away, over the tube)
    ends over the tube 90 minutes before the drop, each drive followed by its summary row.
    On Montdenier's sol the rover declares site 42 before driving: its SITE row, then the
    ROVER row (42, 0, 0) at the new origin, and the drive counter starts again from 2.
    """
    m = M2020
    site, drive = 41, 1000
    first = TUBE_LONLAT[0]
    rows = [site_row(41, Row("ROVER", 41, 0, 0, *moved(*first, -30.0, 25.0), -2546.0))]
    parking: dict[int, Row] = {}
    for tube_id, (sol, lmst, (lon, lat), elev) in enumerate(
        zip(DROP_SOLS, DROP_LMST, TUBE_LONLAT, TUBE_ELEV_M, strict=True), start=1
    ):
        decoy = [
            (*moved(lon, lat, 9.0, -5.0), elev + 0.4),
            (*moved(lon, lat, 7.0, -4.0), elev + 0.3),
        ]
        rows += _drive(site, drive, sol - 1, decoy, start=m.utc(sol - 1, "11:00:00"))
        drop = m.utc(sol, lmst)
        if tube_id == 6:
            site, drive = 42, 0
            origin = replace(rows[-2], site=42, drive=0, pose=0, sol=sol)
            origin = replace(origin, sclk=sclk_of(drop - timedelta(minutes=120)))
            rows += [site_row(42, origin), origin]
        stops = [
            (*moved(lon, lat, -3.0, -2.0), elev - 0.1),
            (*moved(lon, lat, 0.0, 0.05), elev),
            (lon, lat, elev),
        ]
        drop_drive = _drive(site, drive + 2, sol, stops, start=drop - timedelta(minutes=90))
        rows += drop_drive
        parking[tube_id] = drop_drive[-2]
        drive += 4
    return rows, parking


def gale_rows() -> list[Row]:
    """Curiosity near Bradbury Landing: site 1 (the published rows), drives on sols 1-5, and
    site 2 declared on sol 3."""
    lon0, lat0 = MSL.landing
    rows = [
        site_row(1, Row("ROVER", 1, 0, 0, lon0, lat0, MSL.landing_elev)),
        Row("ROVER", 1, 0, 0, lon0, lat0, MSL.landing_elev, 0, 397502188, -2.414, -3.612, 112.722),
    ]
    site, drive = 1, 0
    for sol in range(1, 6):
        stops = [
            (*moved(lon0, lat0, 30.0 * sol - 5, 10.0 * sol), MSL.landing_elev + sol - 0.5),
            (*moved(lon0, lat0, 30.0 * sol, 10.0 * sol), MSL.landing_elev + sol),
        ]
        if sol == 3:
            site, drive = 2, 0
            at = replace(rows[-2], site=2, drive=0, pose=0, sol=sol)
            at = replace(at, sclk=sclk_of(MSL.utc(sol, "12:00:00")))
            rows += [site_row(2, at), at]
        rows += _drive(site, drive + 2, sol, stops, start=MSL.utc(sol, "13:00:00"), mission=MSL)
        drive += 2
    return rows


# --- writing tables and labels -------------------------------------------------------------------

# PDS data type, unit (PDS4 form) and description of each column
_INTEGER, _REAL = "ASCII_Integer", "ASCII_Real"
_META: dict[str, tuple[str, str | None, str]] = {
    "frame": ("ASCII_String", None, "Frame of the row: SITE (a site origin) or ROVER."),
    "site": (_INTEGER, None, "Site index of the rover motion counter."),
    "drive": (_INTEGER, None, "Drive index of the rover motion counter (-1 for SITE rows)."),
    "pose": (_INTEGER, None, "Pose index of the rover motion counter (-1: none)."),
    "landing_x": (
        _REAL,
        "m",
        "X coordinate relative to the landing site (SITE 1). +X points north.",
    ),
    "landing_y": (_REAL, "m", "Y coordinate relative to the landing site. +Y points east."),
    "landing_z": (_REAL, "m", "Z coordinate relative to the landing site. +Z points down."),
    "northing": (_REAL, "m", "Northing in the map projection."),
    "easting": (_REAL, "m", "Easting in the map projection."),
    "planetocentric_latitude": (_REAL, "deg", "Planetocentric latitude."),
    "planetodetic_latitude": (_REAL, "deg", "Planetodetic latitude."),
    "longitude": (_REAL, "deg", "East longitude."),
    "elevation": (_REAL, "m", "Elevation relative to the areoid."),
    "map_pixel_line": (_REAL, None, "Line of the orbital map pixel."),
    "map_pixel_sample": (_REAL, None, "Sample of the orbital map pixel."),
    "dem_pixel_line": (_REAL, None, "Line of the DEM pixel."),
    "dem_pixel_sample": (_REAL, None, "Sample of the DEM pixel."),
    "roll": (_REAL, "deg", "Roll of the rover."),
    "pitch": (_REAL, "deg", "Pitch of the rover."),
    "yaw": (_REAL, "deg", "Yaw of the rover (heading from north)."),
    "quat_s": (_REAL, None, "Attitude quaternion, scalar part."),
    "quat_v1": (_REAL, None, "Attitude quaternion, first vector part."),
    "quat_v2": (_REAL, None, "Attitude quaternion, second vector part."),
    "quat_v3": (_REAL, None, "Attitude quaternion, third vector part."),
    "sclk": (_INTEGER, None, "Spacecraft clock of the localization [s] (0: none)."),
    "sol": (_INTEGER, None, "Sol of the localization (-1: none)."),
    "utc": ("ASCII_Date_Time_YMD_UTC", None, "UTC time of the localization."),
    "note": ("UTF8_String", None, "A note."),
}
_PDS3 = {"ASCII_String": "CHARACTER", "UTF8_String": "CHARACTER", _INTEGER: "ASCII_INTEGER"}
_PDS3 |= {_REAL: "ASCII_REAL", "ASCII_Date_Time_YMD_UTC": "TIME"}
_PDS3_UNITS = {"m": "METER", "deg": "DEGREE", "km": "KILOMETER", "rad": "RADIAN"}


def write_places(
    path: Path,
    rows: Sequence[Row],
    *,
    mission: Mission = M2020,
    columns: Sequence[str] = COLUMNS,
    label: str | None = "pds4",
    header: bool = True,
    lon_360: bool = False,
    units: dict[str, str] | None = None,
    listed: Sequence[str] | None = None,
    count: int | None = None,
) -> Path:
    """Write ``rows`` as a PLACES table, with its label next to it.

    ``label``: "pds4" (``.xml``, Mars 2020's form), "pds3" (``.lbl``, MSL's form) or None.
    ``units`` overrides the label's unit of some columns; ``listed`` gives the columns the
    label describes (all for PDS4; for PDS3 all but the four pixel columns, as in MSL's label)
    and ``count`` the number of fields it says it lists (``len(listed)`` by default).
    """
    head = io.StringIO()
    csv.writer(head, lineterminator="\r\n").writerow(columns)
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\r\n")
    for row in rows:
        text = cells(row, mission=mission, lon_360=lon_360)
        writer.writerow([text[key] for key in columns])
    header_text = head.getvalue() if header else ""
    path.write_bytes((header_text + body.getvalue()).encode("utf-8"))
    if label == "pds4":
        xml = pds4_label(
            path.name,
            list(listed or columns),
            records=len(rows),
            header_bytes=len(header_text.encode("utf-8")),
            units=units or {},
            count=count,
        )
        path.with_suffix(".xml").write_text(xml, encoding="utf-8")
    elif label == "pds3":
        lines = body.getvalue().split("\r\n")[:-1]
        text = pds3_label(
            path.name,
            list(listed or [c for c in columns if c in PDS3_LISTED or c not in COLUMNS]),
            rows=len(rows),
            header_bytes=len(header_text.encode("utf-8")),
            row_bytes=max(len(line) + 2 for line in lines),
            units=units or {},
            count=count,
        )
        path.with_suffix(".lbl").write_text(text, encoding="ascii", newline="\r\n")
    return path


def pds4_label(
    file_name: str,
    columns: Sequence[str],
    *,
    records: int,
    header_bytes: int,
    units: dict[str, str],
    count: int | None = None,
) -> str:
    """A PDS4 label of a delimited table with a header line (when ``header_bytes`` > 0)."""
    fields = []
    for number, name in enumerate(columns, start=1):
        data_type, unit, description = _META[name]
        unit = units.get(name, unit)
        unit_line = f"\n          <unit>{escape(unit)}</unit>" if unit else ""
        fields.append(
            f"""        <Field_Delimited>
          <name>{escape(name)}</name>
          <field_number>{number}</field_number>
          <data_type>{data_type}</data_type>{unit_line}
          <description>{escape(description)}</description>
        </Field_Delimited>"""
        )
    header = (
        f"""    <Header>
      <offset unit="byte">0</offset>
      <object_length unit="byte">{header_bytes}</object_length>
      <parsing_standard_id>UTF-8 Text</parsing_standard_id>
    </Header>
"""
        if header_bytes
        else ""
    )
    field_lines = "\n".join(fields)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Product_Ancillary xmlns="http://pds.nasa.gov/pds4/pds/v1"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Identification_Area>
    <logical_identifier>{M2020_PRODUCT}</logical_identifier>
    <version_id>1.0</version_id>
    <title>Mars 2020 Rover Localizations, Interpolated (synthetic test table)</title>
    <information_model_version>1.20.0.0</information_model_version>
    <product_class>Product_Ancillary</product_class>
  </Identification_Area>
  <Context_Area>
    <Investigation_Area>
      <name>Mars 2020</name>
      <type>Mission</type>
    </Investigation_Area>
  </Context_Area>
  <File_Area_Ancillary>
    <File>
      <file_name>{escape(file_name)}</file_name>
      <records>{records + (1 if header_bytes else 0)}</records>
    </File>
{header}    <Table_Delimited>
      <offset unit="byte">{header_bytes}</offset>
      <parsing_standard_id>PDS DSV 1</parsing_standard_id>
      <records>{records}</records>
      <record_delimiter>Carriage-Return Line-Feed</record_delimiter>
      <field_delimiter>Comma</field_delimiter>
      <Record_Delimited>
        <fields>{len(columns) if count is None else count}</fields>
        <groups>0</groups>
{field_lines}
      </Record_Delimited>
    </Table_Delimited>
  </File_Area_Ancillary>
</Product_Ancillary>
"""


def _pds3_field(number: int, name: str, unit: str | None) -> str:
    data_type, _, description = _META[name]
    kind = _PDS3[data_type]
    size, form = {"CHARACTER": (8, '"A8"'), "ASCII_INTEGER": (10, '"I10"')}.get(
        kind, (16, '"F16.9"')
    )
    lines = [
        "  OBJECT = FIELD",
        f"    FIELD_NUMBER = {number}",
        f'    NAME = "{name.upper()}"',
        f"    BYTES = {size}",
        f"    DATA_TYPE = {kind}",
        f"    FORMAT = {form}",
    ]
    if unit:
        lines.append(f'    UNIT = "{_PDS3_UNITS.get(unit, unit)}"')
    # descriptions wrap over lines, as in the archive's labels
    words = description.split()
    half = max(1, len(words) // 2)
    lines.append(f'    DESCRIPTION = "{" ".join(words[:half])}\n      {" ".join(words[half:])}"')
    lines.append("  END_OBJECT = FIELD")
    return "\n".join(lines)


def pds3_label(
    file_name: str,
    columns: Sequence[str],
    *,
    rows: int,
    header_bytes: int,
    row_bytes: int,
    units: dict[str, str],
    count: int | None = None,
) -> str:
    """A detached PDS3 label in the shape of MSL's ``localized_interp.lbl``."""
    fields = [
        _pds3_field(number, name, units.get(name, _META[name][1]))
        for number, name in enumerate(columns, start=1)
    ]
    head = (
        f"""^HEADER = ("{file_name}", 1)
^SPREADSHEET = ("{file_name}", {header_bytes + 1})
/* the header line names the columns */
OBJECT = HEADER
  BYTES = {header_bytes}
  RECORDS = 1
  HEADER_TYPE = TEXT
END_OBJECT = HEADER
"""
        if header_bytes
        else f'^SPREADSHEET = ("{file_name}", 1)\n'
    )
    field_text = "\n".join(fields)
    return f"""PDS_VERSION_ID = PDS3
RECORD_TYPE = STREAM
DATA_SET_ID = "{MSL_DATA_SET_ID}"
PRODUCT_ID = "{file_name}"
PRODUCT_VERSION_ID = "1.0"
START_TIME = 2012-08-06T05:17:57.000
STOP_TIME = 2012-08-11T00:00:00.000
TARGET_NAME = "MARS"
{head}OBJECT = SPREADSHEET
  ROWS = {rows}
  ROW_BYTES = {row_bytes}
  FIELDS = {len(columns) if count is None else count}
  FIELD_DELIMITER = COMMA
{field_text}
END_OBJECT = SPREADSHEET
END
"""


def with_times(rows: Sequence[Row], times: dict[int, str]) -> list[Row]:
    """The rows with a UTC time each (by position in ``rows``)."""
    return [replace(row, utc=times.get(k, "")) for k, row in enumerate(rows)]
