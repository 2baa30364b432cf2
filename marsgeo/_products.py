"""Orbital products over Jezero: which one a file is, its kind and units, and its name (private).

The table of known products lives in ``data/jezero_products.json`` with its provenance: the
USGS Mars 2020 TRN HiRISE and CTX DTMs and orthomosaics, HiRISE PDS DTMs and RDR images, the
NASA Mars Trek layers, USGS SIM 3464 and the PDS PLACES localizations. :func:`identify` decides
what a raster file holds (elevations in metres, or an image) from the evidence the file and its
name give, and says which evidence it used; the raster reader writes the result into a
Raster's tags and description, so that overlays, legends and errors can name the product.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

#: What a product holds: elevations, brightness, web tiles, GIS features or a table.
KINDS = ("dtm", "image", "tiles", "vector", "table")
#: Spellings of metres in band units and labels (compared in lower case).
METRE_UNITS = ("m", "metre", "meter", "metres", "meters")
#: Lowest elevation a Mars DTM can hold [m]: the floor of Hellas lies about 8.2 km below the
#: areoid (approximate).
MARS_LOWEST_ELEV_M = -9000.0
#: Highest elevation a Mars DTM can hold [m]: Olympus Mons rises about 21-22 km above the
#: areoid (approximate).
MARS_HIGHEST_ELEV_M = 22000.0

#: Raster tags in which the reader names what it read (kept when a Raster is written).
PRODUCT_TAG = "MARSGEO_PRODUCT"
TITLE_TAG = "MARSGEO_PRODUCT_TITLE"
SOURCE_TAG = "MARSGEO_SOURCE"
CITATION_TAG = "MARSGEO_CITATION"
FILE_TAG = "MARSGEO_FILE"
KIND_TAG = "MARSGEO_KIND"
UNITS_FROM_TAG = "MARSGEO_UNITS_FROM"
BODY_TAG = "MARSGEO_BODY"
PRODUCT_TAGS = (PRODUCT_TAG, TITLE_TAG, SOURCE_TAG, CITATION_TAG)


@dataclass(frozen=True)
class Product:
    """One known product (a row of ``jezero_products.json``)."""

    key: str
    title: str
    kind: str
    patterns: tuple[str, ...]
    format: str
    resolution_m: float | None
    crs: str
    units: str
    source: str
    credit: str
    citation: str
    url: str
    url_checked: bool
    confidence: str
    note: str

    @property
    def by_name_only(self) -> bool:
        """True for the generic rows that recognise a kind of file by its name alone."""
        return self.key.endswith("-by-name")

    def matches(self, name: str) -> bool:
        """Tell whether a file name or product id is one of this product's."""
        return any(re.search(p, name, flags=re.IGNORECASE) for p in self.patterns)


@cache
def known_products() -> tuple[Product, ...]:
    """Return the table of known products, in matching order (specific products first)."""
    text = resources.files("marsgeo").joinpath("data/jezero_products.json").read_text("utf-8")
    rows: list[dict[str, Any]] = json.loads(text)["products"]
    out = []
    for row in rows:
        product = Product(**{**row, "patterns": tuple(row["patterns"])})
        if product.kind not in KINDS:  # pragma: no cover - the shipped table is tested
            msg = f"jezero_products.json: {product.key!r} has kind {product.kind!r}"
            raise ValueError(msg)
        out.append(product)
    return tuple(out)


def match_product(*names: str) -> Product | None:
    """Return the first known product any of ``names`` (file name, product id) belongs to."""
    for product in known_products():
        if any(name and product.matches(name) for name in names):
            return product
    return None


def file_name(source: str) -> str:
    """Return the file name of a path, URL or GDAL virtual path (query strings dropped)."""
    text = str(source).split("?", 1)[0].rstrip("/")
    return re.split(r"[/\\]", text)[-1] or text


def metre_unit(text: str) -> str:
    """Return "m" for a spelling of metres (any case), else the text as it is (stripped)."""
    unit = text.strip()
    return "m" if unit.lower() in METRE_UNITS else unit


