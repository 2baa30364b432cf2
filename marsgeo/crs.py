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

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pyproj
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

from marsgeo.errors import CoordinateError, CRSError

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
    "lon_to_180",
    "lon_to_360",
    "mars_geod",
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


def _as_crs(obj: Any) -> CRS | None:
    """Return the CRS of ``obj`` (a CRS-like value, or anything with a ``.crs``), or None."""
    if obj is None:
        return None
    if isinstance(obj, CRS):
        return obj
    if hasattr(obj, "crs") and not isinstance(obj, (str, int, dict)):
        inner = obj.crs
        if inner is None:
            return None
        return CRS.from_user_input(inner)
    try:
        return CRS.from_user_input(obj)
    except pyproj.exceptions.CRSError as exc:
        msg = (
            f"crs={obj!r} is not a coordinate reference system PROJ understands ({exc}). "
            "Pass an authority code such as 'IAU_2015:49900', a WKT or PROJ string, "
            "or marsgeo.crs.MARS_GEOGRAPHIC."
        )
        raise CRSError(msg) from exc


def _body_of(crs: CRS) -> str:
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


def is_mars_crs(crs: Any) -> bool:
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
        resolved = _as_crs(crs)
    except CRSError:
        return False
    return resolved is not None and _body_of(resolved) == "Mars"


def require_mars_crs(obj: Any, *, name: str = "crs") -> CRS:
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
    crs = _as_crs(obj)
    if crs is None:
        msg = (
            f"{name} has no CRS. If the coordinates are Mars planetocentric longitude/latitude, "
            "set it with .set_crs(marsgeo.crs.MARS_GEOGRAPHIC); marsgeo never assumes one."
        )
        raise CRSError(msg)
    body = _body_of(crs)
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


def _check_lonlat(lon: float, lat: float, *, where: str) -> None:
    problems = []
    if not math.isfinite(lon) or not -360.0 <= lon <= 360.0:
        problems.append(f"longitude {lon!r} is not a finite angle in -360..360 degrees")
    if not math.isfinite(lat) or not -90.0 <= lat <= 90.0:
        problems.append(f"latitude {lat!r} is not a finite angle in -90..90 degrees")
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


def mars_geod(crs: Any = None) -> pyproj.Geod:
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
    lat = np.radians(np.asarray(lat_deg, dtype=float))
    out = np.degrees(np.arctan2((b_m / a_m) ** 2 * np.sin(lat), np.cos(lat)))
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
    lat = np.radians(np.asarray(lat_deg, dtype=float))
    out = np.degrees(np.arctan2((a_m / b_m) ** 2 * np.sin(lat), np.cos(lat)))
    return np.asarray(out, dtype=float)


def lon_to_180(lon_deg: npt.ArrayLike) -> Any:
    """Wrap east-positive longitude into [-180, 180).

    Examples
    --------
    >>> float(lon_to_180(282.5492))
    -77.4508
    """
    lon = np.asarray(lon_deg, dtype=float)
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
    lon = np.asarray(lon_deg, dtype=float)
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
    return lon_to_180(-np.asarray(lon_w_deg, dtype=float))


def east_to_west_lon(lon_e_deg: npt.ArrayLike) -> Any:
    """Convert east-positive longitude to west-positive in [0, 360).

    Examples
    --------
    >>> round(east_to_west_lon(77.4508), 4)
    282.5492
    """
    return lon_to_360(-np.asarray(lon_e_deg, dtype=float))


# --- bringing data to MARS_GEOGRAPHIC -------------------------------------------------------


def _deg_factor(axis: Any) -> float:
    """Degrees per unit of an angular axis."""
    factor = getattr(axis, "unit_conversion_factor", None)
    if not factor:
        return 1.0
    return math.degrees(float(factor))


def _latitude_is_ographic(base: CRS) -> bool:
    """Tell whether a geographic base stores planetographic latitude on an oblate body."""
    ell = base.ellipsoid
    if ell is None or math.isclose(ell.semi_major_metre, ell.semi_minor_metre, rel_tol=1e-12):
        return False  # on a sphere, planetographic == planetocentric
    cs = base.coordinate_system
    return cs is None or cs.name != "spherical"


