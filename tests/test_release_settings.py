"""One way to choose the settings for every process (salesorg/env.py), the production database
options, and the lock files that every install uses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A process as a server starts it: none of the test run's own settings in its environment.
DROPPED = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
SHOW_SETTINGS = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
# Each entry point, with SALESORG_ENV_FILE naming the test's .env: manage.py, the WSGI app, Celery.
ENTRY_POINTS = {
    "manage.py": "import sys, manage; sys.argv = ['manage.py', 'shell', '--no-imports', '-c', {show!r}]; manage.main()",
    "wsgi": "import salesorg.wsgi; " + SHOW_SETTINGS,
    "celery": "from salesorg.celery import app; app.loader.import_default_modules(); " + SHOW_SETTINGS,
}


def _run(code: str, env_file: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in DROPPED}
    clean.update(env, SALESORG_ENV_FILE=str(env_file))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def production_env_file(tmp_path) -> Path:
    path = tmp_path / ".env"
    path.write_text(
        "DJANGO_SETTINGS_MODULE=salesorg.settings.production\n"
        f"SECRET_KEY={'s' * 60}\n"
        "ALLOWED_HOSTS=sales.example.com\n"
        f"DATABASE_URL=sqlite:///{tmp_path / 'db.sqlite3'}\n"
    )
    return path


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_every_process_honours_the_settings_module_of_dot_env(entry_point, production_env_file):
    result = _run(ENTRY_POINTS[entry_point].format(show=SHOW_SETTINGS), production_env_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["salesorg.settings.production", "False"]


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_the_environment_wins_over_dot_env(entry_point, production_env_file):
    result = _run(
        ENTRY_POINTS[entry_point].format(show=SHOW_SETTINGS),
        production_env_file,
        DJANGO_SETTINGS_MODULE="salesorg.settings.local",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["salesorg.settings.local", "True"]


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_without_a_choice_every_process_runs_the_local_settings(entry_point, tmp_path):
    result = _run(ENTRY_POINTS[entry_point].format(show=SHOW_SETTINGS), tmp_path / "missing.env")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2] == "salesorg.settings.local"


def test_production_keeps_database_connections_and_checks_them(production_env_file):
    code = (
        "import salesorg, django; django.setup(); "
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], hasattr(settings, 'CONN_MAX_AGE'))"
    )
    result = _run(code, production_env_file, CONN_MAX_AGE="120")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["120", "True", "False"]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


@pytest.mark.parametrize(
    ("top", "lock"), [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]
)
def test_the_lock_files_hold_every_top_level_pin_with_hashes(top, lock):
    """`make lock` was run after the last change of requirements*.txt (else: run it)."""
    locked = _pins(ROOT / lock)
    wanted = _pins(ROOT / top)
    if top == "requirements-dev.txt":
        wanted |= _pins(ROOT / "requirements.txt")
    assert {name: locked.get(name) for name in wanted} == wanted
    # Every locked package carries its hashes, so `pip install --require-hashes` accepts the file.
    entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().strip())
    assert all("--hash=sha256:" in entry for entry in entries if not entry.startswith("#"))
    # The runtime lock agrees with the dev lock on every package they share.
    if lock == "requirements.lock":
        dev = _pins(ROOT / "requirements-dev.lock")
        assert {name: dev.get(name) for name in locked} == locked


SHOW_DB_OPTIONS = (
    "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
)


@pytest.mark.parametrize(
    ("entry_point", "extra", "expected"),
    [
        ("wsgi", {}, "-c jit=off -c max_parallel_workers_per_gather=0"),
        ("wsgi", {"DATABASE_WEB_PARALLEL_WORKERS": "2"}, "-c jit=off -c max_parallel_workers_per_gather=2"),
        ("celery", {}, "-c jit=off"),
        ("manage.py", {}, "-c jit=off"),
    ],
)
def test_web_requests_run_without_parallel_query_and_the_worker_keeps_it(entry_point, extra, expected, tmp_path):
    """The WSGI app's connections ask PostgreSQL for no parallel workers; the worker (whose full
    recompute reads the year in parallel) and commands keep the server's setting."""
    code = ENTRY_POINTS[entry_point].format(show=SHOW_DB_OPTIONS).replace(SHOW_SETTINGS, SHOW_DB_OPTIONS)
    result = _run(code, tmp_path / "missing.env", DATABASE_URL="postgres://nobody@127.0.0.1:1/none", **extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.postgres
def test_a_web_connection_really_runs_without_parallel_workers():
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    show = "from django.db import connection; c = connection.cursor(); "
    show += "c.execute('SHOW max_parallel_workers_per_gather'); print(c.fetchone()[0])"
    web = _run("import salesorg.wsgi; " + show, Path("/nonexistent/.env"), DATABASE_URL=url)
    assert web.returncode == 0, web.stderr
    assert web.stdout.split()[-1] == "0"
    worker = _run("import salesorg, django; django.setup(); " + show, Path("/nonexistent/.env"), DATABASE_URL=url)
    assert worker.returncode == 0, worker.stderr
    assert worker.stdout.split()[-1] != "0"


def test_the_web_app_loads_its_views_and_freezes_them_out_of_the_garbage_collector(tmp_path):
    """salesorg/wsgi.py imports the URLconf and its views, then `gc.freeze()`: a full collection in
    a web worker walks what requests made, not the whole of Django and the apps."""
    show = (
        "import gc, sys; import salesorg.wsgi; "
        "print(gc.get_freeze_count(), 'sales.views' in sys.modules, 'targets.api' in sys.modules)"
    )
    result = _run(show, Path("/nonexistent/.env"), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    frozen, views, api = result.stdout.split()[-3:]
    assert int(frozen) > 50_000 and views == api == "True"
