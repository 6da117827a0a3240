"""Scoped reads for products, orders, payments, the pipeline, receivables and the channel view.

Every list goes through the data-scope rule. Reports aggregate in the database (one query per
report, whatever the number of rows): no Python loop issues a query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.domain import credit_by_shares
from sales.models import (
    Channel,
    CreditShare,
    Instalment,
    Opportunity,
    OpportunityStageChange,
    Order,
    OrderApprovalStep,
    OrderLine,
    OrderStatus,
    Payment,
    PipelineStage,
    Product,
    Quotation,
    QuotationApprovalStep,
    QuotationLine,
)
from salesorg.money import to_money
from salesorg.paging import prefetched
from staff import authority
from staff.models import Person

MONEY = DecimalField(max_digits=20, decimal_places=4)
GROUPS = ("customer", "rep", "team", "region")


# --- lists ----------------------------------------------------------------------------------------


def product_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Product]:
    filters = filters or {}
    qs = Product.objects.all()
    if filters.get("q"):
        qs = qs.filter(Q(code__icontains=filters["q"]) | Q(name__icontains=filters["q"]))
    if filters.get("product_line"):
        qs = qs.filter(product_line=filters["product_line"])
    return qs


def creditable_people(*, user: Any) -> QuerySet[Person]:
    """Who a user may name on a credit share or as an opportunity's owner: the current people in
    their scope and of their own team (rule sales.credit lets a rep credit teammates). Anyone else
    is looked up as if they did not exist; whether the rule allows them is the service's answer."""
    visible = Person.objects.visible_to(user)
    team_id = authority.actor_of(user).team_id
    people = Person.objects.filter(pk__in=visible.values("pk"))
    if team_id is not None:
        people = Person.objects.filter(Q(pk__in=visible.values("pk")) | Q(team_id=team_id))
    return people.current().order_by("name")


def _line_rows() -> QuerySet[OrderLine]:
    return OrderLine.objects.select_related("product").order_by("id")


def _instalment_rows() -> QuerySet[Instalment]:
    return Instalment.objects.order_by("due_date", "id")


def _share_rows() -> QuerySet[CreditShare]:
    return CreditShare.objects.select_related("rep").order_by("id")


def order_queryset(*, user: Any) -> QuerySet[Order]:
    """Orders the user may see, with customer, lines, shares and instalments loaded once (an
    order's page: every party, and the shares' units by name)."""
    return (
        Order.objects.visible_to(user)
        .select_related("customer", "distributor", "approved_by", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=_line_rows()),
            Prefetch("shares", queryset=CreditShare.objects.select_related("rep", "team", "region").order_by("id")),
            Prefetch("instalments", queryset=_instalment_rows()),
        )
    )


def order_api_queryset(*, user: Any) -> QuerySet[Order]:
    """Orders the user may see as the API shows them: the customer's name, the lines with their
    product, the shares with their rep's name (units, distributor and people by id only), the
    instalments (each a list on the row, `prefetched_*`), and what was paid. Loads no row the
    answer does not show (a page of 50 orders of the 5,000,000-line data set: about 880 rows)."""
    return (
        Order.objects.visible_to(user)
        .select_related("customer")
        .prefetch_related(
            prefetched("lines", _line_rows()),
            prefetched("shares", _share_rows()),
            prefetched("instalments", _instalment_rows()),
        )
        .with_paid()
    )


def order_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Order]:
    """The orders list page's rows: the customer and the credited reps with their shares as a list
    on each row (`prefetched_shares`; no lines or instalments: the list does not show them)."""
    filters = filters or {}
    qs = Order.objects.visible_to(user).select_related("customer").prefetch_related(prefetched("shares", _share_rows()))
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(number__icontains=q) | Q(erp_no__icontains=q) | Q(customer__name__icontains=q))
    for field in ("status", "channel"):
        if filters.get(field):
            qs = qs.filter(**{field: filters[field]})
    if filters.get("customer"):
        qs = qs.filter(customer=filters["customer"])
    if filters.get("rep"):
        qs = qs.filter(pk__in=CreditShare.objects.filter(rep=filters["rep"]).values("order_id"))
    if filters.get("date_from"):
        qs = qs.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(date__lte=filters["date_to"])
    return qs


