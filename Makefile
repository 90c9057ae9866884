# Two commands: `make run` serves the demo site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
# Python may keep compiled files (an environment can say PYTHONDONTWRITEBYTECODE=1, as this
# machine's does): then pytest's rewritten test modules are kept between runs and the test
# processes' children (flask, gunicorn) compile nothing again: collecting the suite 14.5 -> 6.5 s.
unexport PYTHONDONTWRITEBYTECODE

# TEST_POSTGRES=1 make test: the same suite against a throwaway PostgreSQL server (Debian's
# package, installed when missing), without the browser tests; tests/conftest.py deselects the tests about SQLite itself
# (marked sqlite_only) and selects their PostgreSQL counterparts (postgres_only). Lint runs in the
# SQLite run only: it does not depend on the database.
# The browser tests drive the site, not the database, and the `own_database` tests run gunicorn
# and nginx on a SQLite file of their own: both run in the SQLite run only.
# Tests run in parallel, one pytest-xdist worker per core (WORKERS=1 for one process); a worker
# that runs out of tests takes half of what the other has left (--dist worksteal).
WORKERS ?= auto
ifeq ($(TEST_POSTGRES),1)
TEST_EXTRAS := $(BIN)/.installed-postgres
TEST_LINT := @echo "lint: skipped with TEST_POSTGRES (make test runs it)"
PYTEST := bash tests/with_postgres.sh $(BIN)/pytest -n $(WORKERS) --dist worksteal -m 'not browser and not own_database'
else
TEST_EXTRAS :=
TEST_LINT := $(BIN)/ruff check . && $(BIN)/ruff format --check .
PYTEST := $(BIN)/pytest -n $(WORKERS) --dist worksteal
endif

.PHONY: run admin test test-faketime coverage lint format bench chromium faketime send-mail clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(BIN)/.installed-postgres: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

run: $(BIN)/.installed  ## Create the database, seed demo content if empty, serve on :5000
	FLASK_DEBUG=1 $(BIN)/flask db upgrade
	FLASK_DEBUG=1 $(BIN)/flask seed --if-empty
	FLASK_DEBUG=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(BIN)/.installed $(TEST_EXTRAS) chromium  ## Lint, then the whole suite, browser tests included
	$(TEST_LINT)
	$(PYTEST)

lint: $(BIN)/.installed  ## ruff's checks and its formatting, changing nothing
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The non-browser suite once more with the whole process's clock (the operating system's, via
# Debian's libfaketime) started at an instant that once broke it and left running: the '@' form.
# Tests that state their instant (marked stated_instant) set Python's clock with time-machine and
# the app reads no other clock, so this run leaves them out; the rest must not care.
FAKETIME_AT ?= 2026-12-01 05:58:00
test-faketime: $(BIN)/.installed faketime  ## The non-browser suite with the system clock at FAKETIME_AT (UTC)
	TZ=UTC faketime -f '@$(FAKETIME_AT)' $(BIN)/pytest -n $(WORKERS) --dist worksteal -m 'not browser and not own_database and not stated_instant'

coverage: $(BIN)/.installed chromium  ## Branch coverage of blueprints/ over the SQLite suite
	$(BIN)/pytest -n $(WORKERS) --dist worksteal -q --cov=blueprints --cov-branch --cov-report=term:skip-covered

faketime:
	@bash tests/ensure_faketime.sh

chromium:
	@bash tests/ensure_chromium.sh

bench: $(BIN)/.installed  ## Print the performance figures
	$(BIN)/python -m bench

admin: $(BIN)/.installed  ## Make (or reset) the studio login on the `make run` database
	FLASK_DEBUG=1 $(BIN)/flask db upgrade
	FLASK_DEBUG=1 $(BIN)/flask create-admin

send-mail: $(BIN)/.installed  ## Deliver the queued email of the `make run` database once
	FLASK_DEBUG=1 $(BIN)/flask db upgrade
	FLASK_DEBUG=1 $(BIN)/flask send-mail

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
