"""Sending the pace-gap prescriptions: each rep behind pace and their manager, weekly, in-app (and
by e-mail where they have an address) through the notifications service, in each reader's language."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from targets.prescriptions import pace_gaps


def pace_gap_notify(*, today: date | None = None) -> int:
    """Tell every rep behind pace on this month's sales target what it takes to close the gap, and
    their manager the same. Once per recipient, rep and week (a rerun sends nothing twice).
    Returns the notifications written."""
    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    drafts: list[Draft] = []
    url = reverse("home")
    for gap in pace_gaps(user=None, today=today, limit=None):
        rep = gap.achievement.person
        if rep is None:
            continue
        recipients = [rep] + ([rep.manager] if rep.manager is not None else [])
        for person in recipients:
            with translation.override(language_of(person)):
                if person.pk == rep.pk:
                    title = _("Behind pace on %(period)s: what it takes") % {"period": gap.achievement.period}
                else:
                    title = _("%(rep)s is behind pace on %(period)s: what it takes") % {
                        "rep": rep.name,
                        "period": gap.achievement.period,
                    }
                body = gap.text
            drafts.append(
                Draft(
                    recipient_id=person.pk,
                    kind=NotificationKind.DIGEST,
                    title=str(title),
                    body=str(body),
                    dedupe_key=f"pace_gap:{rep.pk}:{gap.achievement.period}:{year}-W{week:02d}",
                    url=url,
                    email=person.email or "",
                )
            )
    return len(notify(drafts=drafts))
