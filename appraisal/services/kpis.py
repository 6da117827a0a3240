"""KPI values for many people at once: a fixed number of queries, whatever the number of people.

Engine KPIs (target and gross margin achievement rates, new customers, the collected amount)
are read from `targets.Achievement` (rep rows of the period); the others are aggregated from the
commercial record with one grouped query each (DESIGN.md glossary, KPI table):

- receivables collection rate = payments in the period (the engine's `collection`, split by
  credit share) / what was owed in the period. Per order, payments are taken to settle the
  earliest instalments first, so what was owed = balance at the period start on instalments
  already due + instalments falling due within the period
  = max(0, instalments due up to the period end - payments dated before the period start);
  it is split between the order's reps by credit share like every money metric.
- average daily visits = distinct (customer, day) visits in the period (phone calls excluded) /
  working days of the period (Monday-Friday, less holidays, plus make-up workdays).
- customer count / breadth = distinct customers / distinct industries of the confirmed orders
  dated in the period that are credited to the person.
- product mix = the person's credited share of focus-line sales / the engine's sales amount; the
  focus-line sales from the engine's kept product-line base up to its last run, the records after.
- customer satisfaction = mean satisfaction score of evaluations dated in the period of the
  customers the person owns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, CharField, Count, Q, Sum, Value
from django.db.models.functions import Cast, Concat

from appraisal.models import KpiCode
from sales.domain import credit_by_shares
from salesorg.periods import Period
from staff.selectors import working_days_in

FOUR = Decimal("0.0001")
KpiValues = dict[int, dict[str, Decimal | None]]


def _q4(value: Decimal) -> Decimal:
    return Decimal(value).quantize(FOUR, rounding=ROUND_HALF_UP)


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return _q4(Decimal(numerator) / Decimal(denominator))


def engine_values(
    *, person_ids, period: Period, unit_of: dict[int, tuple[str, int]] | None = None
) -> dict[int, dict[str, Decimal | None]]:
    """The engine's rows of the period: {person: {metric: actual, metric + "_rate": rate}}.

    A rep is measured on their own rep row; a manager listed in `unit_of` on the row of the unit
    they lead (("team", id), ("region", id) or ("company", 0)). Two queries.
    """
    from django.db.models import Q

    from targets.models import Achievement, OwnerKind

    metrics = ["sales_amount", "gross_margin", "collection", "new_customers"]
    out: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    rows = Achievement.objects.filter(
        owner_kind=OwnerKind.REP, period=str(period), person_id__in=person_ids, metric__in=metrics
    ).values_list("person_id", "metric", "actual", "rate")
    unit_of = unit_of or {}
    for person_id, metric, actual, rate in rows:
        if person_id not in unit_of:
            out[person_id][metric] = actual
            out[person_id][f"{metric}_rate"] = rate
    if unit_of:
        units = Q(pk__in=[])
        for kind in {k for k, _ in unit_of.values()}:
            units |= Q(owner_kind=kind, owner_key__in={key for k, key in unit_of.values() if k == kind})
        holders: dict[tuple[str, int], list[int]] = defaultdict(list)
        for pid, unit in unit_of.items():
            holders[unit].append(pid)
        for kind, key, metric, actual, rate in Achievement.objects.filter(
            units, period=str(period), metric__in=metrics
        ).values_list("owner_kind", "owner_key", "metric", "actual", "rate"):
            for pid in holders.get((kind, key), []):
                out[pid][metric] = actual
                out[pid][f"{metric}_rate"] = rate
    return out


def manager_units(people) -> dict[int, tuple[str, int]]:
    """(person id, position, team id, region id) rows -> the unit each manager is measured on."""
    units = {}
    for pid, position, team_id, region_id in people:
        if position == "team_manager" and team_id:
            units[pid] = ("team", team_id)
        elif position == "regional_manager" and region_id:
            units[pid] = ("region", region_id)
        elif position == "director":
            units[pid] = ("company", 0)
    return units


def engine_as_of(*, period: Period) -> date | None:
    """The oldest as-of date of the engine's rep rows for a period (None when it has none)."""
    from django.db.models import Min

    from targets.models import Achievement, OwnerKind

    return Achievement.objects.filter(owner_kind=OwnerKind.REP, period=str(period)).aggregate(d=Min("as_of"))["d"]


