"""Figures out of marsgeo: save_figure, the ``marsgeo figure`` command, Raster._repr_png_."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from affine import Affine
from matplotlib.figure import Figure

import marsgeo
from marsgeo import basemap
from marsgeo.cli import main
from marsgeo.errors import DataFileError, InputError, TooLargeError
from marsgeo.plot import FIGURE_FORMATS, save_figure
from marsgeo.plot._save import raster_figure

from .reference import TUBE_NAMES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG file, (type, payload), each checked against its CRC."""
    assert data.startswith(PNG_SIGNATURE)
    chunks, at = [], len(PNG_SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, payload = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + payload) == crc
        chunks.append((kind, payload))
        at += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


def png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png_chunks(data)[0][1][:8])
    return int(width), int(height)


def png_text(data: bytes) -> dict[str, str]:
    """The PNG's text chunks (tEXt, and uncompressed iTXt) as a dict."""
    texts = {}
    for kind, payload in png_chunks(data):
        if kind == b"tEXt":
            key, _, value = payload.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = payload.partition(b"\0")
            flag, rest = rest[0], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _translated, _, value = rest.partition(b"\0")
            texts[key.decode("latin-1")] = (zlib.decompress(value) if flag else value).decode()
    return texts


def pixels(path: Path) -> np.ndarray:
    return np.asarray(matplotlib.image.imread(path))[..., :3]


def small_figure(title: str = "Three Forks") -> Figure:
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 2, 1])
    ax.set_title(title)
    return fig


# --- save_figure ------------------------------------------------------------------------------


def test_figure_formats_are_png_pdf_svg() -> None:
    assert FIGURE_FORMATS == {".png": "png", ".pdf": "pdf", ".svg": "svg"}


@pytest.mark.parametrize("dpi", [50, 300])
def test_png_has_size_times_dpi_pixels_and_says_what_it_is(tmp_path: Path, dpi: int) -> None:
    fig = small_figure("Atsá and Rochette")
    path = save_figure(fig.axes[0], tmp_path / "f.png", dpi=dpi)  # an Axes is taken too
    assert path == tmp_path / "f.png"
    data = path.read_bytes()
    assert png_size(data) == (4 * dpi, 3 * dpi)
    texts = png_text(data)
    assert texts["Title"] == "Atsá and Rochette"
    assert f"marsgeo {marsgeo.__version__}" in texts["Description"]


