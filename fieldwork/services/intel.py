from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from customers.domain import clean_date
from customers.models import (
    Competitor,
    Customer,
)
from fieldwork.models import IntelNote, Visit
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.attribution import unit_fields


def intel_note_create(
    *,
    user: Any,
    note: str,
    competitor: Competitor | None = None,
    customer: Customer | None = None,
    visit: Visit | None = None,
    date_: Any = None,
    today: date | None = None,
) -> IntelNote:
    today = today or timezone.localdate()
    author = authority.require_person(user)
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = [_("This field is required.")]
    day = today
    try:
        day = clean_date(date_ or today, field="date", today=today, allow_future=False)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if customer is not None and not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        errors["customer"] = [_("Not one of your customers.")]
    if visit is not None and visit.author_id != author.pk:
        errors["visit"] = [_("Link one of your own visit reports.")]
    if errors:
        raise ApplicationError(_("The intel note has errors."), fields=errors)
    return IntelNote.objects.create(
        competitor=competitor,
        customer=customer or (visit.customer if visit else None),
        visit=visit,
        author=author,
        **unit_fields(author, day),
        date=day,
        note=note.strip(),
    )
