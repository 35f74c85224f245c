# Progleton developer workflow. Two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` and `make test-fast`: auto is two a core (tests/conftest.py
# says why); 0 runs the suite in pytest's own process, as --pdb needs.
PYTEST_WORKERS ?= auto

.PHONY: run demo test test-fast lint typecheck bench bench-feeds bench-fetch bench-extract bench-stories bench-web screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip>=25.1"
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e . --group dev
	touch $@

## make run: create .venv, install, serve the bundled demo at http://127.0.0.1:8000
run: $(VENV)/.installed
	$(VENV)/bin/progleton demo

demo: run

## make test: install dev dependencies, start what the tests need, run the whole suite
test: $(VENV)/.dev-installed
	@scripts/test-services.sh
	@# pytest exits 5 when it collected no tests: with a suite this size that means something
	@# broke (a wrong PYTEST_ARGS path or -k, a conftest that stopped collection), so say so
	@# plainly and fail rather than pass a run that tested nothing.
	@$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then \
	    echo "pytest collected no tests: something is broken (PYTEST_ARGS='$(PYTEST_ARGS)'); failing." >&2; \
	    exit 1; fi; exit $$rc

## make test-fast: skip the slow tests (corpora, browser)
test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy src/progleton

bench: bench-feeds bench-extract bench-stories bench-fetch bench-web

bench-feeds: $(VENV)/.dev-installed
	$(PY) benchmarks/feeds_parse.py
	$(PY) benchmarks/feeds_conformance.py

bench-fetch: $(VENV)/.dev-installed
	$(PY) benchmarks/fetch_only.py
	$(PY) benchmarks/fetch_pipeline.py

bench-extract: $(VENV)/.dev-installed
	$(PY) benchmarks/extract_scrapinghub.py
	$(PY) benchmarks/extract_appeal.py
	$(PY) benchmarks/extract_memory.py

bench-stories: $(VENV)/.dev-installed
	$(PY) benchmarks/stories_ecbplus.py
	$(PY) benchmarks/stories_ecbplus.py --caseless
	$(PY) benchmarks/stories_stream.py
	$(PY) benchmarks/stories_stream.py --pool 0
	$(PY) benchmarks/stories_big.py
	$(PY) benchmarks/languages.py
	$(PY) benchmarks/stories_rebuild.py

bench-stories-cv: $(VENV)/.dev-installed
	$(PY) benchmarks/stories_ecbplus.py --cv

bench-web: $(VENV)/.dev-installed
	$(PY) benchmarks/web_pages.py
	$(PY) benchmarks/search_queries.py

screenshots: $(VENV)/.dev-installed
	$(PY) scripts/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist src/*.egg-info
