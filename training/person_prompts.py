"""The prompt training adds to the person page (filled into staff's person-prompt registry): a
person on probation whose onboarding is complete is ready to pass probation (转正)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from staff.models import PersonStatus
from training.models import Onboarding


def onboarding_complete_prompt(person: Any) -> str | None:
    """ "Onboarding complete: pass probation?" while the person is on probation; None otherwise."""
    if person.status != PersonStatus.PROBATION:
        return None
    completed = Onboarding.objects.filter(person=person, completed_on__isnull=False)
    completed_on = completed.values_list("completed_on", flat=True).first()
    if completed_on is None:
        return None
    return _("%(name)s completed onboarding on %(date)s and is still on probation: consider passing probation.") % {
        "name": person.name,
        "date": completed_on,
    }
