"""Pure helpers of sales: no database. The services write and the selectors read with these.

- order arithmetic: a line's amount and cost, the shares' percentages and splits, approval limits;
- instalments: their status, and how a paid amount spreads over them;
- credited amounts: any amount of an order (a line, a payment, what was owed) split by its shares;
- the ERP import's cells: text, dates, numbers, credit shares, column names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from sales.models import Instalment, InstalmentStatus, Order, Product
from salesorg.exceptions import ApplicationError
from salesorg.money import largest_share, split_by_shares, to_money
from staff.models import Person

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
Key = TypeVar("Key", bound=Hashable)
Owner = TypeVar("Owner", bound=Hashable)


def approval_amount() -> Decimal:
    return Decimal(str(getattr(settings, "ORDER_APPROVAL_AMOUNT", "100000")))


def approval_discount_percent() -> Decimal:
    return Decimal(str(getattr(settings, "ORDER_APPROVAL_DISCOUNT_PERCENT", "15")))


# --- what a write is given ----------------------------------------------------------------------


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


# --- numbers and cells ---------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as stripped text (a whole float from Excel loses its ".0")."""
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
    text = cell_text(value)
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    return None


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_decimal(value: Any) -> Decimal | None:
    """A finite number from a cell or an input ("1,234.50" too), or None."""
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = cell_text(value)
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            return None
    return number if number.is_finite() else None


def to_decimal(value: Any, field: str) -> Decimal:
    """A number given to a service, or a 400 naming the field."""
    number = parse_decimal(value)
    if number is None:
        raise ApplicationError(_("Not a number."), fields={field: [_("Enter a number.")]})
    return number


# --- order arithmetic -----------------------------------------------------------------------------


def line_amounts(quantity: Decimal, unit_price: Decimal, unit_cost: Decimal) -> tuple[Decimal, Decimal]:
    """A line's amount and cost: quantity x price and quantity x cost, rounded half up to the cent."""
    return to_money(quantity * unit_price), to_money(quantity * unit_cost)


def line_values(line: LineInput, *, field: str = "lines") -> tuple[Decimal, Decimal, Decimal]:
    """(quantity, unit_price, unit_cost) of a line, validated; the cost defaults to the product's."""
    quantity = to_decimal(line.quantity, field)
    unit_price = to_decimal(line.unit_price, field)
    unit_cost = line.product.unit_cost if line.unit_cost is None else to_decimal(line.unit_cost, field)
    if quantity <= 0:
        raise ApplicationError(_("The quantity must be positive."), fields={field: [_("Quantity must be above 0.")]})
    if unit_price < 0:
        raise ApplicationError(_("The price cannot be negative."), fields={field: [_("Price cannot be negative.")]})
    if unit_cost < 0:
        raise ApplicationError(_("The cost cannot be negative."), fields={field: [_("Cost cannot be negative.")]})
    return quantity, unit_price, unit_cost


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
    return split_by_shares(total_amount, percents), split_by_shares(total_margin, percents), largest_share(percents)


# --- instalments ----------------------------------------------------------------------------------


def instalment_status(instalment: Instalment, today: date) -> str:
    if instalment.paid_amount >= instalment.amount:
        return InstalmentStatus.PAID
    if instalment.due_date < today:
        return InstalmentStatus.OVERDUE
    if instalment.paid_amount > 0:
        return InstalmentStatus.PARTLY_PAID
    return InstalmentStatus.PENDING


def default_plan(order: Order) -> list[InstalmentInput]:
    """One instalment of the whole total at order date + payment terms (none for a total of 0)."""
    if order.total_amount <= 0:
        return []
    return [InstalmentInput(due_date=order.date + timedelta(days=order.payment_terms_days), amount=order.total_amount)]


def allocate_paid(instalments: Sequence[Instalment], paid: Decimal, today: date) -> None:
    """Spread what was paid over the instalments, oldest due first, and set their statuses."""
    remaining = paid
    for instalment in instalments:
        instalment.paid_amount = min(instalment.amount, max(remaining, ZERO))
        remaining -= instalment.paid_amount
        instalment.status = instalment_status(instalment, today)


# --- credited amounts -----------------------------------------------------------------------------


def credit_by_shares(
    amounts: Iterable[tuple[int, Key, Decimal]],
    shares: Iterable[tuple[int, Owner | None, Decimal]],
) -> dict[tuple[Owner, Key], Decimal]:
    """Split each amount between the credit shares of its order and add the parts up per owner.

    `amounts` are (order id, key, amount): an order line under its product line, a payment, what
    was owed on the order. `shares` are (order id, owner, percent) in the order the shares were
    recorded (the first wins a tie for the largest). Each amount is split by `split_by_shares`
    (DESIGN.md glossary: every share but the largest rounded down to the cent, the largest takes
    the rest), so the parts of one amount add up to it exactly. A share whose owner is None takes
    part in the split but is left out of the answer: {(owner, key): sum of its parts}.
    """
    by_order: dict[int, list[tuple[Owner | None, Decimal]]] = defaultdict(list)
    for order_id, owner, percent in shares:
        by_order[order_id].append((owner, percent))
    credited: dict[tuple[Owner, Key], Decimal] = defaultdict(Decimal)
    for order_id, key, amount in amounts:
        order_shares = by_order.get(order_id, [])
        parts = split_by_shares(amount, [percent for _owner, percent in order_shares])
        for (owner, _percent), part in zip(order_shares, parts, strict=True):
            if owner is not None:
                credited[(owner, key)] += part
    return dict(credited)


# --- the ERP import's columns and shares -----------------------------------------------------------

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


def normalise_header(name: str) -> str:
    text = name.strip()
    key = re.sub(r"[\s\-]+", "_", text.lower())
    return ALIASES.get(text, ALIASES.get(key, key))


def _share_pairs(text: str) -> Iterator[tuple[str, str] | None]:
    """(employee number, percent text) of each part of "E0012:60|E0013:40"; None for a part that
    has neither ':' nor '='."""
    for part in re.split(r"[|/]", text):
        if not part.strip():
            continue
        if ":" not in part and "=" not in part:
            yield None
            continue
        employee_no, percent_text = re.split(r"[:=]", part, maxsplit=1)
        yield employee_no.strip(), percent_text


def share_employee_nos(text: str) -> set[str]:
    """The employee numbers a shares cell names (the importer reads those people at once)."""
    return {pair[0] for pair in _share_pairs(text) if pair is not None}


def parse_shares(text: str, people: dict[str, Person]) -> tuple[list[tuple[Person, Decimal]], str]:
    """The (rep, percent) pairs of a shares cell, or [] and what is wrong with it."""
    shares = []
    for pair in _share_pairs(text):
        if pair is None:
            return [], _("write shares as EMPLOYEE_NO:PERCENT|EMPLOYEE_NO:PERCENT")
        employee_no, percent_text = pair
        person = people.get(employee_no)
        if person is None:
            return [], _("unknown rep %(no)s") % {"no": employee_no}
        percent = parse_decimal(percent_text.strip().rstrip("%"))
        if percent is None:
            return [], _("bad percent %(value)s") % {"value": percent_text}
        shares.append((person, percent))
    return shares, ""
