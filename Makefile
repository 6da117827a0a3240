# The commands a new user needs: `make run` and `make test`. Only Python 3.11+ is required.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
ADDR ?= 127.0.0.1:8000

.PHONY: run test install install-dev migrate lint format messages vendor worker beat bench clean

$(BIN)/.installed: requirements.txt
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(BIN)/.installed-dev: requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

migrate: install
	$(PYTHON) manage.py migrate --noinput

## Serve the site on http://$(ADDR)/ with the demo organization (SQLite unless DATABASE_URL is set).
run: migrate
	$(PYTHON) manage.py seed_demo
	@echo ""
	@echo "  Open http://$(ADDR)/ and log in with one of the demo logins above."
	@echo ""
	$(PYTHON) manage.py runserver $(ADDR)

## The whole suite: lint, migrations check, tests (SQLite by default; PostgreSQL/Redis via env).
test: install-dev
	@bash scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(PYTHON) manage.py makemigrations --check --dry-run --settings=salesorg.settings.test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the translation catalogues and compile them (needs gettext); the .mo files are committed.
messages: install
	cd salesorg && ../$(PYTHON) ../manage.py makemessages -l zh_Hans --no-obsolete
	for app in staff customers targets appraisal training dashboard; do (cd $$app && ../$(PYTHON) ../manage.py makemessages -l zh_Hans --no-obsolete); done
	$(PYTHON) manage.py compilemessages -l zh_Hans --ignore=.venv

## Refresh static/vendor/ from npm (pinned in package.json); the files are committed.
vendor:
	bash scripts/vendor.sh

worker: install
	$(BIN)/celery -A salesorg worker --loglevel=info

beat: install
	$(BIN)/celery -A salesorg beat --loglevel=info

## The recompute benchmark on PostgreSQL (see bench/README.md); LINES=200000 for a quick run.
LINES ?= 5000000
bench: install-dev
	$(PYTHON) bench/recompute.py --lines $(LINES)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
