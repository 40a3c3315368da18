# Two commands set everything up on a machine that has python3 (3.11+) and make:
#   make run    start the bot (the console chat when no Slack/Discord token is set)
#   make test   run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test lint typecheck format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/debrief run

chat: $(STAMP)
	$(BIN)/debrief chat

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python benchmarks/turns.py
	$(BIN)/python benchmarks/turns.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test --users 100
	$(BIN)/python benchmarks/nudges.py
	$(BIN)/python benchmarks/nudges.py --people 1000 --send-ms 50
	$(BIN)/python benchmarks/memory.py
	$(BIN)/python benchmarks/memory.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test
	$(BIN)/python benchmarks/startup.py
