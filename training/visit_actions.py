"""The joint-visit review offered on the visit page (filled into customers' visit-action registry)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from fieldwork.models import Visit
from fieldwork.visit_actions import VisitAction
from staff.authority import actor_of
from training.services.coaching import joint_visit_reviewable


def joint_visit_review_action(user: Any, visit: Visit) -> VisitAction | None:
    """ "Review this joint visit", for a manager who may record the review now; None otherwise."""
    person = actor_of(user).person
    if person is None or not joint_visit_reviewable(visit=visit, by=person):
        return None
    url = reverse("training:session-create") + "?" + urlencode({"kind": "joint_visit_review", "visit": visit.pk})
    return VisitAction(label=_("Review this joint visit"), url=url)