def _ocentric_from_base(lat: FloatArray, base: CRS) -> FloatArray:
    """Give planetocentric latitude from a base's own latitude (converted if planetographic)."""
    if not _latitude_is_ographic(base):
        return lat
    ell = base.ellipsoid
    assert ell is not None
    return ographic_to_ocentric_lat(lat, a_m=ell.semi_major_metre, b_m=ell.semi_minor_metre)


def _base_from_ocentric(lat: FloatArray, base: CRS) -> FloatArray:
    """Give a base's own latitude from planetocentric latitude (the inverse of the above)."""
    if not _latitude_is_ographic(base):
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


def _transform(
    transformer: Transformer, a0: FloatArray, a1: FloatArray, crs: CRS
) -> tuple[FloatArray, FloatArray]:
    try:
        v0, v1 = transformer.transform(a0, a1, errcheck=True)
    except pyproj.exceptions.ProjError as exc:
        msg = (
            f"coordinates cannot be converted with crs {crs.to_string()} ({exc}): some points "
            "lie outside the projection's domain. Check the values and that crs= is right."
        )
        raise CoordinateError(msg) from exc
    return np.asarray(v0, dtype=float), np.asarray(v1, dtype=float)


def to_mars_lonlat(x: npt.ArrayLike, y: npt.ArrayLike, crs: Any) -> tuple[FloatArray, FloatArray]:
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

    Returns
    -------
    lon, lat : numpy.ndarray

    Raises
    ------
    marsgeo.errors.CRSError
        ``crs`` is not a Mars CRS, or uses a non-zero prime meridian.

    Examples
    --------
    >>> lon, lat = to_mars_lonlat([282.5492], [18.6487], "IAU_2015:49901")
    >>> round(float(lon[0]), 4), round(float(lat[0]), 4)
    (77.4508, 18.4447)
    """
    source = _supported(require_mars_crs(crs))
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if not source.is_projected and _has_standard_axes(source):
        # east/north ellipsoidal axes: PROJ is exact to a plain base on the same datum, and
        # handles rotated poles (ob_tran), +lon_0 shifts, units and axis order
        plain = _plain_geographic(source)
        lon, lat = _transform(Transformer.from_crs(source, plain, always_xy=True), xs, ys, source)
        lat = _ocentric_from_base(lat, plain)
        return np.asarray(lon_to_180(lon), dtype=float), np.asarray(lat, dtype=float)
    if source.is_projected:
        base = source.geodetic_crs
        if base is None:  # pragma: no cover - PROJ always gives a projected CRS a base
            msg = f"crs {source.to_string()} has no geographic base; cannot convert it."
            raise CRSError(msg)
        first_is_northing = source.axis_info[0].direction in ("north", "south")
        a0, a1 = (ys, xs) if first_is_northing else (xs, ys)
        # authority axis order on both sides
        v0, v1 = _transform(Transformer.from_crs(source, base), a0, a1, source)
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
    lon: npt.ArrayLike, lat: npt.ArrayLike, crs: Any
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
    lon_e = np.asarray(lon, dtype=float)
    lat_c = np.asarray(lat, dtype=float)
    if not target.is_projected and _has_standard_axes(target):
        plain = _plain_geographic(target)
        lat_p = _base_from_ocentric(lat_c, plain)
        fwd = Transformer.from_crs(plain, target, always_xy=True)
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
    p0, p1 = _transform(Transformer.from_crs(base, target), b0, b1, target)
    if target.axis_info[0].direction in ("north", "south"):
        return p1, p0
    return p0, p1


def to_mars_geographic(gdf: Any) -> Any:
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
    """
    import shapely

    source = require_mars_crs(gdf, name="data")
    out = gdf.copy()
    if source == MARS_GEOGRAPHIC:
        return out

    def _convert(coords: FloatArray) -> FloatArray:
        lon, lat = to_mars_lonlat(coords[:, 0], coords[:, 1], source)
        return np.column_stack([lon, lat, *coords[:, 2:].T])  # elevation passes through

    # include_z=None keeps each geometry's own dimensionality (2-D or with elevation)
    geoms = shapely.transform(
        np.asarray(out.geometry.values, dtype=object), _convert, include_z=None
    )
    if hasattr(out, "set_geometry"):
        out = out.set_geometry(list(geoms), crs=MARS_GEOGRAPHIC)
        return out
    return type(out)(geoms, index=out.index, crs=MARS_GEOGRAPHIC, name=out.name)
