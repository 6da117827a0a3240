"""Pure helpers of the targets app (no database): splitting a value among children.

A breakdown or an allocation gives each child its exact share (value x weight / total weight)
rounded down to the unit (a cent for money, one for counts), then the units left over one each to
the children with the largest remainders, the earliest on a tie (DESIGN, "Breakdown and
allocation"). So the children add up exactly and each is within one unit of its exact share.

A stretch value is split the same way but never below the realistic split of the same child: the
largest-remainder method alone can give a child less of a larger total (the "Alabama paradox"),
and a child's stretch is at least its realistic value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext

from salesorg.formatting import money

CENT = Decimal("0.01")
ONE = Decimal(1)


def _units(amount: Decimal, unit: Decimal) -> int:
    units = Fraction(amount) / Fraction(unit)
    if units.denominator != 1:
        raise ValueError(f"{amount} is not a whole number of {unit}")
    return int(units)


class Infeasible(ValueError):
    """No split meets the floors within one unit of every share."""


def largest_remainder(
    total: Decimal,
    exact: Sequence[Fraction],
    unit: Decimal = CENT,
    at_least: Sequence[Decimal] | None = None,
    *,
    relaxed: bool = False,
) -> list[Decimal]:
    """`total` split into parts close to the `exact` shares (which add up to `total`), each a whole
    number of `unit`: each share rounded down, then the units left one each to the largest
    remainders (the earliest on a tie).

    `at_least` (optional, per part) is a floor no part goes below. Each part stays strictly within
    one unit of its share; `relaxed` allows exactly one unit (a share of 2.00 may then take 1.01 or
    2.99... never further), which is sometimes the only way to honour the floors. Raises
    `Infeasible` when the floors cannot be met."""
    if not exact:
        return []
    scaled = [Fraction(e) / Fraction(unit) for e in exact]
    floors = [math.floor(x) for x in scaled]
    low = [math.ceil(x) - 1 if relaxed else math.floor(x) for x in scaled]
    high = [math.floor(x) + 1 if relaxed else math.ceil(x) for x in scaled]
    units = _units(total, unit)
    minimum = [_units(m, unit) for m in at_least] if at_least is not None else [None] * len(scaled)
    if any(m is not None and m > h for m, h in zip(minimum, high, strict=True)):
        raise Infeasible
    parts = [max(lo, m) if m is not None else lo for lo, m in zip(low, minimum, strict=True)]
    left = units - sum(parts)
    if left < 0:
        raise Infeasible
    # First up to the rounded-down share (a part a relaxed start put a unit below it), earliest
    # first; then one unit each to the largest remainders, earliest on a tie.
    for i in range(len(parts)):
        if left and parts[i] < floors[i]:
            parts[i] += 1
            left -= 1
    order = sorted(
        (i for i in range(len(parts)) if parts[i] < high[i]),
        key=lambda i: (-(scaled[i] - floors[i]), i),
    )
    for i in order:
        if not left:
            break
        parts[i] += 1
        left -= 1
    if left:
        raise Infeasible
    return [(Decimal(p) * unit).quantize(unit) for p in parts]


def exact_shares(total: Decimal, weights: Sequence[Decimal]) -> list[Fraction]:
    """Each weight's exact share of `total` (equal shares when every weight is 0)."""
    fractions = [Fraction(w) for w in weights]
    if any(w < 0 for w in fractions):
        raise ValueError("weights are 0 or more")
    weight_total = sum(fractions, Fraction(0))
    if weight_total == 0:
        fractions = [Fraction(1)] * len(fractions)
        weight_total = Fraction(len(fractions))
    return [Fraction(total) * w / weight_total for w in fractions]


def split_by_weights(total: Decimal, weights: Sequence[Decimal], unit: Decimal = CENT) -> list[Decimal]:
    """`total` split by `weights` by the largest remainder (see the module's docstring)."""
    return largest_remainder(total, exact_shares(total, weights), unit)


