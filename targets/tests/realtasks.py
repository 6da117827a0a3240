"""Helpers of the tests that run the task path for real: a throwaway `redis-server`, a Celery
worker and `celery beat` started as subprocesses with the worker test settings, on the test
database (PostgreSQL).

Celery lets the CELERY_BROKER_URL environment variable win over an app's `broker=` argument, so
every process gets its broker through that variable, and the test itself sends through an explicit
connection (`send_task` below) rather than through an app's configured broker.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float, what):
    """Poll until `predicate()` is truthy and return it; `what` (a text or a callable giving one,
    e.g. a log tail) explains the failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")


def achievement_snapshot() -> list[tuple]:
    from targets.models import Achievement

    return list(
        Achievement.objects.order_by("owner_kind", "owner_key", "metric", "period").values_list(
            "owner_kind", "owner_key", "metric", "period", "actual", "target", "rate", "time_progress", "is_behind"
        )
    )


def send_task(broker_url: str, name: str, **options) -> None:
    """Send a task by name through `broker_url` (not through whatever broker the environment names)."""
    app = Celery(set_as_current=False)
    with app.connection_for_write(broker_url) as conn:
        app.send_task(name, connection=conn, **options)


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Process:
    """A subprocess in its own session, its output in a log file."""

    def __init__(self, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = open(log, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def text(self) -> str:
        return self.log.read_text()

    def tail(self) -> str:
        return self.text()[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log_file.close()


def start_worker(celery_process, broker_url: str, *args: str, **env: str) -> Process:
    """One prefork child, no gossip/mingle/heartbeat: the tests' worker."""
    return celery_process(
        "worker",
        broker_url,
        "-c",
        "1",
        "-P",
        "prefork",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *args,
        **env,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    """A `redis-server` of the test's own on a free port, without persistence: stop() and start()
    again on the same port model Redis going down and coming back (empty, as after a crash)."""

    def __init__(self, binary: str, tmp_path: Path) -> None:
        self.binary = binary
        self.dir = tmp_path
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        self.starts += 1
        log = open(self.dir / f"redis-{self.starts}.log", "w")  # noqa: SIM115
        cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(cmd, cwd=self.dir, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for(self.ping, 10, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None
        wait_for(lambda: not self.ping(), 5, f"redis-server on port {self.port} to stop")
