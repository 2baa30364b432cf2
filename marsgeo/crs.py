"""Mars coordinate reference systems: the only place marsgeo's CRS rules live.

marsgeo works in planetocentric latitude and east-positive longitude (-180..180) on the
IAU 2015 Mars sphere, ``IAU_2015:49900`` (:data:`MARS_GEOGRAPHIC`), with longitude first.

PROJ refuses Mars <-> Earth transformations, which is right. It is not reliable *between* the
IAU Mars families: from the planetographic ``IAU_2015:49901`` (west-positive longitude) or the
planetocentric-on-ellipsoid ``IAU_2015:49902`` to the sphere it "ballparks" (shifts latitude by
about 0.2 degrees at Jezero) or swaps axes. marsgeo therefore converts with explicit formulas:
it inverse-projects data to the CRS's *own* geographic base (a pipeline PROJ gets right), then
turns planetographic latitude into planetocentric and west longitude into east itself.
"""

from __future__ import annotations

import contextlib
import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyproj
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

from marsgeo.errors import CoordinateError, CRSError, InputError

if TYPE_CHECKING:
    from marsgeo.typing import CRSLike, ShapeFrame

__all__ = [
    "M2020_LOCAL_EQC",
    "MARS_EQUATORIAL_RADIUS_M",
    "MARS_GEOGRAPHIC",
    "MARS_INVERSE_FLATTENING",
    "MARS_MEAN_RADIUS_M",
    "MARS_POLAR_RADIUS_M",
    "MARS_SPHERE_RADIUS_M",
    "east_to_west_lon",
    "from_mars_lonlat",
    "is_mars_crs",
    "local_crs",
    "local_crs_around",
    "lon_to_180",
    "lon_to_360",
    "mars_geod",
    "mean_lonlat",
    "ocentric_to_ographic_lat",
    "ographic_to_ocentric_lat",
    "require_mars_crs",
    "to_mars_geographic",
    "to_mars_lonlat",
    "west_to_east_lon",
]

FloatArray = npt.NDArray[np.float64]

#: Equatorial radius of Mars, IAU 2015 (PROJ ``IAU_2015`` authority) [m].
MARS_EQUATORIAL_RADIUS_M = 3_396_190.0
#: Polar radius of Mars, IAU 2015 [m].
MARS_POLAR_RADIUS_M = 3_376_200.0
#: Inverse flattening of the IAU 2015 Mars ellipsoid.
MARS_INVERSE_FLATTENING = 169.894447
#: Mean radius of Mars [m] (approximate; used by some global products).
MARS_MEAN_RADIUS_M = 3_389_500.0
#: Radius of the Mars 2000 / IAU 2015 sphere used by USGS, Esri and the Mars 2020 team [m].
MARS_SPHERE_RADIUS_M = MARS_EQUATORIAL_RADIUS_M

#: The canonical geographic CRS: Mars (2015) sphere, planetocentric, east-positive longitude.
MARS_GEOGRAPHIC: CRS = CRS.from_user_input("IAU_2015:49900")

#: The Mars 2020 team's local map projection (equirectangular, true scale at 18.4663 N).
M2020_LOCAL_EQC: CRS = CRS.from_user_input(
    "+proj=eqc +R=3396190 +lat_ts=18.4663 +lat_0=0 +lon_0=0 +x_0=0 +y_0=0 +units=m +type=crs"
)

# Semi-major axes of Mars in use lie between these (IAU spheres and ellipsoids, MOLA variants).
# No other body of the solar system has a radius in this band, so it identifies Mars.
_MARS_SEMI_MAJOR_BAND_M = (3_370_000.0, 3_410_000.0)
_OTHER_BODIES = (
    "moon",
    "mercury",
    "venus",
    "jupiter",
    "saturn",
    "io",
    "europa",
    "ganymede",
    "callisto",
    "titan",
    "enceladus",
    "phobos",
    "deimos",
    "ceres",
    "vesta",
    "pluto",
    "charon",
    "sun",
)


def as_crs(obj: Any) -> CRS | None:
    """Return the CRS of ``obj`` (a CRS-like value, or anything with a ``.crs``), or None."""
    if obj is None:
        return None
    if isinstance(obj, CRS):
        return obj
    what = obj
    if not isinstance(obj, (str, int, dict)):
        try:
            what = obj.crs if hasattr(type(obj), "crs") else obj
        except Exception as exc:  # e.g. a GeoDataFrame with no active geometry column
            msg = (
                f"the {type(obj).__name__} given has no readable CRS ({exc}); give it a "
                "geometry column (.set_geometry(...)) and a Mars CRS "
                "(.set_crs(marsgeo.crs.MARS_GEOGRAPHIC)), or pass a CRS."
            )
            raise CRSError(msg) from None
        if what is None:
            return None
        if isinstance(what, CRS):
            return what
    try:
        return CRS.from_user_input(what)
    except Exception as exc:  # pyproj's CRSError, or TypeError/ValueError for odd objects
        readable = isinstance(what, (str, int, dict))
        shown = repr(what) if readable else type(what).__name__
        why = f" ({exc})" if readable else ""  # PROJ's words on an odd object only confuse
        msg = (
            f"crs={shown} is not a coordinate reference system PROJ understands{why}. "
            "Pass an authority code such as 'IAU_2015:49900', a WKT or PROJ string, "
            "or marsgeo.crs.MARS_GEOGRAPHIC."
        )
        raise CRSError(msg) from None


def body_of(crs: CRS) -> str:
    """Name the body a CRS belongs to, as well as PROJ's metadata allows."""
    names = " ".join(
        n.lower()
        for n in (
            crs.name,
            crs.datum.name if crs.datum else "",
            crs.ellipsoid.name if crs.ellipsoid else "",
        )
        if n
    )
    for body in _OTHER_BODIES:
        if body in names.split() or f"{body} (" in names:
            return body.capitalize()
    if crs.ellipsoid is None:
        return "unknown"
    a = crs.ellipsoid.semi_major_metre
    if _MARS_SEMI_MAJOR_BAND_M[0] <= a <= _MARS_SEMI_MAJOR_BAND_M[1]:
        return "Mars"
    if 6_350_000.0 <= a <= 6_400_000.0:
        return "Earth"
    return "unknown"


def is_mars_crs(crs: CRSLike) -> bool:
    """Tell whether ``crs`` is a coordinate reference system of Mars.

    pyproj has no "celestial body" attribute, so the decision is made from the datum and
    ellipsoid names and the semi-major axis (3370-3410 km is Mars and only Mars).

    Parameters
    ----------
    crs
        Anything :meth:`pyproj.CRS.from_user_input` accepts, or an object with a ``.crs``.

    Returns
    -------
    bool
        False for None, Earth and other bodies.

    Examples
    --------
    >>> is_mars_crs("IAU_2015:49900"), is_mars_crs("EPSG:4326"), is_mars_crs(None)
    (True, False, False)
    """
    try:
        resolved = as_crs(crs)
    except CRSError:
        return False
    return resolved is not None and body_of(resolved) == "Mars"


