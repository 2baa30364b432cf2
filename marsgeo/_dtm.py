"""What makes a raster a DTM: elevations in metres, not an image or a mask (private).

Elevations outside Mars's physical range (``MARS_LOWEST_ELEV_M`` to ``MARS_HIGHEST_ELEV_M`` from
the areoid, kept with the products in :mod:`marsgeo._products`) are not terrain: a corrupt
block or an undeclared nodata value such as -3.4e38. They count as "no elevation data"
(:data:`NO_DATA_RULE`, a hazard: unknown terrain is not safe terrain), never as a cliff.
"""

from __future__ import annotations

from typing import Any

from marsgeo._products import KIND_TAG, PRODUCT_TAG, TITLE_TAG, image_what
from marsgeo._raster import Raster, as_raster
from marsgeo.errors import InputError

# units of elevations in metres ("": not said)
_METRES = ("m", "metre", "meter", "metres", "meters", "")
#: DTMs to name when an image is passed for one.
_DTM_EXAMPLES = (
    "the USGS JEZ_hirise_soc_006_DTM_MOLAtopography_DeltaGeoid_1m_Eqc_latTs0_lon0_blend40.tif, "
    "the CTX JEZ_ctx_B_soc_008_DTM_MOLAtopography_DeltaGeoid_20m_Eqc_latTs0_lon0.tif or a "
    "HiRISE DTEEC_*.IMG"
)
#: Why cells without elevation data are hazards, in hazard rules.
NO_DATA_RULE = "no elevation data (unknown terrain)"


def _refuse_image(dtm: Raster, name: str) -> None:
    """Refuse an image given as elevations: an image product, or 8/16-bit unsigned values.

    Only rasters without units come here: ``units="m"`` says the values are elevations.
    """
    dtype = dtm.data.dtype
    kind = dtm.tags.get(KIND_TAG, "")
    if kind != "image" and not (dtype.kind == "u" and dtype.itemsize <= 2):
        return
    product = dtm.tags.get(PRODUCT_TAG, "")
    title = dtm.tags.get(TITLE_TAG, "")
    named = f" ({product}{': ' + title if title else ''})" if product else ""
    ortho = kind == "image" or "ortho" in product.lower()
    msg = (
        f"{name}{named} is {image_what(dtype, ortho=ortho)}, not elevations: its values are "
        "brightness, and slopes or hazards from them would be meaningless. Pass a DTM "
        f"instead (e.g. {_DTM_EXAMPLES}); or, if the values really are elevations in "
        "metres, say so: load_dtm(..., units='m') or raster.with_data(raster.data, units='m')."
    )
    raise InputError(msg)


def _check_values(dtm: Raster, name: str, *, units_fix: str, mask_fix: str) -> None:
    """Refuse values that are not elevations in metres: other units, or True/False."""
    if dtm.units not in _METRES:
        msg = (
            f"{name} has units {dtm.units!r}; slope needs elevations in metres. Convert "
            f"the values and {units_fix}."
        )
        raise InputError(msg)
    if dtm.data.dtype.kind == "b":
        msg = (
            f"{name} holds True/False values (a mask?); terrain needs elevations in "
            f"metres{mask_fix}."
        )
        raise InputError(msg)


def _check_size(dtm: Raster, name: str) -> None:
    if min(dtm.shape) < 3:
        msg = f"{name} is {dtm.shape[1]}x{dtm.shape[0]} px; terrain needs at least 3x3."
        raise InputError(msg)


def check_dtm(value: Any, *, name: str = "dtm") -> Raster:
    """Return ``value`` if it is a DTM in metres (not an image, a mask, ...), or raise."""
    dtm = as_raster(value, name=name)
    _check_values(
        dtm,
        name,
        units_fix="pass dtm.with_data(values, units='m')",
        mask_fix=", e.g. from load_dtm or read_raster",
    )
    if not dtm.units:
        _refuse_image(dtm, name)
    _check_size(dtm, name)
    return dtm


def check_elevation_grid(dtm: Raster, *, name: str) -> None:
    """Refuse a grid that cannot be a DTM from its units, type and size (not its values)."""
    _check_values(dtm, name, units_fix="set their units to 'm'", mask_fix="")
    _check_size(dtm, name)
