# Two commands for a fresh machine: `make run` and `make test`. Every target sets up what it needs first.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Offline everywhere: no model hub, no telemetry, no Gradio analytics.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: setup run test lint eval bench index browser clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# torch first, as the CPU build: anything installed before it that depends on torch would pull a CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q torch==2.13.0
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

index: setup
	$(BIN)/uncc index

run: index
	$(BIN)/python app.py

# Debian's Chromium for the browser tests; installed when missing and we may (root), else those tests skip.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: browser tests will be skipped"; }

test: setup browser
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

eval: index
	$(BIN)/uncc eval --dataset evals/gold.jsonl --out evals/results

bench: index
	$(BIN)/python -m evals.bench

clean:
	rm -rf .uncc evals/results
