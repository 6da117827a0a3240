"""Writes for products, orders, credit shares, payment plans and payments.

The rules here feed the achievement engine, so they are exact (DESIGN.md, glossary):
- a line's amount and cost are quantity x price and quantity x cost, rounded half up to the cent;
- shares sum to exactly 100; each share records the rep's team and region when the order is made;
- each share's `amount`/`margin` is its split of the order total and margin by `split_by_shares`,
  recomputed whenever lines or shares change, and `is_primary` marks the largest (first on a tie);
- an order counts only when confirmed: above `ORDER_APPROVAL_AMOUNT` or with a line discounted
  more than `ORDER_APPROVAL_DISCOUNT_PERCENT` below list price, a manager must approve it;
- payments apply to the oldest open instalment first and never exceed the open balance; the order
  row is locked while a payment is posted, so two concurrent payments cannot overdraw it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, CustomerKind
from sales.models import (
    Channel,
    CreditShare,
    Instalment,
    InstalmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    Product,
)
from sales.selectors import order_balance, order_paid
from salesorg.exceptions import ApplicationError
from salesorg.money import split_by_shares, to_money
from staff import authority
from staff.models import Person

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def approval_amount() -> Decimal:
    return Decimal(str(getattr(settings, "ORDER_APPROVAL_AMOUNT", "100000")))


def approval_discount_percent() -> Decimal:
    return Decimal(str(getattr(settings, "ORDER_APPROVAL_DISCOUNT_PERCENT", "15")))


def reminder_days() -> int:
    return int(getattr(settings, "INSTALMENT_REMINDER_DAYS", 7))


# --- pure helpers (shared with the importer) --------------------------------------------------


@dataclass
class LineInput:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    unit_cost: Decimal | None = None


@dataclass
class ShareInput:
    rep: Person
    percent: Decimal


@dataclass
class InstalmentInput:
    due_date: date
    amount: Decimal


def _decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Not a number."), fields={field: [_("Enter a number.")]}) from None


def line_values(line: LineInput, *, field: str = "lines") -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(quantity, unit_price, unit_cost, amount, cost) of a line, validated."""
    quantity = _decimal(line.quantity, field)
    unit_price = _decimal(line.unit_price, field)
    unit_cost = line.product.unit_cost if line.unit_cost is None else _decimal(line.unit_cost, field)
    if quantity <= 0:
        raise ApplicationError(_("The quantity must be positive."), fields={field: [_("Quantity must be above 0.")]})
    if unit_price < 0:
        raise ApplicationError(_("The price cannot be negative."), fields={field: [_("Price cannot be negative.")]})
    if unit_cost < 0:
        raise ApplicationError(_("The cost cannot be negative."), fields={field: [_("Cost cannot be negative.")]})
    return quantity, unit_price, unit_cost, to_money(quantity * unit_price), to_money(quantity * unit_cost)


def check_percents(percents: Sequence[Decimal], *, field: str = "shares") -> None:
    if not percents:
        raise ApplicationError(_("An order needs at least one credited rep."), fields={field: [_("Add a share.")]})
    for percent in percents:
        if percent <= 0 or percent > HUNDRED:
            raise ApplicationError(
                _("A share must be above 0 and at most 100."), fields={field: [_("Each share is 0 < % <= 100.")]}
            )
    total = sum(percents, Decimal(0))
    if total != HUNDRED:
        raise ApplicationError(
            _("The shares add up to %(total)s%%, not 100%%.") % {"total": total},
            fields={field: [_("Shares must add up to exactly 100 (now %(total)s).") % {"total": total}]},
        )


def share_splits(
    total_amount: Decimal, total_margin: Decimal, percents: Sequence[Decimal]
) -> tuple[list[Decimal], list[Decimal], int]:
    """Each share's amount and margin, and the index of the primary share (largest, first on a tie)."""
    primary = max(range(len(percents)), key=lambda i: (percents[i], -i))
    return split_by_shares(total_amount, percents), split_by_shares(total_margin, percents), primary


