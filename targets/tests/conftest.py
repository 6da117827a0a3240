"""Fixtures of the tests that run the task path for real (see realtasks.py)."""

from __future__ import annotations

import os
import shutil
import sys
import uuid

import pytest

from targets.tests.realtasks import Process, ThrowawayRedis, database_url, start_worker

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def celery_process(transactional_db, tmp_path):
    """Start `celery -A salesorg worker|beat ...` on the test database with the worker test
    settings: `celery_process("worker", broker_url, *args, **env)`. Stopped at teardown."""
    started: list[Process] = []

    def start(kind: str, broker_url: str, *args: str, **env: str) -> Process:
        full_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "salesorg.settings.worker_test",
            "CELERY_BROKER_URL": broker_url,
            "DATABASE_URL": database_url(),
            **env,
        }
        cmd = [sys.executable, "-m", "celery", "-A", "salesorg", kind, "-l", "info", *args]
        process = Process(cmd, full_env, tmp_path / f"{kind}-{len(started)}.log")
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()


@pytest.fixture
def worker_env(celery_process, tmp_path):
    """A worker on a unique queue of the configured Redis (test_worker.py): its queue, the pause
    file of the recompute's test hook and its log."""
    broker = (
        os.environ.get("TARGETS_TEST_BROKER_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/5"
    )
    queue = f"targets-test-{uuid.uuid4().hex[:8]}"
    pause = tmp_path / "pause"
    worker = start_worker(celery_process, broker, "-Q", queue, RECOMPUTE_TEST_PAUSE_FILE=str(pause))
    return {"broker": broker, "queue": queue, "pause": pause, "log": worker.log}


@pytest.fixture
def throwaway_redis(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        message = "needs redis-server on the PATH"
        if IN_CI:
            pytest.fail(f"CI=true and this test {message}", pytrace=False)
        pytest.skip(message)
    server = ThrowawayRedis(binary, tmp_path)
    server.start()
    yield server
    server.stop()
