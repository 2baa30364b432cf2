"""The optional extra ``plot``: marsgeo without matplotlib, and matplotlib only where drawn.

Each check runs in a fresh Python process: one in which a meta-path finder makes every
``import matplotlib`` fail as if it were not installed, and one that records which modules
the light imports load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP = 'pip install "marsgeo[plot]"'

# makes matplotlib (and any of its modules) look not installed
NO_MATPLOTLIB = """
import sys

class NoMatplotlib:
    def find_spec(self, name, path=None, target=None):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoMatplotlib())
"""

WITHOUT_MATPLOTLIB = (
    NO_MATPLOTLIB
    + """
import io
import json

import marsgeo
import marsgeo.basemap
from marsgeo.cli import main

seen = {"tubes": len(marsgeo.load_depot())}
try:
    import marsgeo.plot
except ImportError as exc:
    seen["error"] = str(exc)
    seen["missing_extra"] = isinstance(exc, marsgeo.errors.MissingExtraError)
seen["repr_png"] = repr(marsgeo.basemap.synthetic_dtm()._repr_png_())
out, err = io.StringIO(), io.StringIO()
seen["code"] = main(["figure", "--output", sys.argv[1]], stdout=out, stderr=err)
seen["stdout"], seen["stderr"] = out.getvalue(), err.getvalue()
seen["matplotlib_loaded"] = any(m.split(".")[0] == "matplotlib" for m in sys.modules)
print(json.dumps(seen))
"""
)

LIGHT_IMPORTS = """
import json
import sys

import marsgeo
import marsgeo.basemap
import marsgeo.distance
import marsgeo.routing

light = sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")
import marsgeo.plot

print(json.dumps({"light": light, "after_plot": "matplotlib" in sys.modules}))
"""


def run_python(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_without_matplotlib_marsgeo_works_and_plot_names_the_pip_install(tmp_path: Path) -> None:
    target = tmp_path / "depot.png"
    seen = run_python(WITHOUT_MATPLOTLIB, str(target))
    assert seen["tubes"] == 10  # the library itself works
    assert seen["missing_extra"] is True  # a MissingExtraError, also an ImportError
    assert PIP in str(seen["error"])
    assert seen["repr_png"] == "None"  # notebooks fall back to the text repr
    # the command says it in one line, exits as for bad input, and writes nothing
    assert seen["code"] == 1 and seen["stdout"] == ""
    lines = str(seen["stderr"]).splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsgeo figure: error: ")
    assert PIP in lines[0] and "Traceback" not in str(seen["stderr"])
    assert not target.exists() and list(tmp_path.iterdir()) == []
    assert seen["matplotlib_loaded"] is False


def test_light_imports_do_not_load_matplotlib() -> None:
    seen = run_python(LIGHT_IMPORTS)
    assert seen["light"] == []
    assert seen["after_plot"] is True  # the check sees matplotlib when it is loaded
