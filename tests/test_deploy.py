"""The production settings pass Django's deployment checks and refuse to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A production server's environment: none of the test run's own switches (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, which `check --deploy` rightly refuses).
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    clean_env = {k: v for k, v in os.environ.items() if k not in dropped}
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_nothing():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings",
        "salesorg.settings.production",
        env={"SECRET_KEY": "x" * 30 + "-production-secret-" + "y" * 30, "ALLOWED_HOSTS": "sales.example.com"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_secret_key_fails_fast():
    result = _manage("check", "--settings", "salesorg.settings.production", env={"ALLOWED_HOSTS": "x.example"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.redis
def test_cache_url_gives_one_cache_shared_by_every_server_process(redis_url):
    """CACHE_URL=redis://... : what one process caches (the dashboard charts), another reads."""
    import uuid

    cache_url = redis_url.rsplit("/", 1)[0] + "/9"
    key, value = f"deploy-test-{uuid.uuid4().hex}", uuid.uuid4().hex
    env = {"CACHE_URL": cache_url, "DJANGO_SETTINGS_MODULE": "salesorg.settings.local"}
    write = _manage(
        "shell",
        "-c",
        f"from django.core.cache import cache; cache.set('{key}', '{value}', 60)",
        env=env,
    )
    assert write.returncode == 0, write.stderr
    read = _manage(
        "shell",
        "-c",
        "from django.conf import settings; from django.core.cache import cache; "
        f"print(settings.CACHES['default']['BACKEND']); print(cache.get('{key}')); cache.delete('{key}')",
        env=env,
    )
    assert read.returncode == 0, read.stderr
    backend, seen = read.stdout.split()[-2:]
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert seen == value
