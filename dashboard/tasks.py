"""Celery tasks of the dashboard: thin, idempotent (every message carries a dedupe key)."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from salesorg.celery import RELIABLE_TASK


def _day(value: str | None) -> date:
    return date.fromisoformat(value) if value else timezone.localdate()


@shared_task(**RELIABLE_TASK)
def notify_milestones(as_of: str | None = None) -> int:
    from dashboard.services import milestones_notify

    return milestones_notify(as_of=date.fromisoformat(as_of) if as_of else None)


@shared_task(**RELIABLE_TASK)
def send_morning_digest(today: str | None = None) -> int:
    from dashboard.services import morning_digest_send

    return morning_digest_send(today=_day(today))


@shared_task(**RELIABLE_TASK)
def send_weekly_digest(today: str | None = None) -> int:
    from dashboard.services import weekly_digest_send

    return weekly_digest_send(today=_day(today))
