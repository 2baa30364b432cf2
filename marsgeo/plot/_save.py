"""Writing figures to PNG, PDF or SVG, atomically, and the picture of a raster (private).

:func:`save_figure` writes a matplotlib figure in the format its file name says, through
:func:`marsgeo._atomic.atomic_target` (a temporary file, then a rename: never a half-written
file), with a title and a description (the CRS, the credits, what is SYNTHETIC or an
ASSUMPTION) in the file's metadata. PDF and SVG carry no time stamp, so writing the same figure
twice gives the same bytes.

:func:`raster_figure` draws a :class:`marsgeo.basemap.Raster` as a figure of its own (a DTM
as its hillshade, an image as itself, with a scale bar and a north arrow); ``Raster``'s
``_repr_png_`` shows it in notebooks.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from marsgeo._atomic import atomic_target, check_target, file_path
from marsgeo.errors import InputError, TooLargeError

if TYPE_CHECKING:
    from pathlib import Path

    from marsgeo._raster import Raster
    from marsgeo.typing import PathLike

__all__ = [
    "FIGURE_FORMATS",
    "MAX_DPI",
    "MAX_FIGURE_PIXELS",
    "check_figure_size",
    "raster_figure",
    "raster_png",
    "save_figure",
]

#: File extensions :func:`save_figure` writes -> the matplotlib format of each.
FIGURE_FORMATS: dict[str, str] = {".png": "png", ".pdf": "pdf", ".svg": "svg"}
#: The highest resolution a figure is written at [dots per inch].
MAX_DPI = 2400
#: The most pixels a figure may have at its resolution (about 400 MB as an RGBA image).
MAX_FIGURE_PIXELS = 100_000_000
#: The most pixels of a raster drawn in a notebook's picture of it.
REPR_PIXELS = 600 * 600

# what each format calls its metadata fields; the time stamps are left out
_TITLE = {"png": "Title", "pdf": "Title", "svg": "Title"}
_DESCRIPTION = {"png": "Description", "pdf": "Subject", "svg": "Description"}
_NO_DATE: dict[str, dict[str, Any]] = {
    "png": {},
    "pdf": {"CreationDate": None},
    "svg": {"Date": None},
}


def _figure_of(fig_or_ax: Any) -> Figure:
    """Return the top-level Figure of a Figure, SubFigure or Axes, or raise InputError."""
    if isinstance(fig_or_ax, Axes):
        fig_or_ax = fig_or_ax.get_figure()
    if isinstance(fig_or_ax, SubFigure):
        fig_or_ax = fig_or_ax.get_figure(root=True)
    if not isinstance(fig_or_ax, Figure):
        msg = (
            f"fig_or_ax must be a matplotlib Figure or Axes (e.g. what "
            f"marsgeo.plot.plot_depot returns), got {type(fig_or_ax).__name__}."
        )
        raise InputError(msg)
    return fig_or_ax


def _check_dpi(dpi: Any) -> float | None:
    """Return ``dpi`` as a float in (0, MAX_DPI], None for None; else raise InputError."""
    if dpi is None:
        return None
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float, np.integer, np.floating)):
        msg = f"dpi={dpi!r} is not a number; pass dots per inch, e.g. 300, or None."
        raise InputError(msg)
    value = float(dpi)
    if not math.isfinite(value) or not 0 < value <= MAX_DPI:
        msg = f"dpi={dpi!r} is out of range; pass dots per inch > 0 and <= {MAX_DPI}, e.g. 300."
        raise InputError(msg)
    return value


def check_figure_size(width_in: float, height_in: float, dpi: float) -> None:
    """Refuse a figure of more than :data:`MAX_FIGURE_PIXELS` pixels at ``dpi``.

    Raises
    ------
    marsgeo.errors.TooLargeError
        ``width_in x height_in`` inches at ``dpi`` is more pixels than that.
    """
    cols, rows = round(width_in * dpi), round(height_in * dpi)
    if cols * rows > MAX_FIGURE_PIXELS:
        msg = (
            f"a figure of {width_in:g} x {height_in:g} in at {dpi:g} dpi would be "
            f"{cols:,} x {rows:,} px, more than {MAX_FIGURE_PIXELS:,} px; pass a smaller size "
            "or dpi (a paper's figure is about 7 in wide at 300 dpi)."
        )
        raise TooLargeError(msg)


def _format_of(path: Any, fmt: Any) -> str:
    """Return the matplotlib format to write ``path`` in; refuse an unknown one."""
    known = sorted(FIGURE_FORMATS)
    target = file_path(path, example="figure.png")
    suffix = target.suffix.lower()
    if fmt is None:
        if suffix not in FIGURE_FORMATS:
            what = f"unknown extension {suffix!r}" if suffix else "no extension"
            msg = (
                f"path={str(path)!r}: {what}; a figure is written as one of {known}, "
                f"e.g. {target.stem or 'figure'}.png."
            )
            raise InputError(msg)
        return FIGURE_FORMATS[suffix]
    formats = sorted(set(FIGURE_FORMATS.values()))
    if not isinstance(fmt, str) or fmt.lower().lstrip(".") not in formats:
        msg = f"format={fmt!r} is not a figure format; pass one of {formats}, or None."
        raise InputError(msg)
    chosen = fmt.lower().lstrip(".")
    if suffix in FIGURE_FORMATS and FIGURE_FORMATS[suffix] != chosen:
        msg = (
            f"path={str(path)!r} ends {suffix} but format={fmt!r}; drop format= or name the "
            f"file {target.stem}.{chosen}."
        )
        raise InputError(msg)
    return chosen


def _texts(fig: Figure) -> tuple[str, str]:
    """Return the title and the description of a figure, for the file's metadata."""
    from marsgeo import __version__
    from marsgeo.plot._frame import frame_of

    suptitle = getattr(fig, "_suptitle", None)
    titles = [suptitle.get_text()] if suptitle is not None and suptitle.get_text() else []
    titles += [ax.get_title() for ax in fig.axes if ax.get_title()]
    title = "; ".join(titles) or "marsgeo figure"
    said: list[str] = []
    for ax in fig.axes:
        frame = frame_of(ax)
        if frame is None:
            continue
        parts = [f"CRS: {frame.crs.name}", *frame.credits]
        if frame.synthetic:
            parts.append("SYNTHETIC: " + ", ".join(frame.synthetic))
        parts += [f"ASSUMPTION: {a}" for a in frame.assumptions]
        said += [p for p in parts if p not in said]
    made = f"Made with marsgeo {__version__} (matplotlib {matplotlib.__version__})"
    return title, ". ".join([*said, made])


