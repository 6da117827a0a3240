"""Writes of the dashboard app: what it tells people (sent through `notifications.services.notify`)."""

from dashboard.services.alerts import (  # noqa: F401
    follow_up_discipline_run,
    milestones_notify,
    weekly_digest_send,
)
