# `make run` sets up .venv and starts handterm (the program is .venv/bin/handterm; the
# README's commands use that path); `make test` sets up the dev tools and runs every check.
# Both work from a fresh clone with only python3 (>= 3.11) installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when pyproject.toml changes.
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
PYTEST_ARGS ?=

.PHONY: run test lint typecheck pytest bench screenshots serve clean aws-tools

# pip's own chatter (index warnings, progress) goes to .venv/pip.log, shown only on failure,
# so `make test` output is the checks' output.
PIP_LOG := $(VENV)/pip.log
PIP = $(BIN)/python -m pip --disable-pip-version-check
QUIET_PIP = > $(PIP_LOG) 2>&1 || { cat $(PIP_LOG); exit 1; }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip $(QUIET_PIP)

# The server extra too: `.venv/bin/handterm serve-local` works after `make run` (README).
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "installing handterm into $(VENV) (pip log: $(PIP_LOG))"
	@$(PIP) install -q -e '.[server]' $(QUIET_PIP)
	touch $@

$(DEV_STAMP): pyproject.toml constraints-dev.txt | $(BIN)/python
	@echo "installing handterm and the dev tools into $(VENV) (pip log: $(PIP_LOG))"
	@$(PIP) install -q -c constraints-dev.txt -e '.[dev]' $(QUIET_PIP)
	touch $@ $(RUN_STAMP)

# `handterm aws synth|deploy` and `pool check` (README: Run your own backend on AWS).
aws-tools: $(RUN_STAMP)
	@$(PIP) install -q -e '.[aws]' $(QUIET_PIP)

run: $(RUN_STAMP)
	$(BIN)/handterm

lint: $(DEV_STAMP)
	$(BIN)/ruff check handterm_tui tests bench scripts
	$(BIN)/ruff format --check handterm_tui tests bench scripts
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
