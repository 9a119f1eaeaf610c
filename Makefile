# perfwatch — the two set-up commands are `make demo` and `make test`; both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
BUILD := build
EXAMPLES := $(sort $(dir $(wildcard examples/*/perfwatch.yaml)))

.PHONY: help venv install dev syscheck browser demo test test-lowest test-newest lock lint format bench docs docs-check schema clean

help:
	@echo "make demo   - create .venv, install perfwatch, build every example report into $(BUILD)/"
	@echo "make test   - install test dependencies and run the whole test suite"
	@echo "make lint   - ruff check and format check; the lock file is current"
	@echo "make test-lowest - the suite at the lowest dependency versions pyproject.toml allows (CI runs it)"
	@echo "make test-newest - the suite at the newest releases (before a release; not in CI)"
	@echo "make lock   - refresh uv.lock and requirements/constraints.txt"
	@echo "make bench  - run the benchmarks (slow; not part of make test)"
	@echo "make docs   - regenerate the framework reference and JSON Schema"

# Every install comes from the lock file (uv.lock), so every machine gets the same versions. uv itself is
# pinned here and installed into the virtual environment with pip; `make lock` refreshes the lock.
UV_VERSION := 0.13.9
UV := $(BIN)/uv
UV_SYNC := $(UV) sync --locked --inexact --quiet
export UV_PROJECT_ENVIRONMENT := $(VENV)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(UV): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Re-sync when the lock or pyproject.toml changes.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV_SYNC)
	@touch $@

$(VENV)/.installed-dev: pyproject.toml uv.lock | $(UV)
	$(UV_SYNC) --extra dev
	@touch $@ $(VENV)/.installed

venv: $(PY)
install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

# WeasyPrint needs Pango; say which Debian packages to install rather than fail obscurely.
syscheck: | $(PY)
	@$(PY) -m perfwatch.cli.syscheck

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

# The suite against the lowest version of every direct dependency that pyproject.toml allows (transitive
# ones at their newest), so the declared lower bounds stay true. CI runs it; it uses its own environment.
LOWEST := .venv-lowest
test-lowest: install syscheck | $(UV)
	$(UV) pip compile --quiet pyproject.toml --extra dev --resolution lowest-direct -o $(LOWEST).txt
	$(UV) venv --quiet --allow-existing --python $(PY) $(LOWEST)
	$(UV) pip sync --quiet --python $(LOWEST)/bin/python $(LOWEST).txt
	$(UV) pip install --quiet --python $(LOWEST)/bin/python --no-deps -e .
	$(LOWEST)/bin/pytest -p no:cacheprovider

# The suite against the newest releases of everything (not in CI: run before a release, then `make lock`).
NEWEST := .venv-newest
test-newest: install syscheck | $(UV)
	$(UV) pip compile --quiet pyproject.toml --extra dev --upgrade -o $(NEWEST).txt
	$(UV) venv --quiet --allow-existing --python $(PY) $(NEWEST)
	$(UV) pip sync --quiet --python $(NEWEST)/bin/python $(NEWEST).txt
	$(UV) pip install --quiet --python $(NEWEST)/bin/python --no-deps -e .
	$(NEWEST)/bin/pytest -p no:cacheprovider

# Refresh the lock to the newest allowed versions, and the constraints file plain pip installs from.
lock: | $(UV)
	$(UV) lock --upgrade
	$(UV) export --quiet --frozen --no-hashes --no-emit-project --no-header -o requirements/constraints.txt

lint: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(UV) lock --check --quiet
	@$(UV) export --quiet --frozen --no-hashes --no-emit-project --no-header | cmp -s - requirements/constraints.txt \
	  || { echo "requirements/constraints.txt is stale: run 'make lock'"; exit 1; }

format: dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: install
	$(PY) benchmarks/run.py

docs: dev
	$(PY) -m perfwatch.framework.docgen

docs-check: dev
	$(PY) -m perfwatch.framework.docgen --check

clean:
	rm -rf $(BUILD) .pytest_cache $(LOWEST) $(LOWEST).txt $(NEWEST) $(NEWEST).txt
