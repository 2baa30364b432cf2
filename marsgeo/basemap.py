"""Orbital basemaps: Mars rasters through rasterio, and Mars tile providers for web maps.

Rasters
    :func:`open_raster` / :func:`read_raster` open a local GeoTIFF or a cloud-optimised
    GeoTIFF URL (for example the USGS Mars 2020 HiRISE 25 cm orthomosaic and 1 m DTM, or the
    CTX mosaic and 20 m DTM), refuse anything that is not on Mars, and read only the window
    around an area of interest. :func:`sample_raster` gives values at points (elevation under
    each tube); :func:`reproject_raster` moves a raster to ``MARS_GEOGRAPHIC`` or a local metric
    CRS; :func:`slope_deg`, :func:`hillshade`, :func:`hazard_mask` and
    :func:`hazard_polygons` turn a DTM into terrain and hazards (:func:`hazard_areas` in one
    step, as the pickup planner and the web map do); :func:`render_png` draws a
    raster for a web-map overlay with exact bounds.

Terrain at any size
    Slope, hillshade and hazards work block by block with the one-pixel overlap Horn's
    method needs, so their temporary memory stays bounded whatever the DTM's size, and the
    result is exactly that of the whole array. Ground steps are geodesics on the DTM's body,
    measured once per row on geographic and cylindrical grids (the USGS equirectangular
    products) and on a checked lattice elsewhere. :func:`write_terrain` turns a DTM on disk,
    larger than memory, into a slope or hillshade GeoTIFF block by block. The terrain
    functions and :func:`sample_raster` also take an :class:`xarray.DataArray` with a Mars CRS,
    as ``rioxarray.open_rasterio(path, chunks=...)`` gives (extra ``marsgeo[dask]``): Dask-backed
    input gives lazy results computed with ``dask.array.map_overlap``, which a
    ``dask.distributed`` cluster runs unchanged. Long work shows progress (``tqdm``) in a
    terminal or Jupyter; ``progress=False`` or ``MARSGEO_PROGRESS=0`` hides it.

Offline terrain
    :func:`synthetic_dtm` generates a deterministic, clearly labelled SYNTHETIC DTM around
    Three Forks, so the demo, docs and tests have terrain without downloads.
    :func:`load_dtm` takes a real DTM instead with one argument; elevations outside Mars's
    range (:data:`MARS_LOWEST_ELEV_M` to :data:`MARS_HIGHEST_ELEV_M`) count as no data.

Files and sizes
    :func:`write_raster` keeps a raster's exact CRS in a GeoTIFF tag, so that every Mars CRS
    it writes reads back with the same meaning (or it refuses to write). A GeoTIFF from
    elsewhere whose keys cannot pin its CRS down (on the Mars ellipsoid: west-positive
    longitudes, planetocentric latitudes) is refused unless ``crs=`` names it. Work that
    would hold more than :data:`MAX_PIXELS` pixels in memory is refused with
    :class:`~marsgeo.errors.TooLargeError` (pass ``max_pixels=`` to allow more); slope,
    hillshade and hazards work block by block.

Tile providers
    :func:`tile_providers` / :func:`tile_provider` give NASA Mars Trek (HiRISE 25 cm and CTX
    6 m over Jezero; MOLA and Viking globally), OpenPlanetaryMap and the USGS WMS as
    :class:`xyzservices.TileProvider` objects, each with its attribution, zoom range and the
    tiling grid its tiles need.
"""

from __future__ import annotations

from marsgeo._hazards import hazard_areas, hazard_mask, hazard_polygons
from marsgeo._overlay import PngOverlay, render_png
from marsgeo._raster import MAX_PIXELS, Raster
from marsgeo._raster_crs import CRS_TAG
from marsgeo._raster_open import COG_ENV, GDAL_CACHE_BYTES, open_raster
from marsgeo._raster_read import describe_file, read_raster
from marsgeo._raster_reproject import reproject_raster
from marsgeo._raster_sample import sample_raster
from marsgeo._raster_write import COMPRESSIONS, write_raster
from marsgeo._slope import hillshade, slope_deg
from marsgeo._terrain import (
    MARS_HIGHEST_ELEV_M,
    MARS_LOWEST_ELEV_M,
    SYNTHETIC_SEED,
    load_dtm,
    synthetic_dtm,
)
from marsgeo._terrain_file import write_terrain
from marsgeo._tiles import MAX_ZOOM, tile_index, tile_provider, tile_providers

__all__ = [
    "COG_ENV",
    "COMPRESSIONS",
    "CRS_TAG",
    "GDAL_CACHE_BYTES",
    "MARS_HIGHEST_ELEV_M",
    "MARS_LOWEST_ELEV_M",
    "MAX_PIXELS",
    "MAX_ZOOM",
    "SYNTHETIC_SEED",
    "PngOverlay",
    "Raster",
    "describe_file",
    "hazard_areas",
    "hazard_mask",
    "hazard_polygons",
    "hillshade",
    "load_dtm",
    "open_raster",
    "read_raster",
    "render_png",
    "reproject_raster",
    "sample_raster",
    "slope_deg",
    "synthetic_dtm",
    "tile_index",
    "tile_provider",
    "tile_providers",
    "write_raster",
    "write_terrain",
]
