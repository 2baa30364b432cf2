"""Slope and hillshade of a DTM in memory by Horn's method, block by block (private).

The public :func:`marsgeo.basemap.slope_deg` and :func:`marsgeo.basemap.hillshade`
(:mod:`marsgeo._slope`) also take xarray DataArrays; :mod:`marsgeo._xarray` works a
numpy-backed one out with the Raster functions here. Blocks come from :mod:`marsgeo._blocks`
with the one-pixel halo Horn's method needs and ground steps from :mod:`marsgeo._steps`, so
temporary memory stays small whatever the DTM's size. Elevations outside Mars's range count as
no data (see :mod:`marsgeo._dtm`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from marsgeo._blocks import Block, blocks, halo, terrain_block
from marsgeo._dtm import check_dtm
from marsgeo._numbers import optional_flag, real_number
from marsgeo._products import MARS_HIGHEST_ELEV_M, MARS_LOWEST_ELEV_M
from marsgeo._progress import Progress
from marsgeo._raster import Raster
from marsgeo._steps import GridSteps, plan_steps

#: Elevations a DTM can hold (outside: no data), as the block kernel takes them.
_VALID = (MARS_LOWEST_ELEV_M, MARS_HIGHEST_ELEV_M)
#: Terrain work of more blocks than this shows progress (on a terminal or in Jupyter).
_PROGRESS_BLOCKS = 16


def show_progress(progress: bool | None, n: int) -> bool | None:
    """Whether to show a progress bar over ``n`` blocks: as asked, else only for long work."""
    return progress if progress is not None else (None if n > _PROGRESS_BLOCKS else False)


def gradient_block(
    dtm: Raster, steps: GridSteps, block: Block, light: tuple[float, float, float] | None
) -> npt.NDArray[np.float32]:
    """Slope [deg] (or, with ``light``, hillshade) of one block of a DTM in memory.

    Horn's method on the block and the one-pixel halo around it; where the raster ends, the
    border is extrapolated linearly (odd reflection), which is exact for planes (GDAL's edge
    replication would halve the gradient along the edges).
    """
    window, borders = halo(block, dtm.shape)
    w0, w1, v0, v1 = window
    return terrain_block(
        dtm.data[w0:w1, v0:v1],
        steps=steps,
        block=block,
        borders=borders,
        nodata=dtm.nodata,
        valid=_VALID,
        light=light,
    )


def _by_blocks(
    dtm: Raster, what: str, light: tuple[float, float, float] | None, progress: bool | None
) -> npt.NDArray[np.float32]:
    """Slope or hillshade of a whole DTM in memory, block by block."""
    steps = plan_steps(dtm.crs, dtm.transform, dtm.shape)
    out = np.empty(dtm.shape, dtype=np.float32)
    parts = blocks(dtm.shape)
    with Progress(len(parts), what, enabled=show_progress(progress, len(parts))) as bar:
        for block in parts:
            r0, r1, c0, c1 = block
            out[r0:r1, c0:c1] = gradient_block(dtm, steps, block, light)
            bar.update()
    return out


def check_sun(azimuth_deg: Any, altitude_deg: Any) -> tuple[float, float]:
    """Check the sun's azimuth and altitude [deg] of a hillshade; return them as floats."""
    azimuth_deg = real_number(
        azimuth_deg, name="azimuth_deg", fix="pass a finite azimuth in degrees, e.g. 315"
    )
    altitude_deg = real_number(
        altitude_deg,
        name="altitude_deg",
        fix="pass a sun altitude in (0, 90] degrees",
        low=0.0,
        low_open=True,
        high=90.0,
    )
    return azimuth_deg, altitude_deg


def sun_vector(azimuth_deg: float, altitude_deg: float) -> tuple[float, float, float]:
    """Give the unit vector (east, north, up) towards the sun at this azimuth and altitude."""
    az, alt = math.radians(azimuth_deg), math.radians(altitude_deg)
    return (math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt))


def describe(what: str, *, origin: str, synthetic: bool) -> str:
    """Describe a product of terrain: what it is, of what, labelled if synthetic."""
    prefix = "SYNTHETIC: " if synthetic else ""
    return f"{prefix}{what} of {origin or 'a DTM'}"


def derived(src: Raster, what: str) -> str:
    """Describe a product of terrain made from ``src`` (see :func:`describe`)."""
    return describe(what, origin=src.description or src.name, synthetic=src.synthetic)


def slope_raster(dtm: Any, *, progress: bool | None = None) -> Raster:
    """Slope [deg] of a DTM Raster (checked here): see :func:`marsgeo.basemap.slope_deg`."""
    progress = optional_flag(progress, name="progress")
    raster = check_dtm(dtm)
    return raster.with_data(
        _by_blocks(raster, "slope", None, progress),
        name="slope",
        units="deg",
        nodata=None,
        description=derived(raster, "slope (Horn's method)"),
    )


def hillshade_raster(
    dtm: Any,
    *,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    progress: bool | None = None,
) -> Raster:
    """Hillshade of a DTM Raster (checked here), 0..1: see :func:`marsgeo.basemap.hillshade`."""
    sun = check_sun(azimuth_deg, altitude_deg)
    progress = optional_flag(progress, name="progress")
    raster = check_dtm(dtm)
    return raster.with_data(
        _by_blocks(raster, "hillshade", sun_vector(*sun), progress),
        name="hillshade",
        units="",
        nodata=None,
        description=derived(raster, "hillshade"),
    )
