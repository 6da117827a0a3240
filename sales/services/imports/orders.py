"""Import of orders (one row per order line, the order's columns repeated on each of its lines).

Orders are keyed on the ERP's order number: a new number creates the order, a known one whose rows
changed updates it (lines, shares, plan), an unchanged one is left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from customers.models import Customer
from sales.domain import (
    STATUS_ALIASES,
    LineInput,
    ShareInput,
    cell_text,
    default_plan,
    instalment_status,
    line_amounts,
    parse_date,
    parse_decimal,
    parse_shares,
    share_employee_nos,
)
from sales.models import Channel, CreditShare, ImportKind, Instalment, Order, OrderLine, OrderStatus, Product
from sales.services.imports.common import ImportResult, first_pass, open_table, write_all
from sales.services.instalments import write_plan
from sales.services.orders import new_credit_shares, new_order_line, order_recompute, write_lines, write_shares
from salesorg.exceptions import ApplicationError
from salesorg.imports import Table
from staff.attribution import units_on
from staff.models import Person

ORDER_COLUMNS = ["erp_no", "order_date", "customer_code", "product_code", "quantity", "unit_price"]
MAX_ERP_NO = 36
CHANNELS = frozenset(Channel.values)
STATUSES = frozenset(OrderStatus.values)
Plan = list[tuple[str, list["_OrderRow"], Order | None]]


@dataclass(slots=True)  # one per row of the file: no per-instance dict
class _OrderRow:
    line: int
    erp_no: str
    order_date: date
    customer: Customer
    channel: str
    payment_terms_days: int
    status: str
    shares: list[tuple[Person, Decimal]]
    product: Product
    quantity: Decimal
    unit_price: Decimal
    unit_cost: Decimal
    amount: Decimal
    cost: Decimal


@dataclass
class _Lookups:
    """What the rows refer to, read once for the whole file."""

    customers: dict[str, Customer]
    products: dict[str, Product]
    people: dict[str, Person]


def _header_key(row: _OrderRow) -> tuple:
    return (
        row.order_date,
        row.customer.pk,
        row.channel,
        row.payment_terms_days,
        row.status,
        tuple((p.pk, pct) for p, pct in row.shares),
    )


def _lookups(table: Table, result: ImportResult, user: Any) -> _Lookups | None:
    """The first pass: count the rows and read the customers, products and reps they name (three
    queries for any file size); None for a malformed file."""
    customer_codes: set[str] = set()
    product_codes: set[str] = set()
    employee_nos: set[str] = set()

    def collect(r: dict[str, str]) -> None:
        customer_codes.add(cell_text(r.get("customer_code")))
        product_codes.add(cell_text(r.get("product_code")))
        employee_nos.update(share_employee_nos(cell_text(r.get("shares"))))

    if not first_pass(table, result, collect):
        return None
    customers_qs = Customer.objects.visible_to(user) if user is not None else Customer.objects.all()
    return _Lookups(
        customers={c.code: c for c in customers_qs.filter(code__in=customer_codes).select_related("owner")},
        products={p.code: p for p in Product.objects.filter(code__in=product_codes)},
        people={p.employee_no: p for p in Person.objects.filter(employee_no__in=employee_nos)},
    )


def _check_orders(
    table: Table, result: ImportResult, user: Any, progress: Callable[[int, int], None] | None
) -> dict[str, list[_OrderRow]]:
    """The rows of each order, checked. Two passes over the file, none of it held: the first
    collects what the rows refer to, the second checks each row."""
    lookups = _lookups(table, result, user)
    if lookups is None:
        return {}
    orders: dict[str, list[_OrderRow]] = defaultdict(list)
    for index, (line, raw) in enumerate(table, start=1):
        if progress and index % 100 == 0:
            progress(index, result.total_rows)
        row = _order_row(line, raw, lookups, result)
        if row is None:
            continue
        rows = orders[row.erp_no]
        if rows and _header_key(rows[0]) != _header_key(row):
            result.error(
                line,
                "erp_no",
                _("order %(no)s: date, customer, channel, terms, status or shares differ from line %(first)s")
                % {"no": row.erp_no, "first": rows[0].line},
            )
            continue
        rows.append(row)
    return orders


def _order_row(line: int, raw: dict[str, str], lookups: _Lookups, result: ImportResult) -> _OrderRow | None:
    """One row checked cell by cell; None when a cell is wrong (each reason recorded)."""
    before = len(result.errors)
    erp_no = cell_text(raw.get("erp_no"))
    if not erp_no:
        result.error(line, "erp_no", _("the ERP order number is missing"))
    elif len(erp_no) > MAX_ERP_NO:
        result.error(line, "erp_no", _("the ERP order number is too long"))
    order_date = parse_date(raw.get("order_date"))
    if order_date is None:
        result.error(line, "order_date", _("not a date: %(value)s") % {"value": cell_text(raw.get("order_date"))})
    customer = lookups.customers.get(cell_text(raw.get("customer_code")))
    if customer is None:
        code = cell_text(raw.get("customer_code"))
        result.error(line, "customer_code", _("unknown customer %(code)s") % {"code": code})
    product = lookups.products.get(cell_text(raw.get("product_code")))
    if product is None:
        code = cell_text(raw.get("product_code"))
        result.error(line, "product_code", _("unknown product %(code)s") % {"code": code})
    quantity = parse_decimal(raw.get("quantity"))
    if quantity is None or quantity <= 0:
        result.error(line, "quantity", _("the quantity must be a number above 0"))
    unit_price = parse_decimal(raw.get("unit_price"))
    if unit_price is None or unit_price < 0:
        result.error(line, "unit_price", _("the price must be a number, 0 or more"))
    unit_cost = None
    if cell_text(raw.get("unit_cost")):
        unit_cost = parse_decimal(raw.get("unit_cost"))
        if unit_cost is None or unit_cost < 0:
            result.error(line, "unit_cost", _("the cost must be a number, 0 or more"))
    channel = cell_text(raw.get("channel")).lower() or Channel.DIRECT
    if channel not in CHANNELS:
        result.error(line, "channel", _("unknown channel %(value)s") % {"value": channel})
    terms_text = cell_text(raw.get("payment_terms_days")) or "30"
    terms = int(terms_text) if terms_text.isdigit() else None
    if terms is None:
        result.error(line, "payment_terms_days", _("the payment terms must be whole days"))
    status_text = cell_text(raw.get("status"))
    status = STATUS_ALIASES.get(status_text, status_text.lower()) or OrderStatus.CONFIRMED
    if status not in STATUSES:
        result.error(line, "status", _("unknown status %(value)s") % {"value": status_text})
    shares = _row_shares(line, cell_text(raw.get("shares")), customer, lookups.people, result)
    if len(result.errors) > before:
        return None
    cost_price = product.unit_cost if unit_cost is None else unit_cost
    amount, cost = line_amounts(quantity, unit_price, cost_price)
    return _OrderRow(
        line=line,
        erp_no=erp_no,
        order_date=order_date,
        customer=customer,
        channel=channel,
        payment_terms_days=terms,
        status=status,
        shares=shares,
        product=product,
        quantity=quantity,
        unit_price=unit_price,
        unit_cost=cost_price,
        amount=amount,
        cost=cost,
    )


def _row_shares(
    line: int, text: str, customer: Customer | None, people: dict[str, Person], result: ImportResult
) -> list[tuple[Person, Decimal]]:
    """The row's credit shares (empty: 100 % to the customer's owner), checked."""
    shares: list[tuple[Person, Decimal]] = []
    if text:
        shares, problem = parse_shares(text, people)
        if problem:
            result.error(line, "shares", problem)
    elif customer is not None:
        if customer.owner is None:
            result.error(line, "shares", _("the customer has no owner: name the credited reps"))
        else:
            shares = [(customer.owner, Decimal(100))]
    if shares:
        total = sum((p for _, p in shares), Decimal(0))
        if total != 100:
            result.error(line, "shares", _("the shares add up to %(total)s, not 100") % {"total": total})
        elif len({p.pk for p, _ in shares}) != len(shares):
            result.error(line, "shares", _("a rep appears twice"))
    return shares


def _signature_of_rows(rows: list[_OrderRow]) -> tuple:
    first = rows[0]
    return (
        _header_key(first),
        tuple(sorted((r.product.pk, r.quantity, r.unit_price, r.unit_cost) for r in rows)),
    )


def _signature_of_order(order: Order) -> tuple:
    shares = tuple((s.rep_id, s.percent) for s in sorted(order.shares.all(), key=lambda s: s.id))
    return (
        (order.date, order.customer_id, order.channel, order.payment_terms_days, order.status, shares),
        tuple(sorted((li.product_id, li.quantity, li.unit_price, li.unit_cost) for li in order.lines.all())),
    )


def import_orders(
    *,
    content: bytes,
    file_name: str,
    dry_run: bool,
    user: Any = None,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> ImportResult:
    result = ImportResult(kind=ImportKind.ORDERS, dry_run=dry_run)
    table = open_table(result, content, file_name, ORDER_COLUMNS)
    if table is None:
        return result
    orders = _check_orders(table, result, user, progress)
    plan = _plan(orders, result)
    result.errors.sort(key=lambda e: e["line"])
    if result.errors or dry_run:
        _count(result, plan)
        return result
    today = today or timezone.localdate()

    def write() -> None:
        _create_orders(plan, today=today, user=user)
        _update_orders(plan, today=today, user=user)

    if write_all(result, write):
        _count(result, plan)
    return result


def _plan(orders: dict[str, list[_OrderRow]], result: ImportResult) -> Plan:
    """What to do with each order of the file: create, update or leave unchanged (refusals recorded)."""
    existing = {
        o.erp_no: o
        for o in Order.objects.filter(erp_no__in=list(orders)).with_paid().prefetch_related("lines", "shares")
    }
    plan: Plan = []
    for erp_no, order_rows in orders.items():
        order = existing.get(erp_no)
        total = sum((r.amount for r in order_rows), Decimal(0))
        result.amount += total
        if order is None:
            plan.append(("create", order_rows, None))
            continue
        if _signature_of_order(order) == _signature_of_rows(order_rows):
            plan.append(("unchanged", order_rows, order))
            continue
        if order.paid_amount > total:
            result.error(order_rows[0].line, "quantity", _("the new total is below what was already paid"))
        elif order.paid_amount and order_rows[0].status == OrderStatus.CANCELLED:
            result.error(order_rows[0].line, "status", _("an order with payments cannot be cancelled"))
        else:
            plan.append(("update", order_rows, order))
    return plan


def _count(result: ImportResult, plan: Plan) -> None:
    for action, _rows, _order in plan:
        if action == "create":
            result.created += 1
        elif action == "update":
            result.updated += 1
        else:
            result.unchanged += 1


def _create_orders(plan: Plan, *, today: date, user: Any = None) -> None:
    """The new orders in bulk, with their lines, shares and default payment plans."""
    new = [
        (
            rows,
            Order(
                number=f"ERP-{rows[0].erp_no}",
                erp_no=rows[0].erp_no,
                customer=rows[0].customer,
                date=rows[0].order_date,
                channel=rows[0].channel,
                payment_terms_days=rows[0].payment_terms_days,
                status=rows[0].status,
                total_amount=sum((r.amount for r in rows), Decimal(0)),
                total_cost=sum((r.cost for r in rows), Decimal(0)),
            ),
        )
        for action, rows, _o in plan
        if action == "create"
    ]
    taken = set(Order.objects.filter(number__in=[o.number for _, o in new]).values_list("number", flat=True))
    if taken:
        raise ApplicationError(_("Order numbers already used: %(n)s") % {"n": ", ".join(sorted(taken))})
    # The importer is recorded as the author of each order's first history row (the audit trail).
    created = bulk_create_with_history([o for _, o in new], Order, batch_size=500, default_user=user)
    by_erp = {o.erp_no: o for o in created}
    if any(o.pk is None for o in created):
        by_erp = {o.erp_no: o for o in Order.objects.filter(erp_no__in=list(by_erp))}
    lines, shares, instalments = [], [], []
    # The unit of every credited rep on every order's date, read once (DESIGN.md "Attribution").
    units = units_on((rep.pk, rows[0].order_date) for rows, _o in new for rep, _percent in rows[0].shares)
    for rows, unsaved in new:
        order = by_erp[unsaved.erp_no]
        lines += [new_order_line(order, r.product, r.quantity, r.unit_price, r.unit_cost) for r in rows]
        shares += new_credit_shares(order, rows[0].shares, units)
        for planned in default_plan(order):
            instalment = Instalment(order=order, due_date=planned.due_date, amount=planned.amount)
            instalment.status = instalment_status(instalment, today)
            instalments.append(instalment)
    bulk_create_with_history(lines, OrderLine, batch_size=1000, default_user=user)
    bulk_create_with_history(shares, CreditShare, batch_size=1000, default_user=user)
    bulk_create_with_history(instalments, Instalment, batch_size=1000, default_user=user)


def _update_orders(plan: Plan, *, today: date, user: Any = None) -> None:
    """The changed orders one by one, through the services' writes of lines, shares and plan."""
    for action, rows, order in plan:
        if action != "update":
            continue
        first = rows[0]
        order = Order.objects.select_for_update().get(pk=order.pk)
        order.date, order.customer, order.channel = first.order_date, first.customer, first.channel
        order.payment_terms_days, order.status = first.payment_terms_days, first.status
        if user is not None:
            order._history_user = user  # the history row names the importer
        order.save(update_fields=["date", "customer", "channel", "payment_terms_days", "status"])
        write_lines(order, [LineInput(r.product, r.quantity, r.unit_price, r.unit_cost) for r in rows])
        write_shares(order, [ShareInput(p, pct) for p, pct in first.shares])
        order_recompute(order=order)
        write_plan(order, default_plan(order), today=today)