def split_year(
    total: Decimal,
    month_weights: Sequence[Decimal],
    unit: Decimal = CENT,
    at_least: tuple[Sequence[Decimal], Sequence[Decimal]] | None = None,
) -> tuple[list[Decimal], list[Decimal]]:
    """(4 quarters, 12 months) of a yearly `total` by 12 monthly weights.

    Every quarter and every month is within one unit of its exact share of the year; the months
    of a quarter add up to it and the quarters to the year. The quarters are split first; each
    quarter then goes to its months by their exact shares of the year (not of the rounded
    quarter), which keeps each month within one unit of its own share. `at_least` = (quarters,
    months) of the realistic split when this is the stretch split: no stretch quarter or month
    falls below its realistic one (a stretch part may then sit exactly one unit from its share,
    or, when even that leaves no split, within two units).
    """
    if len(month_weights) != 12:
        raise ValueError("12 monthly weights")
    months_exact = exact_shares(total, month_weights)
    if at_least is None:
        return _split_year(total, months_exact, unit, None, relaxed=False)
    try:
        return _split_year(total, months_exact, unit, at_least, relaxed=False)
    except Infeasible:
        pass
    try:
        return _split_year(total, months_exact, unit, at_least, relaxed=True)
    except Infeasible:
        # No split within one unit of the shares stays at or above the realistic one: the
        # realistic split rounded several months up and the stretch adds too little to cover them
        # (a count of 26,916 with a stretch of 26,917). The realistic split plus the extra split by
        # the same weights: never below it, each part within two units of its share.
        extra_quarters, extra_months = split_year(total - sum(at_least[0], Decimal(0)), month_weights, unit)
        return (
            [Decimal(a) + b for a, b in zip(at_least[0], extra_quarters, strict=True)],
            [Decimal(a) + b for a, b in zip(at_least[1], extra_months, strict=True)],
        )


def _split_year(
    total: Decimal,
    months_exact: list[Fraction],
    unit: Decimal,
    at_least: tuple[Sequence[Decimal], Sequence[Decimal]] | None,
    *,
    relaxed: bool,
) -> tuple[list[Decimal], list[Decimal]]:
    quarters_exact = [sum(months_exact[q * 3 : q * 3 + 3], Fraction(0)) for q in range(4)]
    quarter_floors = None
    if at_least:
        # A quarter needs room for each month's own floor: the lowest its share allows, or the
        # realistic month when that is higher.
        month_floors = [
            max(
                Decimal(math.ceil(Fraction(e) / Fraction(unit)) - 1 if relaxed else math.floor(e / Fraction(unit))),
                m / unit,
            )
            * unit
            for e, m in zip(months_exact, at_least[1], strict=True)
        ]
        quarter_floors = [
            max(Decimal(at_least[0][q]), sum(month_floors[q * 3 : q * 3 + 3], Decimal(0))) for q in range(4)
        ]
    quarters = largest_remainder(total, quarters_exact, unit, quarter_floors, relaxed=relaxed)
    months: list[Decimal] = []
    for q in range(4):
        months.extend(
            largest_remainder(
                quarters[q],
                months_exact[q * 3 : q * 3 + 3],
                unit,
                list(at_least[1][q * 3 : q * 3 + 3]) if at_least else None,
                relaxed=relaxed,
            )
        )
    return quarters, months


def split_pair(
    value: Decimal, stretch: Decimal | None, weights: Sequence[Decimal], unit: Decimal = CENT
) -> tuple[list[Decimal], list[Decimal] | None]:
    """The realistic and the stretch split of one parent among children by `weights`."""
    values = split_by_weights(value, weights, unit)
    if stretch is None:
        return values, None
    exact = exact_shares(stretch, weights)
    try:
        return values, largest_remainder(stretch, exact, unit, values)
    except Infeasible:
        return values, largest_remainder(stretch, exact, unit, values, relaxed=True)


def weights_sum_to_hundred(weights: Sequence[Decimal]) -> bool:
    """A distribution template's 12 weights are percentages of the year: they add up to 100."""
    return sum((Decimal(w) for w in weights), Decimal(0)) == Decimal(100)


# --- Pace-gap prescriptions -----------------------------------------------------------------------

