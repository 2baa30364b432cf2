from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))

# a pymdownx.snippets line, `--8<-- "examples/depot_map.py"`, paths relative to the
# repository root (mkdocs.yml: base_path ["."]); a leading `;` escapes it
SNIPPET = re.compile(r"""^[ \t]*-+8<-+[ \t]+(["'])(?P<path>[^"'\n]+)\1[ \t]*$""", re.MULTILINE)
# the scissors in any spacing, as a directive or as what is left of one once reformatted
SCISSORS = re.compile(r"-+[ \t]*8[ \t]*<[ \t]*-+")
HEAD_LINES = 5  # how many non-empty lines of an included file the page must show


class _Text(HTMLParser):
    """The text of an HTML page: tags dropped, character references resolved."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def snippet_paths(page: Path) -> list[str]:
    return [m["path"] for m in SNIPPET.finditer(page.read_text(encoding="utf-8"))]


def head_lines(path: Path) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:HEAD_LINES]


def built_page(site: Path, page: Path) -> Path:
    """The HTML mkdocs writes for a docs/*.md page, with or without directory URLs."""
    stem = page.relative_to(DOCS).with_suffix("")
    if stem.name == "index":
        return site / stem.parent / "index.html"
    for candidate in (site / stem / "index.html", site / stem.with_suffix(".html")):
        if candidate.exists():
            return candidate
    raise AssertionError(f"{page.name} was not built into {site}")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation, built once with `mkdocs build --strict` as `make docs` does."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_snippet_directives_are_intact() -> None:
    # every scissors line in the sources is a well-formed directive naming a file that exists
    for page in PAGES:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if SCISSORS.search(line) and not line.lstrip().startswith(";"):
                match = SNIPPET.fullmatch(line)
                assert match, f"{page.name}:{number} is no snippet directive: {line!r}"
                assert (ROOT / match["path"]).is_file(), f"{page.name}:{number} {line!r}"


def test_tutorials_include_every_example() -> None:
    included = set(snippet_paths(DOCS / "tutorials.md"))
    for script in sorted((ROOT / "examples").glob("*.py")):
        assert f"examples/{script.name}" in included, f"tutorials.md does not show {script.name}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_built_page_shows_its_snippets(site: Path, page: Path) -> None:
    text = page_text(built_page(site, page).read_text(encoding="utf-8"))
    leftover = SCISSORS.search(text)
    assert leftover is None, f"{page.name} shows {text[leftover.start() : leftover.end() + 40]!r}"
    for path in snippet_paths(page):
        at = 0
        for line in head_lines(ROOT / path):
            found = text.find(line, at)
            assert found >= 0, f"{page.name} does not show {path}: {line!r} missing"
            at = found + len(line)
