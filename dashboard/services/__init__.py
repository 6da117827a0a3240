"""Writes of the dashboard app: notifications and what sends them."""

from dashboard.services.alerts import (  # noqa: F401
    follow_up_discipline_run,
    milestones_notify,
    weekly_digest_send,
)
from dashboard.services.notifications import (  # noqa: F401
    Draft,
    notification_mark_read,
    notifications_create,
    webhook_payload,
    webhook_post,
)