def needs_approval(total_amount: Decimal, lines: Iterable[tuple[Product, Decimal]]) -> str:
    """Why an order needs a manager's approval ('' when it does not)."""
    reasons = []
    if total_amount > approval_amount():
        reasons.append(_("amount above %(limit)s") % {"limit": approval_amount()})
    limit = approval_discount_percent()
    for product, unit_price in lines:
        if product.list_price > 0:
            discount = (product.list_price - unit_price) * HUNDRED / product.list_price
            if discount > limit:
                reasons.append(
                    _("%(code)s discounted %(discount)s%% (limit %(limit)s%%)")
                    % {"code": product.code, "discount": discount.quantize(Decimal("0.1")), "limit": limit}
                )
    return "; ".join(reasons)


# --- who may (the authority rule; `user=None` is the system: the importer, the demo) ---------------


def _require_visible_order(order: Order, user: Any) -> None:
    if user is not None and not Order.objects.visible_to(user).filter(pk=order.pk).exists():
        raise ApplicationError(_("This order is outside your scope."), fields={"order": [_("Not found.")]})


def _require_visible_customer(customer: Customer, user: Any, *, field: str) -> None:
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


def check_credit(user: Any, people: Sequence[Person], *, field: str = "shares") -> None:
    """Credit only reps of the actor's unit (rule sales.credit): refused as a 400 naming the field."""
    if user is None or not people:
        return
    message = authority.check(user, "sales.credit", None, people=people)
    if message is not None:
        raise ApplicationError(message, fields={field: [message]})


def _check_distributor(customer: Customer, distributor: Customer | None, user: Any) -> None:
    if distributor is None:
        return
    if user is not None:
        _require_visible_customer(distributor, user, field="distributor")
    if distributor.pk == customer.pk or distributor.kind not in (CustomerKind.DISTRIBUTOR, CustomerKind.AGENT):
        raise ApplicationError(
            _("The distributor must be another customer, a distributor or an agent."),
            fields={"distributor": [_("Choose a distributor or an agent.")]},
        )


# --- orders -----------------------------------------------------------------------------------


def _next_number(on: date) -> str:
    prefix = f"SO{on:%Y%m}-"
    last = Order.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{sequence:05d}"


def _write_lines(order: Order, lines: Sequence[LineInput]) -> None:
    if not lines:
        raise ApplicationError(_("An order needs at least one line."), fields={"lines": [_("Add a line.")]})
    rows = []
    for line in lines:
        quantity, unit_price, unit_cost, amount, cost = line_values(line, field="lines")
        rows.append(
            OrderLine(
                order=order,
                product=line.product,
                quantity=quantity,
                unit_price=unit_price,
                unit_cost=unit_cost,
                amount=amount,
                cost=cost,
            )
        )
    order.lines.all().delete()
    OrderLine.objects.bulk_create(rows)


def _write_shares(order: Order, shares: Sequence[ShareInput]) -> None:
    percents = [_decimal(s.percent, "shares") for s in shares]
    check_percents(percents)
    reps = [s.rep.pk for s in shares]
    if len(set(reps)) != len(reps):
        raise ApplicationError(_("A rep appears twice."), fields={"shares": [_("One share per rep.")]})
    # Keep the team and region already recorded for a rep who stays on the order: a transfer
    # after the order date must not move the share.
    recorded = {s.rep_id: (s.team_id, s.region_id) for s in order.shares.all()}
    order.shares.all().delete()
    CreditShare.objects.bulk_create(
        [
            CreditShare(
                order=order,
                rep=s.rep,
                team_id=recorded.get(s.rep.pk, (s.rep.team_id, s.rep.region_id))[0],
                region_id=recorded.get(s.rep.pk, (s.rep.team_id, s.rep.region_id))[1],
                percent=percent,
            )
            for s, percent in zip(shares, percents, strict=True)
        ]
    )


