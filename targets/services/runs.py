"""Starting recompute runs: from the browser or the API (the authority rule), and the catch-up
of a night's run that beat could not send."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from staff import authority
from targets.models import RecomputeRun, RunStatus
from targets.services.engine import STALE_RUN_AFTER, RecomputeBusy

logger = logging.getLogger(__name__)


def standard_as_of() -> date:
    """The as-of date of the night's run and of any manager's recompute: yesterday."""
    return timezone.localdate() - timedelta(days=1)


def recompute_run_start(*, user: Any, as_of: date, trigger: str = "manual") -> RecomputeRun:
    """Record a run and queue it (after commit); the page polls the run for its progress.

    Rule targets.recompute: any manager for yesterday, a director or an admin for another day.
    """
    from targets.tasks import recompute_achievements

    actor = authority.require(user, "targets.recompute", as_of=as_of, standard=standard_as_of())
    if RecomputeRun.objects.filter(status=RunStatus.RUNNING, started_at__gte=timezone.now() - STALE_RUN_AFTER).exists():
        raise RecomputeBusy(_("Another recompute is running; try again when it has finished."))
    run = RecomputeRun.objects.create(as_of=as_of, requested_by=actor.history_user(), trigger=trigger)
    transaction.on_commit(lambda: recompute_achievements.delay(run_id=run.pk))
    return run


def _night_run_missing(as_of: date, now: datetime) -> bool:
    """No full run for `as_of` today that succeeded, or that is running and not taken for dead."""
    today_start = timezone.make_aware(datetime.combine(now.date(), datetime.min.time()))
    done_or_running = RecomputeRun.objects.filter(as_of=as_of, created_at__gte=today_start).filter(
        status__in=[RunStatus.SUCCEEDED, RunStatus.RUNNING], region_ids=""
    )
    recent = timezone.now() - STALE_RUN_AFTER
    return not (
        done_or_running.filter(status=RunStatus.SUCCEEDED).exists()
        or done_or_running.filter(status=RunStatus.RUNNING)
        .filter(Q(started_at__gte=recent) | Q(started_at__isnull=True, created_at__gte=recent))
        .exists()
    )


def recompute_catch_up_start() -> RecomputeRun | None:
    """Start the night's run if it is past its time (plus NIGHTLY_RECOMPUTE_CATCH_UP_GRACE_MINUTES)
    and has not succeeded; the run started, or None.

    The run is recorded before its task is sent, so a check that runs before that task (checks
    queued up while the workers were away) sees it and does not start a second one. A run whose
    task could not be sent is recorded as failed, so the next check tries again.
    """
    from targets.tasks import recompute_achievements

    now = timezone.localtime()
    scheduled = now.replace(
        hour=settings.NIGHTLY_RECOMPUTE_HOUR, minute=settings.NIGHTLY_RECOMPUTE_MINUTE, second=0, microsecond=0
    )
    if now < scheduled + timedelta(minutes=settings.NIGHTLY_RECOMPUTE_CATCH_UP_GRACE_MINUTES):
        return None
    as_of = standard_as_of()
    if not _night_run_missing(as_of, now):
        return None
    logger.warning("nightly recompute for %s has not completed: starting it", as_of)
    run = RecomputeRun.objects.create(as_of=as_of, trigger="nightly")
    try:
        recompute_achievements.delay(run_id=run.pk)
    except Exception as exc:
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now()
        )
        raise
    return run
