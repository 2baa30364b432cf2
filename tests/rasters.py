"""Small (or sparse) GeoTIFFs written by the tests, and a loopback HTTP server counting ranges."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS as RioCRS  # noqa: N811 - rasterio's own name


def write_tif(
    path: Path,
    data: np.ndarray,
    transform: Affine,
    crs: Any,
    *,
    nodata: float | None = None,
    block: int | None = None,
) -> Path:
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": data.dtype.name,
        "transform": transform,
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = RioCRS.from_wkt(crs.to_wkt()) if hasattr(crs, "to_wkt") else crs
    if block:
        profile.update(tiled=True, blockxsize=block, blockysize=block)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def sparse_tif(
    path: Path,
    width: int,
    height: int,
    transform: Affine,
    crs: Any,
    *,
    block: int = 1024,
    nodata: float = -3.4e38,
) -> Path:
    """A float32 GeoTIFF whose header says ``width x height`` px, with no block written.

    GDAL keeps unwritten blocks sparse (they read as ``nodata``), so the file holds only its
    header and tile index: a huge raster for the price of a small file.
    """
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=width,
        height=height,
        count=1,
        dtype="float32",
        tiled=True,
        blockxsize=block,
        blockysize=block,
        sparse_ok=True,
        bigtiff="YES",
        nodata=nodata,
        crs=RioCRS.from_wkt(crs.to_wkt()),
        transform=transform,
    ):
        pass
    return path


def overwrite_block(path: Path, row: int, col: int, payload: bytes) -> None:
    """Overwrite the stored bytes of one block of band 1 with ``payload`` repeated."""
    with rasterio.open(path) as ds:
        offset = int(ds.get_tag_item(f"BLOCK_OFFSET_{col}_{row}", "TIFF", bidx=1))
        size = int(ds.get_tag_item(f"BLOCK_SIZE_{col}_{row}", "TIFF", bidx=1))
    raw = bytearray(path.read_bytes())
    raw[offset : offset + size] = (payload * (size // len(payload) + 1))[:size]
    path.write_bytes(bytes(raw))


class RangeServer(http.server.ThreadingHTTPServer):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[tuple[str, int, int]] = []  # (file, first byte, last byte)
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: RangeServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _file(self) -> Path | None:
        p = self.server.root / self.path.lstrip("/").split("?")[0]
        return p if p.is_file() else None

    def do_HEAD(self) -> None:
        p = self._file()
        if p is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(p.stat().st_size))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    def do_GET(self) -> None:
        p = self._file()
        if p is None:
            self.send_error(404)
            return
        body = p.read_bytes()
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            first_s, last_s = rng[6:].split(",")[0].split("-")
            first = int(first_s)
            last = min(int(last_s) if last_s else len(body) - 1, len(body) - 1)
            self.server.requests.append((p.name, first, last))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {first}-{last}/{len(body)}")
            chunk = body[first : last + 1]
        else:
            self.server.requests.append((p.name, 0, len(body) - 1))
            self.send_response(200)
            chunk = body
        self.send_header("Content-Length", str(len(chunk)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(chunk)


@contextmanager
def serve(root: Path) -> Iterator[RangeServer]:
    server = RangeServer(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
