# credpath — the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# Everything loads the embedding model from site-packages; nothing may reach a hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run serve ingest tune index demo test lint format bench bench-load eval clean

install: $(VENV)/.installed

# Re-installs when pyproject.toml changes. torch goes first and pinned: the build machines hold a CPU
# wheel of exactly 2.13.0, and letting a resolver pick torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

ingest: install
	$(BIN)/credpath ingest default

# Fine-tuning the encoder on the taxonomy's own label pairs: once per data version (cached under
# models/encoder/tuned). TUNE=0 skips it and serves the plain model (lower linking quality, see README).
TUNE ?= 1
tune: install ingest
ifeq ($(TUNE),1)
	$(BIN)/credpath tune
endif

index: install tune
	$(BIN)/credpath build-index

# `make run` serves within minutes on a fresh clone: the indexes are built with the model at hand (the bundled
# one until a first tuning is done) and, unless TUNE=0, the server fine-tunes in the background and swaps the
# tuned indexes in when they are built (no restart). Ingest, index and demo are no-ops when data, model and
# indexes are unchanged, so later runs go straight to serving the tuned model.
run: install ingest
	$(BIN)/credpath build-index $(if $(filter 1,$(TUNE)),--before-tuning)
	$(BIN)/credpath demo
	$(BIN)/credpath serve $(if $(filter 1,$(TUNE)),--tune-in-background)

# Sample postings under a demo employer and a few discoverable learners (idempotent: a no-op once loaded).
demo: install index
	$(BIN)/credpath demo

serve: install
	$(BIN)/credpath serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: install ingest index
	$(BIN)/python benchmarks/ingest_bench.py
	$(BIN)/python benchmarks/semantic_bench.py
	$(BIN)/python benchmarks/planning_bench.py

# Mixed read/write load on SQLite and PostgreSQL (its own server processes; about 10 minutes).
bench-load: install ingest index
	$(BIN)/python benchmarks/load_bench.py
	$(BIN)/python benchmarks/pgvector_bench.py

eval: install ingest tune index
	$(BIN)/credpath eval --output benchmarks/results/eval.json
	$(BIN)/python benchmarks/title_crosswalk.py
	$(BIN)/python benchmarks/personas.py
	$(BIN)/python benchmarks/personas.py --personas data/eval/personas_holdout.jsonl --output benchmarks/results/personas_holdout.json
	$(BIN)/python benchmarks/personas.py --typed-titles --output benchmarks/results/personas_typed.json
	$(BIN)/python benchmarks/personas.py --typed-titles --personas data/eval/personas_holdout.jsonl --output benchmarks/results/personas_holdout_typed.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
