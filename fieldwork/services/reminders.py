"""Reminders of the next contacts that reps set on their visit reports.

A visit's next-step date that fell due today or in the last week, with no later visit to the same
customer since, reminds the visit's author (in-app and e-mail, through
`notifications.services.notify`; one key per visit, so a rerun sends nothing twice). Run daily by
`fieldwork.tasks.remind_next_contacts`, beside the customers' follow-up discipline (which counts
days without contact; this reads what a rep promised on a visit).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from fieldwork.models import Visit
from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify

# How many days back a next contact not yet kept is still reminded.
REMIND_WITHIN_DAYS = 7


def next_contact_reminders_send(*, today: date) -> int:
    """Remind authors of the next contacts due (today or within the last week). Returns messages sent.

    A fixed number of queries whatever the number of visits.
    """
    due = (
        Visit.objects.next_step_open()
        .filter(next_step_date__lte=today, next_step_date__gte=today - timedelta(days=REMIND_WITHIN_DAYS))
        .select_related("customer", "author")
    )
    drafts = []
    for visit in due:
        with translation.override(language_of(visit.author)):
            title = _("Next contact with %(customer)s is due (%(date)s)") % {
                "customer": visit.customer.name,
                "date": visit.next_step_date.isoformat(),
            }
        drafts.append(
            Draft(
                recipient_id=visit.author_id,
                kind=NotificationKind.NEXT_CONTACT,
                title=str(title),
                body=visit.next_step,
                dedupe_key=f"next_contact:{visit.pk}",
                url=reverse("fieldwork:visit-create") + f"?customer={visit.customer_id}",
                email=visit.author.email,
            )
        )
    return len(notify(drafts=drafts))
