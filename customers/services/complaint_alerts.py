"""Who hears about complaints: a new one tells the customer's owner and the owner's manager; one
still open after `COMPLAINT_ESCALATION_DAYS` days is escalated to the regional manager(s) of the
owner's region. Each message once per complaint and recipient (its key), in the reader's language.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from customers.models import Complaint, ComplaintStatus
from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from staff.models import Person, PersonStatus, Position


def escalation_days() -> int:
    return int(getattr(settings, "COMPLAINT_ESCALATION_DAYS", 3))


def _draft(person: Person, complaint: Complaint, *, kind: str, key: str, days: int = 0) -> Draft:
    with translation.override(language_of(person)):
        if kind == NotificationKind.COMPLAINT:
            title = _("New complaint from %(customer)s: %(subject)s")
        else:
            title = _("Complaint from %(customer)s open for %(days)s days: %(subject)s")
        title = title % {"customer": complaint.customer.name, "subject": complaint.subject, "days": days}
    return Draft(
        recipient_id=person.pk,
        kind=kind,
        title=str(title),
        body=complaint.description,
        dedupe_key=key,
        url=reverse("customers:customer-detail", args=[complaint.customer_id]),
        email=person.email,
    )


def complaint_notify_new(*, complaint: Complaint, actor_person_id: int | None) -> int:
    """Tell the customer's owner and their manager about a new complaint (not the one who filed it)."""
    owner = complaint.customer.owner
    people = [p for p in (owner, owner.manager if owner else None) if p is not None]
    drafts = [
        _draft(p, complaint, kind=NotificationKind.COMPLAINT, key=f"complaint:{complaint.pk}")
        for p in people
        if p.pk != actor_person_id and p.status != PersonStatus.LEFT
    ]
    return len(notify(drafts=drafts))


def complaints_escalate(*, today: date) -> int:
    """Escalate complaints open `escalation_days()` or more to the owner's regional manager(s), once."""
    due = today - timedelta(days=escalation_days())
    complaints = list(
        Complaint.objects.exclude(status=ComplaintStatus.CLOSED)
        .filter(received_on__lte=due, customer__owner__isnull=False)
        .select_related("customer__owner")
    )
    region_ids = {c.customer.owner.region_id for c in complaints if c.customer.owner.region_id}
    managers: dict[int, list[Person]] = {}
    for m in Person.objects.filter(Q(position=Position.REGIONAL_MANAGER, region_id__in=region_ids)).exclude(
        status=PersonStatus.LEFT
    ):
        managers.setdefault(m.region_id, []).append(m)
    drafts = [
        _draft(
            m,
            c,
            kind=NotificationKind.COMPLAINT_ESCALATED,
            key=f"complaint_escalated:{c.pk}",
            days=(today - c.received_on).days,
        )
        for c in complaints
        for m in managers.get(c.customer.owner.region_id, [])
    ]
    return len(notify(drafts=drafts))
