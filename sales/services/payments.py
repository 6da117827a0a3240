"""Posting payments against confirmed orders, and confirming those a rep entered.

With `PAYMENT_CONFIRMATION` off (the default), posting confirms money received: only one who may
approve the order posts, and the payment counts at once. With it on, the order's people (its
credited reps, its filer) may also enter a payment they collected; it then waits, counted nowhere,
until one who may approve the order (rule sales.approve_record: a manager of the order's unit
above the one who entered it, never that person) confirms it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from sales.domain import to_decimal
from sales.models import Order, OrderStatus, Payment
from sales.selectors import order_balance
from sales.services.access import require_order_approver, require_order_edit, require_visible_order
from sales.services.instalments import apply_to_instalments
from salesorg.exceptions import ApplicationError
from salesorg.money import to_money
from staff import authority
from staff.models import Person


def confirmation_required() -> bool:
    return bool(getattr(settings, "PAYMENT_CONFIRMATION", False))


def _approver_check(order: Order, user: Any, *, entered_by: Any = None) -> str | None:
    return authority.check(
        user,
        "sales.approve_record",
        order,
        filer=entered_by if entered_by is not None else order.created_by,
        credited=order.credited_ids,
        units=order.credit_units,
    )


def _open_balance(order: Order) -> Decimal:
    """What may still be entered: the balance less payments entered and awaiting confirmation."""
    awaiting = Payment.objects.awaiting().filter(order=order).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return to_money(order_balance(order) - awaiting)


@transaction.atomic
def payment_create(
    *,
    order: Order,
    date: date,
    amount: Decimal,
    reference: str = "",
    user: Any = None,
    today: date | None = None,
) -> Payment:
    """Post a payment: it applies to the oldest open instalment first and never exceeds the balance.

    The order row is locked first, so a second payment posted at the same moment waits and then
    sees the balance the first one left. One who may approve the order posts a payment that counts
    at once; with PAYMENT_CONFIRMATION on, the order's people enter one that awaits confirmation.
    """
    today = today or timezone.localdate()
    if not isinstance(date, type(today)):
        raise ApplicationError(_("Bad payment date."), fields={"date": [_("Enter a valid date.")]})
    amount = to_decimal(amount, "amount")
    if amount <= 0 or amount != to_money(amount):
        raise ApplicationError(
            _("The amount must be positive, to the cent."), fields={"amount": [_("Must be above 0.")]}
        )
    order = Order.objects.select_for_update().get(pk=order.pk)
    awaiting = False
    if user is not None:
        require_visible_order(order, user)
        if confirmation_required() and _approver_check(order, user) is not None:
            require_order_edit(order, user)
            awaiting = True
        else:
            require_order_approver(order, user)
    if order.status != OrderStatus.CONFIRMED:
        raise ApplicationError(
            _("Payments are posted against confirmed orders only."), fields={"order": [_("Not confirmed.")]}
        )
    reference = (reference or "").strip()
    if reference and Payment.objects.filter(customer=order.customer_id, reference=reference).exists():
        message = _("A payment of this customer already has the reference %(reference)s.") % {"reference": reference}
        raise ApplicationError(message, fields={"reference": [message]})
    balance = _open_balance(order)
    if amount > balance:
        raise ApplicationError(
            _("The payment %(amount)s exceeds the open balance %(balance)s.") % {"amount": amount, "balance": balance},
            fields={"amount": [_("At most the open balance (%(balance)s).") % {"balance": balance}]},
        )
    person = authority.actor_of(user).person if user is not None else None
    payment = Payment.objects.create(
        order=order,
        customer_id=order.customer_id,
        date=date,
        amount=amount,
        reference=reference,
        entered_by=person,
        awaiting_confirmation=awaiting,
        confirmed_by=None if awaiting else person,
        confirmed_at=None if awaiting or person is None else timezone.now(),
    )
    if not awaiting:
        apply_to_instalments(order, amount, today)
    else:
        _notify_confirmers(payment, order)
    return payment


def payment_confirmers(order: Order, entered_by: Person | None) -> list[Person]:
    """Who is asked to confirm: the managers of the first rank above the one who entered it that
    may (the approval inbox lists it for them). Two queries (the managers of that rank, the shares)."""
    rank = min(authority.person_rank(entered_by) + 1, authority.RANK["director"])
    positions = [position for position, value in authority.RANK.items() if value == rank]
    managers = Person.objects.filter(position__in=positions).exclude(status="left").select_related("user")
    prefetch_related_objects([order], "shares")
    return [person for person in managers if _approver_check(order, person, entered_by=entered_by) is None]


def _notify_confirmers(payment: Payment, order: Order) -> None:
    drafts = []
    for person in payment_confirmers(order, payment.entered_by):
        with translation.override(language_of(person)):
            title = _("A payment of %(amount)s on order %(number)s awaits your confirmation") % {
                "amount": payment.amount,
                "number": order.number,
            }
            body = _("%(customer)s · received %(date)s · entered by %(person)s") % {
                "customer": order.customer.name,
                "date": f"{payment.date:%Y-%m-%d}",
                "person": payment.entered_by.name if payment.entered_by else "",
            }
        drafts.append(
            Draft(
                recipient_id=person.pk,
                kind=NotificationKind.APPROVAL,
                title=str(title),
                body=str(body),
                dedupe_key=f"approval:payment:{payment.pk}",
                url=reverse("approval-inbox"),
                email=person.email,
            )
        )
    notify(drafts=drafts)


@transaction.atomic
def payment_confirm(*, payment: Payment, user: Any, today: date | None = None) -> Payment:
    """Confirm a payment a rep entered: from now on it counts (collections, paid amounts, the
    instalments it settles). One who may approve the order, never the person who entered it."""
    today = today or timezone.localdate()
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    require_visible_order(order, user)
    message = _approver_check(order, user, entered_by=payment.entered_by)
    if message is not None:
        raise authority.NotAllowed(message)
    if not payment.awaiting_confirmation:
        raise ApplicationError(
            _("This payment is not awaiting confirmation."), fields={"status": [_("Already confirmed.")]}
        )
    balance = order_balance(order)
    if payment.amount > balance:
        raise ApplicationError(
            _("The payment %(amount)s exceeds the open balance %(balance)s.")
            % {"amount": payment.amount, "balance": balance},
            fields={"amount": [_("At most the open balance (%(balance)s).") % {"balance": balance}]},
        )
    payment.awaiting_confirmation = False
    payment.confirmed_by = authority.actor_of(user).person
    payment.confirmed_at = timezone.now()
    payment.save(update_fields=["awaiting_confirmation", "confirmed_by", "confirmed_at"])
    apply_to_instalments(order, payment.amount, today)
    return payment


@transaction.atomic
def payment_reject(*, payment: Payment, user: Any, reason: str) -> None:
    """Refuse a payment a rep entered: it counted nowhere, so it is removed (the history keeps it,
    with the reason). By the same rule as confirming it: one who may approve the order, never the
    person who entered it."""
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    require_visible_order(order, user)
    message = _approver_check(order, user, entered_by=payment.entered_by)
    if message is not None:
        raise authority.NotAllowed(message)
    if not payment.awaiting_confirmation:
        raise ApplicationError(
            _("This payment is not awaiting confirmation."), fields={"status": [_("Already confirmed.")]}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why it is refused."), fields={"reason": [_("This field is required.")]})
    payment._change_reason = reason[:100]  # django-simple-history keeps it on the deletion record
    payment.delete()
