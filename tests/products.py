"""Small synthetic files in the exact shape of the orbital products users bring (Jezero).

Each writer makes a file named as the real product is, with the real product's format, data
type, nodata, CRS description and (for PDS3) label layout, but only a few dozen pixels around
the Three Forks depot and made-up values. The georeferencing is worked out here with plain
formulas (equirectangular on a sphere: x = R (lon - lon0) cos(lat_ts), y = R lat, in radians;
PDS3 pixel centres x = (sample - SAMPLE_PROJECTION_OFFSET - 1) * MAP_SCALE,
y = (1 + LINE_PROJECTION_OFFSET - line) * MAP_SCALE for 1-based line and sample), independent
of marsgeo, so that tests can check where marsgeo puts each pixel.

Shapes modelled (names as the real files):

- USGS Mars 2020 TRN HiRISE DTM mosaic and 25 cm orthomosaic, CTX DTM and 6 m orthomosaic:
  GeoTIFFs with an ESRI "Equirectangular Mars" WKT (no authority code), float32 nodata
  -3.4028227e38 (the ISIS "Null" pixel) for DTMs, uint8 with 0 for no data for images;
- a HiRISE PDS3 DTM ``DTEEC_*.IMG``: attached label, PC_REAL, ``MISSING_CONSTANT =
  16#FF7FFFFB#``, EQUIRECTANGULAR on a sphere of the local radius;
- the same DTM as an ISIS3 cube (what ``pds2isis`` makes of it);
- a HiRISE RDR ``ESP_*_RED.JP2`` with its detached PDS3 label ``ESP_*_RED.LBL``, in the
  RDR's layout (``COMPRESSED_FILE`` naming the JP2) or with ``^IMAGE`` naming it directly.
"""

from __future__ import annotations

import math
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.errors
from affine import Affine
from rasterio.crs import CRS as RioCRS  # noqa: N811 - rasterio's own name

from .reference import MARS_R, TUBE_LONLAT

# the tubes' bounding box centre: every file is centred here, so that all ten tubes are inside
DEPOT_LON = (min(p[0] for p in TUBE_LONLAT) + max(p[0] for p in TUBE_LONLAT)) / 2
DEPOT_LAT = (min(p[1] for p in TUBE_LONLAT) + max(p[1] for p in TUBE_LONLAT)) / 2

#: the ISIS "Null" pixel of 32-bit real data, the nodata of USGS and HiRISE DTMs
ISIS_NULL_HEX = "FF7FFFFB"
ISIS_NULL = struct.unpack(">f", bytes.fromhex(ISIS_NULL_HEX))[0]
#: the local radius a HiRISE DTM label may give for its sphere [m] (not the IAU 3 396 190 m)
LOCAL_RADIUS_M = 3_394_839.8

USGS_HIRISE_DTM = "JEZ_hirise_soc_006_DTM_MOLAtopography_DeltaGeoid_1m_Eqc_latTs0_lon0_blend40.tif"
USGS_HIRISE_ORTHO = "JEZ_hirise_soc_006_orthoMosaic_25cm_Eqc_latTs0_lon0_first.tif"
USGS_CTX_DTM = "JEZ_ctx_B_soc_008_DTM_MOLAtopography_DeltaGeoid_20m_Eqc_latTs0_lon0.tif"
USGS_CTX_ORTHO = "JEZ_ctx_B_soc_008_orthoMosaic_6m_Eqc_latTs0_lon0.tif"
HIRISE_DTM_ID = "DTEEC_045994_1985_046060_1985_U01"
HIRISE_RDR_ID = "ESP_045994_1985_RED"

# the WKT of the USGS Mars 2020 TRN GeoTIFFs (as gdalinfo shows it, in ESRI's dialect)
ESRI_EQC_MARS_WKT = (
    'PROJCS["Equirectangular Mars",GEOGCS["GCS_Mars",DATUM["D_Mars",'
    'SPHEROID["Mars",3396190,0]],PRIMEM["Reference_Meridian",0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Equirectangular"],'
    'PARAMETER["False_Easting",0],PARAMETER["False_Northing",0],'
    'PARAMETER["Central_Meridian",0],PARAMETER["Standard_Parallel_1",0],UNIT["Meter",1]]'
)


