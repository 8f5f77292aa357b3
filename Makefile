# Loan Engine — the verbs. `make run` and `make test` are the README's two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PY_SOURCES := backend tests migrations bench infra-scripts

help: ## List the verbs
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/dev.txt $(wildcard infra-scripts/pyproject.toml)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	if [ -f infra-scripts/pyproject.toml ]; then $(BIN)/python -m pip install --quiet --no-deps -e infra-scripts; fi
	touch $@

install: $(STAMP) ## Create .venv and install the locked Python dependencies

lock: ## Re-pin requirements/*.txt from pyproject.toml (hashes, no index addresses)
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements/app.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements/dev.txt

-include web/web.mk

run: $(STAMP) $(WEB_BUILD) ## Set up and run the API (+ the built web app) on an embedded PostgreSQL
	$(if $(WEB_BUILD),WEB_DIST=web/dist) $(BIN)/loan-engine serve --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

# Each check runs once here (and `make test` runs this once); .pre-commit-config.yaml runs the same tools.
lint: $(STAMP) $(WEB_LINT) ## ruff, ruff format --check, mypy --strict (app, tools, tests), import contracts, hadolint, cfn-lint, workflow schema
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile
	$(BIN)/cfn-lint infra-scripts/templates/cloudformation/*.yaml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

fmt: $(STAMP) ## Format Python sources
	$(BIN)/ruff check --fix $(PY_SOURCES)
	$(BIN)/ruff format $(PY_SOURCES)

# The coverage floor (fail_under in pyproject.toml) applies to the whole suite only, not to targeted runs.
test: lint $(WEB_TEST) ## Set up and run every test: lint, types, backend (with the coverage floor), infra, web unit and browser tests
	$(BIN)/pytest --cov --cov-report=term:skip-covered

bench: $(STAMP) ## Benchmarks; figures written to bench/results/ (bench/README.md)
	mkdir -p bench/results
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

image: ## Build the API container image loan-engine:local (docker, or podman where no engine runs)
	bash scripts/image.sh

image-smoke: $(STAMP) ## Build the image, run it on PostgreSQL: probes, routes, non-root, SIGTERM; bench/results/image.json
	bash scripts/image-smoke.sh

clean: ## Remove the virtualenv, caches and local data (including the embedded database)
	rm -rf $(VENV) .data .mypy_cache .ruff_cache .pytest_cache .hypothesis

.PHONY: help install lock run lint fmt test bench clean
.PHONY: image image-smoke
