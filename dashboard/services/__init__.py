"""Writes of the dashboard app: what it tells people (sent through `notifications.services.notify`)."""

from dashboard.services.alerts import (  # noqa: F401
    milestones_notify,
    weekly_digest_send,
)
from dashboard.services.morning import morning_digest_send  # noqa: F401
