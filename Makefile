# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLANNER := $(BIN)/planner
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: run serve worker test install install-test assets database check-python bench load faults clean

# Serves in demo mode, so the demo sign-ins work; see "Demo sign-ins" in README.md.
run: install assets database
	PLANNER_DEMO=1 $(PLANNER) run --host $(HOST) --port $(PORT)

# Serves for real with gunicorn (gunicorn.conf.py), after bringing the database up to date: no
# demo data. It needs PLANNER_SECRET_KEY, and at a trust PLANNER_DATABASE_URL and PLANNER_REDIS_URL;
# see "Deploying for a trust" in README.md.
serve: install assets
	@if [ -z "$$PLANNER_SECRET_KEY" ]; then \
	  echo "make serve needs PLANNER_SECRET_KEY: a long random value, the same on every app server" >&2; \
	  echo "(such as the output of: python3 -c 'import secrets; print(secrets.token_hex(32))')." >&2; \
	  exit 1; \
	fi
	$(PLANNER) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT)

# Runs print jobs from the Redis queue named by PLANNER_REDIS_URL; run one or more beside `make serve`.
worker: install
	$(PLANNER) worker

# The suite runs on SQLite with coverage; then, when PLANNER_TEST_DATABASE_URL names a
# PostgreSQL database (CI sets it), the suite runs again there (less the browser tests, which
# look at pages, not at the database).
test: install-test assets
	$(PLANNER) check-framework
	env -u PLANNER_TEST_DATABASE_URL $(BIN)/python -m pytest --cov=planner --cov-branch --cov-report=term-missing:skip-covered
	$(BIN)/python -m coverage report --include='planner/core/*' --fail-under=100
	@if [ -n "$$PLANNER_TEST_DATABASE_URL" ]; then \
	  echo "Running the suite again on PostgreSQL ($$PLANNER_TEST_DATABASE_URL)"; \
	  $(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/browser; \
	else \
	  echo "PostgreSQL run skipped: set PLANNER_TEST_DATABASE_URL=postgresql+psycopg://USER@HOST:5432/DB to include it."; \
	fi

bench: install
	$(BIN)/python bench/core.py
	$(BIN)/python bench/secondments.py
	$(BIN)/python bench/insight.py
	$(BIN)/python bench/pdf.py

# planner under gunicorn and PostgreSQL (127.0.0.1:5432) with 200 simulated people, then wrk beside
# a bare Flask page; about five minutes. Needs wrk (apt-get install -y wrk).
load: install-test
	$(BIN)/python bench/load.py

# The fault tests (tests/faults): each serves planner for real on a private PostgreSQL cluster
# and breaks something it relies on; a few minutes.
faults: install-test
	$(BIN)/python -m pytest -p no:cacheprovider -m faults tests/faults

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "planner needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json

# Demo data goes in only while the database holds no people, so real data is never touched.
database: install
	$(PLANNER) db upgrade
	PLANNER_DEMO=1 $(PLANNER) demo --if-empty

clean:
	rm -rf $(VENV) node_modules instance .coverage .pytest_cache .hypothesis
