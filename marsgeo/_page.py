"""The page around a marsgeo web map (private): Leaflet, the Mars set-up, and no templates.

marsgeo's page elements never pass data through a template engine.

folium and branca render a page with Jinja2, and branca compiles the *output* of each element's
macros into a new template that is rendered again. Whatever text reaches a macro's output is
then evaluated as template source: ``{{ ... }}`` runs Python-side code, ``{# ... #}`` swallows
the page. marsgeo's own elements therefore never use Jinja2: each builds its script as plain
text here, with every value from data encoded as JSON, and hands it to the page in a
:class:`Verbatim` element, whose rendering returns the text unchanged.

Leaflet is the only library the page loads: from a CDN pinned by Subresource Integrity, or
inlined from the ``xstatic-leaflet`` package (the same file, byte for byte) when the page is
saved offline.
"""

from __future__ import annotations

import base64
import html
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from marsgeo.errors import DataFileError

#: The Leaflet release marsgeo pages load; ``xstatic-leaflet`` ships the same files.
LEAFLET_VERSION = "1.9.3"
LEAFLET_JS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
LEAFLET_CSS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"
#: Subresource Integrity of the npm package's dist/leaflet.js and dist/leaflet.css: the
#: browser refuses a CDN file that differs from the published release by a single byte.
LEAFLET_JS_SRI = "sha384-okbbMvvx/qfQkmiQKfd5VifbKZ/W8p1qIsWvE1ROPUfHWsDcC8/BnHohF7vPg2T6"
LEAFLET_CSS_SRI = "sha384-o/2yZuJZWGJ4s/adjxVW71R+EO/LyCwdQfP5UWSgX/w87iiTXuvDZaejd3TsN7mf"

#: The render keyword that asks for a self-contained page: ``render(**{OFFLINE: True})``.
OFFLINE = "marsgeo_offline"

_NO_LEAFLET = (
    "This map could not load its drawing library (Leaflet) from cdn.jsdelivr.net: the network "
    "is unreachable or the file was altered. Open the map with a network, or write a "
    "self-contained copy with marsgeo.save_map(m, path, offline=True) "
    "(marsgeo map --offline); in a notebook, show marsgeo.inline_map(m)."
)


