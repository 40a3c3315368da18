# Two commands set everything up on a machine that has python3 (3.11+) and make:
#   make run    start the bot (the console chat when no Slack/Discord token is set)
#   make test   run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test lint typecheck format bench clean lock

# Exactly the versions in requirements.lock, each checked against its hash; then Debrief itself.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

# Refresh requirements.lock: the newest versions pyproject.toml's ranges allow, with their hashes.
# pip-tools lives in a venv of its own, so the project's stays exactly as locked.
# `make lock LOCK_UPGRADE=` adds a new dependency and keeps every other pin as it is.
LOCK_VENV := .venv-lock
LOCK_UPGRADE ?= --upgrade
lock:
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet $(LOCK_UPGRADE) --extra dev \
		--generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python benchmarks/turns.py
	$(BIN)/python benchmarks/turns.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test --users 100
	$(BIN)/python benchmarks/nudges.py
	$(BIN)/python benchmarks/nudges.py --people 1000 --send-ms 50
	$(BIN)/python benchmarks/memory.py
	$(BIN)/python benchmarks/memory.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test
	$(BIN)/python benchmarks/startup.py