def order_recompute(*, order: Order) -> Order:
    """Totals from the lines, then each share's split and the primary flag (two set-based reads)."""
    totals = order.lines.aggregate(amount=Sum("amount"), cost=Sum("cost"))
    order.total_amount = totals["amount"] or ZERO
    order.total_cost = totals["cost"] or ZERO
    order.save(update_fields=["total_amount", "total_cost"])
    shares = list(order.shares.order_by("id"))
    if shares:
        amounts, margins, primary = share_splits(
            order.total_amount, order.total_amount - order.total_cost, [s.percent for s in shares]
        )
        for i, share in enumerate(shares):
            share.amount, share.margin, share.is_primary = amounts[i], margins[i], i == primary
        CreditShare.objects.bulk_update(shares, ["amount", "margin", "is_primary"])
    return order


def _default_plan(order: Order) -> list[InstalmentInput]:
    if order.total_amount <= 0:
        return []
    return [InstalmentInput(due_date=order.date + timedelta(days=order.payment_terms_days), amount=order.total_amount)]


def _write_plan(order: Order, plan: Sequence[InstalmentInput], *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    total = sum((to_money(_decimal(i.amount, "instalments")) for i in plan), ZERO)
    if plan and total != order.total_amount:
        raise ApplicationError(
            _("The instalments add up to %(total)s, not the order total %(order)s.")
            % {"total": total, "order": order.total_amount},
            fields={"instalments": [_("Instalments must add up to the order total.")]},
        )
    for instalment in plan:
        if to_money(_decimal(instalment.amount, "instalments")) <= 0:
            raise ApplicationError(_("An instalment must be positive."), fields={"instalments": [_("Must be > 0.")]})
        if not isinstance(instalment.due_date, date):
            raise ApplicationError(_("Bad due date."), fields={"instalments": [_("Enter a valid date.")]})
    paid = order_paid(order)
    if paid > order.total_amount:
        raise ApplicationError(
            _("The order total cannot fall below what was already paid (%(paid)s).") % {"paid": paid},
            fields={"lines": [_("Total below payments received.")]},
        )
    order.instalments.all().delete()
    rows = [
        Instalment(order=order, due_date=i.due_date, amount=to_money(_decimal(i.amount, "instalments")))
        for i in sorted(plan, key=lambda i: i.due_date)
    ]
    _allocate(rows, paid, today)
    Instalment.objects.bulk_create(rows)


def _allocate(instalments: Sequence[Instalment], paid: Decimal, today: date) -> None:
    """Spread what was paid over the instalments, oldest due first, and set their statuses."""
    remaining = paid
    for instalment in instalments:
        instalment.paid_amount = min(instalment.amount, max(remaining, ZERO))
        remaining -= instalment.paid_amount
        instalment.status = instalment_status(instalment, today)


def instalment_status(instalment: Instalment, today: date) -> str:
    if instalment.paid_amount >= instalment.amount:
        return InstalmentStatus.PAID
    if instalment.due_date < today:
        return InstalmentStatus.OVERDUE
    if instalment.paid_amount > 0:
        return InstalmentStatus.PARTLY_PAID
    return InstalmentStatus.PENDING


def _approval_reason(order: Order) -> str:
    lines = [(line.product, line.unit_price) for line in order.lines.select_related("product")]
    return needs_approval(order.total_amount, lines)


def _check_header(*, customer: Customer, on: Any, channel: str, payment_terms_days: Any) -> None:
    if not isinstance(on, date):
        raise ApplicationError(_("Bad order date."), fields={"date": [_("Enter a valid date.")]})
    if channel not in Channel.values:
        raise ApplicationError(_("Unknown channel."), fields={"channel": [_("Choose a valid channel.")]})
    if payment_terms_days is None or int(payment_terms_days) < 0:
        raise ApplicationError(_("Bad payment terms."), fields={"payment_terms_days": [_("Must be >= 0.")]})


@transaction.atomic
def order_create(
    *,
    customer: Customer,
    date: date,
    lines: Sequence[LineInput],
    shares: Sequence[ShareInput] | None = None,
    channel: str = Channel.DIRECT,
    payment_terms_days: int = 30,
    instalments: Sequence[InstalmentInput] | None = None,
    erp_no: str | None = None,
    number: str | None = None,
    note: str = "",
    distributor: Customer | None = None,
    created_by: Any = None,
    submit: bool = False,
    today: date | None = None,
) -> Order:
    """A new order (draft, or submitted at once): lines, credit shares and the payment plan.

    Without shares the customer's owning rep gets 100%. `created_by` is the acting user; when
    given, the customer (and distributor) must be in their scope, they must be its owner or a
    manager of its unit (sales.create_record), and the shares go to reps of their unit
    (sales.credit). They stay able to see the order as its filer, whoever it is credited to.
    """
    _check_header(customer=customer, on=date, channel=channel, payment_terms_days=payment_terms_days)
    if created_by is not None:
        _require_visible_customer(customer, created_by, field="customer")
        authority.require(created_by, "sales.create_record", customer)
    _check_distributor(customer, distributor, created_by)
    if shares is None:
        if customer.owner_id is None:
            raise ApplicationError(
                _("The customer has no owner: name the credited reps."), fields={"shares": [_("Add a share.")]}
            )
        shares = [ShareInput(rep=customer.owner, percent=HUNDRED)]
    check_credit(created_by, [s.rep for s in shares])
    if erp_no and Order.objects.filter(erp_no=erp_no).exists():
        raise ApplicationError(_("This ERP order number exists."), fields={"erp_no": [_("Already imported.")]})
    order = Order.objects.create(
        number=number or _next_number(date),
        erp_no=erp_no or None,
        customer=customer,
        distributor=distributor,
        date=date,
        channel=channel,
        payment_terms_days=int(payment_terms_days),
        note=note,
        created_by=authority.actor_of(created_by).person if created_by is not None else None,
    )
    _write_lines(order, lines)
    _write_shares(order, shares)
    order_recompute(order=order)
    _write_plan(order, instalments or _default_plan(order), today=today)
    if submit:
        order_submit(order=order, user=None)
    return order


@transaction.atomic
def order_update(
    *,
    order: Order,
    user: Any,
    lines: Sequence[LineInput] | None = None,
    shares: Sequence[ShareInput] | None = None,
    instalments: Sequence[InstalmentInput] | None = None,
    today: date | None = None,
    **header: Any,
) -> Order:
    """Change an order: its people or a manager of its unit (sales.edit_record). A confirmed order's
    amounts, shares, date, customer and distributor change only by one who may approve it."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_visible_order(order, user)
    if order.status == OrderStatus.CANCELLED:
        raise ApplicationError(_("A cancelled order cannot change."), fields={"status": [_("Cancelled.")]})
    amounts_change = lines is not None or shares is not None or instalments is not None
    allowed = {"date", "channel", "payment_terms_days", "note", "customer", "distributor"}
    unknown = set(header) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed."), fields={f: [_("Read-only.")] for f in unknown})
    counted = amounts_change or bool({"date", "customer", "distributor"} & set(header))
    if order.status == OrderStatus.CONFIRMED and counted:
        require_order_approver(order, user)
    else:
        require_order_edit(order, user)
    _check_order_changes(order, user, header, shares)
    for field, value in header.items():
        setattr(order, field, value)
    _check_header(
        customer=order.customer, on=order.date, channel=order.channel, payment_terms_days=order.payment_terms_days
    )
    if header:
        order.save(update_fields=list(header))
    if lines is not None:
        _write_lines(order, lines)
    if shares is not None:
        _write_shares(order, shares)
    if lines is not None or shares is not None:
        order_recompute(order=order)
    if instalments is not None:
        _write_plan(order, instalments, today=today)
    elif lines is not None:
        # A custom plan no longer fits new totals: fall back to the default plan.
        _write_plan(order, _default_plan(order), today=today)
    elif {"payment_terms_days", "date"} & set(header) and order.instalments.count() <= 1:
        _write_plan(order, _default_plan(order), today=today)
    if order.status == OrderStatus.PENDING and amounts_change:
        order.approval_reason = _approval_reason(order)
        if not order.approval_reason:
            order.status = OrderStatus.CONFIRMED
        order.save(update_fields=["approval_reason", "status"])
    return order


def _check_order_changes(order: Order, user: Any, header: dict[str, Any], shares: Sequence[ShareInput] | None) -> None:
    """A new customer, distributor or newly credited rep follows the rules of a new order."""
    customer = header.get("customer", order.customer)
    if "customer" in header and user is not None:
        _require_visible_customer(customer, user, field="customer")
        authority.require(user, "sales.create_record", customer)
    if "distributor" in header:
        _check_distributor(customer, header["distributor"], user)
    if shares is not None:
        credited = set(order.credited_ids)
        check_credit(user, [s.rep for s in shares if s.rep.pk not in credited])


@transaction.atomic
def order_submit(*, order: Order, user: Any) -> Order:
    """Draft -> confirmed, or -> pending approval when above the amount or discount limits."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if user is not None:
        _require_visible_order(order, user)
        require_order_edit(order, user)
    if order.status != OrderStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be submitted."), fields={"status": [_("Not a draft.")]})
    order.approval_reason = _approval_reason(order)
    order.status = OrderStatus.PENDING if order.approval_reason else OrderStatus.CONFIRMED
    order.save(update_fields=["status", "approval_reason"])
    return order


@transaction.atomic
def order_approve(*, order: Order, user: Any) -> Order:
    """A manager of every unit the order is credited to, above its filer, neither the filer nor a
    credited rep (sales.approve_record), confirms an order waiting for approval."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_visible_order(order, user)
    require_order_approver(order, user)
    if order.status != OrderStatus.PENDING:
        raise ApplicationError(_("The order is not waiting for approval."), fields={"status": [_("Not pending.")]})
    order.status = OrderStatus.CONFIRMED
    order.approved_by = authority.actor_of(user).person
    order.approved_at = timezone.now()
    order.save(update_fields=["status", "approved_by", "approved_at"])
    return order


@transaction.atomic
def order_reject(*, order: Order, user: Any, reason: str) -> Order:
    """One who may approve it (sales.approve_record) sends an order back to draft, with the reason."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_visible_order(order, user)
    require_order_approver(order, user)
    if order.status != OrderStatus.PENDING:
        raise ApplicationError(_("The order is not waiting for approval."), fields={"status": [_("Not pending.")]})
    if not reason.strip():
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Required.")]})
    order.status = OrderStatus.DRAFT
    order.note = (order.note + "\n" if order.note else "") + _("Rejected: %(reason)s") % {"reason": reason}
    order.save(update_fields=["status", "note"])
    return order


@transaction.atomic
def order_cancel(*, order: Order, user: Any, reason: str) -> Order:
    """Cancel an order that has no payments. A confirmed order is cancelled only by one who may
    approve it (sales.approve_record), a draft or pending one by its people (sales.edit_record)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_visible_order(order, user)
    if order.status == OrderStatus.CONFIRMED:
        require_order_approver(order, user)
    else:
        require_order_edit(order, user)
    if order.status == OrderStatus.CANCELLED:
        raise ApplicationError(_("The order is already cancelled."), fields={"status": [_("Cancelled.")]})
    if not reason.strip():
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Required.")]})
    if order.payments.exists():
        raise ApplicationError(_("The order has payments."), fields={"status": [_("Refund the payments first.")]})
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason
    order.save(update_fields=["status", "cancel_reason"])
    return order


@transaction.atomic
def order_set_payment_plan(
    *, order: Order, user: Any, instalments: Sequence[InstalmentInput], today: date | None = None
) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_visible_order(order, user)
    if order.status == OrderStatus.CONFIRMED:
        require_order_approver(order, user)
    else:
        require_order_edit(order, user)
    if order.status == OrderStatus.CANCELLED:
        raise ApplicationError(_("A cancelled order has no plan."), fields={"status": [_("Cancelled.")]})
    _write_plan(order, instalments, today=today)
    return order


# --- payments ---------------------------------------------------------------------------------


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
    amount = _decimal(amount, "amount")
    if amount <= 0 or amount != to_money(amount):
        raise ApplicationError(
            _("The amount must be positive, to the cent."), fields={"amount": [_("Must be above 0.")]}
        )
    order = Order.objects.select_for_update().get(pk=order.pk)
    if user is not None:
        _require_visible_order(order, user)
        require_order_approver(order, user)
    if order.status != OrderStatus.CONFIRMED:
        raise ApplicationError(
            _("Payments are posted against confirmed orders only."), fields={"order": [_("Not confirmed.")]}
        )
    balance = order_balance(order)
    if amount > balance:
        raise ApplicationError(
            _("The payment %(amount)s exceeds the open balance %(balance)s.") % {"amount": amount, "balance": balance},
            fields={"amount": [_("At most the open balance (%(balance)s).") % {"balance": balance}]},
        )
    payment = Payment.objects.create(order=order, date=date, amount=amount, reference=reference)
    _apply_to_instalments(order, amount, today)
    return payment


def _apply_to_instalments(order: Order, amount: Decimal, today: date) -> None:
    instalments = list(order.instalments.filter(paid_amount__lt=F("amount")).order_by("due_date", "id"))
    if not instalments:
        # An order with no plan yet (e.g. a total of 0 before): create the default one now.
        _write_plan(order, _default_plan(order), today=today)
        return
    remaining = amount
    for instalment in instalments:
        if remaining <= 0:
            break
        applied = min(remaining, instalment.amount - instalment.paid_amount)
        instalment.paid_amount += applied
        remaining -= applied
        instalment.status = instalment_status(instalment, today)
    Instalment.objects.bulk_update(instalments, ["paid_amount", "status"])


# --- instalment statuses and reminders ----------------------------------------------------------


def instalments_mark_overdue(*, today: date | None = None) -> int:
    """Flag unpaid instalments past their due date as overdue (one UPDATE)."""
    today = today or timezone.localdate()
    return (
        Instalment.objects.filter(due_date__lt=today, paid_amount__lt=F("amount"))
        .exclude(status=InstalmentStatus.OVERDUE)
        .update(status=InstalmentStatus.OVERDUE)
    )


def instalments_send_reminders(*, today: date | None = None, days_before: int | None = None) -> int:
    """E-mail the credited reps about open instalments due in N days; each instalment once."""
    today = today or timezone.localdate()
    days_before = reminder_days() if days_before is None else days_before
    due = today + timedelta(days=days_before)
    instalments = list(
        Instalment.objects.filter(
            due_date__gt=today,
            due_date__lte=due,
            reminded_on__isnull=True,
            paid_amount__lt=F("amount"),
            order__status=OrderStatus.CONFIRMED,
        )
        .select_related("order__customer")
        .prefetch_related("order__shares__rep")
    )
    messages = []
    for instalment in instalments:
        recipients = [s.rep.email for s in instalment.order.shares.all() if s.rep.email]
        if recipients:
            open_amount = instalment.amount - instalment.paid_amount
            messages.append(
                (
                    _("Payment due %(date)s: %(order)s") % {"date": instalment.due_date, "order": instalment.order},
                    _("%(customer)s owes %(amount)s on order %(order)s, due %(date)s.")
                    % {
                        "customer": instalment.order.customer,
                        "amount": open_amount,
                        "order": instalment.order,
                        "date": instalment.due_date,
                    },
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
            )
    if messages:
        send_mass_mail(messages, fail_silently=True)
    Instalment.objects.filter(pk__in=[i.pk for i in instalments]).update(reminded_on=today)
    return len(instalments)


def open_instalments_q() -> Q:
    return Q(paid_amount__lt=F("amount"), order__status=OrderStatus.CONFIRMED)
