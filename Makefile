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

.PHONY: setup run test lint eval bench index browser clean vectors loadtest

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

# The multilingual vectors shipped in knowledge/vectors/: refresh after the knowledge changes (a test says when).
vectors: setup
	$(BIN)/python scripts/multilingual_vectors.py

bench: index
	$(BIN)/python -m evals.bench

# Simulated users against the real app on a free local port: requests, errors, latency, throughput, CPU per request,
# the app's memory. Not part of `make test`. Larger: make loadtest LOAD_USERS=50 LOAD_SECONDS=300. Saturation (no
# reading time between questions: the most the app serves): make loadtest LOAD_THINK=0
LOAD_USERS ?= 20
LOAD_SECONDS ?= 60
LOAD_THINK ?= 5
loadtest: index
	$(BIN)/python -m evals.loadtest --users $(LOAD_USERS) --seconds $(LOAD_SECONDS) --think $(LOAD_THINK)

clean:
	rm -rf .uncc evals/results