def amount_owed(*, person_ids, period: Period) -> dict[int, Decimal]:
    """What each person's customers owed in the period, split by credit share (3 queries)."""
    from sales.models import CreditShare, Instalment, Order, OrderStatus

    orders = CreditShare.objects.filter(rep_id__in=person_ids, order__status=OrderStatus.CONFIRMED).values("order_id")
    due = dict(
        Instalment.objects.filter(order_id__in=orders, due_date__lte=period.end)
        .values("order_id")
        .annotate(total=Sum("amount"))
        .values_list("order_id", "total")
    )
    paid_before = dict(
        Order.objects.filter(pk__in=orders).with_paid(before=period.start).values_list("pk", "paid_amount")
    )
    owed_by_order = {
        order_id: max(Decimal(0), total - (paid_before.get(order_id) or Decimal(0))) for order_id, total in due.items()
    }
    wanted = None if not isinstance(person_ids, list | set | tuple) else set(person_ids)
    shares = (
        (order_id, rep_id if wanted is None or rep_id in wanted else None, percent)
        for order_id, rep_id, percent in CreditShare.objects.filter(order_id__in=orders)
        .order_by("order_id", "id")
        .values_list("order_id", "rep_id", "percent")
    )
    owed = ((order_id, None, amount) for order_id, amount in owed_by_order.items() if amount)
    return {rep_id: amount for (rep_id, _key), amount in credit_by_shares(owed, shares).items()}


def visit_days(*, person_ids, period: Period) -> dict[int, int]:
    """Distinct (customer, day) visits per author, phone calls excluded (1 query)."""
    from fieldwork.models import Visit, VisitKind

    key = Concat(Cast("customer_id", CharField()), Value("|"), Cast("date", CharField()), output_field=CharField())
    return dict(
        Visit.objects.filter(author_id__in=person_ids, date__range=(period.start, period.end))
        .exclude(kind=VisitKind.CALL)
        .values("author_id")
        .annotate(n=Count(key, distinct=True))
        .values_list("author_id", "n")
    )


def customer_counts(*, person_ids, period: Period) -> dict[int, tuple[int, int]]:
    """(distinct customers, distinct industries) of the confirmed orders credited to each person (1 query)."""
    from sales.models import CreditShare, OrderStatus

    rows = (
        CreditShare.objects.filter(
            rep_id__in=person_ids,
            order__status=OrderStatus.CONFIRMED,
            order__date__range=(period.start, period.end),
        )
        .values("rep_id")
        .annotate(
            customers=Count("order__customer_id", distinct=True),
            industries=Count("order__customer__industry", distinct=True, filter=~Q(order__customer__industry="")),
        )
        .values_list("rep_id", "customers", "industries")
    )
    return {rep_id: (customers, industries) for rep_id, customers, industries in rows}


def focus_sales(*, person_ids, period: Period, focus_lines: Iterable[str]) -> dict[int, Decimal]:
    """Each person's credited sales of the focus product lines, each line split by the order's
    credit shares: up to the last run's day from the engine's kept product-line base (two
    queries, whatever the size, as the dashboard's product-mix chart), the days after it from
    sales' credited line sales (three queries on those days' orders); all from the records when
    no run kept the period's fiscal year."""
    from sales.models import CreditShare
    from sales.selectors import credited_line_sales
    from targets.selectors import kept_focus_sales

    focus_lines = list(focus_lines)
    if not focus_lines:
        return {}
    out: dict[int, Decimal] = defaultdict(Decimal)
    start = period.start
    kept = kept_focus_sales(person_ids=person_ids, period=period, product_lines=focus_lines)
    if kept is not None:
        amounts, as_of = kept
        out.update(amounts)
        start = max(start, as_of + timedelta(days=1))
    if start <= period.end:
        credited = credited_line_sales(
            shares=CreditShare.objects.filter(rep_id__in=person_ids),
            start=start,
            end=period.end,
            product_lines=focus_lines,
        )
        for (rep_id, _line), amount in credited.items():
            out[rep_id] += amount
    return dict(out)


