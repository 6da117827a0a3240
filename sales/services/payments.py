"""Posting payments against confirmed orders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.domain import to_decimal
from sales.models import Order, OrderStatus, Payment
from sales.selectors import order_balance
from sales.services.access import require_order_approver, require_visible_order
from sales.services.instalments import apply_to_instalments
from salesorg.exceptions import ApplicationError
from salesorg.money import to_money


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
    sees the balance the first one left. Posting confirms money received: one who may approve the
    order (sales.approve_record), never its filer or a credited rep.
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
    if user is not None:
        require_visible_order(order, user)
        require_order_approver(order, user)
    if order.status != OrderStatus.CONFIRMED:
        raise ApplicationError(
            _("Payments are posted against confirmed orders only."), fields={"order": [_("Not confirmed.")]}
        )
    reference = (reference or "").strip()
    if reference and Payment.objects.filter(order__customer=order.customer_id, reference=reference).exists():
        message = _("A payment of this customer already has the reference %(reference)s.") % {"reference": reference}
        raise ApplicationError(message, fields={"reference": [message]})
    balance = order_balance(order)
    if amount > balance:
        raise ApplicationError(
            _("The payment %(amount)s exceeds the open balance %(balance)s.") % {"amount": amount, "balance": balance},
            fields={"amount": [_("At most the open balance (%(balance)s).") % {"balance": balance}]},
        )
    payment = Payment.objects.create(order=order, date=date, amount=amount, reference=reference)
    apply_to_instalments(order, amount, today)
    return payment