@dataclass(frozen=True)
class Grid:
    """Where a file's pixels are: equirectangular on a sphere, north-up, square pixels."""

    radius_m: float
    lat_ts: float  # standard parallel [deg]
    lon_0: float  # central meridian [deg]
    left: float  # x of the left edge [m]
    top: float  # y of the top edge [m]
    pixel_m: float
    rows: int
    cols: int

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Projected x, y of a place (the equirectangular formula, written out)."""
        x = self.radius_m * math.radians(lon - self.lon_0) * math.cos(math.radians(self.lat_ts))
        return x, self.radius_m * math.radians(lat)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """The inverse of :meth:`xy`."""
        lon = self.lon_0 + math.degrees(x / (self.radius_m * math.cos(math.radians(self.lat_ts))))
        return lon, math.degrees(y / self.radius_m)

    def pixel(self, lon: float, lat: float) -> tuple[int, int]:
        """(row, column) of the pixel holding a place."""
        x, y = self.xy(lon, lat)
        return math.floor((self.top - y) / self.pixel_m), math.floor((x - self.left) / self.pixel_m)

    def centre_lonlat(self, row: int, col: int) -> tuple[float, float]:
        """Longitude and latitude of a pixel centre."""
        x = self.left + (col + 0.5) * self.pixel_m
        y = self.top - (row + 0.5) * self.pixel_m
        return self.lonlat(x, y)

    @property
    def transform(self) -> Affine:
        return Affine(self.pixel_m, 0.0, self.left, 0.0, -self.pixel_m, self.top)


@dataclass(frozen=True)
class Product:
    """A written file, the values written in it and where its pixels are."""

    path: Path
    grid: Grid
    data: np.ndarray  # as written, nodata cells holding the nodata value
    nodata: float | None
    label: Path | None = None  # the detached label to open, if any

    @property
    def open_path(self) -> Path:
        return self.label or self.path


def grid_around_depot(
    *, radius_m: float, lat_ts: float, lon_0: float, pixel_m: float, n: int
) -> Grid:
    """An n x n grid of whole pixels (edges on multiples of the pixel size) over the depot."""
    probe = Grid(radius_m, lat_ts, lon_0, 0.0, 0.0, pixel_m, n, n)
    x, y = probe.xy(DEPOT_LON, DEPOT_LAT)
    left = (math.floor(x / pixel_m) - n // 2) * pixel_m
    top = (math.floor(y / pixel_m) + n // 2) * pixel_m
    return Grid(radius_m, lat_ts, lon_0, left, top, pixel_m, n, n)


def elevations(n: int, *, nodata: float) -> np.ndarray:
    """Made-up elevations [m], one value per pixel: -2560 + (row + col / 64) / 8.

    Exact in float32, within Mars's range, a gentle slope; a 4 x 4 block of nodata in the
    top-left corner (away from the tubes).
    """
    rows, cols = np.mgrid[0:n, 0:n]
    z = (-2560.0 + (rows + cols / 64.0) / 8.0).astype(np.float32)
    z[:4, :4] = nodata
    return z


def brightness(n: int, *, dtype: str = "uint8", bits: int = 8) -> np.ndarray:
    """Made-up image values 1..2**bits - 1, with a 4 x 4 block of 0 (no data) top left."""
    rows, cols = np.mgrid[0:n, 0:n]
    v = 1 + (rows * 7 + cols * 3) % (2**bits - 1)
    v[:4, :4] = 0
    return v.astype(dtype)


def _geotiff(path: Path, data: np.ndarray, grid: Grid, nodata: float | None) -> None:
    with (
        rasterio.Env(GDAL_PAM_ENABLED="NO"),
        rasterio.open(
            path,
            "w",
            driver="GTiff",
            width=grid.cols,
            height=grid.rows,
            count=1,
            dtype=data.dtype.name,
            crs=RioCRS.from_wkt(ESRI_EQC_MARS_WKT),
            transform=grid.transform,
            nodata=nodata,
            tiled=True,
            blockxsize=32 if grid.cols < 1024 else 512,
            blockysize=32 if grid.rows < 1024 else 512,
            compress="deflate",
        ) as dst,
    ):
        dst.write(data, 1)


def usgs_hirise_dtm(folder: Path, *, n: int = 64) -> Product:
    """The USGS Mars 2020 TRN HiRISE DTM mosaic (1 m, float32), n x n px over the depot."""
    grid = grid_around_depot(radius_m=MARS_R, lat_ts=0.0, lon_0=0.0, pixel_m=1.0, n=n)
    data = elevations(n, nodata=ISIS_NULL)
    _geotiff(folder / USGS_HIRISE_DTM, data, grid, ISIS_NULL)
    return Product(folder / USGS_HIRISE_DTM, grid, data, ISIS_NULL)


def usgs_ctx_dtm(folder: Path) -> Product:
    """The USGS Mars 2020 TRN CTX DTM (20 m, float32), 64 x 64 px over the depot."""
    grid = grid_around_depot(radius_m=MARS_R, lat_ts=0.0, lon_0=0.0, pixel_m=20.0, n=64)
    data = elevations(64, nodata=ISIS_NULL)
    _geotiff(folder / USGS_CTX_DTM, data, grid, ISIS_NULL)
    return Product(folder / USGS_CTX_DTM, grid, data, ISIS_NULL)


def usgs_hirise_ortho(folder: Path) -> Product:
    """The USGS Mars 2020 TRN HiRISE orthomosaic (25 cm, uint8), 256 x 256 px over the depot."""
    grid = grid_around_depot(radius_m=MARS_R, lat_ts=0.0, lon_0=0.0, pixel_m=0.25, n=256)
    data = brightness(256)
    _geotiff(folder / USGS_HIRISE_ORTHO, data, grid, 0)
    return Product(folder / USGS_HIRISE_ORTHO, grid, data, 0.0)


def usgs_ctx_ortho(folder: Path) -> Product:
    """The USGS Mars 2020 TRN CTX orthomosaic (6 m, uint8), 64 x 64 px over the depot."""
    grid = grid_around_depot(radius_m=MARS_R, lat_ts=0.0, lon_0=0.0, pixel_m=6.0, n=64)
    data = brightness(64)
    _geotiff(folder / USGS_CTX_ORTHO, data, grid, 0)
    return Product(folder / USGS_CTX_ORTHO, grid, data, 0.0)


def _pds_offsets(grid: Grid) -> tuple[float, float]:
    """LINE_ and SAMPLE_PROJECTION_OFFSET of a grid, by the PDS3 pixel-centre formulas."""
    # x of (1-based) sample 1's centre = left + pixel / 2 = (1 - SPO - 1) * scale
    spo = -(grid.left + grid.pixel_m / 2) / grid.pixel_m
    # y of line 1's centre = top - pixel / 2 = (1 + LPO - 1) * scale
    lpo = (grid.top - grid.pixel_m / 2) / grid.pixel_m
    return lpo, spo


def _map_projection(grid: Grid, radii_km: tuple[float, float, float]) -> str:
    lpo, spo = _pds_offsets(grid)
    a, b, c = radii_km
    return f"""OBJECT                           = IMAGE_MAP_PROJECTION
  ^DATA_SET_MAP_PROJECTION       = "DSMAP.CAT"
  MAP_PROJECTION_TYPE            = "EQUIRECTANGULAR"
  PROJECTION_LATITUDE_TYPE       = PLANETOCENTRIC
  A_AXIS_RADIUS                  = {a:.7f} <KM>
  B_AXIS_RADIUS                  = {b:.7f} <KM>
  C_AXIS_RADIUS                  = {c:.7f} <KM>
  COORDINATE_SYSTEM_NAME         = PLANETOCENTRIC
  POSITIVE_LONGITUDE_DIRECTION   = EAST
  KEYWORD_LATITUDE_TYPE          = PLANETOCENTRIC
  /* NOTE:  CENTER_LATITUDE and CENTER_LONGITUDE describe the location   */
  /* of the center of projection, which is not necessarily equal to the  */
  /* location of the center point of the image.                          */
  CENTER_LATITUDE                = {grid.lat_ts:.1f} <DEG>
  CENTER_LONGITUDE               = {grid.lon_0:.1f} <DEG>
  LINE_FIRST_PIXEL               = 1
  LINE_LAST_PIXEL                = {grid.rows}
  SAMPLE_FIRST_PIXEL             = 1
  SAMPLE_LAST_PIXEL              = {grid.cols}
  MAP_PROJECTION_ROTATION        = 0.0 <DEG>
  MAP_RESOLUTION                 = {math.pi * a * 1000 / 180 / grid.pixel_m:.10f} <PIX/DEG>
  MAP_SCALE                      = {grid.pixel_m:.10f} <METERS/PIXEL>
  MAXIMUM_LATITUDE               = {grid.lonlat(0.0, grid.top)[1]:.10f} <DEG>
  MINIMUM_LATITUDE               = {grid.lonlat(0.0, grid.top - grid.rows * grid.pixel_m)[1]:.10f} <DEG>
  LINE_PROJECTION_OFFSET         = {lpo:.10f} <PIXEL>
  SAMPLE_PROJECTION_OFFSET       = {spo:.10f} <PIXEL>
  EASTERNMOST_LONGITUDE          = {grid.lonlat(grid.left + grid.cols * grid.pixel_m, 0.0)[0]:.10f} <DEG>
  WESTERNMOST_LONGITUDE          = {grid.lonlat(grid.left, 0.0)[0]:.10f} <DEG>