def js_json(obj: Any) -> str:
    """JSON that is inert inside a ``<script>`` element and in any HTML context."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # "<", ">" and "&" cannot close the script or start markup; U+2028/9 end lines in old JS
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def data_text(name: str) -> str:
    """Read a text file shipped in ``marsgeo/data``."""
    return resources.files("marsgeo").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def page_library(suffix: str) -> str:
    """Return the drawing library (``suffix`` ".js") or its styles (".css") for a page.

    ``webmap.js`` (the core: layers, legend, layer control) comes first, then each part
    (``webmap_*.js``: timeline, measuring, ...) in the order of its name.
    """
    folder = resources.files("marsgeo").joinpath("data")
    names = sorted(
        f.name for f in folder.iterdir() if f.name.startswith("webmap") and f.name.endswith(suffix)
    )
    names.sort(key=lambda n: n != f"webmap{suffix}")
    return "\n".join(data_text(n) for n in names)


class Verbatim(Element):
    """A page element whose rendering is its text, as given: never a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class PageElement(MacroElement):
    """Base of marsgeo's page elements: header and script text built in Python, no Jinja2.

    Subclasses override :meth:`page_header` and/or :meth:`page_script`; both receive the
    render keywords (e.g. :data:`OFFLINE`).
    """

    def page_header(self, **kwargs: Any) -> str:
        return ""

    def page_script(self, **kwargs: Any) -> str:
        return ""

    def render(self, **kwargs: Any) -> str:
        figure: Any = self.get_root()
        header = self.page_header(**kwargs)
        if header:
            figure.header.add_child(Verbatim(header), name=self.get_name())
        script = self.page_script(**kwargs)
        if script:
            figure.script.add_child(Verbatim(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""


@cache
def leaflet_files() -> tuple[str, str]:
    """Leaflet's script and its styles (with their images inlined) from ``xstatic-leaflet``."""
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - a declared dependency
        msg = 'offline pages need the xstatic-leaflet package: pip install "xstatic-leaflet"'
        raise DataFileError(msg) from exc
    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode((base / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[A-Za-z0-9_.-]+\.png)\)", inline, css)
    return js, css


def _leaflet_tags(*, offline: bool) -> str:
    if offline:
        js, css = leaflet_files()
        js = js.replace("</script", "<\\/script")
        css = css.replace("</style", "<\\/style")
        return f"<style>{css}</style>\n<script>{js}</script>"
    return (
        f'<link rel="stylesheet" href="{LEAFLET_CSS_URL}" integrity="{LEAFLET_CSS_SRI}" '
        'crossorigin="anonymous"/>\n'
        f'<script src="{LEAFLET_JS_URL}" integrity="{LEAFLET_JS_SRI}" '
        'crossorigin="anonymous"></script>'
    )


#: The page around a marsgeo map: branca's page with its language (marsgeo's constant text).
PAGE_TEMPLATE = Template(
    "<!DOCTYPE html>\n"
    '<html lang="en">\n'
    "<head>\n"
    "{% if this.title %}<title>{{this.title}}</title>{% endif %}"
    "    {{this.header.render(**kwargs)}}\n"
    "</head>\n"
    "<body>\n"
    "    {{this.html.render(**kwargs)}}\n"
    "</body>\n"
    "<script>\n"
    "    {{this.script.render(**kwargs)}}\n"
    "</script>\n"
    "</html>\n",
)


class MarsSetup(PageElement):
    """Header: Leaflet, the Mars radius for Leaflet, marsgeo's drawing library and styles.

    The page it is in says its language (``<html lang="en">``).
    """

    def __init__(self, radius_m: float, *, title: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MarsSetup"
        self.radius_m = float(radius_m)
        self.title = title

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure._template = PAGE_TEMPLATE
        return super().render(**kwargs)

    def page_header(self, **kwargs: Any) -> str:
        offline = bool(kwargs.get(OFFLINE, False))
        title = f"<title>{html.escape(self.title)}</title>\n" if self.title else ""
        return (
            f"{title}{_leaflet_tags(offline=offline)}\n"
            f"<style>{page_library('.css')}</style>\n"
            f"<script>{page_library('.js')}\n"
            f"marsgeo.offline = {js_json(offline)};\n"
            f"marsgeo.setup({js_json(self.radius_m)}, {js_json(_NO_LEAFLET)});\n</script>"
        )


_IDENT = re.compile(r"[a-z][a-zA-Z]*\Z")


class DataLayer(PageElement):
    """A layer drawn in the page by marsgeo's script from JSON data.

    ``meta`` says how the layer behaves: ``overlay`` (else a base layer), ``show`` (True,
    False or "unless-real-basemap"), ``remote`` (it loads from the network: off at load in an
    offline page), ``real`` (a real basemap), ``synthetic``.
    """

    def __init__(self, kind: str, data: dict[str, Any], name: str, **meta: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if not _IDENT.match(kind):  # pragma: no cover - marsgeo's own names
            raise ValueError(kind)
        self._name = "MarsgeoLayer"
        self.kind = kind
        self.data = data
        self.title = name
        self.meta = {"name": name, "overlay": True, "show": True, **meta}

    @property
    def remote(self) -> bool:
        """True when the layer loads from the network (tiles)."""
        return bool(self.meta.get("remote", False))

    def page_script(self, **kwargs: Any) -> str:
        parent: Any = self._parent
        return (
            f"var {self.get_name()} = marsgeo.draw({parent.get_name()}, {js_json(self.kind)}, "
            f"{js_json(self.meta)}, {js_json(self.data)});"
        )


class Control(PageElement):
    """A map control from marsgeo's script (legend, timeline, mouse, measure, layers)."""

    def __init__(self, kind: str, data: dict[str, Any] | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if not _IDENT.match(kind):  # pragma: no cover - marsgeo's own names
            raise ValueError(kind)
        self._name = "MarsgeoControl"
        self.kind = kind
        self.data = data or {}

    def page_script(self, **kwargs: Any) -> str:
        parent: Any = self._parent
        return f"marsgeo.{self.kind}({parent.get_name()}, {js_json(self.data)});"