def satisfaction(*, person_ids, period: Period) -> dict[int, Decimal]:
    """Mean satisfaction of the evaluations in the period of each person's customers (1 query)."""
    from customers.models import CustomerEvaluation

    rows = (
        CustomerEvaluation.objects.filter(customer__owner_id__in=person_ids, date__range=(period.start, period.end))
        .values("customer__owner_id")
        .annotate(mean=Avg("satisfaction_score"))
        .values_list("customer__owner_id", "mean")
    )
    return {owner_id: _q4(Decimal(str(mean))) for owner_id, mean in rows}


def kpi_values(
    *,
    person_ids,
    period: Period,
    focus_lines_by_person: dict[int, list[str]] | None = None,
    people: Iterable[int] | None = None,
    unit_of: dict[int, tuple[str, int]] | None = None,
) -> KpiValues:
    """Every catalogue KPI for every person: {person_id: {kpi code: value or None}}.

    `person_ids` is a list or a queryset of ids (used as a subquery); `people` lists the ids to
    report (defaults to `person_ids` when it is a list). Focus product lines come from each
    person's scheme; people sharing lines share one query.
    """
    ids = list(people) if people is not None else list(person_ids)
    engine = engine_values(person_ids=person_ids, period=period, unit_of=unit_of)
    owed = amount_owed(person_ids=person_ids, period=period)
    visits = visit_days(person_ids=person_ids, period=period)
    workdays = working_days_in(period.start, period.end)
    counts = customer_counts(person_ids=person_ids, period=period)
    scores = satisfaction(person_ids=person_ids, period=period)
    focus: dict[int, Decimal] = {}
    by_lines: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for pid in ids:
        lines = tuple(sorted((focus_lines_by_person or {}).get(pid) or ()))
        if lines:
            by_lines[lines].append(pid)
    for lines, pids in by_lines.items():
        # One query per distinct set of focus lines (one per scheme), not per person.
        subset = person_ids if len(by_lines) == 1 else pids
        for pid, value in focus_sales(person_ids=subset, period=period, focus_lines=lines).items():
            if pid in pids:
                focus[pid] = value
    out: KpiValues = {}
    for pid in ids:
        e = engine.get(pid, {})
        customers, industries = counts.get(pid, (0, 0))
        sales = e.get("sales_amount")
        out[pid] = {
            KpiCode.TARGET_ACHIEVEMENT_RATE: e.get("sales_amount_rate"),
            KpiCode.GROSS_MARGIN_RATE: e.get("gross_margin_rate"),
            KpiCode.COLLECTION_RATE: _ratio(e.get("collection") or Decimal(0), owed.get(pid)),
            KpiCode.AVERAGE_DAILY_VISITS: _ratio(Decimal(visits.get(pid, 0)), Decimal(workdays)),
            KpiCode.CUSTOMER_COUNT: Decimal(customers),
            KpiCode.CUSTOMER_BREADTH: Decimal(industries),
            KpiCode.PRODUCT_MIX: _ratio(focus.get(pid, Decimal(0)), sales)
            if (focus_lines_by_person or {}).get(pid)
            else None,
            KpiCode.CUSTOMER_SATISFACTION: scores.get(pid),
            KpiCode.NEW_CUSTOMERS: e.get("new_customers") if e else Decimal(0),
        }
    return out
