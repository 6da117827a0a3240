"""Imports of orders (with lines and credit shares) and payments from an ERP's CSV or Excel export.

Two steps, the usual way: a dry run checks every row and lists each bad one with its line number
(the spreadsheet's row number, header = line 1) and the reason; the import checks again and then
writes all rows in one transaction, or none. Orders are keyed on the ERP's order number, payments
on (ERP order number, payment reference), so importing the same file twice changes nothing.

Orders file, one row per order line (the order's columns repeat on each of its lines):
    erp_no, order_date, customer_code, product_code, quantity, unit_price,
    [unit_cost], [channel], [payment_terms_days], [status], [shares]
`shares` is "E0012:60|E0013:40" (employee number : percent); empty = 100% to the customer's owner.
Payments file: erp_no, payment_date, amount, reference.

Files are read by `salesorg.imports.read_table`: CSV in UTF-8 (with or without BOM), GBK/GB18030
or UTF-16, separated by `,` `;` or tab; or Excel .xlsx (date cells read as dates, formulas as
their values). Blank rows are skipped. The file is read twice and never held as rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from customers.models import Customer
from sales.models import (
    Channel,
    CreditShare,
    ImportJob,
    ImportKind,
    ImportStatus,
    Instalment,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    Product,
)
from sales.services import orders as sales_services
from salesorg import imports as salesorg_imports
from salesorg.exceptions import ApplicationError
from salesorg.imports import Table
from salesorg.money import to_money
from staff import authority
from staff.models import Person

ORDER_COLUMNS = ["erp_no", "order_date", "customer_code", "product_code", "quantity", "unit_price"]
PAYMENT_COLUMNS = ["erp_no", "payment_date", "amount", "reference"]
# Column names an ERP export in Chinese typically uses.
ALIASES = {
    "订单号": "erp_no",
    "erp订单号": "erp_no",
    "订单日期": "order_date",
    "客户编码": "customer_code",
    "客户代码": "customer_code",
    "产品编码": "product_code",
    "物料编码": "product_code",
    "数量": "quantity",
    "单价": "unit_price",
    "成本价": "unit_cost",
    "单位成本": "unit_cost",
    "渠道": "channel",
    "账期": "payment_terms_days",
    "状态": "status",
    "业绩分配": "shares",
    "回款日期": "payment_date",
    "金额": "amount",
    "回款金额": "amount",
    "单据号": "reference",
    "回款单号": "reference",
}
STATUS_ALIASES = {"已确认": "confirmed", "草稿": "draft", "待审批": "pending", "已取消": "cancelled"}
MAX_ERP_NO = 36


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    total_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    amount: Decimal = Decimal("0.00")

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append({"line": line, "field": column, "message": str(message)})

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "amount": str(self.amount),
        }


# --- reading files ------------------------------------------------------------------------------


def _normalise_header(name: str) -> str:
    text = name.strip()
    key = re.sub(r"[\s\-]+", "_", text.lower())
    return ALIASES.get(text, ALIASES.get(key, key))


def _open_table(result: ImportResult, content: bytes, file_name: str, required: list[str]) -> Table | None:
    """The file as a table (ERP aliases mapped to column names), or None with the refusal recorded."""
    try:
        table = salesorg_imports.read_table(name=file_name, content=content, normalise=_normalise_header)
    except ApplicationError as exc:  # empty, not a workbook, unknown encoding: line 0 is the file
        result.error(0, "file", exc.message)
        return None
    missing = [c for c in required if c not in table.header]
    if missing:
        result.total_rows = sum(1 for _row in table)
        result.error(1, ", ".join(missing), _("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        return None
    return table


def _first_pass(table: Table, result: ImportResult, collect: Callable[[dict[str, str]], None]) -> bool:
    """Count the rows and collect what they refer to; False (refusal recorded) for a malformed file."""
    try:
        for _line, r in table:
            result.total_rows += 1
            collect(r)
    except ApplicationError as exc:
        result.error(0, "file", exc.message)
        return False
    return True


# --- parsing cells ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    return None


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_decimal(value: Any) -> Decimal | None:
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _text(value)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


# --- orders ---------------------------------------------------------------------------------------


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


def _header_key(row: _OrderRow) -> tuple:
    return (
        row.order_date,
        row.customer.pk,
        row.channel,
        row.payment_terms_days,
        row.status,
        tuple((p.pk, pct) for p, pct in row.shares),
    )


def _parse_shares(text: str, people: dict[str, Person]) -> tuple[list[tuple[Person, Decimal]], str]:
    shares = []
    for part in re.split(r"[|/]", text):
        if not part.strip():
            continue
        if ":" not in part and "=" not in part:
            return [], _("write shares as EMPLOYEE_NO:PERCENT|EMPLOYEE_NO:PERCENT")
        employee_no, percent_text = re.split(r"[:=]", part, maxsplit=1)
        person = people.get(employee_no.strip())
        if person is None:
            return [], _("unknown rep %(no)s") % {"no": employee_no.strip()}
        percent = parse_decimal(percent_text.strip().rstrip("%"))
        if percent is None:
            return [], _("bad percent %(value)s") % {"value": percent_text}
        shares.append((person, percent))
    return shares, ""


def _check_orders(
    table: Table, result: ImportResult, user: Any, progress: Callable[[int, int], None] | None
) -> dict[str, list[_OrderRow]]:
    # Two passes over the file, none of it held: the first collects what the rows refer to, read
    # once up front (a handful of queries for any file size); the second checks each row.
    customer_codes, product_codes, employee_nos = set(), set(), set()

    def collect(r: dict[str, str]) -> None:
        customer_codes.add(_text(r.get("customer_code")))
        product_codes.add(_text(r.get("product_code")))
        for part in re.split(r"[|/]", _text(r.get("shares"))):
            if ":" in part or "=" in part:
                employee_nos.add(re.split(r"[:=]", part, maxsplit=1)[0].strip())

    if not _first_pass(table, result, collect):
        return {}
    customers_qs = Customer.objects.visible_to(user) if user is not None else Customer.objects.all()
    customers = {c.code: c for c in customers_qs.filter(code__in=customer_codes).select_related("owner")}
    products = {p.code: p for p in Product.objects.filter(code__in=product_codes)}
    people = {p.employee_no: p for p in Person.objects.filter(employee_no__in=employee_nos)}

    channels, statuses = set(Channel.values), set(OrderStatus.values)
    orders: dict[str, list[_OrderRow]] = defaultdict(list)
    for index, (line, raw) in enumerate(table, start=1):
        if progress and index % 100 == 0:
            progress(index, result.total_rows)
        before = len(result.errors)
        erp_no = _text(raw.get("erp_no"))
        if not erp_no:
            result.error(line, "erp_no", _("the ERP order number is missing"))
        elif len(erp_no) > MAX_ERP_NO:
            result.error(line, "erp_no", _("the ERP order number is too long"))
        order_date = parse_date(raw.get("order_date"))
        if order_date is None:
            result.error(line, "order_date", _("not a date: %(value)s") % {"value": _text(raw.get("order_date"))})
        customer = customers.get(_text(raw.get("customer_code")))
        if customer is None:
            result.error(
                line, "customer_code", _("unknown customer %(code)s") % {"code": _text(raw.get("customer_code"))}
            )
        product = products.get(_text(raw.get("product_code")))
        if product is None:
            result.error(line, "product_code", _("unknown product %(code)s") % {"code": _text(raw.get("product_code"))})
        quantity = parse_decimal(raw.get("quantity"))
        if quantity is None or quantity <= 0:
            result.error(line, "quantity", _("the quantity must be a number above 0"))
        unit_price = parse_decimal(raw.get("unit_price"))
        if unit_price is None or unit_price < 0:
            result.error(line, "unit_price", _("the price must be a number, 0 or more"))
        unit_cost = None
        if _text(raw.get("unit_cost")):
            unit_cost = parse_decimal(raw.get("unit_cost"))
            if unit_cost is None or unit_cost < 0:
                result.error(line, "unit_cost", _("the cost must be a number, 0 or more"))
        channel = _text(raw.get("channel")).lower() or Channel.DIRECT
        if channel not in channels:
            result.error(line, "channel", _("unknown channel %(value)s") % {"value": channel})
        terms_text = _text(raw.get("payment_terms_days")) or "30"
        terms = int(terms_text) if terms_text.isdigit() else None
        if terms is None:
            result.error(line, "payment_terms_days", _("the payment terms must be whole days"))
        status_text = _text(raw.get("status"))
        status = STATUS_ALIASES.get(status_text, status_text.lower()) or OrderStatus.CONFIRMED
        if status not in statuses:
            result.error(line, "status", _("unknown status %(value)s") % {"value": status_text})
        shares_text = _text(raw.get("shares"))
        shares: list[tuple[Person, Decimal]] = []
        if shares_text:
            shares, problem = _parse_shares(shares_text, people)
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
        if len(result.errors) > before:
            continue
        cost_price = product.unit_cost if unit_cost is None else unit_cost
        row = _OrderRow(
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
            amount=to_money(quantity * unit_price),
            cost=to_money(quantity * cost_price),
        )
        if orders[erp_no] and _header_key(orders[erp_no][0]) != _header_key(row):
            result.error(
                line,
                "erp_no",
                _("order %(no)s: date, customer, channel, terms, status or shares differ from line %(first)s")
                % {"no": erp_no, "first": orders[erp_no][0].line},
            )
            continue
        orders[erp_no].append(row)
    return orders


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
    table = _open_table(result, content, file_name, ORDER_COLUMNS)
    if table is None:
        return result
    orders = _check_orders(table, result, user, progress)
    existing = {
        o.erp_no: o
        for o in Order.objects.filter(erp_no__in=list(orders)).with_paid().prefetch_related("lines", "shares")
    }
    plan: list[tuple[str, list[_OrderRow], Order | None]] = []
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
    result.errors.sort(key=lambda e: e["line"])
    if result.errors or dry_run:
        _count(result, plan)
        return result
    try:
        with transaction.atomic():
            _write_orders(plan, today=today or timezone.localdate(), user=user)
    except ApplicationError as exc:  # a race with another writer: nothing was written
        result.error(0, ", ".join(exc.fields) or "file", exc.message)
        return result
    _count(result, plan)
    return result


def _count(result: ImportResult, plan: list[tuple[str, list[_OrderRow], Order | None]]) -> None:
    for action, _rows, _order in plan:
        if action == "create":
            result.created += 1
        elif action == "update":
            result.updated += 1
        else:
            result.unchanged += 1


def _write_orders(plan: list[tuple[str, list[_OrderRow], Order | None]], *, today: date, user: Any = None) -> None:
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
    for rows, unsaved in new:
        order = by_erp[unsaved.erp_no]
        for r in rows:
            lines.append(
                OrderLine(
                    order=order,
                    product=r.product,
                    quantity=r.quantity,
                    unit_price=r.unit_price,
                    unit_cost=r.unit_cost,
                    amount=r.amount,
                    cost=r.cost,
                )
            )
        percents = [p for _, p in rows[0].shares]
        amounts, margins, primary = sales_services.share_splits(
            order.total_amount, order.total_amount - order.total_cost, percents
        )
        for i, (person, percent) in enumerate(rows[0].shares):
            shares.append(
                CreditShare(
                    order=order,
                    rep=person,
                    team_id=person.team_id,
                    region_id=person.region_id,
                    percent=percent,
                    is_primary=i == primary,
                    amount=amounts[i],
                    margin=margins[i],
                )
            )
        for planned in sales_services._default_plan(order):
            instalment = Instalment(order=order, due_date=planned.due_date, amount=planned.amount)
            instalment.status = sales_services.instalment_status(instalment, today)
            instalments.append(instalment)
    OrderLine.objects.bulk_create(lines, batch_size=1000)
    CreditShare.objects.bulk_create(shares, batch_size=1000)
    Instalment.objects.bulk_create(instalments, batch_size=1000)
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
        sales_services._write_lines(
            order,
            [sales_services.LineInput(r.product, r.quantity, r.unit_price, r.unit_cost) for r in rows],
        )
        sales_services._write_shares(order, [sales_services.ShareInput(p, pct) for p, pct in first.shares])
        sales_services.order_recompute(order=order)
        sales_services._write_plan(order, sales_services._default_plan(order), today=today)


# --- payments -------------------------------------------------------------------------------------


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
    table = _open_table(result, content, file_name, PAYMENT_COLUMNS)
    if table is None:
        return result
    erp_nos: set[str] = set()
    if not _first_pass(table, result, lambda r: erp_nos.add(_text(r.get("erp_no")))):
        return result
    orders_qs = Order.objects.visible_to(user) if user is not None else Order.objects.all()
    orders = {o.erp_no: o for o in orders_qs.filter(erp_no__in=erp_nos).with_paid()}
    paid = {o.pk: o.paid_amount for o in orders.values()}
    known_refs = set(
        Payment.objects.filter(order__in=list(orders.values()))
        .exclude(reference="")
        .values_list("order_id", "reference")
    )
    seen: dict[tuple[int, str], int] = {}
    to_post: list[tuple[Order, date, Decimal, str]] = []
    for index, (line, raw) in enumerate(table, start=1):
        if progress and index % 100 == 0:
            progress(index, result.total_rows)
        before = len(result.errors)
        erp_no = _text(raw.get("erp_no"))
        order = orders.get(erp_no)
        if order is None:
            result.error(line, "erp_no", _("unknown order %(no)s") % {"no": erp_no})
        elif order.status != OrderStatus.CONFIRMED:
            result.error(line, "erp_no", _("order %(no)s is not confirmed") % {"no": erp_no})
        on = parse_date(raw.get("payment_date"))
        if on is None:
            result.error(line, "payment_date", _("not a date: %(value)s") % {"value": _text(raw.get("payment_date"))})
        amount = parse_decimal(raw.get("amount"))
        if amount is None or amount <= 0 or amount != to_money(amount):
            result.error(line, "amount", _("the amount must be a number above 0, to the cent"))
        reference = _text(raw.get("reference"))
        if not reference:
            result.error(line, "reference", _("the payment reference is missing"))
        if len(result.errors) > before:
            continue
        key = (order.pk, reference)
        if key in seen:
            result.error(line, "reference", _("the same payment appears on line %(line)s") % {"line": seen[key]})
            continue
        seen[key] = line
        if key in known_refs:
            result.unchanged += 1
            continue
        balance = order.total_amount - paid.get(order.pk, Decimal(0))
        if amount > balance:
            result.error(
                line,
                "amount",
                _("%(amount)s exceeds the open balance %(balance)s") % {"amount": amount, "balance": balance},
            )
            continue
        paid[order.pk] = paid.get(order.pk, Decimal(0)) + amount
        to_post.append((order, on, amount, reference))
        result.amount += amount
    result.errors.sort(key=lambda e: e["line"])
    if result.errors or dry_run:
        result.created = len(to_post) if not result.errors else 0
        return result
    try:
        with transaction.atomic():
            for order, on, amount, reference in to_post:
                sales_services.payment_create(order=order, date=on, amount=amount, reference=reference, today=today)
    except ApplicationError as exc:
        result.error(0, ", ".join(exc.fields) or "file", exc.message)
        return result
    result.created = len(to_post)
    return result


# --- jobs -----------------------------------------------------------------------------------------


def import_run(
    *, kind: str, content: bytes, file_name: str, dry_run: bool, user: Any = None, **kwargs: Any
) -> ImportResult:
    """Check or import a file; a user (not the system) must be allowed to import (sales.import)."""
    if user is not None:
        authority.require(user, "sales.import")
    if kind == ImportKind.ORDERS:
        return import_orders(content=content, file_name=file_name, dry_run=dry_run, user=user, **kwargs)
    if kind == ImportKind.PAYMENTS:
        return import_payments(content=content, file_name=file_name, dry_run=dry_run, user=user, **kwargs)
    raise ApplicationError(_("Unknown import kind."), fields={"kind": [_("Choose orders or payments.")]})


def import_job_create(*, kind: str, file_name: str, content: bytes, dry_run: bool, user: Any = None) -> ImportJob:
    """Record an upload and queue its run (after commit, so the worker sees the row)."""
    if kind not in ImportKind.values:
        raise ApplicationError(_("Unknown import kind."), fields={"kind": [_("Choose orders or payments.")]})
    if not content:
        raise ApplicationError(_("The file is empty."), fields={"file": [_("Empty file.")]})
    person = None
    if user is not None:
        person = authority.require(user, "sales.import").person
    job = ImportJob.objects.create(kind=kind, file_name=file_name, content=content, dry_run=dry_run, created_by=person)
    from sales.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job; progress is written as rows are checked, so a page can poll it."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    user = job.created_by.user if job.created_by and job.created_by.user_id else None

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    try:
        result = import_run(
            kind=job.kind,
            content=bytes(job.content),
            file_name=job.file_name,
            dry_run=job.dry_run,
            user=user,
            progress=progress,
        )
    except (ApplicationError, authority.NotAllowed) as exc:
        result = ImportResult(kind=job.kind, dry_run=job.dry_run)
        result.error(0, "file", exc.message)
    job.total_rows = result.total_rows
    job.processed_rows = result.total_rows
    job.errors = result.errors
    job.summary = result.summary()
    if result.errors:
        job.status = ImportStatus.FAILED
    else:
        job.status = ImportStatus.CHECKED if job.dry_run else ImportStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["total_rows", "processed_rows", "errors", "summary", "status", "finished_at"])
    return job
