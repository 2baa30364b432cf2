"""Names beside markers and the legend, placed so that they cover nothing (private).

Labels are placed each time the figure is drawn, just before they are drawn, in display
pixels as that renderer measures them (``Text.get_window_extent``): a layout engine, a new
size or dpi cannot move a marker under a label. Each label tries the eight places around
its marker first (upper right first, as maps usually do), then free spots further out,
joined to the marker by a thin leader line; the most crowded markers are served first. A
candidate must lie inside the axes and clear of every label already placed, every marker
and every obstacle (the legend, the scale bar, the north arrow, other texts).

The legend goes to the corner of the axes where it covers the fewest tubes, furniture and
lines, or under the axes when it would cover a tube everywhere and the figure has room.

Labels are data, never markup: mathtext is off (a name like ``$x^2$`` is drawn as typed),
TeX is off, control characters are shown as spaces, characters the font cannot draw as
U+FFFD, and names longer than :data:`LABEL_CHARS` are cut with an ellipsis.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from matplotlib.artist import Artist

if TYPE_CHECKING:
    import numpy.typing as npt
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

    FloatArray = npt.NDArray[np.float64]

__all__ = [
    "BACKDROP",
    "LABEL_CHARS",
    "LABEL_GID",
    "add_legend",
    "drawable",
    "label_text",
    "obstacles",
    "place_labels",
    "place_legend",
    "root_figure",
]

#: Longest label drawn; longer names are cut and end with an ellipsis.
LABEL_CHARS = 40
#: The gid of every tube label.
LABEL_GID = "marsgeo-label"
# the eight places around a marker, as (dx, dy) directions: upper right first
_AROUND = ((1, 1), (1, 0), (1, -1), (-1, 1), (-1, 0), (-1, -1), (0, 1), (0, -1))
# gids of furniture a label must not cover (the SYNTHETIC stamp may be covered: it spans all)
_FURNITURE = ("marsgeo-scalebar", "marsgeo-north", "marsgeo-attribution")
_PAD_PT = 2.0  # gap between a marker and its label [points]
#: The pale box behind a label (a box, not a stroked halo: text stays text in SVG and PDF).
BACKDROP = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
_BACKDROP_PAD = 0.15  # the backdrop's margin round the text [font sizes]


def label_text(value: object, *, limit: int = LABEL_CHARS) -> str:
    r"""Return a name as a label shows it: plain text, at most ``limit`` characters.

    Line breaks are kept (as ``\n``); other control characters become spaces; a longer
    name keeps its first ``limit - 1`` characters and an ellipsis.

    Examples
    --------
    >>> label_text("Atsá")
    'Atsá'
    >>> label_text("a\tb\r\nc")
    'a b\nc'
    >>> label_text("x" * 50, limit=10)
    'xxxxxxxxx…'
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        c if c == "\n" or not unicodedata.category(c).startswith("C") else " " for c in text
    )
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"
    return text


def drawable(text: str, fontsize: float = 8.0) -> str:
    """Replace the characters the font has no glyph for (they would warn and draw boxes).

    Examples
    --------
    >>> drawable("Atsá \U0001f680")
    'Atsá \ufffd'
    """
    from matplotlib import font_manager

    prop = font_manager.FontProperties(size=fontsize)
    font = font_manager.get_font(font_manager.findfont(prop))
    missing = "\N{REPLACEMENT CHARACTER}" if font.get_char_index(0xFFFD) else "?"
    return "".join(c if c == "\n" or font.get_char_index(ord(c)) else missing for c in text)


def _box(cx: float, cy: float, w: float, h: float) -> FloatArray:
    return np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])


def _overlaps(box: FloatArray, boxes: FloatArray) -> bool:
    if len(boxes) == 0:
        return False
    return bool(
        np.any(
            (box[0] < boxes[:, 2])
            & (boxes[:, 0] < box[2])
            & (box[1] < boxes[:, 3])
            & (boxes[:, 1] < box[3])
        )
    )


def _overlap_area(box: FloatArray, boxes: FloatArray) -> float:
    if len(boxes) == 0:
        return 0.0
    w = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    return float(np.sum(w * h))


