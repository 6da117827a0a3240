"""The dated membership the employment services keep, and the re-filing it triggers.

`move(person, on, ...)` closes the membership that covers `on` (it ends the day before) and opens
one from `on` with the new position, team, region or manager. A change dated in the past re-files
the records dated from then on: `staff.signals.membership_changed` is sent inside the same
transaction, and the apps that keep records with a unit on them (sales, fieldwork) re-file theirs;
one that may not (appraisal, for a period already approved) raises an `ApplicationError`, which
refuses the whole change.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff.models import Membership, Person
from staff.signals import membership_changed


def open_first(person: Person) -> Membership:
    """The membership a hire starts with."""
    return Membership.objects.create(
        person=person,
        start=person.hire_date,
        position=person.position,
        team=person.team,
        region=person.region,
        manager=person.manager,
    )


def ensure_first(person: Person) -> None:
    """Before a change: a person without membership (made before memberships were kept, or by a
    fixture) gets one from the hire date with where they stand now, so the change splits it."""
    if not Membership.objects.filter(person=person).exists():
        open_first(person)


def refuse_future(on: date) -> None:
    if on > timezone.localdate():
        raise ApplicationError(
            _("Record this change on or after its date; a change dated in the future cannot be recorded yet."),
            fields={"on": [_("The date is in the future.")]},
        )


def move(person: Person, *, on: date, recorded_by: Any = None, **changes: Any) -> Membership:
    """From `on`, `person` stands where `changes` say (position, team, region, manager)."""
    memberships = list(Membership.objects.select_for_update().filter(person=person).order_by("start"))
    later = [m for m in memberships if m.start > on]
    if later:
        raise ApplicationError(
            _("A later change (from %(date)s) is on record; a change must come after it.") % {"date": later[-1].start},
            fields={"on": [_("Before the latest change.")]},
        )
    if not memberships:
        raise ApplicationError(_("This person has no membership on record."), fields={"person": [_("No membership.")]})
    current = memberships[-1]
    state = {field: changes.get(field, getattr(current, field)) for field in ("position", "team", "region", "manager")}
    if current.start == on:
        for field, value in state.items():
            setattr(current, field, value)
        current.end = None
        current.save()
        membership = current
    else:
        current.end = on - timedelta(days=1)
        current.save(update_fields=["end"])
        membership = Membership.objects.create(person=person, start=on, **state)
    membership_changed.send(sender=Person, person=person, since=on, recorded_by=recorded_by)
    return membership


def close_all(people: list[Person]) -> None:
    """Those who leave: each open membership ends on its person's leaving date (one statement)."""
    left_on = Person.objects.filter(pk=OuterRef("person_id")).values("left_on")[:1]
    Membership.objects.filter(person__in=people, end__isnull=True).update(end=Subquery(left_on))