def require_mars_crs(obj: CRSLike, *, name: str = "crs") -> CRS:
    """Return the Mars CRS of ``obj``, or raise :class:`~marsgeo.errors.CRSError`.

    Parameters
    ----------
    obj
        A CRS-like value, or an object with a ``.crs`` (GeoDataFrame, GeoSeries, raster).
    name
        The argument's name, for the error message.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    marsgeo.errors.CRSError
        The CRS is missing, belongs to Earth or another body, or cannot be parsed.

    Examples
    --------
    >>> require_mars_crs("IAU_2015:49900").to_string()
    'IAU_2015:49900'
    """
    crs = as_crs(obj)
    if crs is None:
        msg = (
            f"{name} has no CRS. If the coordinates are Mars planetocentric longitude/latitude, "
            "set it with .set_crs(marsgeo.crs.MARS_GEOGRAPHIC); marsgeo never assumes one."
        )
        raise CRSError(msg)
    body = body_of(crs)
    if body == "Mars":
        return crs
    label = crs.to_string()
    if body == "Earth":
        msg = (
            f"{name} is {label} ({crs.name}), an Earth CRS; marsgeo works on Mars only. "
            "If the file holds Mars longitude/latitude mislabelled as Earth (common in GeoJSON "
            "tagged CRS84), relabel it with .set_crs(marsgeo.crs.MARS_GEOGRAPHIC, "
            "allow_override=True); never reproject between bodies."
        )
    elif body == "unknown":
        msg = (
            f"{name} is {label} ({crs.name}), whose body cannot be recognised as Mars "
            "(no Mars datum, semi-major axis not 3370-3410 km). Use a Mars CRS such as "
            "marsgeo.crs.MARS_GEOGRAPHIC ('IAU_2015:49900')."
        )
    else:
        msg = (
            f"{name} is {label} ({crs.name}), a CRS of {body}; marsgeo works on Mars only. "
            "Use a Mars CRS such as marsgeo.crs.MARS_GEOGRAPHIC ('IAU_2015:49900')."
        )
    raise CRSError(msg)


# --- the coordinate range rule ------------------------------------------------------------------
# One rule for every way coordinates come in (catalogue files, GeoDataFrames, scalars, arrays),
# so that none of them lets through what another refuses:
# - values are real numbers: not None, not booleans (NumPy would read True as 1.0), not text;
# - finite: no NaN, no infinity;
# - geographic coordinates: longitude in -360..360 degrees (both the -180..180 and the 0..360
#   conventions, east- or west-positive; wrapped to -180..180 east on use), latitude in -90..90;
# - projected coordinates: they must lie on the map of the planet, i.e. convert to a place on
#   Mars and back to themselves, within the extent of the whole body in that projection
#   (a projection never silently wraps an easting beyond the planet onto another place).

#: Longitudes marsgeo accepts [deg]: -360..360 (wrapped to -180..180 east on use).
LON_LIMITS_DEG = (-360.0, 360.0)
#: Latitudes marsgeo accepts [deg]: -90..90.
LAT_LIMITS_DEG = (-90.0, 90.0)
# a projected point converts back to itself within this fraction of the body's radius (or
# of its distance from the projection's origin, if larger); wrapped points miss by far more
_ROUND_TRIP_TOLERANCE = 1e-6
# extents of the whole body in projected CRSs already met, by WKT
_BODY_EXTENTS: dict[str, tuple[float, float, float, float]] = {}


def _listed(values: Any, limit: int = 5) -> str:
    """List the first few values of an array for a message ("1, 2 and 3 more")."""
    items = list(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in items[:limit])
    more = len(items) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def is_real_number(value: Any) -> bool:
    """Tell whether ``value`` is one real number: not a bool, not text, not None.

    Python, NumPy and :mod:`decimal` numbers count, NaN and infinities included.

    Examples
    --------
    >>> is_real_number(77.4), is_real_number(True), is_real_number("77.4")
    (True, False, False)
    """
    import decimal
    import numbers

    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, (numbers.Real, decimal.Decimal))


def real_numbers(value: Any, *, name: str) -> FloatArray:
    """Return ``value`` as an array of floats; refuse what is not a real number.

    The first step of marsgeo's coordinate range rule. Real numbers of any kind (Python,
    NumPy, pandas nullable) pass, NaN and infinities included (the range rule judges them, a
    missing pandas value becomes NaN). Refused: None, booleans (NumPy would take ``True`` for
    1.0), text (even ``"77.4"``), complex numbers, dates and other objects.

    Parameters
    ----------
    value
        A number or an array-like of numbers, of any shape.
    name
        What to call it in the error message (e.g. ``"lon1"`` or ``"column 'lon' of t.csv"``).

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``value``.

    Raises
    ------
    marsgeo.errors.CoordinateError
        Some value is not a real number.

    Examples
    --------
    >>> real_numbers([77.4, 18], name="x").tolist()
    [77.4, 18.0]
    >>> real_numbers([True, 18.0], name="lon")
    Traceback (most recent call last):
    ...
    marsgeo.errors.CoordinateError: lon holds True, not numbers; ...
    """
    import pandas as pd

    def refuse(shown: str) -> CoordinateError:
        msg = f"{name} holds {shown}, not numbers; pass numbers."
        return CoordinateError(msg)

    if isinstance(value, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        dtype = value.dtype
        if pd.api.types.is_bool_dtype(dtype):
            raise refuse(_listed(pd.unique(np.asarray(value, dtype=object))))
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
            return np.asarray(value.to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)
        value = np.asarray(value, dtype=object)
    if isinstance(value, (str, bytes)):
        raise refuse(repr(value))
    if not isinstance(value, np.ndarray):
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            numeric = np.asarray(value)  # numbers, lists of numbers, 0-d arrays in lists...
            # NumPy turns [True, 18.0] into [1.0, 18.0]: a list holding a boolean anywhere is
            # judged item by item below
            if numeric.dtype.kind in "iufb" and not _holds_a_boolean(value):
                value = numeric  # else each item is judged below, as given
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, np.ndarray) and value.dtype.kind != "O":
        raise refuse(f"{_listed(value.ravel())} ({value.dtype})")
    try:
        items = np.asarray(value, dtype=object)
    except (TypeError, ValueError):  # e.g. ragged nested lists
        raise refuse(f"{type(value).__name__} {value!r}") from None
    out, wrong = _item_floats(items.ravel())
    if wrong:
        raise refuse(_listed(wrong))
    return out.reshape(items.shape)


