# Two commands: `make run` serves the demo site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

# TEST_POSTGRES=1 make test: the same suite against a throwaway PostgreSQL server (Debian's
# package, installed when missing); tests/conftest.py deselects the tests about SQLite itself
# (marked sqlite_only) and selects their PostgreSQL counterparts (postgres_only). Lint runs in the
# SQLite run only: it does not depend on the database.
ifeq ($(TEST_POSTGRES),1)
TEST_EXTRAS := $(BIN)/.installed-postgres
TEST_LINT := @echo "lint: skipped with TEST_POSTGRES (make test runs it)"
PYTEST := bash tests/with_postgres.sh $(BIN)/pytest
else
TEST_EXTRAS :=
TEST_LINT := $(BIN)/ruff check . && $(BIN)/ruff format --check .
PYTEST := $(BIN)/pytest
endif

.PHONY: run test lint format bench chromium send-mail clean

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

chromium:
	@bash tests/ensure_chromium.sh

bench: $(BIN)/.installed  ## Print the performance figures
	$(BIN)/python -m bench

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
