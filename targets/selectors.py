"""Reads of the targets app: scoped, query-efficient querysets (other apps read achievements here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from salesorg.periods import Period
from targets.models import (
    BASE_VERSION,
    Achievement,
    AchievementLineBase,
    AchievementTrend,
    DistributionTemplate,
    Metric,
    OwnerKind,
    RecomputeRun,
    RunStatus,
    SalesPlan,
    Target,
    TargetStatus,
)


def achievement_for(
    *,
    metric: str,
    period: str,
    person_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    region_ids: Iterable[int] | None = None,
    company: bool = False,
) -> QuerySet[Achievement]:
    """The engine's results for a metric and period, for the given reps, teams, regions (and/or the
    company). Not scoped: the caller has already decided whose numbers to show."""
    q = Q(pk__in=[])
    if person_ids is not None:
        q |= Q(owner_kind=OwnerKind.REP, owner_key__in=list(person_ids))
    if team_ids is not None:
        q |= Q(owner_kind=OwnerKind.TEAM, owner_key__in=list(team_ids))
    if region_ids is not None:
        q |= Q(owner_kind=OwnerKind.REGION, owner_key__in=list(region_ids))
    if company:
        q |= Q(owner_kind=OwnerKind.COMPANY)
    return Achievement.objects.filter(q, metric=metric, period=period).select_related("person", "team", "region")


def achievement_list(
    *,
    user: Any,
    metric: str | None = None,
    period: str | None = None,
    owner_kind: str | None = None,
    owner_key: int | None = None,
    as_of: date | None = None,
) -> QuerySet[Achievement]:
    qs = Achievement.objects.visible_to(user).select_related("person", "team", "region")
    if metric:
        qs = qs.filter(metric=metric)
    if period:
        qs = qs.filter(period=period)
    if owner_kind:
        qs = qs.filter(owner_kind=owner_kind)
    if owner_key is not None:
        qs = qs.filter(owner_key=owner_key)
    if as_of:
        qs = qs.filter(as_of=as_of)
    return qs


def achievement_trend(
    *, user: Any, owner_kind: str, owner_key: int, metric: str, period: str
) -> QuerySet[AchievementTrend]:
    return (
        AchievementTrend.objects.visible_to(user)
        .filter(owner_kind=owner_kind, owner_key=owner_key, metric=metric, period=period)
        .order_by("date")
    )


def kept_line_sales(*, user: Any, rows: Q, period: Period) -> tuple[dict[str, Decimal], date] | None:
    """Sales per product line in `period` from the engine's kept product-line base (two queries):
    the sum of the base rows the user may see among `rows` (a filter on person_id, team_id and
    region_id), and the day up to which they count (the as-of day of the last run that kept that
    fiscal year). None when no run kept the period's fiscal year in the current shape: the caller
    then reads the records. The days after that day are the caller's to read."""
    as_of = _line_base_kept_to(period)
    if as_of is None:
        return None
    amounts = (
        AchievementLineBase.objects.visible_to(user)
        .filter(rows, fiscal_year=period.year, month_no__in=[m.number for m in period.month_periods()])
        .values("product_line")
        .annotate(amount=Sum("actual"))
        .values_list("product_line", "amount")
        .order_by()
    )
    return dict(amounts), as_of


def kept_focus_sales(
    *, person_ids: Iterable[int] | QuerySet, period: Period, product_lines: Iterable[str]
) -> tuple[dict[int, Decimal], date] | None:
    """Each person's sales of `product_lines` in `period` from the engine's kept product-line base
    (two queries; `person_ids` a list or a queryset of ids): {person: amount} for the people with
    kept rows, and the day up to which they count, as `kept_line_sales`. None when no run kept the
    period's fiscal year in the current shape. Not scoped: the appraisal services ask it for the
    people of a scorecard, whoever looks."""
    as_of = _line_base_kept_to(period)
    if as_of is None:
        return None
    amounts = (
        AchievementLineBase.objects.filter(
            person_id__in=person_ids,
            product_line__in=list(product_lines),
            fiscal_year=period.year,
            month_no__in=[m.number for m in period.month_periods()],
        )
        .values("person_id")
        .annotate(amount=Sum("actual"))
        .values_list("person_id", "amount")
        .order_by()
    )
    return dict(amounts), as_of


def _line_base_kept_to(period: Period) -> date | None:
    """The as-of day of the last run that kept the product-line base of the period's fiscal year
    in the current shape, or None (one query)."""
    year = Period(period.year)
    last = (
        RecomputeRun.objects.filter(
            status=RunStatus.SUCCEEDED, base_version=BASE_VERSION, as_of__range=(year.start, year.end)
        )
        .order_by("-finished_at", "-id")
        .only("as_of")
        .first()
    )
    return None if last is None else last.as_of