def _as_array(boxes: Sequence[Bbox]) -> FloatArray:
    rows = [[b.x0, b.y0, b.x1, b.y1] for b in boxes if np.all(np.isfinite(b.extents))]
    return np.array(rows, dtype=float).reshape(-1, 4)


def obstacles(
    ax: Axes, *, skip_gid: str = LABEL_GID, with_legend: bool = True, renderer: Any = None
) -> list[Bbox]:
    """Boxes (display pixels) a new label must keep clear of on ``ax``.

    The legend (``with_legend``), the scale bar, north arrow and attribution, and every
    visible text but the labels of ``skip_gid`` and the SYNTHETIC stamp. Call after a
    layout pass.
    """
    boxes: list[Bbox] = []
    legend = ax.get_legend()
    if with_legend and legend is not None and legend.get_visible():
        boxes.append(legend.get_window_extent(renderer))
    for artist in ax.get_children():
        gid = artist.get_gid() or ""
        if not artist.get_visible() or gid == skip_gid or gid == "marsgeo-synthetic":
            continue
        furniture = gid.startswith(_FURNITURE)  # the north arrow is an annotation without text
        if furniture or (artist in ax.texts and getattr(artist, "get_text", lambda: "")()):
            arrow = _arrow_box(ax, artist, renderer) if furniture else None
            boxes.append(artist.get_window_extent(renderer) if arrow is None else arrow)
            patch = getattr(artist, "get_bbox_patch", lambda: None)()
            if patch is not None:
                boxes.append(patch.get_window_extent(renderer))
    return boxes


def _arrow_box(ax: Axes, artist: Artist, renderer: Any) -> Bbox | None:
    """Return the box of an arrow without text (the north arrow), with its head and halo.

    An arrow's own extent leaves out its halo, and measures its head at one pixel per point
    until it has been drawn at this dpi: here both are added, in this renderer's pixels.
    """
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

    if not isinstance(artist, Annotation) or artist.get_text() or artist.arrow_patch is None:
        return None
    ends = ax.transData.transform(np.array([artist.xy, artist.xyann], dtype=float))
    if artist.xycoords != "data" or artist.anncoords != "data" or not np.all(np.isfinite(ends)):
        return None
    from marsgeo.plot._furniture import HALO_PT

    patch = artist.arrow_patch
    halo = max(HALO_PT, float(patch.get_linewidth()))
    head = 0.5 * float(patch.get_mutation_scale())  # "-|>": a head 0.4 long, 0.4 wide
    px_per_pt = (
        root_figure(ax).dpi / 72.0 if renderer is None else float(renderer.points_to_pixels(1.0))
    )
    reach = (head + halo / 2) * px_per_pt
    (x0, y0), (x1, y1) = ends.min(axis=0), ends.max(axis=0)
    return Bbox.from_extents(x0 - reach, y0 - reach, x1 + reach, y1 + reach)


@dataclass
class _Site:
    """One marker to label: where it is and how big (display pixels)."""

    index: int
    x: float
    y: float
    radius: float


def _candidates(site: _Site, w: float, h: float, pad: float, reach: float) -> list[FloatArray]:
    """Label boxes to try, nearest first: around the marker, then on rings further out."""
    out = []
    d = site.radius + pad
    for dx, dy in _AROUND:
        out.append(_box(site.x + dx * (d + w / 2), site.y + dy * (d + h / 2), w, h))
    step = max(h, 4.0)
    ring = 1
    while ring * step <= reach:
        r = d + ring * step
        for k in range(24):
            a = math.radians(45.0 + 15.0 * k)
            cx = site.x + math.cos(a) * (r + w / 2)
            cy = site.y + math.sin(a) * (r + h / 2)
            out.append(_box(cx, cy, w, h))
        ring += 1
    return out


def _order(sites: list[_Site], scale: float) -> list[_Site]:
    """Most crowded markers first (fewest free places), then in the data's order."""
    if len(sites) < 2:
        return sites
    xy = np.array([[s.x, s.y] for s in sites])
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    crowd = (d < scale).sum(axis=1)
    return [sites[i] for i in sorted(range(len(sites)), key=lambda i: (-crowd[i], i))]


