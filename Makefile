# Saisei: every command a developer needs. `make run` and `make test` work from a fresh clone
# on a machine with Python 3.11+ and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Processes `make test` spreads the suite over (pytest-xdist): auto is one per CPU, 0 runs it in
# this process (e.g. for a debugger).
PYTEST_WORKERS ?= auto
# `make bench`: the data set's size (1 = Japan's data) and any other options of `python -m bench`.
SCALE ?= 1
BENCH_ARGS ?=

.PHONY: help install run serve serve-prod test test-fast fuzz lint fmt bench messages clean

help:
	@echo "make run     install, migrate, load reference + demo data, serve on $(HOST):$(PORT)"
	@echo "make serve-prod  collectstatic, migrate and gunicorn with SAISEI_ENV=production (README: Production)"
	@echo "make test    run the test suite in parallel (DATABASE_URL selects PostgreSQL; SQLite by default)"
	@echo "make fuzz    Schemathesis over the whole API (three personas, a throwaway demo database)"
	@echo "make lint    ruff check, ruff format --check, mypy"
	@echo "make fmt     format and autofix"
	@echo "make bench   the hot paths on a generated national data set (SCALE=3: three times Japan's)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Saisei needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/saisei migrate --no-input
	$(BIN)/saisei load-reference
	$(BIN)/saisei demo --quiet
	$(BIN)/saisei obligations tick
	$(BIN)/saisei runserver $(HOST):$(PORT)

# The same as `run` without the install step, for a second terminal or a prepared machine.
serve:
	$(BIN)/saisei runserver $(HOST):$(PORT)

# Production: DEBUG off, static files collected into the manifest storage and served by WhiteNoise,
# gunicorn behind a TLS-terminating proxy. SECRET_KEY, ALLOWED_HOSTS and the other variables of
# the README's "Production" section come from the environment; start-up names any that is missing.
serve-prod: install
	SAISEI_ENV=production $(BIN)/saisei collectstatic --no-input --verbosity 0
	SAISEI_ENV=production $(BIN)/saisei migrate --no-input
	SAISEI_ENV=production SAISEI_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c python:saisei.config.gunicorn

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Schemathesis over every API operation for the anonymous, officer and regulator personas, on
# a throwaway SQLite database loaded with the demo (tests/fuzz). FUZZ_MAX_EXAMPLES (20) and
# FUZZ_SEED set how many requests per operation and persona, and which.
fuzz: install
	@tmp=$$(mktemp -d -t saisei-fuzz.XXXXXX); trap 'rm -rf "$$tmp"' EXIT; \
	SAISEI_DATA_DIR="$$tmp" DATABASE_URL="sqlite:///$$tmp/fuzz.sqlite3" \
	$(BIN)/python -m pytest tests/fuzz -m fuzz -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: install
	$(BIN)/python -m bench --scale $(SCALE) $(BENCH_ARGS)

# Needs GNU gettext (apt-get install gettext) to extract strings; .mo files are committed.
messages: install
	cd src/saisei && ../../$(BIN)/saisei makemessages -l ja --no-obsolete --ignore "law/*"
	$(BIN)/python -m saisei.core.compile_messages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
