"""Fixtures of the docs pages' doctests.

``jezero_files``: a folder of small synthetic files in the exact shape of the orbital products
the "Jezero data" page reads (tests/products.py writes them), so that its examples run
offline, on the same calls as on the real products.

``places_csv``: a synthetic PDS PLACES table ``localized_interp.csv`` with its PDS4 label, in
the real table's shape, built from the tube catalogue (tests/places_table.py writes it); and
next to it, in ``msl/``, a Curiosity table with its PDS3 label.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the test helpers live in the repository's tests package
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def jezero_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.products import write_all

    folder = tmp_path_factory.mktemp("jezero_files")
    write_all(folder)
    return folder


@pytest.fixture(scope="session")
def places_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.places_table import MSL, depot_rows, gale_rows, write_places

    folder = tmp_path_factory.mktemp("places")
    (folder / "msl").mkdir()
    write_places(folder / "msl" / "localized_interp.csv", gale_rows(), mission=MSL, label="pds3")
    return write_places(folder / "localized_interp.csv", depot_rows()[0])


@pytest.fixture(autouse=True)
def _jezero_namespace(request: pytest.FixtureRequest, doctest_namespace: dict[str, Any]) -> None:
    if Path(str(request.node.path)).name == "jezero-data.md":
        doctest_namespace["jezero_files"] = request.getfixturevalue("jezero_files")
        doctest_namespace["places_csv"] = request.getfixturevalue("places_csv")
    if Path(str(request.node.path)).name in ("dask.md", "figures.md"):
        doctest_namespace["tmp"] = request.getfixturevalue("tmp_path")
