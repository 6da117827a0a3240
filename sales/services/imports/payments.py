"""Import of payments, keyed on (ERP order number, payment reference): a known payment is left alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sales.domain import cell_text, parse_date, parse_decimal
from sales.models import ImportKind, Order, OrderStatus, Payment
from sales.services.imports.common import ImportResult, first_pass, open_table, write_all
from sales.services.payments import payment_create
from salesorg.money import to_money

PAYMENT_COLUMNS = ["erp_no", "payment_date", "amount", "reference"]


@dataclass
class _Known:
    """The orders the file names (with what was paid on them) and the payments already imported."""

    orders: dict[str, Order]
    paid: dict[int, Decimal]
    references: set[tuple[int, str]]
    # A payment reference is unique per customer: (customer id, reference) -> the order that has it.
    customer_references: dict[tuple[int, str], int]


def import_payments(
    *,
    content: bytes,
    file_name: str,
    dry_run: bool,
    user: Any = None,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> ImportResult:
    result = ImportResult(kind=ImportKind.PAYMENTS, dry_run=dry_run)
    table = open_table(result, content, file_name, PAYMENT_COLUMNS)
    if table is None:
        return result
    erp_nos: set[str] = set()
    if not first_pass(table, result, lambda r: erp_nos.add(cell_text(r.get("erp_no")))):
        return result
    known = _known(erp_nos, user)
    seen: dict[tuple[int, str], int] = {}
    to_post: list[tuple[Order, date, Decimal, str]] = []
    for index, (line, raw) in enumerate(table, start=1):
        if progress and index % 100 == 0:
            progress(index, result.total_rows)
        payment = _payment_row(line, raw, known, seen, result)
        if payment is not None:
            order, _on, amount, _reference = payment
            known.paid[order.pk] = known.paid.get(order.pk, Decimal(0)) + amount
            to_post.append(payment)
            result.amount += amount
    result.errors.sort(key=lambda e: e["line"])
    if result.errors or dry_run:
        result.created = len(to_post) if not result.errors else 0
        return result

    def write() -> None:
        for order, on, amount, reference in to_post:
            payment_create(order=order, date=on, amount=amount, reference=reference, today=today)

    if write_all(result, write):
        result.created = len(to_post)
    return result


def _known(erp_nos: set[str], user: Any) -> _Known:
    orders_qs = Order.objects.visible_to(user) if user is not None else Order.objects.all()
    orders = {o.erp_no: o for o in orders_qs.filter(erp_no__in=erp_nos).with_paid()}
    rows = list(
        Payment.objects.filter(order__customer__in={o.customer_id for o in orders.values()})
        .exclude(reference="")
        .values_list("order_id", "order__customer_id", "reference")
    )
    return _Known(
        orders=orders,
        paid={o.pk: o.paid_amount for o in orders.values()},
        references={(order_id, reference) for order_id, _customer, reference in rows},
        customer_references={(customer, reference): order_id for order_id, customer, reference in rows},
    )


def _payment_row(
    line: int, raw: dict[str, str], known: _Known, seen: dict[tuple[int, str], int], result: ImportResult
) -> tuple[Order, date, Decimal, str] | None:
    """A payment to post, or None: refused (the reason recorded) or already imported (unchanged)."""
    before = len(result.errors)
    erp_no = cell_text(raw.get("erp_no"))
    order = known.orders.get(erp_no)
    if order is None:
        result.error(line, "erp_no", _("unknown order %(no)s") % {"no": erp_no})
    elif order.status != OrderStatus.CONFIRMED:
        result.error(line, "erp_no", _("order %(no)s is not confirmed") % {"no": erp_no})
    on = parse_date(raw.get("payment_date"))
    if on is None:
        result.error(line, "payment_date", _("not a date: %(value)s") % {"value": cell_text(raw.get("payment_date"))})
    amount = parse_decimal(raw.get("amount"))
    if amount is None or amount <= 0 or amount != to_money(amount):
        result.error(line, "amount", _("the amount must be a number above 0, to the cent"))
    reference = cell_text(raw.get("reference"))
    if not reference:
        result.error(line, "reference", _("the payment reference is missing"))
    if len(result.errors) > before:
        return None
    key = (order.pk, reference)
    if key in seen:
        result.error(line, "reference", _("the same payment appears on line %(line)s") % {"line": seen[key]})
        return None
    seen[key] = line
    if key in known.references:
        result.unchanged += 1
        return None
    other = known.customer_references.setdefault((order.customer_id, reference), order.pk)
    if other != order.pk:
        result.error(line, "reference", _("the reference is already on another payment of this customer"))
        return None
    balance = order.total_amount - known.paid.get(order.pk, Decimal(0))
    if amount > balance:
        result.error(
            line,
            "amount",
            _("%(amount)s exceeds the open balance %(balance)s") % {"amount": amount, "balance": balance},
        )
        return None
    return order, on, amount, reference