END_OBJECT                       = IMAGE_MAP_PROJECTION"""  # noqa: E501 - a label's lines


def hirise_pds_dtm(folder: Path, *, n: int = 64) -> Product:
    """A HiRISE DTM as the PDS holds it: ``DTEEC_*.IMG``, attached PDS3 label, PC_REAL.

    Equirectangular on a sphere of the local radius (A = B = C = 3394.8398 km), centre
    latitude 18.4, centre longitude 77.4, 1 m pixels, n x n px over the depot.
    """
    grid = grid_around_depot(radius_m=LOCAL_RADIUS_M, lat_ts=18.4, lon_0=77.4, pixel_m=1.0, n=n)
    data = elevations(n, nodata=ISIS_NULL)
    valid = data[data != np.float32(ISIS_NULL)]
    record = n * 4
    radius_km = LOCAL_RADIUS_M / 1000
    head = """PDS_VERSION_ID                   = PDS3

/* FILE FORMAT AND LENGTH */
RECORD_TYPE                      = FIXED_LENGTH
RECORD_BYTES                     = {record}
FILE_RECORDS                     = {file_records}
LABEL_RECORDS                    = {label_records}

/* POINTERS TO START RECORDS OF OBJECTS IN FILE */
^IMAGE                           = {image_record}
"""
    body = f"""