def _item_floats(flat: npt.NDArray[np.object_]) -> tuple[FloatArray, list[Any]]:
    """Read objects one by one as floats (pandas NA as NaN); give the floats and the others."""
    import pandas as pd

    out = np.empty(flat.shape, dtype=np.float64)
    wrong = []
    for k, v in enumerate(flat):
        if v is pd.NA:
            out[k] = np.nan
        elif is_real_number(v):
            try:
                out[k] = float(v)
            except OverflowError:  # an integer beyond float range
                out[k] = math.copysign(math.inf, v)
            except ValueError:  # a signalling decimal NaN
                out[k] = math.nan
        else:
            wrong.append(v)
    return out, wrong


def _holds_a_boolean(value: Any) -> bool:
    """Tell whether a (nested) list or tuple holds a boolean, plain or NumPy."""
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, np.ndarray):
        return bool(value.dtype.kind == "b")
    if isinstance(value, (list, tuple)):
        return any(_holds_a_boolean(v) for v in value)
    return False


def _labels(given: list[Any]) -> Any:
    """Row labels as an object array, made only when a message needs them."""

    def make() -> npt.NDArray[np.object_]:
        out = np.empty(len(given), dtype=object)  # labels may be tuples: one object each
        out[:] = given
        return out

    return make


def _northing_first(crs: CRS) -> bool:
    """Tell whether a CRS's first axis is its northing (or latitude).

    Judged by the axis's name and abbreviation first: polar stereographic CRSs give both axes
    the direction "south" (or "north"), so the direction alone would swap their x and y.
    """
    first = crs.axis_info[0]
    name = (first.name or "").lower()
    abbrev = (first.abbrev or "").upper()
    if name.startswith(("east", "west")) or abbrev in ("E", "W", "X"):
        return False
    if name.startswith(("north", "south", "lat")) or abbrev in ("N", "S", "Y", "LAT"):
        return True
    return bool(first.direction in ("north", "south"))


def _body_extent(crs: CRS) -> tuple[float, float, float, float]:
    """Bounds (xmin, xmax, ymin, ymax) of the whole body in a projected CRS, with a margin.

    Sampled on a 1-degree grid of its geographic base: points the projection cannot show
    (the far side of an orthographic map, the poles of a Mercator) are left out, so the
    bounds stop about a degree short of such points.
    """
    wkt = crs.to_wkt()
    found = _BODY_EXTENTS.get(wkt)
    if found is not None:
        return found
    base = crs.geodetic_crs
    assert base is not None
    lon, lat = np.meshgrid(np.arange(-180.0, 180.5, 1.0), np.arange(-90.0, 90.5, 1.0))
    grid = {"lon": lon.ravel(), "lat": lat.ravel()}
    # authority axis order on both sides (always_xy mishandles west-positive IAU bases)
    b0, b1 = (
        grid["lat" if a.direction in ("north", "south") else "lon"] / _deg_factor(a)
        for a in base.axis_info[:2]
    )
    with np.errstate(all="ignore"):
        p0, p1 = _transformer(base, crs).transform(b0, b1, errcheck=False)
    x, y = (p1, p0) if _northing_first(crs) else (p0, p1)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    dx = 0.01 * float(x.max() - x.min())
    dy = 0.01 * float(y.max() - y.min())
    extent = (float(x.min()) - dx, float(x.max()) + dx, float(y.min()) - dy, float(y.max()) + dy)
    if len(_BODY_EXTENTS) >= 64:  # many local frames: keep the cache small
        _BODY_EXTENTS.clear()
    _BODY_EXTENTS[wkt] = extent
    return extent


