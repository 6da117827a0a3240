"""Who may act on an order (the authority rule, staff/authority.py), asked by every sales write.

`user=None` is the system (the importer, the demo): it is never refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from customers.models import Customer, CustomerKind
from sales.models import Order, OrderStatus
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Person


def require_visible_order(order: Order, user: Any) -> None:
    if user is not None and not Order.objects.visible_to(user).filter(pk=order.pk).exists():
        raise ApplicationError(_("This order is outside your scope."), fields={"order": [_("Not found.")]})


def require_visible_customer(customer: Customer, user: Any, *, field: str) -> None:
    if not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        raise ApplicationError(_("This customer is outside your scope."), fields={field: [_("Not found.")]})


def require_order_edit(order: Order, user: Any) -> None:
    """Edit, submit or cancel an order that does not count yet (rule sales.edit_record)."""
    if user is not None:
        authority.require(user, "sales.edit_record", order, people=order.people_ids, units=order.credit_units)


def require_order_approver(order: Order, user: Any) -> None:
    """Approve, reject, change a confirmed order, post a payment (rule sales.approve_record)."""
    if user is not None:
        authority.require(
            user,
            "sales.approve_record",
            order,
            filer=order.created_by,
            credited=order.credited_ids,
            units=order.credit_units,
        )


def require_order_change(order: Order, user: Any, *, counted: bool = True) -> None:
    """A confirmed order's counted parts (amounts, shares, date, customer, plan, its cancellation)
    change only by one who may approve it; anything else, and any order not confirmed yet, by its
    people or a manager of its unit."""
    if order.status == OrderStatus.CONFIRMED and counted:
        require_order_approver(order, user)
    else:
        require_order_edit(order, user)


def check_credit(user: Any, people: Sequence[Person], *, field: str = "shares") -> None:
    """Credit only reps of the actor's unit (rule sales.credit): refused as a 400 naming the field."""
    if user is None or not people:
        return
    message = authority.check(user, "sales.credit", None, people=people)
    if message is not None:
        raise ApplicationError(message, fields={field: [message]})


def check_distributor(customer: Customer, distributor: Customer | None, user: Any) -> None:
    if distributor is None:
        return
    if user is not None:
        require_visible_customer(distributor, user, field="distributor")
    if distributor.pk == customer.pk or distributor.kind not in (CustomerKind.DISTRIBUTOR, CustomerKind.AGENT):
        raise ApplicationError(
            _("The distributor must be another customer, a distributor or an agent."),
            fields={"distributor": [_("Choose a distributor or an agent.")]},
        )