def target_list(*, user: Any) -> QuerySet[Target]:
    return Target.objects.visible_to(user).select_related("person", "team", "region", "approved_by", "parent")


def _children_sum(child_kind: str, **unit: Any) -> Subquery:
    """The sum of the `child_kind` targets of the outer row's metric and period (and unit)."""
    rows = (
        Target.objects.filter(owner_kind=child_kind, metric=OuterRef("metric"), period=OuterRef("period"), **unit)
        .order_by()
        .values("metric")
        .annotate(total=Sum("value"))
        .values("total")
    )
    return Subquery(rows, output_field=DecimalField(max_digits=18, decimal_places=2))


def with_children_totals(queryset: QuerySet[Target]) -> QuerySet[Target]:
    """Each target with `children_total` (the sum of ALL the targets held below it for the same
    metric and period, however they were made: the company's regions', a region's teams', a
    team's reps') and `gap` (its value minus that sum); both None for a rep's target, which has
    nothing below it. Set-based: correlated subqueries in the one query of the list, never a
    query per row. The sum counts every target below, not only those in the viewer's scope (a
    parent's gap is the parent's, whoever looks); it reveals a total, never a hidden row."""
    money = DecimalField(max_digits=18, decimal_places=2)
    zero = Decimal("0.00")
    total = Case(
        When(owner_kind=OwnerKind.COMPANY, then=Coalesce(_children_sum(OwnerKind.REGION), zero, output_field=money)),
        When(
            owner_kind=OwnerKind.REGION,
            then=Coalesce(_children_sum(OwnerKind.TEAM, region_id=OuterRef("region_id")), zero, output_field=money),
        ),
        When(
            owner_kind=OwnerKind.TEAM,
            then=Coalesce(_children_sum(OwnerKind.REP, team_id=OuterRef("team_id")), zero, output_field=money),
        ),
        default=None,
        output_field=money,
    )
    return queryset.annotate(children_total=total).annotate(
        gap=ExpressionWrapper(F("value") - F("children_total"), output_field=money)
    )


def target_get(*, user: Any, pk: int) -> Target:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(target_list(user=user), pk=pk)


def template_list(*, user: Any) -> QuerySet[DistributionTemplate]:
    return DistributionTemplate.objects.visible_to(user)


def recompute_run_list() -> QuerySet[RecomputeRun]:
    return RecomputeRun.objects.select_related("requested_by")


def sales_plan_list(*, user: Any) -> QuerySet[SalesPlan]:
    return (
        SalesPlan.objects.visible_to(user)
        .select_related("person", "team", "region", "approved_by")
        .prefetch_related("targets", "activities__owner")
    )


def target_grid(*, user: Any, year: int, metric: str) -> dict:
    """Owners (rows) x fiscal months of a year with quarter and year totals, for the setting grid.

    Returns {"months": [...], "quarters": [...], "rows": [{"months": {period:
    Target}, "quarters": {period: Decimal}, "year_target": Target|None, "month_total": Decimal,
    "gap": year - months, "depth": int, "children_total": the children's yearly targets,
    "children_gap": year - children_total, "is_draft": bool}]}: the rows as a tree (company,
    regions, teams, reps). One query whatever the number of owners.
    """
    year_period = Period(year)
    months = [str(m) for m in year_period.month_periods()]
    quarters = [str(q) for q in year_period.children()]
    targets = list(
        with_children_totals(target_list(user=user)).filter(
            metric=metric, period__in=[str(year_period), *quarters, *months]
        )
    )
    rows: dict[tuple[str, int], dict] = {}
    order = {OwnerKind.COMPANY: 0, OwnerKind.REGION: 1, OwnerKind.TEAM: 2, OwnerKind.REP: 3}
    for t in targets:
        row = rows.setdefault(
            (t.owner_kind, t.owner_key),
            {
                "key": (t.owner_kind, t.owner_key),
                "label": t.owner_label,
                "kind": t.owner_kind,
                "sample": t,
                "months": {},
                "quarters": {},
                "quarter_targets": {},
                "year_target": None,
                "targets": [],
            },
        )
        row["targets"].append(t)
        if t.period in months:
            row["months"][t.period] = t
        elif t.period in quarters:
            row["quarter_targets"][t.period] = t
        else:
            row["year_target"] = t
    result = []
    for row in _tree_order(rows, order):
        for q_index, quarter in enumerate(quarters):
            values = [row["months"][m].value for m in months[q_index * 3 : q_index * 3 + 3] if m in row["months"]]
            row["quarters"][quarter] = sum(values, Decimal("0.00"))
        row["month_total"] = sum((t.value for t in row["months"].values()), Decimal("0.00"))
        columns = []
        for q_index, quarter in enumerate(quarters):
            for month in months[q_index * 3 : q_index * 3 + 3]:
                columns.append({"type": "month", "period": month, "cell": row["months"].get(month)})
            columns.append({"type": "quarter", "period": quarter, "total": row["quarters"][quarter]})
        row["columns"] = columns
        row["gap"] = row["year_target"].value - row["month_total"] if row["year_target"] else None
        row["is_draft"] = any(t.status == TargetStatus.DRAFT for t in row["targets"])
        result.append(row)
    _reconcile_with_children(result)
    return {"months": months, "quarters": quarters, "rows": result}


