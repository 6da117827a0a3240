"""Tasks (eager here; the real worker is in test_worker.py) and the management command."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from salesorg.periods import Period
from targets import tasks
from targets.models import Achievement, RecomputeRun, RunStatus
from targets.services import RecomputeBusy, achievements_recompute

pytestmark = pytest.mark.django_db


def test_nightly_computes_as_of_yesterday(org):
    run_id = tasks.recompute_achievements_nightly.delay(fan_out=False).get()
    run = RecomputeRun.objects.get(pk=run_id)
    yesterday = timezone.localdate() - timedelta(days=1)
    assert (run.as_of, run.status, run.trigger) == (yesterday, RunStatus.SUCCEEDED, "nightly")
    assert Achievement.objects.filter(as_of=yesterday).exists()


def test_nightly_fan_out_by_region_covers_every_region_and_the_company(org, settings):
    # Fan-out splits the full rebuild: tonight is the full one.
    settings.RECOMPUTE_FULL_WEEKDAY = timezone.localdate().weekday()
    tasks.recompute_achievements_nightly.delay(fan_out=True)
    runs = RecomputeRun.objects.all()
    # One part per region (2) and one for the company.
    assert runs.count() == 3 and all(r.status == RunStatus.SUCCEEDED for r in runs)
    assert Achievement.objects.filter(owner_kind="company").exists()
    assert Achievement.objects.filter(owner_kind="region").values("owner_key").distinct().count() == 2


def test_nights_count_what_changed_and_the_weekly_night_rebuilds(org, settings):
    from targets.models import RunMode
    from targets.tests import factories as f

    today = timezone.localdate()
    settings.RECOMPUTE_FULL_WEEKDAY = (today.weekday() + 1) % 7  # not tonight
    # The first night has no kept base: a full rebuild, whatever the setting.
    first = RecomputeRun.objects.get(pk=tasks.recompute_achievements_nightly.delay(fan_out=False).get())
    assert first.mode == RunMode.FULL
    f.visit(org.rep1a1, today - timedelta(days=1))
    second = RecomputeRun.objects.get(pk=tasks.recompute_achievements_nightly.delay(fan_out=False).get())
    assert (second.mode, second.status) == (RunMode.INCREMENTAL, RunStatus.SUCCEEDED)
    month = str(Period.month_of(today - timedelta(days=1)))
    assert Achievement.objects.get(owner_kind="rep", owner_key=org.rep1a1.pk, metric="visits", period=month).actual == 1
    # A run started from the page counts what changed too.
    page_run = RecomputeRun.objects.create(as_of=today - timedelta(days=1), trigger="manual")
    tasks.recompute_achievements.delay(run_id=page_run.pk).get()
    page_run.refresh_from_db()
    assert page_run.mode == RunMode.INCREMENTAL
    # The weekly night, and every night with RECOMPUTE_INCREMENTAL off, rebuild the year.
    settings.RECOMPUTE_FULL_WEEKDAY = today.weekday()
    weekly = RecomputeRun.objects.get(pk=tasks.recompute_achievements_nightly.delay(fan_out=False).get())
    assert weekly.mode == RunMode.FULL
    settings.RECOMPUTE_FULL_WEEKDAY = (today.weekday() + 1) % 7
    settings.RECOMPUTE_INCREMENTAL = False
    off = RecomputeRun.objects.get(pk=tasks.recompute_achievements_nightly.delay(fan_out=False).get())
    assert off.mode == RunMode.FULL


def test_catch_up_starts_the_missing_night_run(org, settings, monkeypatch):
    settings.NIGHTLY_RECOMPUTE_HOUR, settings.NIGHTLY_RECOMPUTE_MINUTE = 1, 30
    # 01:40: too early to call the night's run missing (15 minutes of grace).
    early = timezone.make_aware(datetime(2026, 3, 16, 1, 40))
    monkeypatch.setattr(timezone, "now", lambda: early)
    assert tasks.recompute_catch_up() is False
    # 02:00 and no run today: the catch-up starts it.
    late = timezone.make_aware(datetime(2026, 3, 16, 2, 0))
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert tasks.recompute_catch_up() is True
    assert RecomputeRun.objects.filter(as_of=date(2026, 3, 15), status=RunStatus.SUCCEEDED).count() == 1
    # Once it has succeeded, the next check leaves it alone.
    assert tasks.recompute_catch_up() is False


def test_catch_up_checks_queued_before_its_run_starts_do_not_start_another(org, settings, monkeypatch):
    settings.NIGHTLY_RECOMPUTE_HOUR, settings.NIGHTLY_RECOMPUTE_MINUTE = 1, 30
    late = timezone.make_aware(datetime(2026, 3, 16, 2, 0))
    monkeypatch.setattr(timezone, "now", lambda: late)
    sent: list[dict] = []
    monkeypatch.setattr(tasks.recompute_achievements, "delay", lambda **kwargs: sent.append(kwargs))
    # The first check records the run and sends it; the worker has not started it yet.
    assert tasks.recompute_catch_up() is True
    run = RecomputeRun.objects.get()
    assert (run.as_of, run.trigger, run.started_at, sent) == (date(2026, 3, 15), "nightly", None, [{"run_id": run.pk}])
    # Checks that were queued behind it see that run and start nothing.
    assert tasks.recompute_catch_up() is False
    assert RecomputeRun.objects.count() == 1 and len(sent) == 1


def test_catch_up_that_cannot_send_records_a_failed_run_and_the_next_check_retries(org, settings, monkeypatch):
    settings.NIGHTLY_RECOMPUTE_HOUR, settings.NIGHTLY_RECOMPUTE_MINUTE = 1, 30
    late = timezone.make_aware(datetime(2026, 3, 16, 2, 0))
    monkeypatch.setattr(timezone, "now", lambda: late)

    def broker_down(**kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.recompute_achievements, "delay", broker_down)
    with pytest.raises(ConnectionError):
        tasks.recompute_catch_up()
    run = RecomputeRun.objects.get()
    assert run.status == RunStatus.FAILED and "Redis is down" in run.error
    monkeypatch.undo()
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert tasks.recompute_catch_up() is True
    assert RecomputeRun.objects.filter(status=RunStatus.SUCCEEDED).count() == 1


def test_a_second_run_is_refused_while_one_runs(org):
    from django.db import connection

    RecomputeRun.objects.create(as_of=date(2026, 3, 15), started_at=timezone.now())
    if connection.vendor == "postgresql":
        # On PostgreSQL the lock is the advisory lock: another session holds it.
        import psycopg

        from targets.services.achievements import ADVISORY_LOCK_KEY

        params = connection.get_connection_params()
        other = psycopg.connect(
            **{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}
        )
        other.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        try:
            with pytest.raises(RecomputeBusy):
                achievements_recompute(as_of=date(2026, 3, 15))
        finally:
            other.close()
    else:
        with pytest.raises(RecomputeBusy):
            achievements_recompute(as_of=date(2026, 3, 15))
    assert RecomputeRun.objects.filter(status=RunStatus.FAILED).count() == 1
    assert not Achievement.objects.exists()


def test_management_command(org):
    out = StringIO()
    call_command("recompute_achievements", "--as-of", "2026-03-15", stdout=out)
    assert "as of 2026-03-15" in out.getvalue()
    assert Achievement.objects.filter(as_of=date(2026, 3, 15)).exists()
    with pytest.raises(CommandError):
        call_command("recompute_achievements", "--as-of", "2026-13-01")


@pytest.mark.parametrize(
    "task", [tasks.recompute_achievements, tasks.recompute_achievements_nightly, tasks.recompute_catch_up]
)
def test_every_task_is_on_the_one_delivery_policy(task):
    from django.db import DatabaseError

    # Acknowledged after it ran (a task whose worker died comes back), database errors retried.
    assert task.acks_late and task.reject_on_worker_lost
    assert DatabaseError in task.autoretry_for
    assert task.retry_backoff and task.retry_jitter and task.max_retries >= 3


STEPS: list[str] = []


def record_steps() -> dict:
    """A RECOMPUTE_HOOKS callable for the test below."""
    return {"on_step": STEPS.append}


def test_the_fault_seam_is_empty_unless_settings_name_a_hook(org, settings, monkeypatch):
    # The test settings, like production, name no hook: the engine gets none.
    assert settings.RECOMPUTE_HOOKS == ""
    run = RecomputeRun.objects.create(as_of=date(2026, 3, 15))
    called: list[dict] = []
    monkeypatch.setattr("targets.services.achievements_recompute", lambda **kwargs: called.append(kwargs) or run)
    tasks.recompute_achievements.delay(run_id=run.pk)
    assert set(called[0]) == {"as_of", "run", "region_ids", "include_company", "incremental"}


def test_the_fault_seam_hands_the_named_hooks_to_the_engine(org, settings):
    settings.RECOMPUTE_HOOKS = f"{__name__}.record_steps"
    settings.RECOMPUTE_INCREMENTAL = False  # full runs: every source is read, in this order
    STEPS.clear()
    tasks.recompute_achievements.delay(as_of="2026-03-15")
    assert STEPS == ["sales", "collection", "new_customers", "visits", "expenses", "product lines"]
    STEPS.clear()
    tasks.recompute_achievements_nightly.delay(fan_out=False)
    assert STEPS == ["sales", "collection", "new_customers", "visits", "expenses", "product lines"]


def _hold_the_lock():
    """Another run alive: on PostgreSQL another session holding the advisory lock, on SQLite a
    run recorded as running a moment ago. Returns the function that ends it."""
    from django.db import connection

    other_run = RecomputeRun.objects.create(
        as_of=date(2026, 3, 15), started_at=timezone.now(), status=RunStatus.RUNNING
    )
    if connection.vendor != "postgresql":
        return lambda: RecomputeRun.objects.filter(pk=other_run.pk).update(status=RunStatus.SUCCEEDED)
    import psycopg

    from targets.services.achievements import ADVISORY_LOCK_KEY

    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")})
    other.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
    return other.close


def test_a_part_that_finds_another_run_is_retried_not_dropped(org):
    """Two workers picking up two parts of a fanned-out night: the second finds the lock taken.
    The attempt is a failed run and the task asks Celery for a retry (eagerly here, the retry is
    raised; a worker sends it again after the backoff) instead of ending there."""
    from celery.exceptions import Retry

    region = org.tm1a.team.region_id
    release = _hold_the_lock()
    try:
        with pytest.raises(Retry) as retry:
            tasks.recompute_achievements.apply(kwargs={"as_of": "2026-03-15", "region_ids": [region]})
    finally:
        release()
    assert isinstance(retry.value.exc, RecomputeBusy)
    assert RecomputeRun.objects.filter(status=RunStatus.FAILED, region_ids=str(region)).count() == 1
    assert not Achievement.objects.exists()
    # The retry, once the other run has finished, runs the part.
    run_id = tasks.recompute_achievements.apply(kwargs={"as_of": "2026-03-15", "region_ids": [region]}).get()
    assert RecomputeRun.objects.get(pk=run_id).status == RunStatus.SUCCEEDED
    assert Achievement.objects.filter(owner_kind="region", owner_key=region).exists()