/* IDENTIFICATION DATA ELEMENTS */
DATA_SET_ID                      = "MRO-M-HIRISE-5-DTM-V1.0"
PRODUCT_TYPE                     = DTM
PRODUCER_INSTITUTION_NAME        = "UNIVERSITY OF ARIZONA"
PRODUCER_ID                      = "UA"
PRODUCT_ID                       = "{HIRISE_DTM_ID}"
PRODUCT_VERSION_ID               = "1.0"
INSTRUMENT_HOST_NAME             = "MARS RECONNAISSANCE ORBITER"
INSTRUMENT_HOST_ID               = "MRO"
INSTRUMENT_NAME                  = "HIGH RESOLUTION IMAGING SCIENCE EXPERIMENT"
INSTRUMENT_ID                    = "HIRISE"
TARGET_NAME                      = MARS
SOURCE_PRODUCT_ID                = ("ESP_045994_1985_RED", "ESP_046060_1985_RED")
SOFTWARE_NAME                    = "SOCET SET v5.6.0"

/* DESCRIPTION OF OBJECTS CONTAINED IN THE FILE */

OBJECT                           = IMAGE
  LINES                          = {n}
  LINE_SAMPLES                   = {n}
  SAMPLE_TYPE                    = PC_REAL
  SAMPLE_BITS                    = 32
  UNIT                           = METER
  VALID_MINIMUM                  = {float(valid.min()):.4f}
  VALID_MAXIMUM                  = {float(valid.max()):.4f}
  NOTE                           = "Elevations in meters relative to the Mars areoid."
  MISSING_CONSTANT               = 16#{ISIS_NULL_HEX}#
END_OBJECT                       = IMAGE

