# Pantau: one command per habit. `make help` lists them.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Regency boundaries (GADM 4.1, not redistributable): fetched, verified and compacted here, never
# committed. Without npm the fetch fails softly and places fall back to the nearest office.
BOUNDARIES := src/pantau/reference/regions.json.gz
$(BOUNDARIES): $(STAMP) src/pantau/reference/boundaries.py
	$(BIN)/python -m pantau.reference.boundaries --force || echo "boundaries not fetched: places fall back to the nearest office"

# Place names for reports without a pin (idn-area-data 4.0.1, ODbL): fetched like the boundaries,
# never committed. Without npm the report form still takes a pin.
GAZETTEER := src/pantau/reference/places.json.gz
$(GAZETTEER): $(STAMP) src/pantau/reference/gazetteer.py
	$(BIN)/python -m pantau.reference.gazetteer --force || echo "gazetteer not fetched: reports need a pin"

gazetteer: $(GAZETTEER) ## Fetch the place names for /lapor (idn-area-data, ODbL; needs npm; part of install)

boundaries: $(BOUNDARIES) ## Fetch the regency/city boundaries (GADM 4.1, needs npm; part of install)

basemap: $(STAMP) ## Rebuild the committed base map (Natural Earth via npm world-atlas; needs npm)
	$(BIN)/python -m pantau.maps.basemap --build

install: $(STAMP) $(BOUNDARIES) $(GAZETTEER) ## Create .venv, install Pantau with its development tools, fetch boundaries

demo: $(STAMP) $(BOUNDARIES) $(GAZETTEER) ## Run Pantau with demo data on the embedded PostgreSQL (http://127.0.0.1:8000)
	$(BIN)/pantau demo

serve: $(STAMP) $(BOUNDARIES) $(GAZETTEER) ## Serve without loading demo data
	$(BIN)/pantau serve

browser: ## Install Debian's chromium for the browser tests (needs root and apt)
	@scripts/ensure-chromium.sh

test: $(STAMP) $(BOUNDARIES) $(GAZETTEER) browser ## Run the whole test suite (embedded PostgreSQL; also PANTAU_TEST_EXTERNAL_URL if set)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP) ## Ruff (lint and format check), mypy and the import contracts (lint-imports)
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix src tests bench examples
	$(BIN)/ruff format src tests bench examples

bench: $(STAMP) ## Run the benchmarks under bench/ (prints figures)
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

migration: $(STAMP) ## New migration from the models: make migration m="what changed"
	$(BIN)/python -c "from pantau import migrate; from pantau.cli.common import engine; migrate.upgrade(engine()); migrate.revision(engine(), '$(m)')"

clean: ## Remove the virtual environment and caches (keeps ./var, the data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

.PHONY: help boundaries gazetteer basemap install demo serve browser test lint format bench migration clean
