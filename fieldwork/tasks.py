"""Celery tasks of fieldwork (thin: each calls a service), on the house delivery policy."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from salesorg.celery import RELIABLE_TASK


@shared_task(**RELIABLE_TASK)
def remind_next_contacts(today: str | None = None) -> int:
    """Daily: remind reps of the next contacts they set on their visits, now due."""
    from fieldwork.services.reminders import next_contact_reminders_send

    return next_contact_reminders_send(today=date.fromisoformat(today) if today else timezone.localdate())
