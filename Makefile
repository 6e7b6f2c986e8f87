# One task runner for people and CI. `make run` starts the app; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast check bench system install demo clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,train]'
	touch $(STAMP)

install: $(STAMP)

## System packages the tests need (PostgreSQL server, Chromium); installs only what is missing.
system:
	bash scripts/setup-system.sh

## Start the app on the embedded backend (SQLite + files under ./data) at http://localhost:8501
run: install
	$(VENV)/bin/streamlit run app.py

## Every check, then every test: ruff, the formatter, mypy and the import contracts first (fail fast, in
## seconds), then unit, contract, integration (real SQLite + a real PostgreSQL per test worker) and UI tests
## in TEST_WORKERS parallel processes (pytest-xdist), then the browser tests in TEST_WORKERS processes too (each
## its own Chromium, app server, fake Claude and data folders; a test file stays in one process).
TEST_WORKERS ?= 2
test: install
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory system
	$(PY) -m pytest -m "not e2e" -n $(TEST_WORKERS)
	$(PY) -m pytest -m e2e -n $(TEST_WORKERS) --dist loadfile

## Quick loop while coding: no browser tests.
test-fast: install
	$(PY) -m pytest -m "not e2e" -x -q

## Lint, format, types and import contracts (also the first step of `make test`, so CI runs them).
check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## Every benchmark in bench/ (each prints its figures and a baseline from the same run); fails if any misses.
bench: install
	@failed=""; for script in bench/bench_*.py; do echo "== $$script"; uptime; \
		$(PY) $$script || failed="$$failed $$script"; done; \
	if [ -n "$$failed" ]; then echo "bench: MISSED TARGETS:$$failed"; exit 1; fi; echo "bench: every target met"

demo: install
	$(PY) -m core demo load

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