def _pick(
    site: _Site,
    size: tuple[float, float],
    taken: list[FloatArray],
    inside: FloatArray,
    pad: float,
    *,
    hard: FloatArray | None = None,
) -> tuple[FloatArray, bool]:
    """Find a free box for a label (and whether it is beside its marker), or the least bad.

    Around the marker first, then on rings further out, then the free spot nearest to the
    marker anywhere in the axes. With none free, the place beside the marker that covers
    least, the ``hard`` boxes (the legend, the scale bar, the north arrow, the credits)
    counting a hundred times more than markers and other labels.
    """
    w, h = size
    reach = _RING_REACH * h  # a few rings; further out, the nearest free spot of a scan
    blocked = np.array(taken).reshape(-1, 4)
    for n, box in enumerate(_candidates(site, w, h, pad, reach)):
        within = (
            box[0] >= inside[0]
            and box[1] >= inside[1]
            and box[2] <= inside[2]
            and box[3] <= inside[3]
        )
        if within and not _overlaps(box, blocked):
            return box, n < len(_AROUND)
    free = _nearest_free(site, size, blocked, inside)
    if free is not None:
        return free, False
    hard = np.empty((0, 4)) if hard is None else hard
    best: tuple[float, FloatArray] | None = None
    d = site.radius + pad
    for dx, dy in _AROUND:
        box = _box(site.x + dx * (d + w / 2), site.y + dy * (d + h / 2), w, h)
        if box[0] < inside[0] or box[1] < inside[1] or box[2] > inside[2] or box[3] > inside[3]:
            continue
        cost = _overlap_area(box, blocked) + 100.0 * _overlap_area(box, hard)
        if best is None or cost < best[0]:
            best = (cost, box)
    if best is not None:
        return best[1], True
    return _box(site.x + d + w / 2, site.y, w, h), True


_RING_REACH = 3  # the rings tried round a marker, in label heights
_SCAN_STEPS = 160  # the free-spot scan's positions across the axes, each way (at most)


def _nearest_free(
    site: _Site, size: tuple[float, float], blocked: FloatArray, inside: FloatArray
) -> FloatArray | None:
    """Return the free box nearest to the marker on a fine grid over the axes, or None."""
    w, h = size
    if inside[2] - inside[0] < w or inside[3] - inside[1] < h:
        return None
    step = max(h / 4, (inside[2] - inside[0]) / _SCAN_STEPS, (inside[3] - inside[1]) / _SCAN_STEPS)
    x0 = np.arange(inside[0], inside[2] - w + 1e-9, step)
    y0 = np.arange(inside[1], inside[3] - h + 1e-9, step)
    gx, gy = (g.ravel() for g in np.meshgrid(x0, y0))
    free = np.ones(gx.shape, dtype=bool)
    for b in blocked:
        free &= ~((gx < b[2]) & (b[0] < gx + w) & (gy < b[3]) & (b[1] < gy + h))
    if not free.any():
        return None
    distance = np.hypot(gx + w / 2 - site.x, gy + h / 2 - site.y)
    i = int(np.argmin(np.where(free, distance, np.inf)))
    return np.array([gx[i], gy[i], gx[i] + w, gy[i] + h], dtype=float)


def place_labels(
    ax: Axes,
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    texts: Sequence[object],
    *,
    marker_size_pt: float,
    fontsize: float = 8.0,
    gid: str = LABEL_GID,
) -> list[Annotation]:
    """Write ``texts`` beside the markers at data (x, y) on ``ax``, overlapping nothing.

    The labels are placed now and again each time the figure is drawn, just before they
    are: whatever moves the axes later (a layout engine, other subplots, a new size or
    dpi) leaves them clear.

    Parameters
    ----------
    ax
        Axes with their final limits (labels are placed in display pixels).
    x, y
        Marker positions in data coordinates.
    texts
        One label per marker, drawn as given (pass names through :func:`label_text`);
        characters the font cannot draw are shown as U+FFFD.
    marker_size_pt
        The markers' width [points] (``sqrt(s)`` of a scatter).
    fontsize
        Label size [points].
    gid
        The gid of the label artists.

    Returns
    -------
    list of matplotlib.text.Annotation
        The labels, in the order of ``texts``; offsets in points from their markers.
    """
    xs, ys = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    labels = [
        _annotation(
            ax,
            (xs[i], ys[i]),
            (0.0, 0.0),
            drawable(str(texts[i]), fontsize),
            fontsize=fontsize,
            gid=gid,
            leader=marker_size_pt / 2 + _PAD_PT,
        )
        for i in range(len(xs))
    ]
    layout = _LabelLayout(ax, labels, marker_size_pt=marker_size_pt, fontsize=fontsize)
    ax.add_artist(layout)
    root_figure(ax).draw_without_rendering()  # places them (see _LabelLayout.draw)
    return labels


