"""Ground steps of a raster grid on the Mars body, for Horn's method (private).

Horn's method needs, at every pixel, the true ground length of one step along a row and
along a column, and the azimuths of those steps (grid convergence, west-positive axes). They
are measured as geodesics on the raster's body between the midpoints of opposite pixel edges
(:func:`exact_steps`), and turned into four coefficients that carry the raw Horn differences
to slopes east and north (:func:`coefficients`).

Measuring them at every pixel costs four coordinate conversions and two geodesics a pixel, so
:func:`plan_steps` looks at the grid once and picks the cheapest exact way:

- ``"rows"``: latitude is constant along each row and longitude constant down each column,
  changing by the same amount from column to column (geographic grids and normal cylindrical
  projections: equirectangular, Mercator, ... on a sphere or an ellipsoid). A step then looks
  the same all along a row, since turning the body about its axis moves one pixel onto the
  next: the coefficients are measured once per row.
- ``"columns"``: the same with rows and columns exchanged.
- ``"lattice"``: any other grid (polar stereographic, Transverse Mercator, ...). The
  coefficients are measured on a lattice of every :data:`LATTICE_STEP`-th pixel (or a finer
  one where the grid curves faster, chosen from a sample of cells) and interpolated
  bilinearly within its cells. Each cell is checked where bilinear interpolation
  errs most, at its centre and the midpoints of its edges (with second derivatives that vary
  little across a cell, the error anywhere in it is at most the sum of the errors at the
  midpoints of two adjacent edges); a cell whose error, as a fraction of the coefficients'
  size, is above half of :data:`STEP_TOLERANCE` (near a pole, say) is measured pixel by
  pixel instead.
- ``"pixels"``: a grid that curves so fast across a few pixels that a lattice fine enough
  would cost more than measuring every pixel (kilometre pixels far from a projection's
  centre); measured at every pixel.

Every value depends only on the pixel's position and the grid, never on how the raster is cut
into blocks, so blocks give the same coefficients as the whole raster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyproj
from affine import Affine

from marsgeo.crs import mars_geod, to_mars_lonlat

FloatArray = npt.NDArray[np.float64]
Coefficients = tuple[FloatArray, FloatArray, FloatArray, FloatArray]

#: Spacing of the lattice on which ground steps are measured for lattice grids [px].
LATTICE_STEP = 32
#: Largest error of interpolated coefficients, as a fraction of their size. The slope and the
#: sunward slope then err by at most this fraction of the gradient (1e-6: 6e-5 deg of slope).
STEP_TOLERANCE = 1e-6
# lattice of positions on which "rows" and "columns" grids are recognised
_PROBES = 9
# how exactly latitude must be constant along a row (and longitude step be the same) [deg]
_SAME_DEG = 1e-9


def _edge_lonlat(
    crs: pyproj.CRS, transform: Affine, geod: pyproj.Geod, cols: FloatArray, rows: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Longitude and geodetic latitude (as ``geod`` takes them) of pixel positions."""
    from marsgeo._raster import pixel_xy
    from marsgeo.distance import geodetic_lat

    x, y = pixel_xy(transform, cols, rows)
    lon, lat = to_mars_lonlat(x, y, crs, check=False)
    return lon, geodetic_lat(lat, geod)


