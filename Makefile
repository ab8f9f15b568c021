# Casebridge: `make demo` to try it, `make test` to check it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 42
PERSONS ?= 300

.PHONY: setup demo test test-e2e lint bench audit run messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

casebridge/web/static/vendor/.built: node_modules/.installed scripts/vendor.mjs
	node scripts/vendor.mjs
	touch $@

setup: $(VENV)/.installed casebridge/web/static/vendor/.built
	mkdir -p var

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_instruments
	$(PY) manage.py demo_data --seed $(SEED) --persons $(PERSONS) --if-empty
	@echo "Casebridge is starting on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -r casebridge -x '*/tests/*,*/migrations/*' -ll
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

test-e2e: setup
	$(VENV)/bin/pytest -m e2e

bench: setup
	$(PY) -m bench.run

# Known vulnerabilities in the pinned dependencies. Needs pypi.org's vulnerability data (or OSV):
# --strict fails when a package could not be audited, so a mirror without that data fails
# loudly instead of passing on an empty audit.
audit: setup
	$(PIP) freeze --exclude-editable > var/requirements-audit.txt
	$(VENV)/bin/pip-audit --strict --no-deps --progress-spinner off -r var/requirements-audit.txt

messages: setup
	cd casebridge && ../$(PY) ../manage.py makemessages -l es --ignore 'web/static/*' && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) node_modules casebridge/web/static/vendor var
