# marsgeo: `make demo` and `make test` work on a fresh machine with Python 3.11+, pip and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test lint typecheck pytest docs bench clean wheel-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "marsgeo needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[plot]"
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,docs,dask,plot]"
	@touch $@ $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	@echo "== The Three Forks depot: ten tubes in drop order =="
	$(BIN)/marsgeo tubes
	@echo
	@echo "== Nearest-neighbour distances (geodesic, on the Mars sphere) =="
	$(BIN)/marsgeo distances --kind nearest
	@echo
	@echo "== Helicopter pickup plan (the lander position is an ASSUMPTION) =="
	$(BIN)/marsgeo plan
	@echo
	@echo "== The Three Forks map =="
	@mkdir -p $(OUT)
	$(BIN)/marsgeo map --offline --html $(OUT)/three_forks_map.html
	@echo
	@echo "== A figure of the depot for papers (on marsgeo's SYNTHETIC terrain, stamped so) =="
	$(BIN)/marsgeo figure --dtm synthetic --output $(OUT)/three_forks.png

lint: $(VENV)/.installed-test
	$(BIN)/ruff check marsgeo tests bench examples docs
	$(BIN)/ruff format --check marsgeo tests bench examples docs

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# the suite runs on every core (the fuzz tests take most of it); worksteal evens out the load
pytest: $(VENV)/.installed-test
	$(BIN)/pytest -n auto --dist worksteal

docs: $(VENV)/.installed-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

test: lint typecheck pytest docs wheel-check

# build the wheel and sdist, check the package data is inside, install each into a fresh
# venv and run the smoke test there
wheel-check: $(VENV)/.installed-test
	rm -rf dist
	$(BIN)/python -m build --quiet --outdir dist . > /dev/null
	$(BIN)/python -c 'import os, zipfile, glob, sys; names = zipfile.ZipFile(glob.glob("dist/*.whl")[0]).namelist(); need = ["marsgeo/py.typed", "marsgeo/data/three_forks_tubes.csv", "marsgeo/data/sources.json", "marsgeo/data/tile_providers.json", "marsgeo/data/webmap.js", "marsgeo/data/webmap.css"] + sorted("marsgeo/data/" + n for n in os.listdir("marsgeo/data") if n.startswith("webmap")); missing = [n for n in need if n not in names]; sys.exit(f"wheel lacks {missing}" if missing else 0)'
	@set -e; for dist in dist/*.whl dist/*.tar.gz; do \
		tmp=$$(mktemp -d); \
		$(PYTHON) -m venv $$tmp/venv; \
		$$tmp/venv/bin/python -m pip install --quiet "$$dist"; \
		(cd $$tmp && $$tmp/venv/bin/python $(CURDIR)/tests/smoke_installed.py); \
		rm -rf $$tmp; \
	done

bench: $(VENV)/.installed-run
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; echo; done

clean:
	rm -rf $(VENV) site build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
