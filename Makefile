# One command to set up and run, one to set up and test. Both create .venv on first use.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: setup run test lint bench services

$(BIN)/tongdai: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/tongdai

run: setup
	$(BIN)/tongdai serve --host 127.0.0.1 --port $${PORT:-8000}

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy app handlers lookups
	$(BIN)/lint-imports

services:
	bash .ci/services

test: lint services
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/match_quality.py
	$(BIN)/python benchmarks/adversarial.py
	$(BIN)/python benchmarks/lookup_speed.py
	$(BIN)/python benchmarks/import_speed.py
	$(BIN)/python benchmarks/cache_speed.py
	$(BIN)/python benchmarks/webhook_throughput.py
	$(BIN)/python benchmarks/report_throughput.py
	$(BIN)/python benchmarks/service_scale.py
	$(BIN)/python benchmarks/cli_startup.py