def order_approval_steps(order: Order) -> list[OrderApprovalStep]:
    """Every approval step of an order (each round, oldest first), with who decided it."""
    return list(order.approval_steps.select_related("decided_by").order_by("id"))


def customer_overdue_instalments(*, user: Any, customer: Any, today: date | None = None) -> QuerySet[Instalment]:
    """The customer's instalments past their due date and not fully paid, on confirmed orders the
    user may see (shown where an order is entered), the oldest first."""
    today = today or timezone.localdate()
    return (
        Instalment.objects.visible_to(user)
        .filter(
            order__customer=customer,
            order__status=OrderStatus.CONFIRMED,
            due_date__lt=today,
            paid_amount__lt=F("amount"),
        )
        .select_related("order")
        .order_by("due_date", "id")
    )


def order_paid(order: Order) -> Decimal:
    """What was paid on one order (`Order.objects.with_paid`, one query)."""
    return Order.objects.filter(pk=order.pk).with_paid().values_list("paid_amount", flat=True).get()


def order_balance(order: Order) -> Decimal:
    """The order total less what was paid on it."""
    return to_money(order.total_amount - order_paid(order))


def payment_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Payment]:
    filters = filters or {}
    # The payments' own scope rule (`OrderPartQuerySet.visible_to`): no filter for a viewer who
    # sees everything, the rep's order ids, a semi-join per row on the order's shares for a unit.
    qs = Payment.objects.visible_to(user).select_related("order", "order__customer")
    if filters.get("order"):
        qs = qs.filter(order=filters["order"])
    if filters.get("date_from"):
        qs = qs.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(date__lte=filters["date_to"])
    return qs


def opportunity_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Opportunity]:
    filters = filters or {}
    qs = Opportunity.objects.visible_to(user).select_related("customer", "owner", "team", "region", "stage", "lost_to")
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(customer__name__icontains=filters["q"]))
    for field in ("stage", "owner", "customer", "team", "region"):
        if filters.get(field):
            qs = qs.filter(**{field: filters[field]})
    if filters.get("open"):
        qs = qs.open()
    return qs


# --- receivables ----------------------------------------------------------------------------------


def _ageing_aggregates(prefix: str, as_of: date, weight: Any = None) -> dict[str, Any]:
    """Balance and ageing buckets of open instalments (`prefix` leads to the instalment)."""
    open_amount: Any = F(f"{prefix}amount") - F(f"{prefix}paid_amount")
    if weight is not None:
        open_amount = open_amount * weight / Value(Decimal(100))
    open_amount = ExpressionWrapper(open_amount, output_field=MONEY)
    due = f"{prefix}due_date"

    def bucket(condition: Q) -> Sum:
        return Sum(Case(When(condition, then=open_amount), default=Value(Decimal(0)), output_field=MONEY))

    return {
        "balance": Sum(open_amount),
        "not_due": bucket(Q(**{f"{due}__gte": as_of})),
        "days_1_30": bucket(Q(**{f"{due}__lt": as_of, f"{due}__gte": as_of - timedelta(days=30)})),
        "days_31_60": bucket(
            Q(**{f"{due}__lt": as_of - timedelta(days=30), f"{due}__gte": as_of - timedelta(days=60)})
        ),
        "days_61_90": bucket(
            Q(**{f"{due}__lt": as_of - timedelta(days=60), f"{due}__gte": as_of - timedelta(days=90)})
        ),
        "days_over_90": bucket(Q(**{f"{due}__lt": as_of - timedelta(days=90)})),
    }