class _LabelLayout(Artist):
    """An invisible artist drawn just before the labels: it places them for this drawing."""

    def __init__(
        self, ax: Axes, labels: list[Annotation], *, marker_size_pt: float, fontsize: float
    ) -> None:
        super().__init__()
        self.labels, self.marker_size_pt, self.fontsize = labels, marker_size_pt, fontsize
        self.set_zorder(min(a.get_zorder() for a in labels) - 0.01 if labels else 0.0)
        self.set_in_layout(False)
        self.set_gid("marsgeo-label-layout")
        self.ax = ax

    def draw(self, renderer: Any) -> None:
        """Place the labels for ``renderer`` (nothing of its own is drawn)."""
        if self.labels:
            _layout(self.ax, self.labels, renderer, self.marker_size_pt, self.fontsize)
        self.stale = False


def _layout(
    ax: Axes, labels: list[Annotation], renderer: Any, marker_size_pt: float, fontsize: float
) -> None:
    """Put each label in the first free place around its marker, for this renderer."""
    from matplotlib.text import Text

    px_per_pt = float(renderer.points_to_pixels(1.0))
    pad = _PAD_PT * px_per_pt
    radius = marker_size_pt / 2 * px_per_pt + pad / 2
    shown = ax.transData.transform(np.array([a.xy for a in labels], dtype=float).reshape(-1, 2))
    sites = [_Site(i, float(px), float(py), radius) for i, (px, py) in enumerate(shown)]
    markers = [_box(s.x, s.y, 2 * s.radius, 2 * s.radius) for s in sites]
    gid = labels[0].get_gid() if labels else LABEL_GID
    hard = _as_array(obstacles(ax, skip_gid=gid or "", renderer=renderer))
    taken: list[FloatArray] = [*markers, *hard]
    ab = ax.get_window_extent(renderer)
    inside = np.array([ab.x0, ab.y0, ab.x1, ab.y1])
    margin = 2 * _BACKDROP_PAD * fontsize * px_per_pt + 2  # the backdrop, and a pixel
    for site in _order(sites, 6 * fontsize * px_per_pt):
        ann = labels[site.index]
        extent = Text.get_window_extent(ann, renderer)
        box, beside = _pick(
            site, (extent.width + margin, extent.height + margin), taken, inside, pad, hard=hard
        )
        offset = (
            ((box[0] + box[2]) / 2 - site.x) / px_per_pt,
            ((box[1] + box[3]) / 2 - site.y) / px_per_pt,
        )
        # changed only when it moves: an unchanged figure is not made stale by drawing it
        if not np.allclose(ann.xyann, offset, rtol=0.0, atol=1e-6):
            ann.xyann = offset
        arrow = ann.arrow_patch  # a leader line only for a label set apart
        if arrow is not None and arrow.get_visible() == beside:
            arrow.set_visible(not beside)
        taken.append(box)  # the text and its backdrop


# --- the legend ---------------

_CORNERS: tuple[Literal["upper right", "upper left", "lower right", "lower left"], ...] = (
    "upper right",
    "upper left",
    "lower right",
    "lower left",
)


