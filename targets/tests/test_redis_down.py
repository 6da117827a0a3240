"""The nightly recompute's failure modes with real processes: a throwaway `redis-server`, a real
Celery worker, a real `celery beat` (django-celery-beat's DatabaseScheduler), PostgreSQL.

- Redis down at the scheduled time: beat's send of the nightly task fails (beat logs it and carries
  on; it never resends it), no run is recorded; once Redis is back, the catch-up check that beat
  sends runs on the worker and starts the missed run, exactly once, with the results of a clean run.
- Database errors: the task is retried with backoff; a run that keeps failing ends as recorded
  failed runs (one per attempt, with the error), never silently dropped.

Beat runs with a short schedule of the test's own in its tables (the worker test settings leave the
production entries out); the catch-up's clock is the real one, with the night's time set to the
current minute and no grace through the worker's environment.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from targets.models import Achievement, RecomputeRun, RunStatus
from targets.services import achievements_recompute
from targets.services.achievements import fiscal_year_of
from targets.tests import factories as f
from targets.tests.realtasks import achievement_snapshot, send_task, start_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.redis]

NIGHTLY = "targets.tasks.recompute_achievements_nightly"
CATCH_UP = "targets.tasks.recompute_catch_up"


def _yesterday_or_skip() -> date:
    now = timezone.localtime()
    if (now + timedelta(minutes=2)).date() != now.date():
        pytest.skip("too close to midnight: 'yesterday' would change during the test")
    return now.date() - timedelta(days=1)


def _records(o, as_of: date) -> None:
    cust = f.customer(o.rep1a1)
    order = f.order(
        cust,
        as_of,
        lines=[("250.00", "100.00")],
        shares=[(o.rep1a1, o.t1a, o.r1, "100", "250.00", "150.00", True)],
    )
    f.payment(order, as_of, "100.00")
    f.target(o.rep1a1, period=str(fiscal_year_of(as_of)), value="1000.00", status="approved")


def _assert_clean_run_results(o, as_of: date) -> None:
    after_worker = achievement_snapshot()
    year = str(fiscal_year_of(as_of))
    row = Achievement.objects.get(owner_kind="rep", owner_key=o.rep1a1.pk, metric="sales_amount", period=year)
    assert (str(row.actual), str(row.rate)) == ("250.00", "0.2500")
    achievements_recompute(as_of=as_of)
    assert achievement_snapshot() == after_worker


def _after_send(beat_log: str, entry: str) -> str | None:
    """What beat logged after its first send of `entry`: "error" (the send failed), "next" (the
    next send came without an error), or None (nothing yet)."""
    lines = beat_log.splitlines()
    for i, line in enumerate(lines):
        if f"Sending due task {entry} (" in line:
            for later in lines[i + 1 :]:
                if "Message Error" in later:
                    return "error"
                if "Sending due task" in later:
                    return "next"
            return None
    return None


def _worker_results(log: str, task: str, result: str) -> int:
    return len(re.findall(rf"{re.escape(task)}\[[^\]]+\] succeeded in [0-9.]+s: {result}\b", log))


def test_redis_down_at_the_scheduled_time_the_catch_up_runs_the_missed_night_once(
    org, throwaway_redis, celery_process, tmp_path
):
    as_of = _yesterday_or_skip()
    _records(org, as_of)
    redis = throwaway_redis
    now = timezone.localtime()
    # The night's run is due this minute, without grace: the catch-up may start it whenever it runs.
    clock = {
        "NIGHTLY_RECOMPUTE_HOUR": str(now.hour),
        "NIGHTLY_RECOMPUTE_MINUTE": str(now.minute),
        "NIGHTLY_RECOMPUTE_CATCH_UP_GRACE_MINUTES": "0",
    }
    worker = start_worker(celery_process, redis.url, **clock)
    wait_for(lambda: " ready." in worker.text(), 60, lambda: "the worker: " + worker.tail())

    # Beat has been running with Redis up (its connection is open): a first entry went through.
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="warm-up", task="celery.backend_cleanup", interval=every_second, one_off=True)
    beat = celery_process("beat", redis.url, "--max-interval", "1", "-s", str(tmp_path / "beat-schedule"), **clock)
    wait_for(
        lambda: _worker_results(worker.text(), "celery.backend_cleanup", "None"),
        60,
        lambda: "beat's first task: " + beat.tail() + worker.tail(),
    )

    # Redis goes down; then the night's entry is due, and the catch-up entry every 2 seconds.
    redis.stop()
    every_2_seconds = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="nightly", task=NIGHTLY, interval=every_second, one_off=True)
    PeriodicTask.objects.create(name="catch-up", task=CATCH_UP, interval=every_2_seconds)

    # Beat's send of the nightly task fails; beat logs it and carries on (and never resends it).
    wait_for(lambda: _after_send(beat.text(), "nightly") == "error", 40, lambda: "the failed send: " + beat.tail())
    wait_for(lambda: _after_send(beat.text(), "catch-up") == "error", 20, lambda: "a failed check: " + beat.tail())
    assert beat.proc.poll() is None
    assert not RecomputeRun.objects.filter(as_of=as_of).exists()

    # Redis is back (empty): the next catch-up check reaches the worker and starts the missed run.
    redis.start()
    run = wait_for(
        lambda: RecomputeRun.objects.filter(as_of=as_of, status=RunStatus.SUCCEEDED).first(),
        60,
        lambda: "the missed run: " + beat.tail() + worker.tail(),
    )
    assert run.trigger == "nightly" and run.region_ids == ""
    # Later checks (every 2 seconds) leave it alone.
    checks_done = _worker_results(worker.text(), CATCH_UP, "False")
    wait_for(
        lambda: _worker_results(worker.text(), CATCH_UP, "False") >= checks_done + 2,
        30,
        lambda: "two more checks: " + worker.tail(),
    )
    beat.stop()
    assert _worker_results(worker.text(), CATCH_UP, "True") == 1
    assert list(RecomputeRun.objects.filter(as_of=as_of).values_list("pk", "status")) == [(run.pk, RunStatus.SUCCEEDED)]
    assert "nightly" in beat.text() and beat.text().count("Sending due task nightly (") == 1
    _assert_clean_run_results(org, as_of)


def test_database_errors_are_retried_with_backoff_then_recorded_as_failed_runs(
    org, throwaway_redis, celery_process, tmp_path
):
    as_of = _yesterday_or_skip()
    _records(org, as_of)
    fail = tmp_path / "fail"  # holds how many runs still fail (the worker test settings' hook)
    worker = start_worker(
        celery_process,
        throwaway_redis.url,
        RECOMPUTE_TEST_FAIL_FILE=str(fail),
        RECOMPUTE_RETRY_BACKOFF="1",
        RECOMPUTE_RETRY_BACKOFF_MAX="2",
        RECOMPUTE_MAX_RETRIES="2",
    )
    wait_for(lambda: " ready." in worker.text(), 60, lambda: "the worker: " + worker.tail())
    runs = RecomputeRun.objects.filter(as_of=as_of, trigger="nightly")

    # Two database errors, then the database is fine: retried after a backoff, the third try succeeds.
    fail.write_text("2")
    send_task(throwaway_redis.url, NIGHTLY, kwargs={"fan_out": False})
    wait_for(lambda: runs.filter(status=RunStatus.SUCCEEDED).exists(), 60, lambda: "the retried run: " + worker.tail())
    log = worker.text()
    assert len(re.findall(rf"{re.escape(NIGHTLY)}\[[^\]]+\] retry: Retry in \d+s: ProgrammingError", log)) == 2
    failed = runs.filter(status=RunStatus.FAILED)
    assert failed.count() == 2
    assert all("no_such_table_for_the_worker_test" in run.error and run.finished_at for run in failed)
    _assert_clean_run_results(org, as_of)

    # Errors on every try: the first try and two retries are recorded failed runs, then it gives up.
    fail.write_text("99")
    send_task(throwaway_redis.url, NIGHTLY, kwargs={"fan_out": False})
    wait_for(
        lambda: re.search(rf"{re.escape(NIGHTLY)}\[[^\]]+\] raised unexpected: ProgrammingError", worker.text()),
        60,
        lambda: "the task to give up: " + worker.tail(),
    )
    assert fail.read_text() == "96"  # three tries
    assert runs.filter(status=RunStatus.FAILED).count() == 2 + 3
    assert runs.filter(status=RunStatus.SUCCEEDED).count() == 1
    assert not runs.filter(status=RunStatus.RUNNING).exists()
    last = runs.first()
    assert last.status == RunStatus.FAILED and "no_such_table_for_the_worker_test" in last.error
