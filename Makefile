# Two commands: `make run` serves the demo site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test lint format bench chromium send-mail clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/.installed  ## Create the database, seed demo content if empty, serve on :5000
	FLASK_DEBUG=1 $(BIN)/flask db upgrade
	FLASK_DEBUG=1 $(BIN)/flask seed --if-empty
	FLASK_DEBUG=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(BIN)/.installed chromium  ## Lint, then the whole suite, browser tests included
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

chromium:
	@bash tests/ensure_chromium.sh

bench: $(BIN)/.installed  ## Print the performance figures
	$(BIN)/python -m bench

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
