"""Writes of orders: lines, credit shares, approval, cancellation, the payment plan.

The rules here feed the achievement engine, so they are exact (DESIGN.md, glossary):
- a line's amount and cost are quantity x price and quantity x cost, rounded half up to the cent;
- shares sum to exactly 100; each share records the rep's team and region when the order is made;
- each share's `amount`/`margin` is its split of the order total and margin by `split_by_shares`,
  recomputed whenever lines or shares change, and `is_primary` marks the largest (first on a tie);
- an order counts only when confirmed: when it matches rules of the approval matrix (amount,
  discount, the customer's credit, classification; `approvals.py`), each step's approver must
  approve it in turn, and it confirms when the last step is approved.
Payments are in `payments.py`, payment plans in `instalments.py`, who may act in `access.py`, the
pure arithmetic in `sales.domain`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from customers.models import Customer
from sales.domain import (
    HUNDRED,
    ZERO,
    InstalmentInput,
    LineInput,
    ShareInput,
    check_percents,
    default_plan,
    line_amounts,
    line_values,
    share_splits,
    to_decimal,
)
from sales.models import Channel, CreditShare, Order, OrderLine, OrderSequence, OrderStatus, Product
from sales.services import approvals
from sales.services.access import (
    check_credit,
    check_distributor,
    require_order_approver,
    require_order_change,
    require_order_edit,
    require_visible_customer,
    require_visible_order,
)
from sales.services.instalments import write_plan
from sales.services.validation import check_order_date
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.attribution import Unit, units_on
from staff.models import Person


def _next_number(on: date) -> str:
    """The next number of the order's month, by `settings.ORDER_NUMBER_FORMAT` (`year`, `month`,
    `seq`). The month's counter row is locked for update, so concurrent orders wait for each other
    and never share a number. A month's counter starts after the highest number of that format
    already on record (orders made before the counter existed); other numbers (ERP imports, the
    demo's) are never read."""
    period = f"{on:%Y-%m}"
    counter = OrderSequence.objects.select_for_update().filter(period=period).first()
    if counter is None:
        start = OrderSequence(period=period, last=_highest_on_record(on))
        OrderSequence.objects.bulk_create([start], ignore_conflicts=True)
        counter = OrderSequence.objects.select_for_update().get(period=period)
    counter.last += 1
    counter.save(update_fields=["last"])
    return settings.ORDER_NUMBER_FORMAT.format(year=on.year, month=on.month, seq=counter.last)


def _highest_on_record(on: date) -> int:
    fmt = settings.ORDER_NUMBER_FORMAT
    prefix = fmt[: fmt.index("{seq")].format(year=on.year, month=on.month)
    tails = (n[len(prefix) :] for n in Order.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    return max((int(tail) for tail in tails if tail.isdigit()), default=0)


def new_order_line(
    order: Order, product: Product, quantity: Decimal, unit_price: Decimal, unit_cost: Decimal
) -> OrderLine:
    """An unsaved line with its amount and cost (quantity x price and x cost, to the cent)."""
    amount, cost = line_amounts(quantity, unit_price, unit_cost)
    return OrderLine(
        order=order,
        product=product,
        quantity=quantity,
        unit_price=unit_price,
        unit_cost=unit_cost,
        amount=amount,
        cost=cost,
    )


def write_lines(order: Order, lines: Sequence[LineInput]) -> None:
    if not lines:
        raise ApplicationError(_("An order needs at least one line."), fields={"lines": [_("Add a line.")]})
    rows = []
    for line in lines:
        quantity, unit_price, unit_cost = line_values(line, field="lines")
        rows.append(new_order_line(order, line.product, quantity, unit_price, unit_cost))
    order.lines.all().delete()
    bulk_create_with_history(rows, OrderLine)


def write_shares(order: Order, shares: Sequence[ShareInput]) -> None:
    percents = [to_decimal(s.percent, "shares") for s in shares]
    check_percents(percents)
    reps = [s.rep.pk for s in shares]
    if len(set(reps)) != len(reps):
        raise ApplicationError(_("A rep appears twice."), fields={"shares": [_("One share per rep.")]})
    # Each share takes the team and region its rep had on the order's date (DESIGN.md
    # "Attribution"), whenever the order was typed in.
    units = units_on((s.rep.pk, order.date) for s in shares)
    order.shares.all().delete()
    bulk_create_with_history(
        [
            CreditShare(order=order, rep=s.rep, percent=percent, **_unit_of(s.rep, order.date, units))
            for s, percent in zip(shares, percents, strict=True)
        ],
        CreditShare,
    )


def _refile_shares(order: Order) -> None:
    """An order moved to another date: its shares take their reps' units on the new date."""
    shares = list(order.shares.select_related("rep"))
    units = units_on((share.rep_id, order.date) for share in shares)
    for share in shares:
        for field, value in _unit_of(share.rep, order.date, units).items():
            setattr(share, field, value)
    bulk_update_with_history(shares, CreditShare, ["team", "region"])


def _unit_of(rep: Person, day: date, units: dict[tuple[int, date], Unit]) -> dict[str, int | None]:
    unit = units.get((rep.pk, day))
    if unit is None:  # a rep without dated membership: where they stand now
        return {"team_id": rep.team_id, "region_id": rep.region_id}
    return {"team_id": unit.team_id, "region_id": unit.region_id}


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
        bulk_update_with_history(shares, CreditShare, ["amount", "margin", "is_primary"])
    return order


def new_credit_shares(
    order: Order,
    shares: Sequence[tuple[Person, Decimal]],
    units: dict[tuple[int, date], Unit] | None = None,
) -> list[CreditShare]:
    """Unsaved credit shares of an order whose totals are set, for the bulk writers (the importer,
    the demo): each rep's team and region on the order's date (from `units`, which bulk writers
    read once for all their orders with `staff.attribution.units_on`), each share's split of the
    total and margin, the primary share flagged."""
    amounts, margins, primary = share_splits(
        order.total_amount, order.total_amount - order.total_cost, [percent for _rep, percent in shares]
    )
    if units is None:
        units = units_on((rep.pk, order.date) for rep, _percent in shares)
    return [
        CreditShare(
            order=order,
            rep=rep,
            percent=percent,
            is_primary=i == primary,
            amount=amounts[i],
            margin=margins[i],
            **_unit_of(rep, order.date, units),
        )
        for i, (rep, percent) in enumerate(shares)
    ]


def _apply_approval_plan(order: Order, *, approved_discount: Decimal | None = None) -> None:
    """Submitted, or changed while pending: the approval matrix decides whether the order confirms
    or waits for approval steps (with the reason, held or not)."""
    plan = approvals.plan_for(order, approved_discount=approved_discount)
    order.approval_reason = plan.reason
    order.approval_hold = plan.hold and bool(plan.steps)
    order.status = OrderStatus.PENDING if plan.steps else OrderStatus.CONFIRMED
    order.save(update_fields=["status", "approval_reason", "approval_hold"])
    if plan.steps:
        approvals.approval_start(order=order, plan=plan)
    else:
        approvals.approval_withdraw(order=order)


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
    approved_discount: Decimal | None = None,
) -> Order:
    """A new order (draft, or submitted at once): lines, credit shares and the payment plan.

    Without shares the customer's owning rep gets 100%. `created_by` is the acting user; when
    given, the customer (and distributor) must be in their scope, they must be its owner or a
    manager of its unit (sales.create_record), and the shares go to reps of their unit
    (sales.credit). They stay able to see the order as its filer, whoever it is credited to.
    `approved_discount`: the discount (percent) a quotation already had approved, passed on to
    `order_submit` so that the matrix does not ask for it again.
    """
    _check_header(customer=customer, on=date, channel=channel, payment_terms_days=payment_terms_days)
    if created_by is not None:
        check_order_date(date, today=today or timezone.localdate())
        require_visible_customer(customer, created_by, field="customer")
        authority.require(created_by, "sales.create_record", customer)
    check_distributor(customer, distributor, created_by)
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
    write_lines(order, lines)
    write_shares(order, shares)
    order_recompute(order=order)
    write_plan(order, instalments or default_plan(order), today=today)
    if submit:
        order_submit(order=order, user=None, approved_discount=approved_discount)
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
    require_visible_order(order, user)
    if order.status == OrderStatus.CANCELLED:
        raise ApplicationError(_("A cancelled order cannot change."), fields={"status": [_("Cancelled.")]})
    amounts_change = lines is not None or shares is not None or instalments is not None
    allowed = {"date", "channel", "payment_terms_days", "note", "customer", "distributor"}
    unknown = set(header) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed."), fields={f: [_("Read-only.")] for f in unknown})
    counted = amounts_change or bool({"date", "customer", "distributor"} & set(header))
    require_order_change(order, user, counted=counted)
    _check_order_changes(order, user, header, shares)
    for field, value in header.items():
        setattr(order, field, value)
    _check_header(
        customer=order.customer, on=order.date, channel=order.channel, payment_terms_days=order.payment_terms_days
    )
    if "date" in header and user is not None:
        check_order_date(order.date, today=today or timezone.localdate())
    if header:
        order.save(update_fields=list(header))
    if lines is not None:
        write_lines(order, lines)
    if shares is not None:
        write_shares(order, shares)
    elif "date" in header:
        _refile_shares(order)
    if lines is not None or shares is not None:
        order_recompute(order=order)
    if instalments is not None:
        write_plan(order, instalments, today=today)
    elif lines is not None:
        # A custom plan no longer fits new totals: fall back to the default plan.
        write_plan(order, default_plan(order), today=today)
    elif {"payment_terms_days", "date"} & set(header) and order.instalments.count() <= 1:
        write_plan(order, default_plan(order), today=today)
    if order.status == OrderStatus.PENDING and (amounts_change or "customer" in header):
        _apply_approval_plan(order)
    return order


def _check_order_changes(order: Order, user: Any, header: dict[str, Any], shares: Sequence[ShareInput] | None) -> None:
    """A new customer, distributor or newly credited rep follows the rules of a new order."""
    customer = header.get("customer", order.customer)
    if "customer" in header and customer.pk != order.customer_id and order.payments.exists():
        # Payments keep the customer they were received from (a reference is unique per customer).
        message = _("An order with payments keeps its customer.")
        raise ApplicationError(message, fields={"customer": [message]})
    if "customer" in header and user is not None:
        require_visible_customer(customer, user, field="customer")
        authority.require(user, "sales.create_record", customer)
    if "distributor" in header:
        check_distributor(customer, header["distributor"], user)
    if shares is not None:
        credited = set(order.credited_ids)
        check_credit(user, [s.rep for s in shares if s.rep.pk not in credited])


@transaction.atomic
def order_submit(*, order: Order, user: Any, approved_discount: Decimal | None = None) -> Order:
    """Draft -> confirmed, or -> pending approval when it matches rules of the approval matrix
    (a discount up to `approved_discount` percent was approved already: see `approvals.plan_for`)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if user is not None:
        require_visible_order(order, user)
        require_order_edit(order, user)
    if order.status != OrderStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be submitted."), fields={"status": [_("Not a draft.")]})
    _apply_approval_plan(order, approved_discount=approved_discount)
    return order


@transaction.atomic
def order_approve(*, order: Order, user: Any) -> Order:
    """Approve the step the order waits for: a manager of every unit the order is credited to,
    above its filer, neither the filer nor a credited rep, holding the step's level or above, who
    decided no earlier step (sales.approve_step). The last step approved confirms the order."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    require_visible_order(order, user)
    if order.status != OrderStatus.PENDING:
        require_order_approver(order, user)
        raise ApplicationError(_("The order is not waiting for approval."), fields={"status": [_("Not pending.")]})
    if not approvals.approval_decide(order=order, user=user, approve=True):
        return order
    order.status = OrderStatus.CONFIRMED
    order.approval_hold = False
    order.approved_by = authority.actor_of(user).person
    order.approved_at = timezone.now()
    order.save(update_fields=["status", "approval_hold", "approved_by", "approved_at"])
    return order


@transaction.atomic
def order_reject(*, order: Order, user: Any, reason: str) -> Order:
    """The approver of the step it waits for (sales.approve_step) sends an order back to draft,
    with the reason (kept on the refused step and in the order's note)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    require_visible_order(order, user)
    if order.status != OrderStatus.PENDING:
        require_order_approver(order, user)
        raise ApplicationError(_("The order is not waiting for approval."), fields={"status": [_("Not pending.")]})
    if not reason.strip():
        approvals.require_step_decider(order, approvals.ensure_waiting_step(order), user)
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Required.")]})
    approvals.approval_decide(order=order, user=user, approve=False, reason=reason)
    order.status = OrderStatus.DRAFT
    order.approval_hold = False
    order.note = (order.note + "\n" if order.note else "") + _("Rejected: %(reason)s") % {"reason": reason}
    order.save(update_fields=["status", "approval_hold", "note"])
    return order


@transaction.atomic
def order_cancel(*, order: Order, user: Any, reason: str) -> Order:
    """Cancel an order that has no payments. A confirmed order is cancelled only by one who may
    approve it (sales.approve_record), a draft or pending one by its people (sales.edit_record)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    require_visible_order(order, user)
    require_order_change(order, user)
    if order.status == OrderStatus.CANCELLED:
        raise ApplicationError(_("The order is already cancelled."), fields={"status": [_("Cancelled.")]})
    if not reason.strip():
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Required.")]})
    if order.payments.exists():
        raise ApplicationError(_("The order has payments."), fields={"status": [_("Refund the payments first.")]})
    order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason
    order.approval_hold = False
    order.save(update_fields=["status", "cancel_reason", "approval_hold"])
    approvals.approval_withdraw(order=order)
    return order


@transaction.atomic
def order_set_payment_plan(
    *, order: Order, user: Any, instalments: Sequence[InstalmentInput], today: date | None = None
) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    require_visible_order(order, user)
    require_order_change(order, user)
    if order.status == OrderStatus.CANCELLED:
        raise ApplicationError(_("A cancelled order has no plan."), fields={"status": [_("Cancelled.")]})
    write_plan(order, instalments, today=today)
    return order
