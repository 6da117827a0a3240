"""The nightly recompute: the parts the targets app's own tests do not cover.

Already covered in `targets/tests/`: a rerun gives identical results (test_engine), a failed run
leaves the previous results (test_engine), a worker killed mid-run comes back (test_worker).
Here:
- two runs at once on PostgreSQL: the advisory lock keeps the second out, it is recorded as a
  failed run naming the other, and the results equal a clean single run;
- tasks are queued only after commit (a rolled-back request queues nothing);
- a database error inside the run is recorded as a failed run (never silently dropped), and the
  task retries database errors with backoff (its declared policy);
- the catch-up check starts the missed night's run exactly once, and not again once it succeeded
  (in-process here; targets/tests/test_redis_down.py does it with a throwaway Redis down at the
  scheduled time, real `celery beat` and a real worker, and proves the database-error retries there).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone


def _snapshot():
    from targets.models import Achievement

    fields = [f.name for f in Achievement._meta.concrete_fields if f.name not in ("id", "computed_at", "run")]
    return sorted(tuple(str(v) for v in row) for row in Achievement.objects.values_list(*fields))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_the_lock_keeps_the_second_out(org):
    from targets.models import RecomputeRun, RunStatus
    from targets.services import achievements_recompute
    from targets.services.achievements import RecomputeBusy

    as_of = timezone.localdate() - timedelta(days=1)
    achievements_recompute(as_of=as_of)
    clean = _snapshot()

    paused, resume = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        def hook(step: str) -> None:
            if not paused.is_set():
                paused.set()
                resume.wait(30)

        try:
            outcome["first"] = achievements_recompute(as_of=as_of, on_step=hook)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcome["first"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert paused.wait(30), "the first run never reached its first step"
        with pytest.raises(RecomputeBusy):
            achievements_recompute(as_of=as_of)
    finally:
        resume.set()
        thread.join(60)
    assert not isinstance(outcome.get("first"), Exception), outcome
    assert outcome["first"].status == RunStatus.SUCCEEDED
    kept_out = RecomputeRun.objects.filter(status=RunStatus.FAILED).order_by("-pk").first()
    assert kept_out is not None and "Another recompute" in kept_out.error
    assert _snapshot() == clean


@pytest.mark.django_db
def test_a_run_is_queued_only_after_commit(org, django_capture_on_commit_callbacks):
    from targets.models import RecomputeRun, RunStatus
    from targets.services import recompute_run_start

    as_of = timezone.localdate() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = recompute_run_start(as_of=as_of, user=org.director.user)
    # Not sent yet: the worker would not find the row before the request commits.
    run.refresh_from_db()
    assert run.started_at is None and run.status != RunStatus.SUCCEEDED
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the (eager) task runs
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED

    # A request that rolls back queues nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                recompute_run_start(as_of=as_of, user=org.director.user)
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert RecomputeRun.objects.count() == 1


@pytest.mark.django_db
def test_a_database_error_is_recorded_as_a_failed_run(org):
    from targets.models import RecomputeRun, RunStatus
    from targets.services import achievements_recompute

    def broken() -> None:
        # A real database error: a statement on a table that does not exist.
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_for_the_test")

    with pytest.raises(DatabaseError):
        achievements_recompute(as_of=timezone.localdate() - timedelta(days=1), fail_after_write=broken)
    run = RecomputeRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.error and run.finished_at is not None


def test_tasks_retry_database_errors_with_backoff():
    from targets.tasks import recompute_achievements, recompute_achievements_nightly

    for task in (recompute_achievements, recompute_achievements_nightly):
        assert DatabaseError in task.autoretry_for
        assert task.retry_backoff and task.max_retries >= 3
        assert task.acks_late and task.reject_on_worker_lost


@pytest.mark.django_db
def test_catch_up_runs_the_missed_night_once(org, settings):
    from targets.models import RecomputeRun, RunStatus
    from targets.tasks import recompute_catch_up

    now = timezone.localtime()
    # The night's run was due well before now (beat could not send it: Redis was down).
    scheduled = now - timedelta(hours=1)
    if scheduled.date() != now.date():
        pytest.skip("too close to midnight for this check")
    settings.NIGHTLY_RECOMPUTE_HOUR, settings.NIGHTLY_RECOMPUTE_MINUTE = scheduled.hour, scheduled.minute
    assert RecomputeRun.objects.count() == 0
    assert recompute_catch_up() is True  # eager: the missed run happens now
    runs = list(RecomputeRun.objects.all())
    assert len(runs) == 1 and runs[0].status == RunStatus.SUCCEEDED
    assert recompute_catch_up() is False  # already done: not run twice
    assert RecomputeRun.objects.count() == 1