@dataclass(frozen=True)
class Identity:
    """What a raster file holds, and the evidence for it."""

    product: str  # the product id or the file name
    file: str
    known: Product | None
    kind: str  # "dtm", "image" or "unknown"
    units: str
    units_from: str

    def title(self) -> str:
        """Return the product's title, or "" for a file marsgeo does not know."""
        return self.known.title if self.known is not None and not self.known.by_name_only else ""

    def source(self) -> str:
        """Return who made the product, or "" when the file does not say."""
        return self.known.source if self.known is not None and not self.known.by_name_only else ""


def _is_image_type(dtype: np.dtype[Any]) -> bool:
    return dtype.kind == "u" and dtype.itemsize <= 2


def identify(
    *,
    file: str,
    product_id: str,
    unit_hints: Sequence[tuple[str, str]],
    dtype: np.dtype[Any],
    elevation_like: Callable[[], bool],
) -> Identity:
    """Decide what a raster file holds.

    Units come from the first of: the ``unit_hints`` (band unit, label ``UNIT``, in order), the
    table of known products (a DTM holds metres), and, for float data of an unknown file whose
    values look like Mars elevations, metres. An image product, or unsigned 8- or 16-bit data
    with no unit, is an image. ``elevation_like`` is asked only when nothing else tells.
    """
    known = match_product(product_id, file)
    product = product_id or file
    units, units_from = "", ""
    for unit, where in unit_hints:
        if unit.strip():
            units, units_from = metre_unit(unit), where
            break
    if not units_from and known is not None and known.kind == "dtm":
        where = "the file name" if known.by_name_only else "marsgeo's product table"
        units, units_from = "m", f"{where}: a DTM"
    if not units_from and known is None and dtype.kind == "f" and elevation_like():
        units = "m"
        units_from = (
            "float values within Mars's elevation range, taken for metres (pass units= if not)"
        )
    if units == "m":
        kind = "dtm"
    elif not units and ((known is not None and known.kind == "image") or _is_image_type(dtype)):
        kind = "image"
    else:
        kind = "unknown"
    return Identity(product, file, known, kind, units, units_from)


def image_what(dtype: np.dtype[Any], *, ortho: bool) -> str:
    """Say what an image is, e.g. "an 8-bit orthoimage (uint8)"."""
    bits = dtype.itemsize * 8
    article = "an" if bits == 8 else "a"
    noun = "orthoimage" if ortho else "image"
    return f"{article} {bits}-bit {noun} ({dtype})"


def product_tags(identity: Identity, *, body: str) -> dict[str, str]:
    """Return the tags naming a product, its source and what marsgeo established about it."""
    tags = {
        PRODUCT_TAG: identity.product,
        FILE_TAG: identity.file,
        KIND_TAG: identity.kind,
        BODY_TAG: body,
    }
    if identity.title():
        tags[TITLE_TAG] = identity.title()
        tags[SOURCE_TAG] = identity.source()
        if identity.known is not None and identity.known.citation:
            tags[CITATION_TAG] = identity.known.citation
    if identity.units_from:
        tags[UNITS_FROM_TAG] = identity.units_from
    return tags


def product_description(identity: Identity, *, crs_name: str, body: str) -> str:
    """One paragraph naming a product, its source, its units and its CRS."""
    named = identity.product
    if identity.file and identity.file != identity.product:
        named = f"{identity.product} (file {identity.file})"
    title = identity.title()
    text = f"{title}: {named}" if title else named
    source = identity.source() or "source not stated in the file"
    text += f"; source: {source}."
    if identity.units == "m":
        text += f" Elevations in metres ({identity.units_from})."
    elif identity.kind == "image":
        text += " An image: brightness values, not elevations."
    text += f" CRS {crs_name!r} on {body}."
    return text


def product_credit(tags: dict[str, str]) -> str:
    """Name the product of a Raster's tags and its source, e.g. for a map legend; or ""."""
    product = tags.get(PRODUCT_TAG, "")
    if not product:
        return ""
    title, source = tags.get(TITLE_TAG, ""), tags.get(SOURCE_TAG, "")
    if title and source:
        return f"{product} ({title}; {source})"
    return f"{product} (source not stated in the file)"