def save_figure(
    fig_or_ax: Any, path: PathLike, *, dpi: float | None = None, format: str | None = None
) -> Path:
    """Write a figure to a PNG, PDF or SVG file, atomically.

    The format is the file's extension (see :data:`FIGURE_FORMATS`). The file's metadata
    hold a title (the figure's titles) and a description: the CRS, the credit of every layer,
    what is SYNTHETIC and what is an ASSUMPTION, and the marsgeo version. PDF and SVG files
    carry no time stamp (the same figure gives the same bytes) and keep their text as text:
    SVG as ``<text>`` (searchable, editable), PDF in TrueType fonts (Type 42).

    Parameters
    ----------
    fig_or_ax
        A matplotlib Figure, or an Axes of it (e.g. what :func:`plot_depot` returns).
    path
        The file to write, ending ``.png``, ``.pdf`` or ``.svg``; its folder must exist. A
        symbolic link is written through (the file it points to is replaced).
    dpi
        Resolution in dots per inch (default: the figure's own, or matplotlib's
        ``savefig.dpi`` setting). PNG has ``width x dpi`` by ``height x dpi`` pixels; in PDF
        and SVG it sets the resolution of raster underlays.
    format
        ``"png"``, ``"pdf"`` or ``"svg"`` to choose the format whatever the extension; a
        known extension must then agree with it.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    marsgeo.errors.InputError
        ``fig_or_ax`` is not a figure or axes, ``path`` is not a file path or has an unknown
        extension, or ``dpi`` / ``format`` are not valid.
    marsgeo.errors.TooLargeError
        The figure would have more than :data:`MAX_FIGURE_PIXELS` pixels at ``dpi``.
    marsgeo.errors.DataFileError
        The file cannot be written: its folder does not exist, no permission, a full disk
        (the message names the path and a fix); an existing file is left as it was.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(4, 3))
    >>> save_figure(fig, "depot.jpg")
    Traceback (most recent call last):
    ...
    marsgeo.errors.InputError: path='depot.jpg': unknown extension '.jpg'; a figure is ...
    """
    fig = _figure_of(fig_or_ax)
    chosen = _format_of(path, format)
    resolution = _check_dpi(dpi)
    target = file_path(path, example=f"figure.{chosen}")
    check_target(path, example=f"figure.{chosen}")
    shown_dpi = resolution if resolution is not None else _savefig_dpi(fig)
    width, height = fig.get_size_inches()
    check_figure_size(float(width), float(height), shown_dpi)
    title, description = _texts(fig)
    metadata = {_TITLE[chosen]: title, _DESCRIPTION[chosen]: description, **_NO_DATE[chosen]}
    if chosen != "png":
        metadata["Creator"] = f"marsgeo (matplotlib {matplotlib.__version__})"
    with (
        atomic_target(target, example=f"figure.{chosen}") as tmp,
        # text stays text (SVG: searchable and editable; PDF: TrueType fonts, as journals
        # ask, rather than Type 3) and SVG ids repeat from run to run
        matplotlib.rc_context(
            {"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "marsgeo"}
        ),
    ):
        fig.savefig(tmp, format=chosen, dpi=shown_dpi, metadata=metadata)
    return target


def _savefig_dpi(fig: Figure) -> float:
    """Return the resolution matplotlib writes ``fig`` at when no dpi is given."""
    setting = matplotlib.rcParams["savefig.dpi"]
    return float(fig.get_dpi() if setting == "figure" else setting)


# --- the picture of a raster ------------------------------------------------------------------


def _extent_of(raster: Raster, frame: Any) -> tuple[float, float, float, float]:
    """Return the raster's outline in frame metres: (xmin, xmax, ymin, ymax), densified."""
    from marsgeo.crs import to_mars_lonlat

    left, bottom, right, top = raster.bounds
    t = np.linspace(0.0, 1.0, 21)
    xs = np.concatenate([left + (right - left) * t, np.full(21, right)])
    ys = np.concatenate([np.full(21, bottom), bottom + (top - bottom) * t])
    xs = np.concatenate([xs, right - (right - left) * t, np.full(21, left)])
    ys = np.concatenate([ys, np.full(21, top), top - (top - bottom) * t])
    lon, lat = to_mars_lonlat(xs, ys, raster.crs, check=False)
    x, y = frame.xy(lon, lat)
    return (float(np.nanmin(x)), float(np.nanmax(x)), float(np.nanmin(y)), float(np.nanmax(y)))


def _crs_text(crs: Any) -> str:
    """Return the name of a CRS, or its projection and body for a CRS named "unknown"."""
    name = str(crs.name)
    if name.lower() not in ("", "unknown"):
        return name
    method = crs.coordinate_operation.method_name if crs.coordinate_operation else "CRS"
    ellipsoid = crs.ellipsoid
    if ellipsoid is None:
        return str(method)
    a, b = ellipsoid.semi_major_metre, ellipsoid.semi_minor_metre
    body = f"R = {a:.0f} m" if math.isclose(a, b) else f"a = {a:.0f} m, b = {b:.0f} m"
    return f"{method}, {body}"


def _title_of(raster: Raster) -> str:
    """Return the title of a raster's picture: what it holds, its CRS, its pixel size."""
    unit = raster.crs.axis_info[0].unit_name if raster.crs.axis_info else ""
    res_x, res_y = raster.resolution
    size = f"{res_x:g}" if math.isclose(res_x, res_y) else f"{res_x:g} x {res_y:g}"
    what = raster.name or "values"
    if raster.units:
        what += f" [{raster.units}]"
    stamp = "SYNTHETIC " if raster.synthetic else ""
    pixels = f"{size} {unit} pixels".replace("metre pixels", "m pixels")
    rows, cols = raster.shape
    return f"{stamp}{what}, {cols} x {rows} px\n{_crs_text(raster.crs)}, {pixels}"


def raster_figure(
    raster: Raster, *, figsize: tuple[float, float] = (6.0, 5.0), max_pixels: int = REPR_PIXELS
) -> Figure:
    """Draw a raster as a figure of its own: a DTM as its hillshade, an image as itself.

    The figure's frame is a local metric CRS centred on the raster; the title names what
    the raster holds, its CRS and its pixel size (and SYNTHETIC for marsgeo's synthetic
    terrain, which is also stamped across it); a scale bar and a north arrow are drawn.
    At most ``max_pixels`` of the raster are drawn (a decimated view of a large one).

    Parameters
    ----------
    raster
        A :class:`marsgeo.basemap.Raster`; a mask is drawn as an image of 0 and 1.
    figsize
        Width and height in inches.
    max_pixels
        The most pixels of the raster drawn.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot (no window; nothing to close).
    """
    from marsgeo.crs import to_mars_lonlat
    from marsgeo.plot._frame import frame_for
    from marsgeo.plot._furniture import furnish
    from marsgeo.plot._underlay import draw_raster

    shown = raster
    if raster.data.dtype == bool:
        shown = raster.with_data(raster.data.astype(np.float32), nodata=None, units="")
    fig = Figure(figsize=figsize, dpi=100, layout="constrained")
    ax = fig.add_subplot()
    left, bottom, right, top = raster.bounds
    lon, lat = to_mars_lonlat([(left + right) / 2], [(bottom + top) / 2], raster.crs, check=False)
    frame = frame_for(ax, lon, lat)
    extent = _extent_of(raster, frame)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    draw_raster(ax, shown, extent=extent, max_pixels=max_pixels)
    ax.set_title(_title_of(raster), fontsize="medium", parse_math=False)  # names are data
    furnish(ax)
    return fig


def raster_png(raster: Raster) -> bytes:
    """Return the PNG bytes of :func:`raster_figure` (what notebooks show for a Raster)."""
    fig = raster_figure(raster)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Title": _title_of(raster).replace("\n", "; ")})
    return buffer.getvalue()