def test_pdf_and_svg_are_what_they_say_and_repeat_byte_for_byte(tmp_path: Path) -> None:
    pdf = save_figure(small_figure(), tmp_path / "f.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/CreationDate" not in pdf and b"Three Forks" in pdf  # no time stamp; the title
    svg = save_figure(small_figure(), tmp_path / "f.svg").read_bytes()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Three Forks" in texts  # text stays text
    assert b"<dc:date>" not in svg
    # written again: the same bytes
    assert save_figure(small_figure(), tmp_path / "g.pdf").read_bytes() == pdf
    assert save_figure(small_figure(), tmp_path / "g.svg").read_bytes() == svg


def test_format_overrides_the_extension_only_when_they_agree(tmp_path: Path) -> None:
    data = save_figure(small_figure(), tmp_path / "figure.out", format="png").read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    with pytest.raises(InputError, match=r"ends \.png but format='pdf'"):
        save_figure(small_figure(), tmp_path / "f.png", format="pdf")
    with pytest.raises(InputError, match="format='jpeg' is not a figure format"):
        save_figure(small_figure(), tmp_path / "f.png", format="jpeg")


@pytest.mark.parametrize("name", ["depot.jpg", "depot", "depot.PNG.txt"])
def test_unknown_extension_names_path_and_formats(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError) as info:
        save_figure(small_figure(), tmp_path / name)
    text = str(info.value)
    assert name in text and all(ext in text for ext in (".png", ".pdf", ".svg"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dpi", [0, -5, float("nan"), "300", True, 1e6])
def test_bad_dpi_is_refused(tmp_path: Path, dpi: object) -> None:
    with pytest.raises(InputError, match="dpi="):
        save_figure(small_figure(), tmp_path / "f.png", dpi=dpi)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_not_a_figure_and_too_many_pixels_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="fig_or_ax must be a matplotlib Figure or Axes"):
        save_figure("depot", tmp_path / "f.png")
    # 40 x 30 in at 2400 dpi: 96,000 x 72,000 px, about 28 GB as RGBA
    with pytest.raises(TooLargeError, match="96,000 x 72,000 px"):
        save_figure(Figure(figsize=(40, 30)), tmp_path / "f.png", dpi=2400)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "f.png"
    target.write_bytes(b"the previous figure")
    fig = small_figure()

    class Broken(matplotlib.artist.Artist):
        def draw(self, renderer: object) -> None:
            raise RuntimeError("drawing failed half-way")

    fig.axes[0].add_artist(Broken())
    with pytest.raises(RuntimeError, match="half-way"):
        save_figure(fig, target)
    assert target.read_bytes() == b"the previous figure"
    assert [p.name for p in tmp_path.iterdir()] == ["f.png"]
    with pytest.raises(DataFileError, match="does not exist"):
        save_figure(small_figure(), tmp_path / "no such folder" / "f.png")


# --- marsgeo figure -------------------------------------------------------------------------------


def test_figure_png_has_the_requested_size_and_shows_something(tmp_path: Path) -> None:
    target = tmp_path / "depot.png"
    code, out, err = run("figure", "--output", str(target), "--size", "4,3", "--dpi", "60")
    assert code == 0, err
    assert err == ""
    assert out.startswith(f"wrote {target}") and "240 x 180 px at 60 dpi" in out
    data = target.read_bytes()
    assert png_size(data) == (240, 180)
    image = pixels(target)
    assert float(image.std()) > 0.05  # not blank
    # the file says what it shows: the depot, drawn in a local metric CRS on the Mars sphere
    texts = png_text(data)
    assert "Three Forks" in texts["Title"]
    assert "Transverse Mercator" in texts["Description"] and "SYNTHETIC" not in texts["Description"]


def test_figure_svg_holds_the_tube_names_as_text(tmp_path: Path) -> None:
    target = tmp_path / "depot.svg"
    code, _, err = run("figure", "-o", str(target), "--size", "6,5")
    assert code == 0, err
    root = ET.parse(target).getroot()
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for name in TUBE_NAMES:
        assert name in text, name


def test_figure_pdf_with_synthetic_terrain_says_synthetic(tmp_path: Path) -> None:
    target = tmp_path / "depot.pdf"
    code, out, err = run("figure", "-o", str(target), "--dtm", "synthetic", "--size", "5,4")
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF-")
    assert "SYNTHETIC terrain" in out and "5 x 4 in" in out


def test_figure_with_plan_has_two_panels_and_says_the_lander_is_assumed(tmp_path: Path) -> None:
    target = tmp_path / "plan.png"
    code, out, err = run("figure", "-o", str(target), "--plan", "--size", "6.5,8", "--dpi", "40")
    assert code == 0, err
    assert png_size(target.read_bytes()) == (260, 320)
    assert "ASSUMPTION" in err  # the note of the assumed lander, as marsgeo plan gives it
    assert "ASSUMED lander" in out
    # the schedule panel: a bar per trip is drawn under the map (the lower quarter has ink)
    image = pixels(target)
    assert float(image[-image.shape[0] // 4 :].std()) > 0.02


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--size", "0,3"], "out of range"),
        (["--size", "7"], "is not W,H in inches"),
        (["--size", "7,x"], "is not W,H in inches"),
        (["--dpi", "5"], "out of range"),
        (["--dpi", "many"], "is not a whole number"),
    ],
)
def test_bad_size_or_dpi_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["figure", "-o", str(tmp_path / "f.png"), *args])
    assert info.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsgeo figure: error: ")
    assert expected in lines[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-o", "{tmp}/depot.jpg"], "--output"),
        (["-o", "{tmp}/depot.png", "--lander", "77.41,18.45"], "add --plan"),
        (["-o", "{tmp}/depot.png", "--size", "50,50", "--dpi", "1200"], "px"),
        (["-o", "{tmp}/depot.png", "--dtm", "{tmp}/none.tif"], "--dtm"),
        (["-o", "{tmp}/missing/depot.png"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    code, out, err = run("figure", *(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsgeo figure: error: "), err
    assert expected in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_a_dtm_away_from_the_depot_is_refused(tmp_path: Path) -> None:
    dtm = basemap.synthetic_dtm()
    t = dtm.transform
    far = dtm.with_data(dtm.data, transform=Affine(t.a, 0, t.c + 50_000, 0, t.e, t.f))
    path = basemap.write_raster(far, tmp_path / "far.tif")
    code, out, err = run("figure", "-o", str(tmp_path / "depot.png"), "--dtm", str(path))
    assert code == 1 and out == ""
    assert err.startswith("marsgeo figure: error: ") and "far.tif" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["far.tif"]


def test_figure_runs_as_a_command(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("marsgeo")
    target = tmp_path / "depot.png"
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # no backend chosen
    done = subprocess.run(
        [str(exe), "figure", "-o", str(target), "--dtm", "synthetic", "--size", "5,4"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    data = target.read_bytes()
    assert png_size(data) == (1000, 800)  # 5 x 4 in at the default 200 dpi
    assert "SYNTHETIC" in png_text(data)["Description"]


# --- Raster._repr_png_ ----------------------------------------------------------------------------


def test_repr_png_of_the_synthetic_dtm_is_a_stamped_hillshade() -> None:
    dtm = basemap.synthetic_dtm()
    data = dtm._repr_png_()
    assert data is not None and data.startswith(PNG_SIGNATURE)
    image = np.asarray(matplotlib.image.imread(io.BytesIO(data), format="png"))[..., :3]
    assert float(image.std()) > 0.05
    fig = raster_figure(dtm)
    title = fig.axes[0].get_title()
    # the synthetic DTM: 2 m pixels, equirectangular on the Mars sphere (R = 3396190 m)
    assert "SYNTHETIC" in title and "2 m pixels" in title
    assert "Equidistant Cylindrical" in title and "R = 3396190 m" in title
    gids = {a.get_gid() for a in fig.findobj() if a.get_gid()}
    assert {"marsgeo-underlay", "marsgeo-synthetic", "marsgeo-scalebar", "marsgeo-north"} <= gids


def test_repr_png_of_an_image_names_its_crs_and_is_not_synthetic() -> None:
    crs = marsgeo.crs.local_crs(77.41, 18.45)
    rng = np.random.default_rng(1)
    image = basemap.Raster(
        data=rng.integers(0, 255, size=(300, 400), dtype=np.uint8),
        transform=Affine(0.25, 0, -50, 0, -0.25, 37.5),
        crs=crs,
        name="orthoimage",
    )
    assert (image._repr_png_() or b"").startswith(PNG_SIGNATURE)
    fig = raster_figure(image)
    title = fig.axes[0].get_title()
    assert crs.name in title and "0.25 m pixels" in title and "400 x 300 px" in title
    gids = {a.get_gid() for a in fig.findobj() if a.get_gid()}
    assert "marsgeo-synthetic" not in gids and "SYNTHETIC" not in title


def test_repr_png_of_a_large_raster_is_decimated() -> None:
    crs = marsgeo.crs.local_crs(77.41, 18.45)
    big = basemap.Raster(
        data=np.add.outer(np.arange(3000.0), np.arange(3000.0)).astype(np.float32),
        transform=Affine(1.0, 0, -1500, 0, -1.0, 1500),
        crs=crs,
        name="elevation",
        units="m",
    )
    fig = raster_figure(big)
    shown = [a for a in fig.findobj() if a.get_gid() == "marsgeo-underlay"]
    assert len(shown) == 1
    rows, cols = shown[0].get_array().shape[:2]
    assert rows * cols <= 600 * 600 < big.data.size


# --- the command's layout: title, credits, too large ---------------------------------------------


def figure_made(monkeypatch: pytest.MonkeyPatch, *args: str) -> Figure:
    """Run ``marsgeo figure`` and return the figure it wrote, ready to draw again with Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    made: list[Figure] = []
    keep = marsgeo.plot.save_figure

    def spy(fig: Figure, *more: object, **kwargs: object) -> object:
        made.append(fig)
        return keep(fig, *more, **kwargs)

    monkeypatch.setattr(marsgeo.plot, "save_figure", spy)
    code, _, err = run("figure", *args)
    assert code == 0, err
    assert len(made) == 1
    FigureCanvasAgg(made[0])
    made[0].canvas.draw()
    return made[0]


HOSTILE_FILE_NAMES = ["$$.csv", "$\\frac{1}{$.csv", "$\\alpha$.csv", "{{ x }}.csv", "<b>.csv"]


def test_a_catalogue_file_name_is_the_title_as_typed(tmp_path: Path) -> None:
    for name in HOSTILE_FILE_NAMES:
        catalogue = tmp_path / name
        catalogue.write_text("tube_id,name,lon,lat\n1,a,77.4080,18.4530\n2,b,77.4085,18.4527\n")
        target = tmp_path / "tubes.svg"
        code, _, err = run("figure", "--catalogue", str(catalogue), "-o", str(target))
        assert code == 0, (name, err)
        root = ET.parse(target).getroot()
        texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert f"Sample tubes of {name}" in texts, name


def test_the_title_fits_a_small_figure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fig = figure_made(monkeypatch, "--size", "3.5,3", "--dpi", "100", "-o", str(tmp_path / "s.png"))
    renderer = fig.canvas.get_renderer()
    (title,) = [t for t in fig.texts if "Three Forks" in t.get_text()]
    box, page = title.get_window_extent(renderer), fig.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1, (box, page)
    assert page.y0 <= box.y0 and box.y1 <= page.y1, (box, page)
    assert " ".join(title.get_text().split()) == "The Three Forks sample depot, Jezero crater, Mars"
    assert title.get_fontsize() >= 8


def test_the_credits_stay_inside_the_map(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for args in (
        ["--plan", "--dpi", "60"],  # the map above the plan's schedule, 7 x 8.5 in
        ["--dtm", "synthetic", "--size", "3.5,3", "--dpi", "300"],
    ):
        fig = figure_made(monkeypatch, *args, "-o", str(tmp_path / "f.png"))
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        (credits,) = [t for t in ax.texts if t.get_gid() == "marsgeo-attribution"]
        inside = ax.get_window_extent(renderer)
        patch = credits.get_bbox_patch().get_window_extent()
        for box in (credits.get_window_extent(renderer), patch):
            assert inside.x0 - 1 <= box.x0 and box.x1 <= inside.x1 + 1, (args, box, inside)
            assert inside.y0 - 1 <= box.y0 and box.y1 <= inside.y1 + 1, (args, box, inside)


def test_a_figure_too_large_names_size_and_dpi(tmp_path: Path) -> None:
    target = tmp_path / "huge.png"
    code, out, err = run("figure", "-o", str(target), "--size", "50,50", "--dpi", "1200")
    assert code == 1 and out == ""
    assert err.startswith("marsgeo figure: error: ")
    assert "--size" in err and "--dpi" in err
    assert f"{50 * 1200:,} x {50 * 1200:,} px" in err  # what was asked, in pixels
    assert not target.exists()


def test_a_plan_figure_too_small_for_map_and_schedule_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "small.png"
    code, out, err = run("figure", "--plan", "--size", "3.5,3", "-o", str(target))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "--size 3.5,3 is too small for --plan" in err
    assert "--size 6.5,8" in err  # the smallest that is drawn
    assert not target.exists()


@pytest.mark.parametrize("size", ["6.5,8", "7,8.5", "12,14"])
def test_the_schedule_legend_is_under_its_axis_label(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, size: str
) -> None:
    fig = figure_made(
        monkeypatch, "--plan", "--size", size, "--dpi", "50", "-o", str(tmp_path / "f.png")
    )
    renderer = fig.canvas.get_renderer()
    schedule = fig.axes[1]
    label = schedule.xaxis.label.get_window_extent(renderer)
    legend = schedule.get_legend().get_window_extent(renderer)
    assert legend.y1 <= label.y0  # below the label, not over it
    assert legend.y0 >= 0 and legend.x0 >= 0 and legend.x1 <= fig.bbox.width + 1  # in the figure
