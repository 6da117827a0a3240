"""Celery tasks of the targets app: thin wrappers around the achievement engine.

Reliability: `acks_late` + `reject_on_worker_lost` make a task whose worker died come back (Redis
redelivers it); database errors are retried with backoff; every attempt is a recorded run. The
engine itself takes a lock so two runs never overlap, and it is idempotent (a rerun replaces).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from salesorg.celery import RELIABLE_TASK
from targets.exceptions import RecomputeBusy

# The house policy, with the recompute's backoff and retries from settings (the worker tests
# shorten them; production keeps the house defaults). A recompute that finds another one running
# is retried too: the parts of a fanned-out night (one task per region, then the company) take the
# one lock in turn when two workers pick them up at once.
RELIABLE = {
    **RELIABLE_TASK,
    "autoretry_for": (*RELIABLE_TASK["autoretry_for"], RecomputeBusy),
    "retry_backoff": settings.RECOMPUTE_RETRY_BACKOFF,
    "retry_backoff_max": settings.RECOMPUTE_RETRY_BACKOFF_MAX,
    "max_retries": settings.RECOMPUTE_MAX_RETRIES,
}


def _engine_hooks() -> dict[str, Callable]:
    """The test seam: keyword arguments for the engine (`on_step`, `fail_after_write`) from the
    callable that the RECOMPUTE_HOOKS setting names. Empty unless test settings name one (the
    worker tests inject faults this way: targets/tests/faults.py)."""
    path = settings.RECOMPUTE_HOOKS
    return import_string(path)() if path else {}


def _yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


@shared_task(**RELIABLE)
def recompute_achievements(
    run_id: int | None = None,
    as_of: str | None = None,
    region_ids: list[int] | None = None,
    include_company: bool | None = None,
) -> int:
    """Run one recompute (a run recorded by the page, or a new one). Returns the run id. A
    whole-company run counts only what changed since the last run (RECOMPUTE_INCREMENTAL)."""
    from targets.models import RecomputeRun, RunStatus
    from targets.services import achievements_recompute

    run = None
    if run_id is not None:
        run = RecomputeRun.objects.get(pk=run_id)
        if run.status == RunStatus.SUCCEEDED:
            return run.pk  # already done (a redelivered message)
        day = run.as_of
    else:
        day = date.fromisoformat(as_of) if as_of else _yesterday()
    run = achievements_recompute(
        as_of=day,
        run=run,
        region_ids=region_ids,
        include_company=include_company,
        incremental=settings.RECOMPUTE_INCREMENTAL,
        **_engine_hooks(),
    )
    return run.pk


@shared_task(**RELIABLE)
def recompute_achievements_nightly(fan_out: bool | None = None) -> int | None:
    """The night's run, as of yesterday: what changed since the last run (RECOMPUTE_INCREMENTAL),
    or on RECOMPUTE_FULL_WEEKDAY a full rebuild; a full rebuild with fan-out is one task per region
    plus one for the company."""
    from staff.models import Region
    from targets.models import RecomputeRun
    from targets.services import achievements_recompute

    as_of = _yesterday()
    full = not settings.RECOMPUTE_INCREMENTAL or timezone.localdate().weekday() == settings.RECOMPUTE_FULL_WEEKDAY
    if fan_out is None:
        fan_out = getattr(settings, "RECOMPUTE_FAN_OUT_BY_REGION", False)
    if fan_out and full:
        for region_id in Region.objects.values_list("id", flat=True):
            recompute_achievements.delay(as_of=as_of.isoformat(), region_ids=[region_id])
        recompute_achievements.delay(as_of=as_of.isoformat(), region_ids=[], include_company=True)
        return None
    run = RecomputeRun.objects.create(as_of=as_of, trigger="nightly")
    return achievements_recompute(as_of=as_of, run=run, incremental=not full, **_engine_hooks()).pk


@shared_task(**RELIABLE_TASK)
def recompute_catch_up() -> bool:
    """Every 15 minutes: start the night's run if it is overdue and has not succeeded (the rules
    are the service's, `recompute_catch_up_start`). Beat does not resend a message it failed to
    send (Redis down at that minute); this check does. True when it started a run."""
    from targets.services import recompute_catch_up_start

    return recompute_catch_up_start() is not None


@shared_task(**RELIABLE_TASK)
def forecast_snapshot_weekly(today: str | None = None) -> int:
    """Keep this week's forecast of every owner (beat: Mondays, after the night's recompute)."""
    from targets.services.forecast import forecast_snapshot_take

    return forecast_snapshot_take(today=date.fromisoformat(today) if today else None)


@shared_task(**RELIABLE_TASK)
def pace_gap_prescriptions_weekly(today: str | None = None) -> int:
    """Send each rep behind pace (and their manager) what it takes to close the gap (beat: Mondays)."""
    from targets.services.prescriptions import pace_gap_notify

    return pace_gap_notify(today=date.fromisoformat(today) if today else None)
