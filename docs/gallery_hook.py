"""mkdocs hook: the gallery of the "Figures for papers" page, drawn by the docs build.

Registered in mkdocs.yml (``hooks:``). Each build runs ``examples/depot_figure.py`` in a
temporary folder, as a user would, and adds the PNG figures it writes to the site as
``gallery/<name>.png``; the page shows them. An example that fails, or a figure it did not
write, fails the build, so the gallery always shows what the code draws today.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "depot_figure.py"
#: The figures of the gallery: files the example writes, published under gallery/.
GALLERY = ("three_forks.png", "pickup_plan.png", "profile.png")


def gallery_images(out_dir: Path) -> dict[str, bytes]:
    """Run the example into ``out_dir``; return the gallery's PNG files by name."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(out_dir)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MPLBACKEND": "Agg"},
        cwd=ROOT,
    )
    if done.returncode != 0:
        said = " | ".join(done.stderr.strip().splitlines()[-3:])
        msg = f"gallery: {EXAMPLE.name} failed with exit code {done.returncode}: {said}"
        raise PluginError(msg)
    images = {}
    for name in GALLERY:
        path = out_dir / name
        if not path.is_file():
            msg = f"gallery: {EXAMPLE.name} did not write {name}"
            raise PluginError(msg)
        images[name] = path.read_bytes()
    return images


def on_files(files: Files, config: Any) -> Files:
    """Add the gallery's figures to the site's files."""
    with tempfile.TemporaryDirectory() as tmp:
        images = gallery_images(Path(tmp))
    for name, content in images.items():
        files.append(File.generated(config, f"gallery/{name}", content=content))
    return files
