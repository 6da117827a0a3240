"""Reads of the inbox: always the viewer's own messages, through the data-scope rule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from notifications.models import Notification
from staff.models import Person
from staff.scope import viewer_for


def inbox(*, user: Any) -> QuerySet[Notification]:
    """The viewer's own notifications, newest first (none for a user who is not a person)."""
    viewer = viewer_for(user)
    return Notification.objects.visible_to(user).filter(recipient_id=viewer.person_id)


def unread_for(*, user: Any, person: Person, limit: int = 5) -> list[Notification]:
    """A person's newest unread notifications, as far as the user may see them."""
    return list(Notification.objects.visible_to(user).filter(recipient=person).unread()[:limit])
