"""The orders' source of the approval inbox (notifications.inbox): the orders whose waiting
approval step the user may decide, decided through `order_approve` / `order_reject`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.inbox import InboxItem, Source, register
from sales.models import Order
from sales.services import approvals
from sales.services.orders import order_approve, order_reject


def order_items(user: Any) -> list[InboxItem]:
    items = []
    for step in approvals.orders_awaiting(user):
        order = step.order
        filer = order.created_by.name if order.created_by else ""
        items.append(
            InboxItem(
                source="order",
                id=order.pk,
                kind_label=_("Order"),
                title=f"{order.number} · {order.customer.name}",
                summary=_("Step %(sequence)s: %(level)s")
                % {"sequence": step.sequence, "level": step.get_level_display()},
                reason=(_("Held: %(reasons)s") % {"reasons": step.why}) if order.approval_hold else step.why,
                amount=order.total_amount,
                submitted_by=filer,
                waiting_since=step.waiting_since,
                url=reverse("sales:order-detail", args=[order.pk]),
            )
        )
    return items


def decide_order(user: Any, order_id: int, approve: bool, reason: str) -> None:
    """Only an order awaiting this user's decision: any other id answers 404 like a missing one."""
    if order_id not in {step.order_id for step in approvals.orders_awaiting(user)}:
        raise Http404
    order = Order.objects.get(pk=order_id)
    if approve:
        order_approve(order=order, user=user)
    else:
        order_reject(order=order, user=user, reason=reason)


def register_source() -> None:
    register(Source(key="order", items=order_items, decide=decide_order))
