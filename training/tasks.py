"""Celery tasks of training (thin: each calls a service)."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from salesorg.celery import RELIABLE_TASK


@shared_task(**RELIABLE_TASK)
def remind_missing_work_reports(today: str | None = None) -> dict[str, int]:
    """Morning job: e-mail the reps whose daily, weekly or monthly report is overdue."""
    from training.services import work_reports_remind_overdue

    return work_reports_remind_overdue(today=date.fromisoformat(today) if today else timezone.localdate())
