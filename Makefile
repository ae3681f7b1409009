# `make run` sets up .venv and starts handterm; `make test` sets up the dev tools and runs
# every check. Both work from a fresh clone with only python3 (>= 3.11) installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when pyproject.toml changes.
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
PYTEST_ARGS ?=

.PHONY: run test lint typecheck pytest bench screenshots serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml constraints-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints-dev.txt -e '.[dev]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/handterm

lint: $(DEV_STAMP)
	$(BIN)/ruff check handterm_tui tests bench scripts
	$(BIN)/ruff format --check handterm_tui
	$(BIN)/lint-imports --no-cache

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(DEV_STAMP)
	$(BIN)/python bench/run_all.py

screenshots: $(DEV_STAMP)
	$(BIN)/python scripts/screenshots.py

serve: $(DEV_STAMP)
	HANDTERM_DEMO_USER='demo:Demo-pass1!' $(BIN)/handterm serve-local --write-profile local

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