PRESCRIPTION_PLAN = "pace_gap.plan"
PRESCRIPTION_NO_HISTORY = "pace_gap.no_history"


@dataclass(frozen=True)
class ActivityHistory:
    """An owner's own trailing record (e.g. the last 6 months): what their orders took."""

    visits: int
    key_visits: int  # visits to key customers (a part of `visits`)
    proposals: int  # opportunities that reached a proposal (a quoted stage)
    orders: int
    sales: Decimal  # the credited amount of those orders


@dataclass(frozen=True)
class Prescription:
    """What it takes to close the gap by the period end, stored as a code and its parameters and
    rendered in the reader's language (`render_prescription`)."""

    code: str
    params: dict[str, str | int]


def _ceil(value: Fraction) -> int:
    return max(0, math.ceil(value))


def pace_gap_prescription(
    *,
    actual: Decimal,
    target: Decimal,
    time_progress: Decimal,
    days_left: int,
    history: ActivityHistory,
) -> Prescription | None:
    """The prescription for an owner behind pace (actual < target x time progress), else None.

    remaining = target - actual (what is left to close by the period end); behind = target x time
    progress - actual (how far under pace today). From the owner's history: average order =
    sales / orders; orders needed = ceil(remaining / average order); visits needed = ceil(orders
    needed x visits / orders), of which to key customers ceil(visits needed x key visits / visits);
    proposals needed = ceil(orders needed x proposals / orders). Per week: each need divided by the
    weeks left, ceil(days left / 7) (at least 1), rounded up. Without an order in the history
    there is nothing to learn from: the prescription says so and names the gap only.
    """
    if target <= 0 or actual >= target * time_progress:
        return None
    remaining = (target - actual).quantize(CENT)
    behind = (target * time_progress - actual).quantize(CENT)
    if history.orders <= 0 or history.sales <= 0:
        return Prescription(PRESCRIPTION_NO_HISTORY, {"remaining": str(remaining), "behind": str(behind)})
    weeks = max(1, math.ceil(max(days_left, 0) / 7))
    average = Fraction(history.sales) / history.orders
    orders = _ceil(Fraction(remaining) / average)
    visits = _ceil(Fraction(orders * history.visits, history.orders))
    key_visits = _ceil(Fraction(visits * history.key_visits, history.visits)) if history.visits else 0
    proposals = _ceil(Fraction(orders * history.proposals, history.orders))
    return Prescription(
        PRESCRIPTION_PLAN,
        {
            "remaining": str(remaining),
            "behind": str(behind),
            "average_order": str(Decimal(history.sales / history.orders).quantize(CENT)),
            "conversion": str((Decimal(history.orders) / history.visits * 100).quantize(Decimal("0.1")))
            if history.visits
            else "",
            "orders": orders,
            "weeks": weeks,
            "visits": visits,
            "key_visits": key_visits,
            "proposals": proposals,
            "visits_week": _ceil(Fraction(visits, weeks)),
            "key_visits_week": _ceil(Fraction(key_visits, weeks)),
            "proposals_week": _ceil(Fraction(proposals, weeks)),
            "orders_week": _ceil(Fraction(orders, weeks)),
        },
    )


def render_prescription(prescription: Prescription) -> str:
    """The prescription's text in the active language (call it under the reader's language)."""
    p = dict(prescription.params)
    for name in ("remaining", "behind", "average_order"):
        if name in p:
            p[name] = money(Decimal(str(p[name])))
    if prescription.code == PRESCRIPTION_PLAN:
        return (
            gettext(
                "Behind pace by %(behind)s; %(remaining)s to go by the period end. From your own last six months "
                "(average order %(average_order)s, %(conversion)s%% of visits ending in an order), that is about "
                "%(orders)s more orders: this week about %(key_visits_week)s visits to key customers "
                "(%(visits_week)s visits in all) and %(proposals_week)s proposals."
            )
            % p
        )
    return (
        gettext(
            "Behind pace by %(behind)s; %(remaining)s to go by the period end. No order in your last six months "
            "to learn from: plan the visits with your manager."
        )
        % p
    )