BUCKETS = ("balance", "not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def receivables_ageing(*, user: Any, group_by: str = "customer", as_of: date | None = None) -> list[dict[str, Any]]:
    """Open balance and its ageing (not due, 1-30, 31-60, 61-90, 90+ days overdue) per group.

    Per customer the instalments are summed as they are; per rep, team and region each
    instalment is weighted by the credit share recorded on the order (team and region as at the
    order date). One aggregate query.
    """
    as_of = as_of or timezone.localdate()
    if group_by not in GROUPS:
        group_by = "customer"
    if group_by == "customer":
        qs = (
            Instalment.objects.visible_to(user)
            .filter(
                order__status=OrderStatus.CONFIRMED,
                paid_amount__lt=F("amount"),
            )
            .values(group_id=F("order__customer_id"), group_name=F("order__customer__name"))
            .annotate(**_ageing_aggregates("", as_of))
        )
    else:
        key = {"rep": "rep", "team": "team", "region": "region"}[group_by]
        qs = (
            CreditShare.objects.visible_to(user)
            .filter(
                order__status=OrderStatus.CONFIRMED,
                order__instalments__paid_amount__lt=F("order__instalments__amount"),
            )
            .values(group_id=F(f"{key}_id"), group_name=F(f"{key}__name"))
            .annotate(**_ageing_aggregates("order__instalments__", as_of, weight=F("percent")))
        )
    rows = []
    for row in qs.order_by("-balance"):
        for name in BUCKETS:
            row[name] = to_money(row[name] or 0)
        rows.append(row)
    return rows


def receivables_totals(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    return {name: sum((r[name] for r in rows), Decimal("0.00")) for name in BUCKETS}


# --- credited sales ---------------------------------------------------------------------------------

WHOLE = Decimal(100)


def credited_line_sales(
    *, shares: QuerySet[CreditShare], start: date, end: date, product_lines: Iterable[str] | None = None
) -> dict[tuple[int, str], Decimal]:
    """Sales per (credited rep, product line) of the confirmed orders dated from `start` to `end`.

    Every line of an order is split between all the order's shares (`credit_by_shares`: every
    share but the largest rounded down to the cent, the largest takes the rest), and the parts of
    the `shares` given are added up: the figure per rep that the product-mix chart and KPI show.
    A 100 % share takes its lines whole, summed in the database; only split orders are split in
    Python. Three queries; `product_lines` keeps only those lines.
    """
    counted = shares.filter(order__status=OrderStatus.CONFIRMED, order__date__gte=start, order__date__lte=end)
    lines = OrderLine.objects.all()
    whole = counted.filter(percent=WHOLE)
    if product_lines is not None:
        lines = lines.filter(product__product_line__in=list(product_lines))
        whole = whole.filter(order__lines__product__product_line__in=list(product_lines))
    credited: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for rep_id, product_line, amount in (
        whole.values("rep_id", line=F("order__lines__product__product_line"))
        .annotate(amount=Sum("order__lines__amount"))
        .values_list("rep_id", "line", "amount")
        .order_by()
    ):
        credited[(rep_id, product_line)] += amount
    split_orders = counted.exclude(percent=WHOLE).values("order_id")
    split_lines = lines.filter(order_id__in=split_orders).values_list("order_id", "product__product_line", "amount")
    for key, amount in credit_by_shares(split_lines, _share_owners(split_orders, counted)).items():
        credited[key] += amount
    return dict(credited)


def credited_payments(*, shares: QuerySet[CreditShare], start: date, end: date) -> dict[int, Decimal]:
    """What each rep of `shares` collected: the payments dated from `start` to `end` on confirmed
    orders, each split between all the order's shares (`credit_by_shares`). Two queries."""
    counted = shares.filter(order__status=OrderStatus.CONFIRMED)
    orders = counted.values("order_id")
    payments = (
        Payment.objects.counted()
        .filter(order_id__in=orders, date__gte=start, date__lte=end)
        .values_list("order_id", "amount")
    )
    amounts = ((order_id, None, amount) for order_id, amount in payments)
    return {
        rep_id: amount for (rep_id, _key), amount in credit_by_shares(amounts, _share_owners(orders, counted)).items()
    }


def _share_owners(orders: QuerySet, counted: QuerySet[CreditShare]) -> Iterator[tuple[int, int | None, Decimal]]:
    """(order id, rep id, percent) of every share of the orders, in the order they were recorded;
    the rep is None for a share not among `counted` (it still takes its part of the split)."""
    rows = (
        CreditShare.objects.filter(order_id__in=orders)
        .annotate(counted=Exists(counted.filter(pk=OuterRef("pk"))))
        .order_by("order_id", "id")
        .values_list("order_id", "rep_id", "percent", "counted")
    )
    return ((order_id, rep_id if wanted else None, percent) for order_id, rep_id, percent, wanted in rows)


# --- channel view ---------------------------------------------------------------------------------


def _confirmed_lines(user: Any, date_from: date | None, date_to: date | None) -> QuerySet[OrderLine]:
    qs = OrderLine.objects.visible_to(user).filter(order__status=OrderStatus.CONFIRMED)
    if date_from:
        qs = qs.filter(order__date__gte=date_from)
    if date_to:
        qs = qs.filter(order__date__lte=date_to)
    return qs


def _with_channel_labels(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = dict(Channel.choices)
    for row in rows:
        row["channel_label"] = labels.get(row["channel"], row["channel"])
    return rows


def _sales_measures() -> dict[str, Any]:
    """Sales (line amounts), margin (amount - cost), distinct customers and orders of order lines."""
    return {
        "sales": Sum("amount"),
        "margin": Sum(F("amount") - F("cost")),
        "customers": Count("order__customer", distinct=True),
        "orders": Count("order", distinct=True),
    }


def channel_summary(*, user: Any, date_from: date | None = None, date_to: date | None = None) -> list[dict[str, Any]]:
    """Sales, margin and distinct customers of confirmed orders per channel (one query)."""
    return _with_channel_labels(
        list(
            _confirmed_lines(user, date_from, date_to)
            .values(channel=F("order__channel"))
            .annotate(**_sales_measures())
            .order_by("-sales")
        )
    )


def distributor_summary(
    *, user: Any, date_from: date | None = None, date_to: date | None = None
) -> list[dict[str, Any]]:
    """Per distributor or agent: sales, margin and the distinct customers served through it.

    An order through a channel counts for its `distributor`, or for its customer when the
    customer is itself the distributor or agent. One query.
    """
    partner = Coalesce("order__distributor_id", "order__customer_id")
    partner_name = Coalesce("order__distributor__name", "order__customer__name")
    return _with_channel_labels(
        list(
            _confirmed_lines(user, date_from, date_to)
            .exclude(order__channel="direct")
            .values(partner_id=partner, partner_name=partner_name, channel=F("order__channel"))
            .annotate(**_sales_measures())
            .order_by("-sales")
        )
    )


# --- funnel ---------------------------------------------------------------------------------------

FUNNEL_GROUPS = {"all": None, "rep": "owner", "team": "team", "region": "region"}


def funnel(
    *,
    user: Any,
    group_by: str = "all",
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict[str, Any]:
    """Per group and stage: how many opportunities reached it, conversion to the next, days in it.

    An opportunity "reached" a stage when its history holds that stage or a later (non-lost)
    one, so a skipped stage still counts as passed. Three queries whatever the volume: stages,
    counts per group (with a subquery for the furthest stage), average days per group and stage.
    """
    key = FUNNEL_GROUPS.get(group_by)
    stages = [s for s in PipelineStage.objects.filter(is_active=True) if not s.is_lost]
    opportunities = Opportunity.objects.visible_to(user)
    if date_from:
        opportunities = opportunities.filter(created_at__date__gte=date_from)
    if date_to:
        opportunities = opportunities.filter(created_at__date__lte=date_to)
    furthest = (
        OpportunityStageChange.objects.filter(opportunity=OuterRef("pk"), stage__is_lost=False)
        .values("opportunity")
        .annotate(furthest=Max("stage__order"))
        .values("furthest")
    )
    group_values = {"group_id": F(f"{key}_id"), "group_name": F(f"{key}__name")} if key else {}
    measures = {
        "total": Count("pk"),
        "lost": Count("pk", filter=Q(stage__is_lost=True)),
        "open": Count("pk", filter=Q(stage__is_lost=False, stage__is_won=False)),
        **{f"reached_{s.pk}": Count("pk", filter=Q(furthest__gte=s.order)) for s in stages},
    }
    annotated = opportunities.annotate(furthest=Subquery(furthest))
    if key:
        counts = list(annotated.values(**group_values).annotate(**measures).order_by("group_name"))
    else:
        counts = [annotated.aggregate(**measures)]
    history_group = {"group_id": F(f"opportunity__{key}_id")} if key else {}
    days = (
        OpportunityStageChange.objects.filter(opportunity__in=opportunities.values("pk"), days__isnull=False)
        .values("stage_id", **history_group)
        .annotate(avg_days=Avg("days"))
        .order_by()
    )
    avg_days = {(d.get("group_id"), d["stage_id"]): d["avg_days"] for d in days}
    groups = []
    for row in counts:
        stage_rows = []
        for i, stage in enumerate(stages):
            reached = row[f"reached_{stage.pk}"]
            following = row[f"reached_{stages[i + 1].pk}"] if i + 1 < len(stages) else None
            average = avg_days.get((row.get("group_id"), stage.pk))
            stage_rows.append(
                {
                    "stage": stage,
                    "reached": reached,
                    "conversion": (round(following * 100 / reached, 1) if following is not None and reached else None),
                    "avg_days": round(average, 1) if average is not None else None,
                }
            )
        groups.append(
            {
                "group_id": row.get("group_id"),
                "group_name": row.get("group_name") or "",
                "total": row["total"],
                "lost": row["lost"],
                "open": row["open"],
                "stages": stage_rows,
            }
        )
    return {"stages": stages, "groups": groups}


def pipeline_by_stage(opportunities: QuerySet[Opportunity]) -> list[dict[str, Any]]:
    """Per stage of the opportunities given: count, expected amount and weighted amount (the stage's
    name as stored, the stage order and probability), in stage order. One query."""
    return list(
        opportunities.with_weighted_amount()
        .values(stage_name=F("stage__name"), probability=F("stage__probability"), stage_order=F("stage__order"))
        .annotate(count=Count("pk"), expected=Sum("expected_amount"), weighted=Sum("weighted_amount"))
        .order_by("stage_order")
    )


def pipeline_forecast(*, user: Any) -> list[dict[str, Any]]:
    """Open pipeline per stage: count, expected amount and the amount weighted by probability."""
    rows = pipeline_by_stage(Opportunity.objects.visible_to(user).open())
    for row in rows:
        row["stage_name"] = str(PipelineStage(name=row["stage_name"]))
    return rows


# --- deals lost and stale pipeline (the review meeting's agenda reads these) ---------------------


def lost_deals_by_reason(*, user: Any, start: date, end: date, unit: Q | None = None) -> list[dict[str, Any]]:
    """Opportunities lost (closed in a lost stage) between start and end, grouped by the reason
    given and the competitor who won: count and expected amount per (reason, competitor), the most
    frequent first. `unit` narrows to the records of a unit (a Q on the opportunity). One query."""
    lost = Opportunity.objects.visible_to(user).filter(stage__is_lost=True, closed_on__range=(start, end))
    if unit is not None:
        lost = lost.filter(unit)
    return list(
        lost.values("lost_reason", competitor_id=F("lost_to_id"), competitor_name=F("lost_to__name"))
        .annotate(count=Count("pk"), amount=Sum("expected_amount"))
        .order_by("-count", "-amount", "lost_reason", "competitor_name")
    )


def stale_opportunities(*, user: Any, as_of: date, idle_days: int, unit: Q | None = None) -> QuerySet[Opportunity]:
    """Open opportunities that need a look on `as_of`: no change recorded for `idle_days` days or
    more (its last change is its latest history row: any edit, stage move or creation), or an
    expected close date already passed. Each row carries `last_change` (a datetime), `is_idle`
    and `is_past_close`. One query."""
    history = Opportunity.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    # Idle for N days or more: the last change falls before the start of day as_of - (N - 1).
    since = timezone.make_aware(datetime.combine(as_of - timedelta(days=idle_days - 1), time.min))
    qs = (
        Opportunity.objects.visible_to(user)
        .open()
        .select_related("customer", "owner", "stage")
        .annotate(last_change=Subquery(history.values("history_date")[:1]))
        .annotate(
            is_idle=Case(When(last_change__lt=since, then=Value(True)), default=Value(False)),
            is_past_close=Case(When(expected_close_date__lt=as_of, then=Value(True)), default=Value(False)),
        )
        .filter(Q(last_change__lt=since) | Q(expected_close_date__lt=as_of))
    )
    if unit is not None:
        qs = qs.filter(unit)
    return qs.order_by("expected_close_date", "pk")


# --- order history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderChange:
    """One recorded change of an order or of one of its parts, for the order's history page."""

    when: datetime
    who: str
    part: str
    action: str
    summary: str


def order_history(*, order: Order) -> list[OrderChange]:
    """Every history row of the order, its lines, credit shares, instalments and payments, newest
    first (five queries whatever the number of rows). The caller has checked the order is seen."""
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    changes: list[OrderChange] = []

    def add(rows: Any, part: str, summary: Any) -> None:
        for row in rows:
            user = row.history_user
            who = (getattr(user, "get_full_name", lambda: "")() or user.get_username()) if user else ""
            changes.append(OrderChange(row.history_date, who, part, actions.get(row.history_type, ""), summary(row)))

    add(
        Order.history.filter(id=order.pk).select_related("history_user", "approved_by"),
        _("Order"),
        lambda r: " · ".join(
            str(p)
            for p in (
                r.get_status_display(),
                r.date.isoformat(),
                r.total_amount,
                r.approval_reason,
                _("approved by %(who)s") % {"who": r.approved_by} if r.approved_by_id else "",
                r.cancel_reason,
            )
            if p not in ("", None)
        ),
    )
    add(
        OrderLine.history.filter(order_id=order.pk).select_related("history_user", "product"),
        _("Line"),
        lambda r: f"{r.product} · {r.quantity} × {r.unit_price} = {r.amount}",
    )
    add(
        CreditShare.history.filter(order_id=order.pk).select_related("history_user", "rep"),
        _("Credit share"),
        lambda r: f"{r.rep} · {r.percent} % · {r.amount}",
    )
    add(
        Instalment.history.filter(order_id=order.pk).select_related("history_user"),
        _("Instalment"),
        lambda r: f"{r.due_date.isoformat()} · {r.amount} · {_('paid')} {r.paid_amount}",
    )
    add(
        Payment.history.filter(order_id=order.pk).select_related("history_user", "confirmed_by"),
        _("Payment"),
        lambda r: " · ".join(
            str(p)
            for p in (
                r.date.isoformat(),
                r.amount,
                r.reference,
                _("awaiting confirmation") if r.awaiting_confirmation else "",
                _("confirmed by %(who)s") % {"who": r.confirmed_by} if r.confirmed_by_id else "",
            )
            if p not in ("", None)
        ),
    )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes


# --- quotations -----------------------------------------------------------------------------------


def quotation_queryset(*, user: Any) -> QuerySet[Quotation]:
    """Quotations the user may see, with customer, owner, order and lines loaded once."""
    return (
        Quotation.objects.visible_to(user)
        .select_related("customer", "owner", "created_by", "opportunity", "order")
        .prefetch_related(Prefetch("lines", queryset=QuotationLine.objects.select_related("product").order_by("id")))
    )


def quotation_api_queryset(*, user: Any) -> QuerySet[Quotation]:
    """Quotations the user may see as the API shows them: lines and approval steps as lists on each
    row (`prefetched_lines`, `prefetched_approval_steps`)."""
    return (
        Quotation.objects.visible_to(user)
        .select_related("customer", "owner", "created_by", "opportunity", "order")
        .prefetch_related(
            prefetched("lines", QuotationLine.objects.select_related("product").order_by("id")),
            prefetched("approval_steps", QuotationApprovalStep.objects.all()),
        )
    )


def quotation_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Quotation]:
    filters = filters or {}
    qs = Quotation.objects.visible_to(user).select_related("customer", "owner")
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(number__icontains=q) | Q(customer__name__icontains=q))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs


def quotation_approval_steps(quotation: Quotation) -> list[QuotationApprovalStep]:
    return list(quotation.approval_steps.select_related("decided_by").order_by("id"))


def quotation_history(*, quotation: Quotation) -> list[OrderChange]:
    """Every history row of the quotation and its lines, newest first (two queries)."""
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    changes: list[OrderChange] = []
    for row in Quotation.history.filter(id=quotation.pk).select_related("history_user"):
        user = row.history_user
        who = (user.get_full_name() or user.get_username()) if user else ""
        summary = " · ".join(str(p) for p in (row.get_status_display(), row.total_amount, row.approval_reason) if p)
        changes.append(OrderChange(row.history_date, who, _("Quotation"), actions.get(row.history_type, ""), summary))
    lines = QuotationLine.history.filter(quotation_id=quotation.pk).select_related("history_user", "product")
    for row in lines:
        user = row.history_user
        who = (user.get_full_name() or user.get_username()) if user else ""
        summary = f"{row.product} · {row.quantity} × {row.unit_price} (-{row.discount_percent} %) = {row.amount}"
        changes.append(OrderChange(row.history_date, who, _("Line"), actions.get(row.history_type, ""), summary))
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes
