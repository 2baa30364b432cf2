"""Elevations of a DTM embedded in a web map, for the cursor readout and profiles (private).

The page finds the DTM pixel of a Mars longitude and latitude exactly as
:func:`marsgeo.basemap.sample_raster` does (the pixel that holds the point, no
interpolation), whatever the DTM's Mars CRS (equirectangular, transverse Mercator, ...):

- a mesh of control points, regular in longitude and latitude over the DTM's extent, holds
  the fractional pixel column and row of each node, computed here with pyproj; the browser
  interpolates it bilinearly. The mesh is refined until its largest error, measured at the
  centres and edge midpoints of its cells against pyproj, is below :data:`MESH_TOLERANCE_PX`
  (on an equirectangular grid the mapping is linear and the mesh exact);
- the elevations are quantised to unsigned 16-bit integers with a stated step (a round
  number of millimetres or more: the elevation range / 65 534); :data:`NO_VALUE` marks cells
  without data (NaN or the DTM's nodata). They travel packed (:func:`pack_values`): each value
  replaced by its difference from the prediction left + up - up-left (near zero on terrain),
  low bytes before high bytes, deflated (zlib) and base64-encoded; the browser inflates them
  with its own ``DecompressionStream``. The synthetic DTM's million pixels take 0.63 MB of
  page instead of 2.7 MB;
- a DTM of more than ``max_pixels`` pixels (default :data:`ELEVATION_MAX_PIXELS`) is
  decimated to every k-th pixel (the pixel nearest the centre of each k x k block), and the
  map's legend says so and gives the pixel size it keeps.
"""

from __future__ import annotations

import base64
import math
import zlib
from typing import Any

import numpy as np
import numpy.typing as npt

from marsgeo._dtm import check_dtm
from marsgeo._numbers import whole_number
from marsgeo._products import PRODUCT_TAG, TITLE_TAG
from marsgeo._raster import Raster, no_data_cells
from marsgeo.crs import MARS_SPHERE_RADIUS_M, from_mars_lonlat
from marsgeo.errors import InputError

#: At most this many DTM pixels are embedded in a page.
ELEVATION_MAX_PIXELS = 1_048_576
#: The 16-bit value of a cell without elevation data.
NO_VALUE = 65_535
#: The largest error of the lon/lat -> pixel mesh, in pixels, that the mesh is refined to.
MESH_TOLERANCE_PX = 5e-4
# mesh sizes tried (nodes per side), coarse to fine; beyond the last the DTM is not embedded
_MESH_SIZES = (9, 17, 33, 65, 129)
# decimals of the mesh's pixel positions in the page (1e-7 px)
_MESH_DECIMALS = 7


def dtm_label(dtm: Raster) -> str:
    """Name a DTM for the readout and the profile: its product, else its name; SYNTHETIC.

    A DTM without a product or a telling name is "DTM".
    """
    if dtm.synthetic:
        return "SYNTHETIC terrain, not a measurement"
    named = dtm.tags.get(PRODUCT_TAG) or dtm.tags.get(TITLE_TAG)
    return named or (dtm.name if dtm.name not in ("", "elevation") else "DTM")


def quantum(values: npt.NDArray[Any]) -> tuple[float, float]:
    """Return the offset and step that hold finite ``values`` in 0..65 534 (1, 2 or 5 x 10^n m)."""
    if values.size == 0:
        return 0.0, 0.001
    low, high = float(values.min()), float(values.max())
    need = max((high - low) / (NO_VALUE - 1), 0.001)
    power = 10.0 ** math.floor(math.log10(need))
    for mult in (1.0, 2.0, 5.0, 10.0):
        step = float(f"{mult * power:.12g}")
        if step >= need:
            return low, step
    return low, 10.0 * power  # pragma: no cover - 10 x power >= need always