def _parent_key(row: dict) -> tuple[str, int] | None:
    """The owner above a row's owner: a rep's team, a team's region, a region's company."""
    sample = row["sample"]
    return {
        OwnerKind.REP: (OwnerKind.TEAM, sample.team_id or 0),
        OwnerKind.TEAM: (OwnerKind.REGION, sample.region_id or 0),
        OwnerKind.REGION: (OwnerKind.COMPANY, 0),
    }.get(row["kind"])


def _tree_order(rows: dict[tuple[str, int], dict], order: dict) -> list[dict]:
    """Rows as a tree, depth first: the company, each region, its teams, each team's reps. A row
    whose parent is not on the grid (not in the viewer's scope, or without a target) is a root."""
    children: dict[tuple[str, int], list[dict]] = {}
    roots = []
    for row in rows.values():
        parent = _parent_key(row)
        if parent in rows:
            children.setdefault(parent, []).append(row)
        else:
            roots.append(row)
    ordered: list[dict] = []

    def visit(row: dict, depth: int) -> None:
        row["depth"] = depth
        row["has_children"] = bool(children.get(row["key"]))
        ordered.append(row)
        for child in sorted(children.get(row["key"], []), key=lambda r: (order[r["kind"]], r["label"])):
            visit(child, depth + 1)

    for root in sorted(roots, key=lambda r: (order[r["kind"]], r["label"])):
        visit(root, 0)
    return ordered


def _reconcile_with_children(rows: list[dict]) -> None:
    """Each parent's yearly target against the sum of its children's yearly targets (all of them,
    however they were made: `with_children_totals`) and the gap, on the row. A parent without a
    yearly target shows the sum of the children on the grid."""
    below: dict[tuple[str, int], Decimal] = {}
    for row in rows:
        parent = _parent_key(row)
        if parent is not None and row["year_target"] is not None:
            below[parent] = below.get(parent, Decimal("0.00")) + row["year_target"].value
    for row in rows:
        year_target = row["year_target"]
        if row["kind"] == OwnerKind.REP:
            row["children_total"] = None
        elif year_target is not None and getattr(year_target, "children_total", None) is not None:
            row["children_total"] = year_target.children_total
        else:
            row["children_total"] = below.get(row["key"])
        row["children_gap"] = (
            row["year_target"].value - row["children_total"]
            if row["year_target"] is not None and row["children_total"] is not None
            else None
        )


def targets_total(*, user: Any, metric: str, period: str) -> Decimal:
    total = target_list(user=user).filter(metric=metric, period=period).aggregate(total=Sum("value"))["total"]
    return total or Decimal("0.00")


def year_periods_filter(year: int) -> Q:
    """A year's own period and its quarters and months ("2026", "2026-Q1", "2026-03")."""
    return Q(period=str(year)) | Q(period__startswith=f"{year}-")


def unacknowledged_owners(*, user: Any, year: int, metric: str | None = None) -> list[dict[str, Any]]:
    """Who has not acknowledged their approved targets of a year (or a revision of them): one row
    per owner and metric, with how many targets wait and since when. One query."""
    qs = target_list(user=user).unacknowledged().filter(year_periods_filter(year))
    if metric:
        qs = qs.filter(metric=metric)
    rows = (
        qs.order_by()
        .values("owner_kind", "owner_key", "metric", "person__name", "team__name", "region__name")
        .annotate(
            pending=Count("id"), approved_at=Max("approved_at"), year_target=Max("pk", filter=Q(period=str(year)))
        )
        .order_by("owner_kind", "region__name", "team__name", "person__name", "metric")
    )
    order = {OwnerKind.COMPANY: 0, OwnerKind.REGION: 1, OwnerKind.TEAM: 2, OwnerKind.REP: 3}
    result = []
    for row in rows:
        kind = row["owner_kind"]
        label = {
            OwnerKind.REP: row["person__name"],
            OwnerKind.TEAM: row["team__name"],
            OwnerKind.REGION: row["region__name"],
        }.get(kind) or str(OwnerKind(kind).label)
        result.append({**row, "label": label, "metric_label": Metric(row["metric"]).label, "rank": order[kind]})
    result.sort(key=lambda r: (r["rank"], r["label"], r["metric"]))
    return result
