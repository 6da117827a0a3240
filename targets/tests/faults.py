"""Faults the worker tests inject into the recompute tasks running in a real worker process.

The worker test settings (salesorg/settings/worker_test.py) name `recompute_hooks` in the tasks'
seam, RECOMPUTE_HOOKS; each fault is armed by a file the test names through the worker's
environment (RECOMPUTE_TEST_PAUSE_FILE, RECOMPUTE_TEST_FAIL_FILE) and controls while it runs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection


def recompute_hooks() -> dict[str, Callable]:
    """The engine's keyword arguments for the faults the settings arm."""
    hooks: dict[str, Callable] = {}
    pause = getattr(settings, "RECOMPUTE_TEST_PAUSE_FILE", "")
    if pause:
        hooks["on_step"] = pause_after_first_step(Path(pause))
    fail = getattr(settings, "RECOMPUTE_TEST_FAIL_FILE", "")
    if fail:
        hooks["fail_after_write"] = fail_while_counting_down(Path(fail))
    return hooks


def pause_after_first_step(path: Path) -> Callable[[str], None]:
    """After the first step, while the file exists (at most a minute), the run waits; the worker
    process writes its pid to `<file>.pid` so the test can SIGKILL it mid-run."""

    def hook(step: str) -> None:
        if step == "sales" and path.exists():
            Path(f"{path}.pid").write_text(str(os.getpid()))
            deadline = time.monotonic() + 60
            while path.exists() and time.monotonic() < deadline:
                time.sleep(0.2)

    return hook


def fail_while_counting_down(path: Path) -> Callable[[], None]:
    """While the file holds a number above zero, a run fails with a real database error inside its
    write transaction and counts the number down, so the test sees the retries and the recorded
    failed runs."""

    def fail() -> None:
        left = int(path.read_text() or 0) if path.exists() else 0
        if left > 0:
            path.write_text(str(left - 1))
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table_for_the_worker_test")

    return fail