def decimation(shape: tuple[int, int], max_pixels: int) -> int:
    """Return the smallest stride k whose every-k-th-pixel grid has <= ``max_pixels`` pixels."""
    h, w = shape
    k = max(1, math.isqrt(max(0, h * w - 1) // max_pixels))
    while math.ceil(h / k) * math.ceil(w / k) > max_pixels:
        k += 1
    return k


def _fractional_pixel(
    dtm: Raster, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Fractional pixel column and row of Mars lon/lat (as sample_raster computes them)."""
    x, y = from_mars_lonlat(lon, lat, dtm.crs)
    t = dtm.transform
    return (np.asarray(x) - t.c) / t.a, (np.asarray(y) - t.f) / t.e


def _bilinear(
    nodes: npt.NDArray[np.float64], fx: npt.NDArray[np.float64], fy: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Bilinear interpolation of a node grid (rows = latitude) at fractional node indices."""
    ny, nx = nodes.shape
    i = np.clip(np.floor(fy).astype(int), 0, ny - 2)
    j = np.clip(np.floor(fx).astype(int), 0, nx - 2)
    u, v = fx - j, fy - i
    return np.asarray(
        nodes[i, j] * (1 - u) * (1 - v)
        + nodes[i, j + 1] * u * (1 - v)
        + nodes[i + 1, j] * (1 - u) * v
        + nodes[i + 1, j + 1] * u * v,
        dtype=np.float64,
    )


def _mesh(dtm: Raster, n: int) -> tuple[dict[str, Any], float]:
    """Return the n x n lon/lat -> pixel mesh over the DTM's extent and its largest error [px]."""
    west, south, east, north = dtm.lonlat_bounds()
    lons, lats = np.linspace(west, east, n), np.linspace(south, north, n)
    glon, glat = np.meshgrid(lons, lats)
    col, row = _fractional_pixel(dtm, glon.ravel(), glat.ravel())
    col, row = col.reshape(n, n), row.reshape(n, n)
    if not (np.isfinite(col).all() and np.isfinite(row).all()):
        return {}, math.inf
    col = np.round(col, _MESH_DECIMALS)
    row = np.round(row, _MESH_DECIMALS)
    # check at the cell centres and edge midpoints (the nodes of the mesh twice as fine)
    fine = np.arange(2 * n - 1) / 2.0
    fx, fy = np.meshgrid(fine, fine)
    flon = west + (east - west) * fx / (n - 1)
    flat = south + (north - south) * fy / (n - 1)
    ccol, crow = _fractional_pixel(dtm, flon.ravel(), flat.ravel())
    err = np.hypot(
        _bilinear(col, fx.ravel(), fy.ravel()) - ccol, _bilinear(row, fx.ravel(), fy.ravel()) - crow
    )
    mesh = {
        "west": west,
        "south": south,
        "east": east,
        "north": north,
        "n": n,
        "col": col.ravel().tolist(),
        "row": row.ravel().tolist(),
    }
    return mesh, float(np.nanmax(err)) if np.isfinite(err).all() else math.inf


def pixel_mesh(dtm: Raster) -> tuple[dict[str, Any], float]:
    """Return the coarsest mesh within :data:`MESH_TOLERANCE_PX`, and its error [px].

    Raises
    ------
    marsgeo.errors.InputError
        No mesh up to 129 x 129 nodes maps the DTM's extent within the tolerance (a
        projection that bends too much over it, e.g. around a pole).
    """
    err = math.inf
    for n in _MESH_SIZES:
        mesh, err = _mesh(dtm, n)
        if err <= MESH_TOLERANCE_PX:
            return mesh, err
    msg = (
        f"the DTM's CRS ({dtm.crs.name!r}) bends too much over its extent for the map's "
        f"elevation readout (mesh error {err:.3g} px with {_MESH_SIZES[-1]}^2 nodes); "
        "reproject it to a local CRS first: marsgeo.basemap.reproject_raster(dtm, "
        "marsgeo.crs.local_crs(lon, lat))."
    )
    raise InputError(msg)


def pixel_size_m(dtm: Raster, k: int) -> float:
    """Return the ground size [m] of k pixels along x (degrees: on the Mars sphere)."""
    size = dtm.resolution[0] * k
    if dtm.crs.is_geographic:
        size *= math.pi / 180.0 * MARS_SPHERE_RADIUS_M
    return float(size)


def elevation_grid(dtm: Any, *, max_pixels: int = ELEVATION_MAX_PIXELS) -> dict[str, Any]:
    """Return the page data of a DTM's elevations: quantised values and the pixel mesh.

    Parameters
    ----------
    dtm
        A :class:`marsgeo.basemap.Raster` of elevations in metres, in any Mars CRS.
    max_pixels
        Embed at most this many pixels; a larger DTM is decimated to every k-th pixel.

    Returns
    -------
    dict
        ``label`` (the DTM's name), ``synthetic``, ``width``/``height`` (of the DTM),
        ``k`` (the stride: 1 when not decimated), ``cols``/``rows`` (of the embedded grid),
        ``z0`` and ``step`` (elevation = z0 + step x value [m]), ``none`` (the value of a cell
        without data), ``values`` (the 16-bit values, row 0 at the north, packed by
        :func:`pack_values`),
        ``pixel_m`` (ground size of an embedded pixel), ``mesh`` (``west``, ``south``,
        ``east``, ``north``, ``n``, ``col``, ``row``: n x n nodes from the south-west, row by
        row, of fractional DTM pixel positions) and ``mesh_error_px``.

    Raises
    ------
    marsgeo.errors.InputError
        ``dtm`` is not a Raster of elevations in metres, or ``max_pixels`` not a whole number
        >= 1; or its CRS cannot be meshed (see :func:`pixel_mesh`).

    Examples
    --------
    >>> from marsgeo.basemap import synthetic_dtm
    >>> grid = elevation_grid(synthetic_dtm(size_m=400, resolution_m=4))
    >>> grid["cols"], grid["k"], grid["mesh_error_px"] < 1e-6
    (100, 1, True)
    """
    dtm = check_dtm(dtm, name="dtm")
    if dtm.units not in ("m", "metre", "meter", "metres", "meters"):
        msg = f"dtm has units {dtm.units!r}; the elevation readout needs metres (units='m')."
        raise InputError(msg)
    bound = whole_number(max_pixels, name="max_pixels", fix="pass a whole number >= 1", low=1)
    h, w = dtm.shape
    k = decimation((h, w), bound)
    rows = np.minimum(np.arange(math.ceil(h / k)) * k + k // 2, h - 1)
    cols = np.minimum(np.arange(math.ceil(w / k)) * k + k // 2, w - 1)
    sub = dtm.data[np.ix_(rows, cols)]
    z = sub.astype(np.float64)
    missing = no_data_cells(sub, dtm.nodata) | ~np.isfinite(z)
    z0, step = quantum(z[~missing])
    q = np.full(z.shape, NO_VALUE, dtype="<u2")
    q[~missing] = np.clip(np.rint((z[~missing] - z0) / step), 0, NO_VALUE - 1).astype("<u2")
    mesh, err = pixel_mesh(dtm)
    return {
        "label": dtm_label(dtm),
        "synthetic": dtm.synthetic,
        "width": w,
        "height": h,
        "k": k,
        "cols": len(cols),
        "rows": len(rows),
        "z0": z0,
        "step": step,
        "none": NO_VALUE,
        "values": pack_values(q),
        "pixel_m": pixel_size_m(dtm, k),
        "mesh": mesh,
        "mesh_error_px": err,
    }


def _prediction(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Predict each value from its neighbours: left + up - up-left (left or up on the edges)."""
    pred = np.zeros_like(values)
    pred[0, 1:] = values[0, :-1]
    pred[1:, 0] = values[:-1, 0]
    pred[1:, 1:] = values[1:, :-1] + values[:-1, 1:] - values[:-1, :-1]
    return pred


def pack_values(values: npt.NDArray[np.uint16]) -> str:
    """Return a 2-D grid of 16-bit values as the page carries them.

    Each value becomes its difference, modulo 2**16, from the prediction left + up - up-left
    (TIFF's and PNG's predictors: near zero on terrain); the low bytes of all of them come
    before the high bytes; the whole is deflated (zlib format) and base64-encoded.
    :func:`unpack_values` is the inverse, as the page's script computes it.

    Examples
    --------
    >>> grid = np.array([[1, 2, 3], [2, 3, 65535]], dtype=np.uint16)
    >>> bool((unpack_values(pack_values(grid), rows=2, cols=3) == grid).all())
    True
    """
    v = np.asarray(values, dtype=np.int64)
    diff = ((v - _prediction(v)) % 65_536).astype("<u2").view(np.uint8).reshape(-1, 2)
    planes = np.concatenate([diff[:, 0], diff[:, 1]]).tobytes()
    return base64.b64encode(zlib.compress(planes, 9)).decode("ascii")


def unpack_values(text: str, *, rows: int, cols: int) -> npt.NDArray[np.uint16]:
    """Return the grid :func:`pack_values` packed (``rows`` x ``cols``)."""
    planes = np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=np.uint8)
    n = rows * cols
    diff = (planes[:n].astype(np.int64) | (planes[n:].astype(np.int64) << 8)).reshape(rows, cols)
    out = np.zeros((rows, cols), dtype=np.int64)
    for i in range(rows):  # each row is predicted from the one above it
        row = diff[i].copy()
        if i == 0:
            out[0] = np.cumsum(row) % 65_536
            continue
        # v[j] = d[j] + v[j-1] + up[j] - up[j-1]: a running sum of d + (up - up shifted)
        up = out[i - 1]
        row[1:] += up[1:] - up[:-1]
        row[0] += up[0]
        out[i] = np.cumsum(row) % 65_536
    return out.astype(np.uint16)


def elevation_note(grid: dict[str, Any]) -> str:
    """Return the legend's note on embedded elevations: source, pixel size, step, decimation."""
    k = int(grid["k"])
    decimated = f", decimated to one pixel in {k} each way to keep the page small" if k > 1 else ""
    return (
        f"Cursor elevation and measured profiles: {grid['label']}, "
        f"{grid['pixel_m']:.3g} m pixels{decimated}, to {grid['step']:g} m."
    )
