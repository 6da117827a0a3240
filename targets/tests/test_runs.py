"""Starting recompute runs: the catch-up decision lives in a service the task calls."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from targets import tasks
from targets.models import RecomputeRun, RunStatus
from targets.services import recompute_catch_up_start

pytestmark = pytest.mark.django_db


def test_the_catch_up_service_records_the_missing_night_run_and_the_task_calls_it(org, settings, monkeypatch):
    settings.NIGHTLY_RECOMPUTE_HOUR, settings.NIGHTLY_RECOMPUTE_MINUTE = 1, 30
    sent: list[dict] = []
    monkeypatch.setattr(tasks.recompute_achievements, "delay", lambda **kwargs: sent.append(kwargs))
    # 01:40 is inside the 15 minutes of grace: nothing.
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2026, 3, 16, 1, 40)))
    assert recompute_catch_up_start() is None
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime(2026, 3, 16, 2, 0)))
    run = recompute_catch_up_start()
    assert run is not None and (run.as_of, run.trigger, run.status) == (date(2026, 3, 15), "nightly", RunStatus.RUNNING)
    assert sent == [{"run_id": run.pk}]
    # The task is the service's thin wrapper: with the run recorded, it starts nothing more.
    calls: list[bool] = []
    monkeypatch.setattr("targets.services.recompute_catch_up_start", lambda: calls.append(True))
    assert tasks.recompute_catch_up() is False
    assert calls == [True] and RecomputeRun.objects.count() == 1
