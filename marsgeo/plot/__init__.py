"""Static figures for papers: the depot, the pickup plan and the terrain, correct in metres.

Needs the optional extra ``plot`` (matplotlib): ``pip install "marsgeo[plot]"``.

Every map figure is drawn in a metric CRS on Mars in which one axis unit is one metre in
every direction: by default :func:`marsgeo.crs.local_crs` centred on the data, or the
projected Mars CRS given with ``crs=``. Layers drawn on the same axes share that frame, so
:func:`plot_plan` can draw on top of :func:`plot_depot`. Scale bars are measured on Mars
(geodesics on the data's body), north arrows point to true north, and every layer is
credited; synthetic terrain is stamped SYNTHETIC and assumed positions say ASSUMPTION.
"""

from __future__ import annotations

from marsgeo.errors import missing_extra

try:
    import matplotlib as _matplotlib  # noqa: F401 - fails early, with the pip install to run
except ImportError as _exc:  # pragma: no cover - exercised in a subprocess without matplotlib
    raise missing_extra("marsgeo.plot figures", "plot", _exc) from _exc

from marsgeo.plot._depot import plot_depot
from marsgeo.plot._plan import plot_plan, plot_schedule
from marsgeo.plot._profile import plot_profile
from marsgeo.plot._save import FIGURE_FORMATS, save_figure

__all__ = [
    "FIGURE_FORMATS",
    "plot_depot",
    "plot_plan",
    "plot_profile",
    "plot_schedule",
    "save_figure",
]
