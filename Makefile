# The README's commands. `make demo` for a first look, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/metlib
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000

.PHONY: audit demo test install install-dev system-deps services lint format lock bench bench-deps clean \
  messages compilemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-deps:
	@scripts/system-deps.sh

services:
	@scripts/services.sh

## make demo: install, migrate, load the demo (three cohorts) and serve it on http://$(DEMO_HOST):$(DEMO_PORT)
## (defaults 127.0.0.1:8000; e.g. make demo DEMO_PORT=8001)
demo: install
	$(BIN)/python scripts/translations.py compile --optional
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 SITE_URL=$${SITE_URL:-http://$(DEMO_HOST):$(DEMO_PORT)} $(BIN)/python manage.py load_demo
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
	  echo "Starting a Celery worker and beat on $$CELERY_BROKER_URL"; \
	  DEBUG=1 $(BIN)/celery -A metlib worker --beat --loglevel=info --concurrency=2 & \
	fi; \
	echo ""; echo "Serving the demo on http://$(DEMO_HOST):$(DEMO_PORT)/  (Ctrl-C stops it)"; \
	DEBUG=1 SITE_URL=$${SITE_URL:-http://$(DEMO_HOST):$(DEMO_PORT)} exec $(BIN)/python manage.py runserver $(DEMO_HOST):$(DEMO_PORT)

## make test: everything the suite needs, then the suite on PostgreSQL and Redis, then ruff
test: install-dev system-deps services compilemessages
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL= TEST_REDIS_URL=$(TEST_REDIS_URL) \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n 2 --dist loadgroup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/audit.py

## make messages: regenerate locale/<lang>/LC_MESSAGES/django.po from the code, always with the
## same options (LOCALES="fr zh_Hans" starts new catalogues; a catalogue present offers its language)
LOCALES ?=
messages: install-dev
	$(BIN)/python scripts/translations.py messages $(addprefix -l ,$(LOCALES))
	$(BIN)/python scripts/translations.py check || true

## make compilemessages: the .mo files Django reads (not kept in git; the image builds its own)
compilemessages: install
	$(BIN)/python scripts/translations.py compile

## make audit: known vulnerabilities in the locked runtime dependencies (pip-audit)
audit: install-dev
	$(BIN)/python scripts/audit.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make lock: re-pin every dependency from pyproject.toml (needs network to PyPI)
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

## make bench: a throwaway PostgreSQL database, gunicorn on 127.0.0.1, each scenario under load,
## as req/s and a ratio to a bare view measured in the same run (table, and var/bench/results.json)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/metlib_bench
BENCH_ARGS ?=

bench-deps:
	@scripts/bench-deps.sh

bench: install-dev bench-deps services
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench $(BENCH_ARGS)