{_map_projection(grid, (radius_km, radius_km, radius_km))}
END
"""
    # the label fills whole records; the image follows it
    label_records = 1
    while True:
        text = head.format(
            record=record,
            file_records=label_records + n,
            label_records=label_records,
            image_record=label_records + 1,
        )
        label = (text + body).replace("\n", "\r\n").encode("ascii")
        if len(label) <= label_records * record:
            break
        label_records += 1
    path = folder / f"{HIRISE_DTM_ID}.IMG"
    path.write_bytes(label.ljust(label_records * record, b" ") + data.astype("<f4").tobytes())
    return Product(path, grid, data, ISIS_NULL)


def isis_cube_dtm(folder: Path, *, n: int = 64) -> Product:
    """The HiRISE DTM as an ISIS3 cube (``pds2isis`` of the PDS file): Mapping group on the
    sphere of the local radius; ISIS keeps no elevation unit."""
    grid = grid_around_depot(radius_m=LOCAL_RADIUS_M, lat_ts=18.4, lon_0=77.4, pixel_m=1.0, n=n)
    data = elevations(n, nodata=ISIS_NULL)
    wkt = (
        'PROJCS["Equirectangular Mars",GEOGCS["GCS_Mars",DATUM["D_Mars",'
        f'SPHEROID["Mars_localRadius",{LOCAL_RADIUS_M!r},0]],PRIMEM["Reference_Meridian",0],'
        'UNIT["Degree",0.0174532925199433]],PROJECTION["Equirectangular"],'
        'PARAMETER["False_Easting",0],PARAMETER["False_Northing",0],'
        f'PARAMETER["Central_Meridian",{grid.lon_0!r}],'
        f'PARAMETER["Standard_Parallel_1",{grid.lat_ts!r}],UNIT["Meter",1]]'
    )
    path = folder / f"{HIRISE_DTM_ID}.cub"
    with (
        rasterio.Env(GDAL_PAM_ENABLED="NO"),
        rasterio.open(
            path,
            "w",
            driver="ISIS3",
            width=n,
            height=n,
            count=1,
            dtype="float32",
            crs=RioCRS.from_wkt(wkt),
            transform=grid.transform,
            nodata=ISIS_NULL,
        ) as dst,
    ):
        dst.write(data, 1)
    return Product(path, grid, data, ISIS_NULL)


def _rdr_label(grid: Grid, jp2: str, *, layout: str) -> str:
    image = f"""OBJECT                           = IMAGE
    DESCRIPTION                  = "HiRISE projected and mosaicked product"
    LINES                        = {grid.rows}
    LINE_SAMPLES                 = {grid.cols}
    BANDS                        = 1
    SAMPLE_TYPE                  = MSB_UNSIGNED_INTEGER
    SAMPLE_BITS                  = 16
    SAMPLE_BIT_MASK              = 2#0000001111111111#
    SCALING_FACTOR               = 1.0
    OFFSET                       = 0.0
    BAND_STORAGE_TYPE            = BAND_SEQUENTIAL
    CORE_NULL                    = 0
    CORE_LOW_REPR_SATURATION     = 1
    CORE_LOW_INSTR_SATURATION    = 2
    CORE_HIGH_REPR_SATURATION    = 1023
    CORE_HIGH_INSTR_SATURATION   = 1022
    CENTER_FILTER_WAVELENGTH     = 700 <NM>
    FILTER_NAME                  = "RED"
  END_OBJECT                     = IMAGE"""
    img = jp2.rsplit(".", 1)[0] + ".IMG"
    if layout == "rdr":
        objects = f"""OBJECT                           = COMPRESSED_FILE
  FILE_NAME                      = "{jp2}"
  RECORD_TYPE                    = UNDEFINED
  ENCODING_TYPE                  = "JP2"
  ENCODING_TYPE_VERSION_NAME     = "ISO/IEC15444-1:2004"
  INTERCHANGE_FORMAT             = BINARY
  UNCOMPRESSED_FILE_NAME         = "{img}"
  REQUIRED_STORAGE_BYTES         = {grid.rows * grid.cols * 2} <BYTES>
  ^DESCRIPTION                   = "JP2INFO.TXT"
END_OBJECT                       = COMPRESSED_FILE

OBJECT                           = UNCOMPRESSED_FILE
  FILE_NAME                      = "{img}"
  RECORD_TYPE                    = FIXED_LENGTH
  RECORD_BYTES                   = {grid.cols * 2} <BYTES>
  FILE_RECORDS                   = {grid.rows}
  ^IMAGE                         = "{img}"
  {image}
