"""What customers answers when staff tells it something (connected in `CustomersConfig.ready()`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from customers.models import Customer, CustomerMove, MoveKind
from notifications.models import NotificationKind
from notifications.services import Draft, notify
from salesorg.exceptions import ApplicationError


def hand_over_customers(
    sender: Any, person: Any, successor: Any, on: Any, customer_ids: list[int] | None, **_kwargs: Any
) -> dict[str, int]:
    """`person`'s customers (all, or those listed) go to `successor`, each move recorded."""
    customers = list(Customer.objects.filter(owner=person).order_by("pk"))
    if customer_ids is not None:
        foreign = set(customer_ids) - {c.pk for c in customers}
        if foreign:
            raise ApplicationError(
                _("Only %(name)s's own customers are handed over.") % {"name": person.name},
                fields={"customer_ids": [_("Not this person's customers: %(ids)s") % {"ids": sorted(foreign)}]},
            )
        customers = [c for c in customers if c.pk in set(customer_ids)]
    for customer in customers:
        customer.owner, customer.owner_since = successor, on
        customer.team_id, customer.region_id = successor.team_id, successor.region_id
        customer.pool_due_date = customer.pool_warned_on = None
    fields = ["owner", "owner_since", "team", "region", "pool_due_date", "pool_warned_on"]
    bulk_update_with_history(customers, Customer, fields, default_change_reason="handover")
    reason = _("Handover from %(name)s") % {"name": person.name}
    CustomerMove.objects.bulk_create(
        CustomerMove(
            customer=c, date=on, kind=MoveKind.TRANSFERRED, from_owner=person, to_owner=successor, reason=reason
        )
        for c in customers
    )
    if customers:
        with translation.override(successor.language or None):
            title = _("%(count)s customers of %(name)s are now yours") % {"count": len(customers), "name": person.name}
        notify(
            drafts=[
                Draft(
                    recipient_id=successor.pk, kind=NotificationKind.HANDOVER, title=str(title), body="",
                    dedupe_key=f"handover:{person.pk}:{on.isoformat()}:customers",
                    url=reverse("customers:customer-list") + f"?owner={successor.pk}", email=successor.email,
                )
            ]
        )  # fmt: skip
    return {"customers": len(customers)}