def exact_steps(
    crs: pyproj.CRS, transform: Affine, cols: npt.ArrayLike, rows: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Ground steps at pixel positions (0.5 is a pixel centre), measured on the body.

    Returns the ground length [m] of one column step and of one row step, and the azimuths
    [rad, clockwise from north] of the +column and +row directions, each of ``cols``' shape.
    The lengths are geodesics between the midpoints of opposite pixel edges.
    """
    g = mars_geod(crs)
    c = np.ravel(np.asarray(cols, dtype=float))
    r = np.ravel(np.asarray(rows, dtype=float))
    both = np.concatenate
    lon, lat = _edge_lonlat(
        crs, transform, g, both([c - 0.5, c + 0.5, c, c]), both([r, r, r - 0.5, r + 0.5])
    )
    n = len(c)
    az_c, _, dx = g.inv(lon[:n], lat[:n], lon[n : 2 * n], lat[n : 2 * n])
    az_r, _, dy = g.inv(lon[2 * n : 3 * n], lat[2 * n : 3 * n], lon[3 * n :], lat[3 * n :])
    shape = np.shape(cols)
    return (
        np.asarray(dx, dtype=float).reshape(shape),
        np.asarray(dy, dtype=float).reshape(shape),
        np.radians(np.asarray(az_c, dtype=float)).reshape(shape),
        np.radians(np.asarray(az_r, dtype=float)).reshape(shape),
    )


def _from_steps(dx: FloatArray, dy: FloatArray, az_c: FloatArray, az_r: FloatArray) -> Coefficients:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (
            np.sin(az_c) / (8.0 * dx),
            np.sin(az_r) / (8.0 * dy),
            np.cos(az_c) / (8.0 * dx),
            np.cos(az_r) / (8.0 * dy),
        )


def coefficients(
    crs: pyproj.CRS, transform: Affine, cols: npt.ArrayLike, rows: npt.ArrayLike
) -> Coefficients:
    """Horn coefficients at pixel positions: ``(e_col, e_row, n_col, n_row)``.

    With the raw Horn differences ``gc = (c + 2f + i) - (a + 2d + g)`` (along +column) and
    ``gr = (g + 2h + i) - (a + 2b + c)`` (along +row), the slope east is
    ``gc * e_col + gr * e_row`` and north ``gc * n_col + gr * n_row``.
    """
    return _from_steps(*exact_steps(crs, transform, cols, rows))


def _unwrap_deg(values: FloatArray, axis: int) -> FloatArray:
    """Differences of longitudes along an axis, folded into -180..180."""
    return (np.diff(values, axis=axis) + 180.0) % 360.0 - 180.0


def _separable(lon: FloatArray, lat: FloatArray) -> bool:
    """Tell whether latitude is constant along rows, longitude down columns and evenly spaced."""
    with np.errstate(invalid="ignore"):
        flat_rows = np.abs(np.diff(lat, axis=1)) <= _SAME_DEG
        flat_cols = np.abs(_unwrap_deg(lon, axis=0)) <= _SAME_DEG
        steps = _unwrap_deg(lon, axis=1)
        even = np.abs(steps - steps[:, :1]) <= _SAME_DEG
    return bool(flat_rows.all() and flat_cols.all() and even.all())


def _grid_kind(crs: pyproj.CRS, transform: Affine, shape: tuple[int, int]) -> str:
    """Recognise grids whose steps depend on the row only, or on the column only."""
    h, w = shape
    rows = np.linspace(0.0, h, _PROBES)
    cols = np.linspace(0.0, w, _PROBES)
    cc, rr = np.meshgrid(cols, rows)
    from marsgeo._raster import pixel_xy

    x, y = pixel_xy(transform, cc.ravel(), rr.ravel())
    with np.errstate(invalid="ignore"):
        lon, lat = to_mars_lonlat(x, y, crs, check=False)
    lon, lat = lon.reshape(cc.shape), lat.reshape(cc.shape)
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        return "lattice"
    if _separable(lon, lat):
        return "rows"
    if _separable(lon.T, lat.T):
        return "columns"
    return "lattice"


def _nodes(n: int, step: int) -> npt.NDArray[np.int64]:
    """Lattice positions along an axis of ``n`` pixels: every ``step``-th and the last."""
    nodes = np.arange(0, n, step, dtype=np.int64)
    return nodes if nodes[-1] == n - 1 else np.append(nodes, n - 1)


def _cell_of(pos: FloatArray, nodes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Find the cell (between consecutive nodes) that holds each position."""
    idx = np.searchsorted(nodes, pos, side="right") - 1
    return np.clip(idx, 0, len(nodes) - 2)


def _bilinear(
    v: FloatArray, kr: npt.ArrayLike, kc: npt.ArrayLike, fy: npt.ArrayLike, fx: npt.ArrayLike
) -> FloatArray:
    """Interpolate node values ``v`` in cells (kr, kc) at fractions (fy, fx).

    1-D ``kr`` and ``kc`` with 2-D fractions interpolate a block (rows x columns); otherwise
    the positions are scattered, one per element.
    """
    kr_, kc_ = np.asarray(kr), np.asarray(kc)
    if np.ndim(fy) == 2:  # a block
        v00, v01 = v[kr_][:, kc_], v[kr_][:, kc_ + 1]
        v10, v11 = v[kr_ + 1][:, kc_], v[kr_ + 1][:, kc_ + 1]
    else:
        v00, v01 = v[kr_, kc_], v[kr_, kc_ + 1]
        v10, v11 = v[kr_ + 1, kc_], v[kr_ + 1, kc_ + 1]
    fy_, fx_ = np.asarray(fy, dtype=float), np.asarray(fx, dtype=float)
    upper = v00 + (v01 - v00) * fx_
    lower = v10 + (v11 - v10) * fx_
    return np.asarray(upper + (lower - upper) * fy_, dtype=float)


def _cell_errors(
    crs: pyproj.CRS,
    transform: Affine,
    node_r: npt.NDArray[np.int64],
    node_c: npt.NDArray[np.int64],
    nodes: Coefficients,
) -> FloatArray:
    """Bound the interpolation error in each cell between consecutive nodes (inf: unknown).

    As a fraction of the coefficients' size (``1 / (8 dx)``, ``1 / (8 dy)``): measured at the
    centre and the edge midpoints of each cell (module notes).
    """
    top, bottom = node_r[:-1].astype(float), node_r[1:].astype(float)
    left, right = node_c[:-1].astype(float), node_c[1:].astype(float)
    mid_r, mid_c = (top + bottom) / 2.0, (left + right) / 2.0
    probes = [(mid_r, mid_c), (top, mid_c), (bottom, mid_c), (mid_r, left), (mid_r, right)]
    grids = [np.meshgrid(c, r) for r, c in probes]
    cols = np.concatenate([g[0].ravel() for g in grids])
    rows = np.concatenate([g[1].ravel() for g in grids])
    steps = exact_steps(crs, transform, cols + 0.5, rows + 0.5)
    exact = _from_steps(*steps)
    ki, kj = _cell_of(rows, node_r), _cell_of(cols, node_c)
    fr = (rows - node_r[ki]) / (node_r[ki + 1] - node_r[ki])
    fc = (cols - node_c[kj]) / (node_c[kj + 1] - node_c[kj])
    err = np.zeros(len(rows))
    with np.errstate(invalid="ignore"):
        for k, (v, e) in enumerate(zip(nodes, exact, strict=True)):
            size = 8.0 * (steps[0] if k in (0, 2) else steps[1])  # 1 / the coefficient's size
            off = np.abs(_bilinear(v, ki, kj, fr, fc) - e) * size
            err = np.where(np.isfinite(off), np.fmax(err, off), np.inf)
    centre, t, b, lft, rgt = err.reshape(5, len(mid_r), len(mid_c))
    return np.asarray(np.maximum(centre, np.maximum(t, b) + np.maximum(lft, rgt)))


@dataclass(frozen=True)
class GridSteps:
    """How to get the Horn coefficients of a grid (from :func:`plan_steps`).

    Attributes
    ----------
    crs, transform, shape
        The grid: its Mars CRS, north-up transform and (rows, columns).
    kind
        ``"rows"``, ``"columns"``, ``"lattice"`` or ``"pixels"`` (see the module notes).
    step
        The lattice spacing [px] of lattice grids.
    """

    crs: pyproj.CRS
    transform: Affine
    shape: tuple[int, int]
    kind: str
    step: int = LATTICE_STEP

    def block(self, r0: int, r1: int, c0: int, c1: int) -> Coefficients:
        """Coefficients of rows r0..r1-1 and columns c0..c1-1, broadcastable to the block."""
        rows = np.arange(r0, r1, dtype=float) + 0.5
        cols = np.arange(c0, c1, dtype=float) + 0.5
        if self.kind == "rows":
            k = coefficients(self.crs, self.transform, np.full(len(rows), 0.5), rows)
            return (k[0][:, None], k[1][:, None], k[2][:, None], k[3][:, None])
        if self.kind == "columns":
            k = coefficients(self.crs, self.transform, cols, np.full(len(cols), 0.5))
            return (k[0][None, :], k[1][None, :], k[2][None, :], k[3][None, :])
        if self.kind == "pixels":
            cc, rr = np.meshgrid(cols, rows)
            return coefficients(self.crs, self.transform, cc, rr)
        return self._lattice_block(r0, r1, c0, c1)

    def _lattice_block(self, r0: int, r1: int, c0: int, c1: int) -> Coefficients:
        h, w = self.shape
        node_r, node_c = _nodes(h, self.step), _nodes(w, self.step)
        # the cells that hold the block's rows and columns, and their corner nodes
        kr = np.minimum(np.arange(r0, r1) // self.step, len(node_r) - 2)
        kc = np.minimum(np.arange(c0, c1) // self.step, len(node_c) - 2)
        ir = node_r[kr[0] : kr[-1] + 2]
        ic = node_c[kc[0] : kc[-1] + 2]
        cc, rr = np.meshgrid(ic + 0.5, ir + 0.5)
        nodes = coefficients(self.crs, self.transform, cc, rr)
        fy = (np.arange(r0, r1) - node_r[kr]) / (node_r[kr + 1] - node_r[kr])
        fx = (np.arange(c0, c1) - node_c[kc]) / (node_c[kc + 1] - node_c[kc])
        lr, lc = kr - kr[0], kc - kc[0]
        out = [_bilinear(v, lr, lc, fy[:, None], fx[None, :]) for v in nodes]
        errors = _cell_errors(self.crs, self.transform, ir, ic, nodes)
        bad = ~(errors <= STEP_TOLERANCE / 2.0)
        if bad.any():  # measure those cells pixel by pixel
            rr_, cc_ = np.nonzero(bad[lr][:, lc])
            exact = coefficients(self.crs, self.transform, cc_ + c0 + 0.5, rr_ + r0 + 0.5)
            for v, e in zip(out, exact, strict=True):
                v[rr_, cc_] = e
        return (out[0], out[1], out[2], out[3])


def _lattice_step(crs: pyproj.CRS, transform: Affine, shape: tuple[int, int]) -> int:
    """Choose the lattice spacing: the widest whose cells mostly meet the tolerance.

    Interpolation error grows as the square of the spacing: measured on a sample of cells of
    :data:`LATTICE_STEP` px, it gives the spacing to use (1: measure every pixel).
    """
    h, w = shape
    node_r, node_c = _nodes(h, LATTICE_STEP), _nodes(w, LATTICE_STEP)
    errors = []
    for i in np.unique(np.linspace(0, len(node_r) - 2, 5).round().astype(int)):
        for j in np.unique(np.linspace(0, len(node_c) - 2, 5).round().astype(int)):
            rs, cs = node_r[i : i + 2], node_c[j : j + 2]
            cc, rr = np.meshgrid(cs + 0.5, rs + 0.5)
            nodes = coefficients(crs, transform, cc, rr)
            errors.append(float(_cell_errors(crs, transform, rs, cs, nodes)[0, 0]))
    typical = float(np.quantile(np.asarray(errors), 0.75))
    if typical <= STEP_TOLERANCE / 2.0:
        return LATTICE_STEP
    if not np.isfinite(typical):
        return 1
    step = LATTICE_STEP * np.sqrt(STEP_TOLERANCE / 2.0 / typical)
    return int(2 ** np.floor(np.log2(max(step, 1.0))))


def plan_steps(crs: pyproj.CRS, transform: Affine, shape: tuple[int, int]) -> GridSteps:
    """Look at a grid once and decide how to measure its ground steps (module notes)."""
    kind = _grid_kind(crs, transform, shape)
    step = LATTICE_STEP
    if kind == "lattice":
        step = _lattice_step(crs, transform, shape)
        if step < 4:  # a lattice this fine would cost more than measuring every pixel
            kind = "pixels"
    return GridSteps(crs=crs, transform=transform, shape=shape, kind=kind, step=step)