END_OBJECT                       = UNCOMPRESSED_FILE"""
        pointer = ""
    else:  # "^IMAGE": the label points straight at the JP2
        objects = image.replace("\n  ", "\n")
        pointer = f'^IMAGE                           = "{jp2}"\n'
    return f"""PDS_VERSION_ID                   = PDS3

/* FILE DATA ELEMENTS */
RECORD_TYPE                      = UNDEFINED
{pointer}
/* IDENTIFICATION DATA ELEMENTS */
DATA_SET_ID                      = "MRO-M-HIRISE-3-RDR-V1.1"
DATA_SET_NAME                    = "MRO MARS HIGH RESOLUTION IMAGING SCIENCE EXPERIMENT RDR V1.1"
PRODUCER_INSTITUTION_NAME        = "UNIVERSITY OF ARIZONA"
PRODUCER_ID                      = "UA"
OBSERVATION_ID                   = "{HIRISE_RDR_ID.rsplit("_", 1)[0]}"
PRODUCT_ID                       = "{HIRISE_RDR_ID}"
PRODUCT_VERSION_ID               = "1.0"
INSTRUMENT_HOST_NAME             = "MARS RECONNAISSANCE ORBITER"
INSTRUMENT_ID                    = "HIRISE"
TARGET_NAME                      = MARS

{objects}

{_map_projection(grid, (MARS_R / 1000, MARS_R / 1000, MARS_R / 1000))}
END
"""


def _jp2(path: Path, data: np.ndarray) -> None:
    """Write lossless JPEG 2000 pixels (no georeferencing: the label gives it)."""
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(
            path,
            "w",
            driver="JP2OpenJPEG",
            width=data.shape[1],
            height=data.shape[0],
            count=1,
            dtype=data.dtype.name,
            QUALITY=100,
            REVERSIBLE="YES",
            NBITS=10,
        ) as dst:
            dst.write(data, 1)


def hirise_rdr_jp2(
    folder: Path, *, layout: str = "rdr", encode: bool = True, n: int = 256
) -> Product:
    """A HiRISE RDR orthoimage: ``ESP_*_RED.JP2`` and its detached label ``ESP_*_RED.LBL``.

    uint16 with 10 significant bits, 25 cm pixels, n x n px over the depot,
    equirectangular on the Mars sphere (centre latitude 15, centre longitude 180). ``layout``
    "rdr" is the RDR's own label (a ``COMPRESSED_FILE`` object naming the JP2);
    "^IMAGE" a label whose ``^IMAGE`` names the JP2 directly. Writing the JP2 needs GDAL's
    JP2OpenJPEG driver; ``encode=False`` writes only the JPEG 2000 signature box instead
    (enough to test labels and refusals where GDAL has no JPEG 2000 driver).
    """
    grid = grid_around_depot(radius_m=MARS_R, lat_ts=15.0, lon_0=180.0, pixel_m=0.25, n=n)
    data = brightness(n, dtype="uint16", bits=10)
    jp2 = folder / f"{HIRISE_RDR_ID}.JP2"
    if encode:
        _jp2(jp2, data)
    else:
        jp2.write_bytes(bytes.fromhex("0000000C6A5020200D0A870A"))
    label = folder / f"{HIRISE_RDR_ID}.LBL"
    text = _rdr_label(grid, jp2.name, layout=layout)
    label.write_bytes(text.replace("\n", "\r\n").encode("ascii"))
    return Product(jp2, grid, data, 0.0, label=label)


def has_jp2_driver() -> bool:
    """Tell whether this GDAL reads and writes JPEG 2000 (JP2OpenJPEG)."""
    with rasterio.Env() as env:
        return "JP2OpenJPEG" in env.drivers()


def write_all(folder: Path) -> dict[str, Any]:
    """Write every product shape into ``folder``; return them by short name."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {
        "usgs_hirise_dtm": usgs_hirise_dtm(folder),
        "usgs_ctx_dtm": usgs_ctx_dtm(folder),
        "usgs_hirise_ortho": usgs_hirise_ortho(folder),
        "usgs_ctx_ortho": usgs_ctx_ortho(folder),
        "hirise_pds_dtm": hirise_pds_dtm(folder),
        "isis_cube_dtm": isis_cube_dtm(folder),
    }
    if has_jp2_driver():
        out["hirise_rdr_jp2"] = hirise_rdr_jp2(folder)
    return out