def add_legend(ax: Axes, *, ncols: int = 1, loc: Any = "upper right") -> Any:
    """Add the legend, one entry per label (its labels are data: no mathtext)."""
    entries = dict(zip(*reversed(ax.get_legend_handles_labels()), strict=True))
    legend = ax.legend(
        list(entries.values()),
        list(entries),
        loc=loc,
        ncols=ncols,
        fontsize=7,
        framealpha=0.9,
        markerscale=0.8,
        handlelength=1.6,
        labelspacing=0.3,
        borderpad=0.4,
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
        text.set_usetex(False)
    return legend


def place_legend(ax: Axes, x: npt.ArrayLike, y: npt.ArrayLike, *, room: bool) -> None:
    """Move the legend to the corner where it covers the fewest tubes, furniture and lines.

    A legend that would cover some in every corner goes under the axes when there is
    ``room``: the figure's margins may change (a figure made for this map).
    """
    legend = ax.get_legend()
    if legend is None:
        return
    root_figure(ax).draw_without_rendering()
    box, axes_box = legend.get_window_extent(), ax.get_window_extent()
    tubes = ax.transData.transform(
        np.column_stack(
            [np.ravel(np.asarray(x, dtype=float)), np.ravel(np.asarray(y, dtype=float))]
        )
    )
    others = [ax.transData.transform(line.get_xydata()) for line in ax.lines]
    others += [
        c.get_offset_transform().transform(c.get_offsets())
        for c in ax.collections
        if c.get_gid() != "marsgeo-tubes" and np.asarray(c.get_offsets()).size
    ]
    points = np.vstack(
        [np.asarray(o, dtype=float).reshape(-1, 2) for o in others] or [np.empty((0, 2))]
    )
    blocked = [b.extents for b in obstacles(ax, with_legend=False)]
    best, lowest = _CORNERS[0], math.inf
    for corner in _CORNERS:
        x0 = axes_box.x1 - box.width if "right" in corner else axes_box.x0
        y0 = axes_box.y1 - box.height if "upper" in corner else axes_box.y0
        area = np.array([x0 - 8, y0 - 8, x0 + box.width + 8, y0 + box.height + 8])

        def inside(p: FloatArray, area: FloatArray = area) -> int:
            return int(
                np.sum(
                    (p[:, 0] > area[0])
                    & (p[:, 0] < area[2])
                    & (p[:, 1] > area[1])
                    & (p[:, 1] < area[3])
                )
            )

        hits = sum(
            b[0] < area[2] and area[0] < b[2] and b[1] < area[3] and area[1] < b[3] for b in blocked
        )
        score = 1000 * inside(tubes) + 100 * hits + inside(points)
        if score < lowest:
            best, lowest = corner, score
    if lowest >= 100 and room:
        _legend_below(ax)
        return
    legend.set_loc(best)


def _legend_below(ax: Axes) -> None:
    """Put the legend under the axes, in as many columns as fit; the map makes room."""
    fig = root_figure(ax)
    current = ax.get_legend()
    n = len(current.get_texts()) if current is not None else 0
    legend = current
    for ncols in range(min(n, 4), 0, -1):
        legend = add_legend(ax, ncols=ncols, loc="lower center")
        legend.set_bbox_to_anchor((0.5, 0.01), transform=fig.transFigure)
        if legend.get_window_extent().width <= 0.96 * fig.bbox.width:
            break
    if legend is None:
        return
    height = legend.get_window_extent().height / fig.bbox.height
    bottom = fig.subplotpars.bottom
    fig.subplots_adjust(bottom=min(bottom + height + 0.01, fig.subplotpars.top - 0.2))


def root_figure(ax: Axes) -> Figure:
    """Return the figure ``ax`` is drawn in (the top-level one, for axes in a subfigure)."""
    from matplotlib.figure import Figure

    fig: Any = ax.figure
    return fig if isinstance(fig, Figure) else fig.figure


def _annotation(
    ax: Axes,
    at: tuple[float, float],
    offset: tuple[float, float],
    text: str,
    *,
    fontsize: float,
    gid: str,
    leader: float | None,
) -> Annotation:
    """Make a label: ``text`` at ``offset`` points from the data point ``at``, as plain text."""
    arrow = (
        None
        if leader is None
        else {
            "arrowstyle": "-",
            "color": "0.25",
            "linewidth": 0.6,
            "shrinkA": 1.0,
            "shrinkB": leader,
        }
    )
    ann = ax.annotate(
        text,
        xy=at,
        xytext=offset,
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=fontsize,
        zorder=6,
        parse_math=False,
        usetex=False,
        gid=gid,
        arrowprops=arrow,
        bbox=BACKDROP,
    )
    ann.set_in_layout(False)
    if ann.arrow_patch is not None:
        ann.arrow_patch.set_visible(False)  # until the label is set apart from its marker
    return ann
