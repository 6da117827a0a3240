"""Handover when a person leaves or moves: what they look after goes to a successor.

Staff knows none of it (customers, opportunities, action items live in the apps above): it checks
who may hand over (the org-change rule for both people), sends `staff.signals.person_handed_over`
inside the transaction, records the handover as an employment event with what each app reported,
and returns those counts. Each app moves its own records with their history and tells the
successor. Orders, visits and past actuals stay where they were recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import EmploymentEvent, EventKind, Person, PersonStatus
from staff.signals import person_handed_over

# How the event's reason names what each app reported (the keys stay in the API's answer).
KINDS = {
    "customers": gettext_lazy("customers"),
    "opportunities": gettext_lazy("open opportunities"),
    "action_items": gettext_lazy("open action items"),
}


@transaction.atomic
def person_handover(
    *,
    person: Person,
    successor: Person,
    on: date,
    recorded_by: Any = None,
    customer_ids: Iterable[int] | None = None,
) -> dict[str, int]:
    """Hand `person`'s customers (all, or those of `customer_ids`), open opportunities and open
    action items to `successor` from `on`. Returns what moved, by kind."""
    if recorded_by is not None:
        authority.require(recorded_by, "org.change", person)
        authority.require(recorded_by, "org.change", successor)
    if successor.pk == person.pk:
        raise ApplicationError(
            _("Choose someone else as the successor."), fields={"successor": [_("Not the same person.")]}
        )
    if successor.status == PersonStatus.LEFT or (successor.left_on is not None and successor.left_on <= on):
        raise ApplicationError(_("The successor has left."), fields={"successor": [_("Has left.")]})
    ids = None if customer_ids is None else sorted(set(customer_ids))
    counts: dict[str, int] = {}
    for _receiver, moved in person_handed_over.send(
        sender=Person, person=person, successor=successor, on=on, customer_ids=ids, recorded_by=recorded_by
    ):
        counts.update(moved or {})
    summary = ", ".join(f"{KINDS.get(kind, kind)}: {count}" for kind, count in sorted(counts.items())) or "-"
    EmploymentEvent.objects.create(
        person=person,
        kind=EventKind.HANDED_OVER,
        date=on,
        reason=_("Handed over to %(successor)s (%(summary)s).") % {"successor": successor.name, "summary": summary},
        to_manager=None,
        recorded_by=recorded_by,
    )
    return counts
