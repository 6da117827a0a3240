# The commands a new user needs: `make run` and `make test`. Only Python 3.11+ is required.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
ADDR ?= 127.0.0.1:8000

.PHONY: run test install install-dev migrate lint format lock browser-deps messages vendor worker beat bench screenshots clean

# Installs come from the lock files (every package pinned, with its hashes); `make lock` refreshes
# them from the top-level pins in requirements.txt and requirements-dev.txt.
PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes

$(BIN)/.installed: requirements.lock
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PY) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.lock
	@touch $@

$(BIN)/.installed-dev: requirements-dev.lock $(BIN)/.installed
	$(PIP_INSTALL) -r requirements-dev.lock
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

## The whole suite: lint, format check, migrations check, tests (SQLite by default; PostgreSQL/Redis
## via env). Changes nothing on the machine: without Chromium the browser tests skip (`make browser-deps`).
# Two pytest workers (pytest-xdist): a test file stays on one worker and the tests on the shared
# Redis run on one worker, the longest files dealt first, and the database is migrated once and
# copied to each worker (conftest.py); `make test PYTEST_WORKERS=` runs in one process. The
# slowest tests are listed at the end of the run.
PYTEST_WORKERS ?= -n 2 --dist loadgroup
test: install-dev
	@bash scripts/ensure-chromium.sh --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTHON) manage.py makemigrations --check --dry-run --settings=salesorg.settings.test
	$(BIN)/pytest $(PYTEST_WORKERS) --durations=20 $(PYTEST_ARGS)

## Debian's Chromium and CJK fonts for the browser tests (apt-get; run as root or with sudo).
browser-deps:
	bash scripts/ensure-chromium.sh --install

## The README's screens: the browser walks (tests/test_browser_walks.py) in Chinese and English,
## their screenshots written to docs/screenshots/ (elsewhere the walks keep them in a temporary folder).
screenshots: install-dev
	@bash scripts/ensure-chromium.sh --check
	SALESORG_SCREENSHOTS=docs/screenshots $(BIN)/pytest -n 0 -q -p no:cacheprovider tests/test_browser_walks.py

## Refresh requirements.lock and requirements-dev.lock (hashes included) from requirements*.txt.
UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 --no-header
lock: install-dev
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the translation catalogues from the code and compile them (needs gettext); the .mo files
## are committed. From the project root: each app's strings go to its own locale/, the root
## templates' to locale/ (with templates/_django_words.html: words that must read the project's way
## over Django's own catalogues). Not from inside an app: Celery's Django fixup puts the current
## directory first on sys.path, where an app's selectors.py hides the standard library's.
MESSAGES_IGNORE := .venv node_modules static staticfiles media bench docs scripts tests migrations
messages: install
	$(PYTHON) manage.py makemessages -l zh_Hans --no-obsolete $(addprefix --ignore=,$(MESSAGES_IGNORE))
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
