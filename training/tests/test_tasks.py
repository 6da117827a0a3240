"""Training's tasks: on the one delivery policy (what they do is tested with their services)."""

from __future__ import annotations

from django.db import DatabaseError

from salesorg.celery import RELIABLE_TASK
from training.tasks import remind_missing_work_reports


def test_the_morning_reminder_is_on_the_one_delivery_policy():
    task = remind_missing_work_reports
    # Acknowledged after it ran (a task whose worker died comes back), database errors retried.
    assert task.acks_late and task.reject_on_worker_lost
    assert task.autoretry_for == RELIABLE_TASK["autoretry_for"] == (DatabaseError,)
    assert task.max_retries == RELIABLE_TASK["max_retries"]
