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

$(STAMP): pyproject.toml setup.py backend/loan_engine/finance/_kernel.c requirements/dev.txt $(wildcard infra-scripts/pyproject.toml)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	if [ -f infra-scripts/pyproject.toml ]; then $(BIN)/python -m pip install --quiet --no-deps -e infra-scripts; fi
	touch $@

install: $(STAMP) ## Create .venv and install the locked Python dependencies

# The quote kernel (backend/loan_engine/finance/_kernel.c) is optional for `make run` (pip skips it without a
# C compiler and quotes take the slower Decimal path) but tested by `make test`, which installs gcc (and the
# Python headers) with apt when they are missing, as it does chromium.
kernel: $(STAMP) ## Make sure the compiled quote kernel is built (installs gcc/headers with apt if needed)
	@if ! $(BIN)/python -c 'import loan_engine.finance._kernel' 2>/dev/null; then \
	  headers=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("include"))'); \
	  missing=; \
	  command -v cc >/dev/null || missing=" gcc libc6-dev"; \
	  [ -f "$$headers/Python.h" ] || missing="$$missing python3-dev"; \
	  if [ -n "$$missing" ]; then \
	    echo "kernel: installing$$missing with apt for the quote kernel"; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing \
	      || { echo "kernel: could not install $$missing; install them with sudo apt-get install" >&2; exit 1; }; \
	  fi; \
	  $(BIN)/python -m pip install --quiet --no-deps -e . && $(BIN)/python -c 'import loan_engine.finance._kernel'; \
	fi

kernel-sanitize: kernel ## Run the kernel's tests against an ASan + UBSan build of _kernel.c
	bash scripts/kernel-sanitize.sh

lock: ## Re-pin requirements/*.txt from pyproject.toml (hashes, no index addresses)
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements/app.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements/dev.txt

-include web/web.mk

run: $(STAMP) $(WEB_BUILD) ## Set up and run the API (+ the built web app) on an embedded PostgreSQL
	$(if $(WEB_BUILD),WEB_DIST=web/dist) $(BIN)/loan-engine serve --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

lint: $(STAMP) $(WEB_LINT) ## ruff, ruff format --check, mypy --strict, hadolint
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/mypy
	if [ -d infra-scripts/src ]; then $(BIN)/mypy infra-scripts/src/loan_infra; fi
	if [ -f Dockerfile ]; then $(BIN)/hadolint Dockerfile; fi
	include=$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("include"))'); \
	  if command -v cc >/dev/null && [ -f "$$include/Python.h" ]; then \
	    cc -fsyntax-only -Wall -Wextra -Werror -I"$$include" backend/loan_engine/finance/_kernel.c; fi

fmt: $(STAMP) ## Format Python sources
	$(BIN)/ruff check --fix $(PY_SOURCES)
	$(BIN)/ruff format $(PY_SOURCES)

test: kernel lint $(WEB_TEST) ## Set up and run every test: lint, types, backend, infra, web unit and browser tests
	$(BIN)/pytest

bench: kernel ## Benchmarks; figures written to bench/results/
	mkdir -p bench/results
	for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

image: ## Build the API container image loan-engine:local (docker, or podman where no engine runs)
	bash scripts/image.sh

image-smoke: $(STAMP) ## Build the image, run it on PostgreSQL: probes, routes, non-root, SIGTERM; bench/results/image.json
	bash scripts/image-smoke.sh

clean: ## Remove the virtualenv, caches and local data (including the embedded database)
	rm -rf $(VENV) .data .mypy_cache .ruff_cache .pytest_cache .hypothesis

.PHONY: help install kernel kernel-sanitize lock run lint fmt test bench clean
.PHONY: image image-smoke