def _off_the_map(x: FloatArray, y: FloatArray, crs: CRS) -> npt.NDArray[np.bool_]:
    """Tell which finite projected points do not lie on the map of the body.

    A point is on the map when it converts to a place on the body and back to itself
    (within a millionth of the radius, or of its distance from the origin), and lies within
    the extent of the whole body in this projection.
    """
    base = crs.geodetic_crs
    assert base is not None and base.ellipsoid is not None
    # authority axis order on both sides (always_xy mishandles west-positive IAU bases)
    a0, a1 = (y, x) if _northing_first(crs) else (x, y)
    with np.errstate(all="ignore"):
        b0, b1 = _transformer(crs, base).transform(a0, a1, errcheck=False)
        b0, b1 = np.asarray(b0, dtype=float), np.asarray(b1, dtype=float)
        # a point on the rim of a bounded map (Mollweide's edge, written out by PROJ itself)
        # may invert to nothing by a rounding error: try it a hair closer to the origin
        rim = ~(np.isfinite(b0) & np.isfinite(b1))
        if rim.any():
            n0, n1 = _transformer(crs, base).transform(
                a0[rim] * (1 - 1e-12), a1[rim] * (1 - 1e-12), errcheck=False
            )
            b0[rim], b1[rim] = np.asarray(n0, dtype=float), np.asarray(n1, dtype=float)
        c0, c1 = _transformer(base, crs).transform(b0, b1, errcheck=False)
        c0, c1 = np.asarray(c0, dtype=float), np.asarray(c1, dtype=float)
        metres_per_unit = crs.axis_info[0].unit_conversion_factor or 1.0
        radius = base.ellipsoid.semi_major_metre / metres_per_unit
        tolerance = _ROUND_TRIP_TOLERANCE * np.maximum(radius, np.hypot(x, y))
        on_map = (
            np.isfinite(b0)
            & np.isfinite(b1)
            & (np.abs(c0 - a0) <= tolerance)
            & (np.abs(c1 - a1) <= tolerance)
        )
        # a point on the map's edge meridian (longitude 180 from its centre) comes back on
        # the opposite edge: the same place, so on the map if the other edge gives it back
        lon_first = base.axis_info[0].direction in ("east", "west")
        lon_b = b0 if lon_first else b1
        factor = _deg_factor(base.axis_info[0 if lon_first else 1])
        edge = ~on_map & np.isfinite(lon_b) & (np.abs(np.abs(lon_b * factor) - 180.0) < 1e-6)
        if edge.any():
            flipped = -lon_b[edge]
            e0, e1 = (flipped, b1[edge]) if lon_first else (b0[edge], flipped)
            d0, d1 = _transformer(base, crs).transform(e0, e1, errcheck=False)
            d0, d1 = np.asarray(d0, dtype=float), np.asarray(d1, dtype=float)
            on_map[edge] = (np.abs(d0 - a0[edge]) <= tolerance[edge]) & (
                np.abs(d1 - a1[edge]) <= tolerance[edge]
            )
    xmin, xmax, ymin, ymax = _body_extent(crs)
    on_map &= (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    return np.asarray(~on_map, dtype=np.bool_)


def coordinate_problems(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    crs: Any = None,
    *,
    rows: Any = None,
    x_name: str = "longitude",
    y_name: str = "latitude",
) -> list[str]:
    """Say where coordinates break marsgeo's coordinate range rule.

    The one rule every door of marsgeo applies (catalogue readers, GeoDataFrames passed to
    any function, scalar and array arguments): values are finite real numbers (see
    :func:`real_numbers`); geographic longitude lies in -360..360 degrees
    (:data:`LON_LIMITS_DEG`) and latitude in -90..90 (:data:`LAT_LIMITS_DEG`); projected
    coordinates lie on the map of the planet: they convert to a place on Mars and back to
    themselves, within the extent of the whole body in that projection, so that an easting
    beyond the planet is refused rather than wrapped onto another place.

    Parameters
    ----------
    x, y
        Longitude and latitude (or easting and northing), in ``crs``, in the usual GIS order.
    crs
        A Mars CRS; None means :data:`MARS_GEOGRAPHIC` (degrees). Geographic values are
        judged in degrees, whatever unit the CRS uses.
    rows
        Labels of the values (e.g. tube ids), one per value: problems then name the rows.
        Without them, problems name ``x_name`` and ``y_name``.
    x_name, y_name
        Names of the two arguments, for problems without ``rows``.

    Returns
    -------
    list of str
        One sentence per rule broken, naming the rows (or arguments), the values and the
        fix; empty when every value keeps the rule.

    Examples
    --------
    >>> print(*coordinate_problems([77.4, 361.0], [18.4, 18.4], rows=[1, 2]))
    rows 2 have longitude 361.0 outside -360..360 degrees; check the column, or pass crs= if
    the coordinates are projected
    >>> print(*coordinate_problems([77.4], [95.0], x_name="lon1", y_name="lat1"))
    lat1 has values outside -90..90 (e.g. 95.0); check that longitude comes first
    """
    xs = real_numbers(x, name=x_name).ravel()
    ys = real_numbers(y, name=y_name).ravel()
    if xs.shape != ys.shape:
        return [f"{x_name} and {y_name} hold {xs.size} and {ys.size} values; pass one {y_name} "
                f"for each {x_name}"]  # fmt: skip
    source = MARS_GEOGRAPHIC if crs is None else _supported(require_mars_crs(crs))
    given = None if rows is None else list(rows)
    if given is not None and len(given) != xs.size:
        msg = f"rows has {len(given)} labels for {xs.size} coordinates; pass one label each."
        raise InputError(msg)
    labels = None if given is None else _labels(given)

    def where(mask: npt.NDArray[np.bool_]) -> str:
        assert labels is not None
        import pandas as pd

        return "rows " + _listed(pd.unique(labels()[mask]))

    problems = []
    bad_x, bad_y = ~np.isfinite(xs), ~np.isfinite(ys)
    bad = bad_x | bad_y
    if labels is not None and bad.any():
        problems.append(f"{where(bad)} have NaN or infinite coordinates; fix or drop them")
    elif labels is None:
        for nm, mask in ((x_name, bad_x), (y_name, bad_y)):
            if mask.any():
                problems.append(f"{nm} has NaN or infinite values")
    good = ~bad
    name = (x_name, y_name)
    if source.is_projected:
        return problems + _off_the_map_problems(
            xs, ys, good, source, where if labels else None, name
        )
    return problems + _range_problems(xs, ys, good, source, where if labels else None, name)


def _off_the_map_problems(
    xs: FloatArray,
    ys: FloatArray,
    good: npt.NDArray[np.bool_],
    source: CRS,
    where: Any,
    name: tuple[str, str],
) -> list[str]:
    """Projected coordinates that convert to no place on Mars (``where`` names rows, or None)."""
    off = np.zeros_like(good)
    if good.any():
        off[good] = _off_the_map(xs[good], ys[good], source)
    if not off.any():
        return []
    pairs = _listed(dict.fromkeys(zip(xs[off].tolist(), ys[off].tolist(), strict=True)))
    fix = (
        "they convert to no place on Mars, or to another place and back; check the "
        "values, and that the CRS is the one they are in"
    )
    label = f"{source.name!r}"
    if where is not None:
        return [f"{where(off)} have x, y {pairs} off the map of {label}: {fix}"]
    return [f"{name[0]}, {name[1]} hold {pairs}, off the map of {label}: {fix}"]


def _range_problems(
    xs: FloatArray,
    ys: FloatArray,
    good: npt.NDArray[np.bool_],
    source: CRS,
    where: Any,
    name: tuple[str, str],
) -> list[str]:
    """Angles outside the range rule (``where`` names rows, or None)."""
    problems = []
    x_name, y_name = name
    base_axes = source.axis_info
    lon_axis = next((a for a in base_axes if a.direction in ("east", "west")), base_axes[0])
    lat_axis = next((a for a in base_axes if a.direction in ("north", "south")), base_axes[1])
    lon = xs * _deg_factor(lon_axis)
    lat = ys * _deg_factor(lat_axis)
    lo, hi = LON_LIMITS_DEG
    lon_out = good & ((lon < lo) | (lon > hi))
    if lon_out.any():
        if where is not None:
            shown = _listed(dict.fromkeys(xs[lon_out].tolist()))
            problems.append(
                f"{where(lon_out)} have longitude {shown} outside -360..360 degrees; check the "
                "column, or pass crs= if the coordinates are projected"
            )
        else:
            first = float(xs[lon_out][0])
            problems.append(f"{x_name} has values outside -360..360 degrees (e.g. {first!r})")
    lat_lo, lat_hi = LAT_LIMITS_DEG
    lat_out = good & ((lat < lat_lo) | (lat > lat_hi))
    if lat_out.any():
        if where is not None:
            shown = _listed(dict.fromkeys(ys[lat_out].tolist()))
            problems.append(
                f"{where(lat_out)} have latitude {shown} outside -90..90; check that longitude "
                "comes first (x=lon, y=lat)"
            )
        else:
            first = float(ys[lat_out][0])
            problems.append(
                f"{y_name} has values outside -90..90 (e.g. {first!r}); check that longitude "
                "comes first"
            )
    return problems


def _check_lonlat(lon: float, lat: float, *, where: str) -> None:
    """Apply the coordinate range rule to one (lon, lat) in MARS_GEOGRAPHIC degrees, or raise."""
    problems = []
    for nm, v in (("lon", lon), ("lat", lat)):
        try:
            if real_numbers(v, name=nm).ndim != 0:
                problems.append(f"{nm}={v!r} is not one number")
        except CoordinateError:
            problems.append(f"{nm}={v!r} is not a number")
    if not problems:
        problems = coordinate_problems([lon], [lat], x_name="lon", y_name="lat")
    if problems:
        msg = f"{where}: " + "; ".join(problems) + ". Pass (lon, lat) in degrees, longitude first."
        raise CoordinateError(msg)


def local_crs(lon: float, lat: float) -> ProjectedCRS:
    """Build a metric Transverse Mercator CRS on the Mars sphere, centred at (lon, lat).

    The CRS is built on the ``IAU_2015:49900`` base (not a bare ``+R=`` PROJ string, which
    would have an "unknown" datum and make PROJ insert a ballpark step), so transformations
    to and from :data:`MARS_GEOGRAPHIC` are exact.

    Planar distances in it agree with geodesic ones on the sphere to within 0.04 mm for
    points within 1 km of the centre, 4.2 mm within 5 km and 34 mm within 10 km, at any
    latitude (measured from 80 S to 80 N). The scale is exact on the central meridian and
    ``cosh(x / R)``, about ``1 + x^2 / (2 R^2)``, at easting ``x`` (1.1e-6 at 5 km), so for
    points within ``r`` of the centre the error is at most ``2 r^3 / (3 sqrt(3) R^2)``.

    Near the equator PROJ's spherical Transverse Mercator loses precision both ways: a
    northing is off by up to 5 cm on the equator itself, about 2 mm 1 m from it, 0.2 mm 10 m
    from it, 0.02 mm 100 m from it and 3 micrometres 1 km from it, so a distance between such
    points may be off by twice that; round trips suffer alike. The figures above hold for
    points more than 1 km from the equator, and round trips there are exact to micrometres.

    Parameters
    ----------
    lon, lat
        Centre, planetocentric degrees, east-positive longitude.

    Returns
    -------
    pyproj.crs.ProjectedCRS
        Axes easting, northing in metres.

    Examples
    --------
    >>> c = local_crs(77.408, 18.453)
    >>> c.is_projected, is_mars_crs(c), c.axis_info[0].unit_name
    (True, True, 'metre')
    """
    _check_lonlat(lon, lat, where="local_crs(lon, lat)")
    conversion = TransverseMercatorConversion(
        latitude_natural_origin=float(lat),
        longitude_natural_origin=float(lon_to_180(lon)),
        scale_factor_natural_origin=1.0,
    )
    return ProjectedCRS(
        conversion=conversion,
        geodetic_crs=MARS_GEOGRAPHIC,
        name=f"Mars sphere local Transverse Mercator at {lon_to_180(lon):.6f}E {lat:.6f}N",
    )


# --- local frames around points --------------------------------------------------------------

#: Points whose mean unit vector is shorter than this have no centre (see :func:`mean_lonlat`).
DEGENERATE_MEAN_LENGTH = 1e-9


def mean_lonlat(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[float, float]:
    """Return the centre of points on the sphere: the direction of their mean unit vector.

    Each point becomes a unit vector in 3-D; their mean, normalised, is the centre. Unlike
    the mean of the longitudes, this stays among the points across the antimeridian (points
    at 179.9999 E and 179.9999 W are centred on 180, not on 0) and near a pole. One point,
    or several identical points, is its own centre.

    Parameters
    ----------
    lon, lat
        Planetocentric degrees, east-positive longitude (any finite value, wrapped).

    Returns
    -------
    lon, lat : float
        The centre; longitude in [-180, 180). At a pole the longitude is arbitrary (0).

    Raises
    ------
    marsgeo.errors.CoordinateError
        No points, NaN or infinite values, latitude outside -90..90, or points with no
        centre: their mean unit vector is shorter than :data:`DEGENERATE_MEAN_LENGTH`
        (e.g. two antipodal points, or points spread evenly round a great circle).

    Examples
    --------
    >>> lon, lat = mean_lonlat([179.9999, 179.9998, -179.9999], [18.45, 18.45, 18.45])
    >>> round(lon, 6), round(lat, 6)
    (179.999933, 18.45)
    >>> mean_lonlat([0.0, 180.0], [0.0, 0.0])
    Traceback (most recent call last):
    ...
    marsgeo.errors.CoordinateError: points at (0.0, 0.0) and 1 more have no centre: ...
    """
    lon_a = real_numbers(lon, name="lon").ravel()
    lat_a = real_numbers(lat, name="lat").ravel()
    if lon_a.size == 0:
        msg = "lon and lat hold no values; pass at least one point, longitude first."
        raise CoordinateError(msg)
    problems = coordinate_problems(lon_a, lat_a, x_name="lon", y_name="lat")
    if problems:
        msg = "; ".join(problems) + ". Pass degrees, longitude first."
        raise CoordinateError(msg)
    if (lon_a == lon_a[0]).all() and (lat_a == lat_a[0]).all():
        return float(lon_to_180(lon_a[0])), float(lat_a[0])
    lam, phi = np.radians(lon_a), np.radians(lat_a)
    x = float(np.mean(np.cos(phi) * np.cos(lam)))
    y = float(np.mean(np.cos(phi) * np.sin(lam)))
    z = float(np.mean(np.sin(phi)))
    length = math.sqrt(x * x + y * y + z * z)
    if length < DEGENERATE_MEAN_LENGTH:
        msg = (
            f"points at ({float(lon_a[0])!r}, {float(lat_a[0])!r}) and {lon_a.size - 1} more have "
            "no centre: "
            f"their unit vectors cancel out (mean length {length:.1e}), as for antipodal "
            "points or points spread evenly round Mars. A local frame cannot hold them; "
            "work on nearby points together."
        )
        raise CoordinateError(msg)
    c_lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    c_lon = math.degrees(math.atan2(y, x))
    return float(lon_to_180(c_lon)), float(c_lat)


def local_crs_around(lon: npt.ArrayLike, lat: npt.ArrayLike) -> ProjectedCRS:
    """Build the local metric CRS for a set of points: :func:`local_crs` at their centre.

    The centre is :func:`mean_lonlat` (the mean unit vector), so the frame is right for
    points on both sides of the antimeridian or around a pole. Use it wherever a local frame
    is chosen for data; :func:`local_crs` states the frame's accuracy.

    Parameters
    ----------
    lon, lat
        Planetocentric degrees, east-positive longitude.

    Returns
    -------
    pyproj.crs.ProjectedCRS
        Transverse Mercator on the Mars sphere, axes easting, northing in metres.

    Raises
    ------
    marsgeo.errors.CoordinateError
        As :func:`mean_lonlat`.

    Examples
    --------
    >>> c = local_crs_around([179.9999, -179.9999], [18.45, 18.45])
    >>> c.name
    'Mars sphere local Transverse Mercator at -180.000000E 18.450000N'
    """
    c_lon, c_lat = mean_lonlat(lon, lat)
    return local_crs(c_lon, c_lat)


def mars_geod(crs: CRSLike | None = None) -> pyproj.Geod:
    """Return the :class:`pyproj.Geod` of the body of ``crs`` (the Mars sphere by default).

    Parameters
    ----------
    crs
        A Mars CRS; its ellipsoid is used. None means :data:`MARS_GEOGRAPHIC` (the sphere).

    Returns
    -------
    pyproj.Geod

    Examples
    --------
    >>> mars_geod().a
    3396190.0
    """
    resolved = MARS_GEOGRAPHIC if crs is None else require_mars_crs(crs)
    return resolved.get_geod() or pyproj.Geod(a=MARS_SPHERE_RADIUS_M, f=0.0)


# --- explicit conversions --------------------------------------------------------------------


def _latitudes(lat_deg: Any, *, a_m: Any, b_m: Any) -> FloatArray:
    """Latitudes [deg] and radii for a latitude conversion, checked (NaN passes through)."""
    problems = []
    for nm, v in (("a_m", a_m), ("b_m", b_m)):
        if not is_real_number(v) or not 1.0 <= float(v) <= 1e9:
            problems.append(f"{nm}={v!r} must be a radius in metres, from 1 to 1e9")
    if problems:
        msg = "; ".join(problems) + "."
        raise InputError(msg)
    lat = real_numbers(lat_deg, name="lat_deg")
    with np.errstate(invalid="ignore"):
        outside = np.abs(lat) > 90.0
    if outside.any():
        msg = (
            f"lat_deg holds {_listed(lat[outside].ravel())}, outside -90..90 degrees; pass "
            "latitudes."
        )
        raise CoordinateError(msg)
    return lat


def ographic_to_ocentric_lat(
    lat_deg: npt.ArrayLike,
    *,
    a_m: float = MARS_EQUATORIAL_RADIUS_M,
    b_m: float = MARS_POLAR_RADIUS_M,
) -> FloatArray:
    """Convert planetographic latitude to planetocentric: ``tan(c) = (b/a)^2 tan(g)``.

    Parameters
    ----------
    lat_deg
        Planetographic latitude [deg].
    a_m, b_m
        Equatorial and polar radius [m] of the ellipsoid the latitude refers to.

    Returns
    -------
    numpy.ndarray
        Planetocentric latitude [deg].

    Examples
    --------
    >>> round(float(ographic_to_ocentric_lat(18.6487)), 4)
    18.4447
    """
    lat = np.radians(_latitudes(lat_deg, a_m=a_m, b_m=b_m))
    out = np.degrees(np.arctan2((float(b_m) / float(a_m)) ** 2 * np.sin(lat), np.cos(lat)))
    return np.asarray(out, dtype=float)


def ocentric_to_ographic_lat(
    lat_deg: npt.ArrayLike,
    *,
    a_m: float = MARS_EQUATORIAL_RADIUS_M,
    b_m: float = MARS_POLAR_RADIUS_M,
) -> FloatArray:
    """Convert planetocentric latitude to planetographic: ``tan(g) = (a/b)^2 tan(c)``.

    Examples
    --------
    >>> round(float(ocentric_to_ographic_lat(18.4447)), 4)
    18.6487
    """
    lat = np.radians(_latitudes(lat_deg, a_m=a_m, b_m=b_m))
    out = np.degrees(np.arctan2((float(a_m) / float(b_m)) ** 2 * np.sin(lat), np.cos(lat)))
    return np.asarray(out, dtype=float)


def _angles(value: Any, *, name: str) -> FloatArray:
    """Angles [deg] as floats: real numbers, NaN (missing) passing through, no infinity."""
    out = real_numbers(value, name=name)
    if np.isinf(out).any():
        msg = f"{name} holds an infinite value; pass angles in degrees (NaN for missing)."
        raise CoordinateError(msg)
    return out


def lon_to_180(lon_deg: npt.ArrayLike) -> Any:
    """Wrap east-positive longitude into [-180, 180).

    Examples
    --------
    >>> float(lon_to_180(282.5492))
    -77.4508
    """
    lon = _angles(lon_deg, name="lon_deg")
    with np.errstate(invalid="ignore"):
        wrapped = (lon + 180.0) % 360.0
    # x % 360 is 360.0 for tiny negative x in floating point; keep the interval half-open
    wrapped = np.where(wrapped >= 360.0, 0.0, wrapped) - 180.0
    # values already in range are returned untouched (wrapping would add float noise)
    out = np.where((lon >= -180.0) & (lon < 180.0), lon, wrapped)
    return float(out) if out.ndim == 0 else out


def lon_to_360(lon_deg: npt.ArrayLike) -> Any:
    """Wrap east-positive longitude into [0, 360).

    Examples
    --------
    >>> float(lon_to_360(-77.4508))
    282.5492
    """
    lon = _angles(lon_deg, name="lon_deg")
    with np.errstate(invalid="ignore"):
        wrapped = lon % 360.0
    wrapped = np.where(wrapped >= 360.0, 0.0, wrapped)
    out = np.where((lon >= 0.0) & (lon < 360.0), lon, wrapped)
    return float(out) if out.ndim == 0 else out


def west_to_east_lon(lon_w_deg: npt.ArrayLike) -> Any:
    """Convert west-positive longitude to east-positive in [-180, 180).

    Examples
    --------
    >>> round(west_to_east_lon(282.5492), 4)
    77.4508
    """
    return lon_to_180(-_angles(lon_w_deg, name="lon_w_deg"))


def east_to_west_lon(lon_e_deg: npt.ArrayLike) -> Any:
    """Convert east-positive longitude to west-positive in [0, 360).

    Examples
    --------
    >>> round(east_to_west_lon(77.4508), 4)
    282.5492
    """
    return lon_to_360(-_angles(lon_e_deg, name="lon_e_deg"))


# --- bringing data to MARS_GEOGRAPHIC -------------------------------------------------------


def _deg_factor(axis: Any) -> float:
    """Degrees per unit of an angular axis."""
    factor = getattr(axis, "unit_conversion_factor", None)
    if not factor:
        return 1.0
    return math.degrees(float(factor))


def latitude_is_ographic(base: CRS) -> bool:
    """Tell whether a geographic base stores planetographic latitude on an oblate body."""
    ell = base.ellipsoid
    if ell is None or math.isclose(ell.semi_major_metre, ell.semi_minor_metre, rel_tol=1e-12):
        return False  # on a sphere, planetographic == planetocentric
    cs = base.coordinate_system
    return cs is None or cs.name != "spherical"


def _ocentric_from_base(lat: FloatArray, base: CRS) -> FloatArray:
    """Give planetocentric latitude from a base's own latitude (converted if planetographic)."""
    if not latitude_is_ographic(base):
        return lat
    ell = base.ellipsoid
    assert ell is not None
    return ographic_to_ocentric_lat(lat, a_m=ell.semi_major_metre, b_m=ell.semi_minor_metre)


def _base_from_ocentric(lat: FloatArray, base: CRS) -> FloatArray:
    """Give a base's own latitude from planetocentric latitude (the inverse of the above)."""
    if not latitude_is_ographic(base):
        return lat
    ell = base.ellipsoid
    assert ell is not None
    return ocentric_to_ographic_lat(lat, a_m=ell.semi_major_metre, b_m=ell.semi_minor_metre)


def _check_prime_meridian(base: CRS, crs: CRS) -> None:
    pm = base.prime_meridian
    if pm is not None and pm.longitude != 0.0:
        msg = (
            f"crs {crs.to_string()} has prime meridian {pm.name!r} at {pm.longitude}; "
            "marsgeo supports Mars CRSs on the IAU reference meridian (0) only."
        )
        raise CRSError(msg)


def _supported(crs: CRS) -> CRS:
    """Refuse the kinds of Mars CRS whose coordinates are not positions on the surface."""
    if crs.is_geocentric or crs.type_name.startswith(("Geocentric", "Vertical", "Engineering")):
        msg = (
            f"crs {crs.to_string()} is a {crs.type_name}; marsgeo takes geographic or projected "
            "Mars CRSs (e.g. marsgeo.crs.MARS_GEOGRAPHIC or a map projection)."
        )
        raise CRSError(msg)
    if crs.is_compound:
        msg = f"crs {crs.to_string()} is compound; pass its horizontal part (crs.sub_crs_list[0])."
        raise CRSError(msg)
    return crs


def _has_standard_axes(crs: CRS) -> bool:
    """Tell whether a CRS is ellipsoidal with east and north axes (not IAU west / spherical)."""
    cs = crs.coordinate_system
    if cs is None or cs.name != "ellipsoidal":
        return False
    return {a.direction for a in crs.axis_info} == {"east", "north"}


def _plain_geographic(crs: CRS) -> CRS:
    from pyproj.crs import GeographicCRS
    from pyproj.crs.coordinate_system import Ellipsoidal2DCS
    from pyproj.crs.enums import Ellipsoidal2DCSAxis

    cs = Ellipsoidal2DCS(axis=Ellipsoidal2DCSAxis.LONGITUDE_LATITUDE)
    return GeographicCRS(datum=crs.datum, ellipsoidal_cs=cs)


@lru_cache(maxsize=128)
def _transformer(source: CRS, target: CRS, *, always_xy: bool = False) -> Transformer:
    """Build a transformer between two CRSs once (building one takes milliseconds)."""
    return Transformer.from_crs(source, target, always_xy=always_xy)


def _transform(
    transformer: Transformer, a0: FloatArray, a1: FloatArray, crs: CRS
) -> tuple[FloatArray, FloatArray]:
    with np.errstate(all="ignore"):
        v0, v1 = transformer.transform(a0, a1, errcheck=False)
        v0, v1 = np.asarray(v0, dtype=float), np.asarray(v1, dtype=float)
        # a point on the rim of a bounded map (e.g. Mollweide's edge, as PROJ writes it) may
        # fall outside by a rounding error: take it a hair closer to the origin
        rim = np.isfinite(a0) & np.isfinite(a1) & ~(np.isfinite(v0) & np.isfinite(v1))
        if rim.any():
            n0, n1 = transformer.transform(
                np.asarray(a0)[rim] * (1 - 1e-12), np.asarray(a1)[rim] * (1 - 1e-12), errcheck=False
            )
            v0[rim], v1[rim] = n0, n1
    if not (np.isfinite(v0[rim]).all() and np.isfinite(v1[rim]).all()):
        msg = (
            f"coordinates cannot be converted with crs {crs.to_string()}: some points lie "
            "outside the projection's domain. Check the values and that crs= is right."
        )
        raise CoordinateError(msg)
    return v0, v1


def to_mars_lonlat(
    x: npt.ArrayLike, y: npt.ArrayLike, crs: CRSLike, *, check: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Convert coordinates in any Mars CRS to :data:`MARS_GEOGRAPHIC` longitude, latitude.

    ``x, y`` are in the usual GIS order (easting or longitude first), as geopandas stores them.
    The result is planetocentric latitude and east-positive longitude in [-180, 180).

    Parameters
    ----------
    x, y
        Coordinates in ``crs``.
    crs
        A Mars CRS: geographic or projected, on the sphere or the ellipsoid, planetocentric or
        planetographic, east- or west-positive.
    check
        Apply the coordinate range rule (:func:`coordinate_problems`). False skips it, for
        many coordinates derived from a grid already checked (a raster's pixel centres).

    Returns
    -------
    lon, lat : numpy.ndarray

    Raises
    ------
    marsgeo.errors.CoordinateError
        ``x`` or ``y`` are not real numbers of one shape, or break the coordinate range rule
        (geographic values out of range, projected values off the map of the planet).
    marsgeo.errors.CRSError
        ``crs`` is not a Mars CRS, or uses a non-zero prime meridian.

    Examples
    --------
    >>> lon, lat = to_mars_lonlat([282.5492], [18.6487], "IAU_2015:49901")
    >>> round(float(lon[0]), 4), round(float(lat[0]), 4)
    (77.4508, 18.4447)
    """
    source = _supported(require_mars_crs(crs))
    if not isinstance(check, (bool, np.bool_)):
        msg = f"check={check!r} must be True or False."
        raise InputError(msg)
    xs, ys = _pair(x, y, "x", "y")
    problems = coordinate_problems(xs, ys, source, x_name="x", y_name="y") if check else []
    if problems:
        msg = "; ".join(problems) + "."
        raise CoordinateError(msg)
    return _to_lonlat(xs, ys, source)


def _pair(a: Any, b: Any, a_name: str, b_name: str) -> tuple[FloatArray, FloatArray]:
    """Two coordinate arrays of real numbers of one shape, or a CoordinateError."""
    a_arr, b_arr = real_numbers(a, name=a_name), real_numbers(b, name=b_name)
    if a_arr.shape != b_arr.shape:
        msg = (
            f"{a_name} and {b_name} have shapes {a_arr.shape} and {b_arr.shape}; pass one "
            f"{b_name} for each {a_name}."
        )
        raise CoordinateError(msg)
    return a_arr, b_arr


def _to_lonlat(xs: FloatArray, ys: FloatArray, source: CRS) -> tuple[FloatArray, FloatArray]:
    """Convert as :func:`to_mars_lonlat` does, for coordinates already checked."""
    if not source.is_projected and _has_standard_axes(source):
        # east/north ellipsoidal axes: PROJ is exact to a plain base on the same datum, and
        # handles rotated poles (ob_tran), +lon_0 shifts, units and axis order
        plain = _plain_geographic(source)
        lon, lat = _transform(_transformer(source, plain, always_xy=True), xs, ys, source)
        lat = _ocentric_from_base(lat, plain)
        return np.asarray(lon_to_180(lon), dtype=float), np.asarray(lat, dtype=float)
    if source.is_projected:
        base = source.geodetic_crs
        if base is None:  # pragma: no cover - PROJ always gives a projected CRS a base
            msg = f"crs {source.to_string()} has no geographic base; cannot convert it."
            raise CRSError(msg)
        a0, a1 = (ys, xs) if _northing_first(source) else (xs, ys)
        # authority axis order on both sides
        v0, v1 = _transform(_transformer(source, base), a0, a1, source)
    else:
        base = source
        lat_first = base.axis_info[0].direction in ("north", "south")
        v0, v1 = (ys, xs) if lat_first else (xs, ys)
    _check_prime_meridian(base, source)
    axes = base.axis_info
    if axes[0].direction in ("north", "south"):
        lat_axis, lon_axis, lat, lon = axes[0], axes[1], v0, v1
    else:
        lon_axis, lat_axis, lon, lat = axes[0], axes[1], v0, v1
    lat = lat * _deg_factor(lat_axis) * (-1.0 if lat_axis.direction == "south" else 1.0)
    lon = lon * _deg_factor(lon_axis) * (-1.0 if lon_axis.direction == "west" else 1.0)
    lat = _ocentric_from_base(lat, base)
    return np.asarray(lon_to_180(lon), dtype=float), np.asarray(lat, dtype=float)


def from_mars_lonlat(
    lon: npt.ArrayLike, lat: npt.ArrayLike, crs: CRSLike
) -> tuple[FloatArray, FloatArray]:
    """Convert :data:`MARS_GEOGRAPHIC` longitude, latitude to x, y in any Mars CRS.

    The inverse of :func:`to_mars_lonlat`: planetocentric latitude is turned into the
    latitude kind of ``crs``'s own base (planetographic on an oblate ellipsoid), longitude
    into its direction (west-positive for ``IAU_2015:49901``), then projected with PROJ from
    that base, a pipeline PROJ gets right. Output is in the usual GIS order (x first).

    Parameters
    ----------
    lon, lat
        Planetocentric degrees, east longitude.
    crs
        The target Mars CRS.

    Returns
    -------
    x, y : numpy.ndarray

    Examples
    --------
    >>> x, y = from_mars_lonlat([77.4508], [18.4447], "IAU_2015:49901")
    >>> round(float(x[0]), 4), round(float(y[0]), 4)
    (282.5492, 18.6487)
    """
    target = _supported(require_mars_crs(crs))
    lon_e, lat_c = _pair(lon, lat, "lon", "lat")
    problems = coordinate_problems(lon_e, lat_c, x_name="lon", y_name="lat")
    if problems:
        msg = "; ".join(problems) + "."
        raise CoordinateError(msg)
    if not target.is_projected and _has_standard_axes(target):
        plain = _plain_geographic(target)
        lat_p = _base_from_ocentric(lat_c, plain)
        fwd = _transformer(plain, target, always_xy=True)
        return _transform(fwd, lon_e, lat_p, target)
    base = target.geodetic_crs if target.is_projected else target
    if base is None:  # pragma: no cover - PROJ always gives a projected CRS a base
        msg = f"crs {target.to_string()} has no geographic base; cannot convert to it."
        raise CRSError(msg)
    _check_prime_meridian(base, target)
    lat_b = _base_from_ocentric(lat_c, base)
    axes = base.axis_info
    lat_axis, lon_axis = (
        (axes[0], axes[1]) if axes[0].direction in ("north", "south") else (axes[1], axes[0])
    )
    lon_b = lon_e * (-1.0 if lon_axis.direction == "west" else 1.0)
    if lon_axis.direction == "west":
        lon_b = np.asarray(lon_to_360(lon_b), dtype=float)
    lat_b = lat_b * (-1.0 if lat_axis.direction == "south" else 1.0)
    lon_u, lat_u = lon_b / _deg_factor(lon_axis), lat_b / _deg_factor(lat_axis)
    lat_first = axes[0].direction in ("north", "south")
    b0, b1 = (lat_u, lon_u) if lat_first else (lon_u, lat_u)
    if not target.is_projected:
        # geographic: x is longitude, y latitude (GIS order), in the base's units and signs
        return np.asarray(lon_u, dtype=float), np.asarray(lat_u, dtype=float)
    # authority axis order on both sides
    p0, p1 = _transform(_transformer(base, target), b0, b1, target)
    if _northing_first(target):
        return p1, p0
    return p0, p1


def to_mars_geographic(gdf: ShapeFrame) -> Any:
    """Return a copy of a GeoDataFrame or GeoSeries in :data:`MARS_GEOGRAPHIC`.

    Use this instead of ``to_crs`` for data in the planetographic or ellipsoidal IAU families,
    which PROJ converts wrongly (see the module notes). Works for every geometry type.

    Parameters
    ----------
    gdf
        A GeoDataFrame or GeoSeries with a Mars CRS.

    Returns
    -------
    Same type as ``gdf``, in ``IAU_2015:49900``.

    Raises
    ------
    marsgeo.errors.CRSError
        Missing or non-Mars CRS.
    marsgeo.errors.CoordinateError
        Coordinates that break the coordinate range rule (see :func:`coordinate_problems`).
    """
    import geopandas as gpd
    import shapely

    if not isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)):
        msg = (
            f"data must be a GeoDataFrame or GeoSeries, got {type(gdf).__name__}; build one "
            "with geopandas and set its Mars CRS."
        )
        raise InputError(msg)
    source = require_mars_crs(gdf, name="data")
    out = gdf.copy()
    # the range rule, naming the rows whose coordinates break it
    xy, which = shapely.get_coordinates(
        np.asarray(out.geometry.values, dtype=object), return_index=True
    )
    problems = coordinate_problems(xy[:, 0], xy[:, 1], source, rows=out.index[which])
    if problems:
        msg = "data: " + "; ".join(problems) + "."
        raise CoordinateError(msg)
    if source == MARS_GEOGRAPHIC:
        return out

    def _convert(coords: FloatArray) -> FloatArray:
        lon, lat = _to_lonlat(coords[:, 0], coords[:, 1], source)
        return np.column_stack([lon, lat, *coords[:, 2:].T])  # elevation passes through

    # include_z=None keeps each geometry's own dimensionality (2-D or with elevation)
    geoms = shapely.transform(
        np.asarray(out.geometry.values, dtype=object), _convert, include_z=None
    )
    if hasattr(out, "set_geometry"):
        out = out.set_geometry(list(geoms), crs=MARS_GEOGRAPHIC)
        return out
    return type(out)(geoms, index=out.index, crs=MARS_GEOGRAPHIC, name=out.name)
