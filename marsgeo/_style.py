"""Colours and marks shared by the web map and the static figures (private, light)."""

from __future__ import annotations

#: Marker colour for each sample type (others: purple).
SAMPLE_COLORS = {
    "igneous": "#d62728",
    "sedimentary": "#ff9f1c",
    "regolith": "#8c564b",
    "atmospheric": "#1f77b4",
    "witness": "#9e9e9e",
}
OTHER_COLOR = "#9467bd"
#: One colour per helicopter (helicopter h takes HELI_COLORS[(h - 1) % len]).
HELI_COLORS = ["#00bcd4", "#e91e63", "#8bc34a", "#ffc107", "#3f51b5", "#795548"]
#: Marker shape for each sample type, so that type shows by shape as well as colour.
SAMPLE_MARKERS = {
    "igneous": "o",
    "sedimentary": "s",
    "regolith": "D",
    "atmospheric": "^",
    "witness": "v",
}
OTHER_MARKER = "P"


def sample_color(kind: object) -> str:
    """Return the colour of a sample type (``OTHER_COLOR`` for anything else)."""
    return SAMPLE_COLORS.get(str(kind), OTHER_COLOR)


def sample_marker(kind: object) -> str:
    """Return the matplotlib marker of a sample type (``OTHER_MARKER`` for anything else)."""
    return SAMPLE_MARKERS.get(str(kind), OTHER_MARKER)


def heli_color(helicopter: int) -> str:
    """Return the colour of helicopter ``helicopter`` (1-based)."""
    return HELI_COLORS[(int(helicopter) - 1) % len(HELI_COLORS)]
