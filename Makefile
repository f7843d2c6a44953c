# Spotcheck: `make run` starts the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit bench clean system-deps

# What the tests need from Debian: a browser for the UI tests and a database
# server for the PostgreSQL tests (the tests start and stop their own cluster).
SYSTEM_PACKAGES := chromium postgresql

install: $(STAMP)

# Rebuild the environment only when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/spotcheck interview

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -q

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

test: system-deps lint typecheck unit

# pgmpy is only the benchmark's yardstick: installed without its torch/pyro
# dependencies, which its exact inference does not need.  numpy stays below 2
# (and so pandas below 3) for medspacy's sake (DEPENDENCY-NOTES).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps pgmpy==1.1.2
	$(BIN)/python -m pip install --quiet "numpy>=1.26,<2" "pandas<3" networkx scipy opt-einsum \
		tqdm joblib scikit-base packaging scikit-learn statsmodels pyparsing
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	@$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
