# Lindung — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format bench serve clean

$(VENV)/bin/python:
	@py=$$(scripts/find-python) || exit 1; \
	echo "Membuat virtualenv dengan $$py"; \
	$$py -m venv $(VENV)

$(STAMP): $(VENV)/bin/python requirements.lock pyproject.toml package.json package-lock.json
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	npm ci --silent --no-audit --no-fund
	touch $(STAMP)

# Translations are compiled from the .po files on every install (a second, no download).
install: $(STAMP)
	@$(PY) scripts/compile_messages.py

demo: install
	$(VENV)/bin/lindung migrate --noinput
	$(VENV)/bin/lindung collectstatic --noinput --verbosity 0
	$(VENV)/bin/lindung demo-data
	PORT=$(PORT) $(VENV)/bin/lindung serve --with-worker

test: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: install
	$(PY) -m bench --db $(or $(DB),sqlite)

clean:
	rm -rf $(VENV) node_modules var
