# perfwatch — the two set-up commands are `make demo` and `make test`; both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
BUILD := build
EXAMPLES := $(sort $(dir $(wildcard examples/*/perfwatch.yaml)))

.PHONY: help venv install dev syscheck browser demo test lint format bench docs docs-check schema clean

help:
	@echo "make demo   - create .venv, install perfwatch, build every example report into $(BUILD)/"
	@echo "make test   - install test dependencies and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make bench  - run the benchmarks (slow; not part of make test)"
	@echo "make docs   - regenerate the framework reference and JSON Schema"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

venv: $(PY)
install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

# WeasyPrint needs Pango; say which Debian packages to install rather than fail obscurely.
syscheck: | $(PY)
	@$(PY) -m perfwatch.syscheck

demo: install syscheck
	@rm -rf $(BUILD)
	@set -e; for dir in $(EXAMPLES); do \
	  name=$$(basename $$dir); \
	  echo "== $$name"; \
	  (cd $$dir && $(abspath $(BIN))/perfwatch report --out $(abspath $(BUILD))/$$name); \
	done
	@echo; echo "Reports:"; find $(BUILD) -type f \( -name '*.html' -o -name '*.pdf' \) | sort

# Headless Chromium and axe-core for the accessibility check; never fails (the check skips without them).
browser:
	@bash scripts/install-browser.sh

test: dev syscheck browser
	$(BIN)/pytest

lint: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: install
	$(PY) benchmarks/run.py

docs: dev
	$(PY) -m perfwatch.docgen

docs-check: dev
	$(PY) -m perfwatch.docgen --check

clean:
	rm -rf $(BUILD) .pytest_cache
