"""The sales sources of the approval inbox (notifications.inbox): the orders whose waiting
approval step the user may decide, decided through `order_approve` / `order_reject`; and, with
PAYMENT_CONFIRMATION on, the payments a rep entered that await confirmation, listed for the first
manager rank above the one who entered them (rule sales.approve_record), decided through
`payment_confirm` / `payment_reject`; and the quotations whose waiting discount-approval step the
user may decide, decided through `quote_approve` / `quote_reject`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.inbox import InboxItem, Source, register
from sales.models import Order, Payment, Quotation
from sales.services import approvals
from sales.services.orders import order_approve, order_reject
from sales.services.payments import _approver_check, confirmation_required, payment_confirm, payment_reject
from sales.services.quotes import quotations_awaiting, quote_approve, quote_reject
from staff import authority


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


def _payments_awaiting(user: Any) -> list[Payment]:
    """Three queries at any size: the payments, their orders' credit shares (and the actor)."""
    actor = authority.actor_of(user)
    if not confirmation_required() or (actor.person is None and not actor.is_admin):
        return []
    payments = (
        Payment.objects.visible_to(user)
        .awaiting()
        .select_related("order", "order__customer", "order__created_by", "entered_by")
        .prefetch_related("order__shares")
        .order_by("created_at", "id")
    )
    if not actor.is_admin:
        # Only the payments entered by the rank below (fieldwork.inbox does the same for claims).
        filers = Q(entered_by__position__in=authority.positions_decided_by(actor.rank))
        payments = payments.filter(filers | Q(entered_by__isnull=True) if actor.rank == 0 else filers)
    return [
        payment
        for payment in payments
        if (
            actor.is_admin
            or actor.rank == min(authority.person_rank(payment.entered_by) + 1, authority.RANK["director"])
        )
        and _approver_check(payment.order, actor, entered_by=payment.entered_by) is None
    ]


def payment_items(user: Any) -> list[InboxItem]:
    return [
        InboxItem(
            source="payment",
            id=payment.pk,
            kind_label=_("Payment confirmation"),
            title=f"{payment.order.number} · {payment.order.customer.name}",
            summary=_("Received %(date)s, reference %(reference)s")
            % {"date": f"{payment.date:%Y-%m-%d}", "reference": payment.reference or "-"},
            reason="",
            amount=payment.amount,
            submitted_by=payment.entered_by.name if payment.entered_by else "",
            waiting_since=payment.created_at,
            url=reverse("sales:order-detail", args=[payment.order_id]),
        )
        for payment in _payments_awaiting(user)
    ]


def decide_payment(user: Any, payment_id: int, approve: bool, reason: str) -> None:
    """Only a payment awaiting this user's confirmation: any other id answers 404 like a missing one."""
    payment = next((p for p in _payments_awaiting(user) if p.pk == payment_id), None)
    if payment is None:
        raise Http404
    if approve:
        payment_confirm(payment=payment, user=user)
    else:
        payment_reject(payment=payment, user=user, reason=reason)


def quotation_items(user: Any) -> list[InboxItem]:
    return [
        InboxItem(
            source="quotation",
            id=step.quotation_id,
            kind_label=_("Quotation"),
            title=f"{step.quotation.number} · {step.quotation.customer.name}",
            summary=_("Step %(sequence)s: %(level)s") % {"sequence": step.sequence, "level": step.get_level_display()},
            reason=step.why,
            amount=step.quotation.total_amount,
            submitted_by=step.quotation.owner.name,
            waiting_since=step.waiting_since,
            url=reverse("sales:quotation-detail", args=[step.quotation_id]),
        )
        for step in quotations_awaiting(user)
    ]


def decide_quotation(user: Any, quotation_id: int, approve: bool, reason: str) -> None:
    """Only a quotation awaiting this user's decision: any other id answers 404 like a missing one."""
    if quotation_id not in {step.quotation_id for step in quotations_awaiting(user)}:
        raise Http404
    quotation = Quotation.objects.get(pk=quotation_id)
    if approve:
        quote_approve(quotation=quotation, user=user)
    else:
        quote_reject(quotation=quotation, user=user, reason=reason)


def register_source() -> None:
    register(Source(key="order", items=order_items, decide=decide_order))
    register(Source(key="payment", items=payment_items, decide=decide_payment))
    register(Source(key="quotation", items=quotation_items, decide=decide_quotation))
