"""Reads of the targets app: scoped, query-efficient querysets (other apps read achievements here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from salesorg.periods import Period
from targets.models import (
    Achievement,
    AchievementTrend,
    DistributionTemplate,
    OwnerKind,
    RecomputeRun,
    SalesPlan,
    Target,
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


def target_list(*, user: Any) -> QuerySet[Target]:
    return Target.objects.visible_to(user).select_related("person", "team", "region", "approved_by", "parent")


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

    Returns {"months": [...], "quarters": [...], "rows": [{"owner": ..., "months": {period: Target},
    "quarters": {period: Decimal}, "year_target": Target|None, "month_total": Decimal}]}.
    Two queries whatever the number of owners.
    """
    year_period = Period(year)
    months = [str(m) for m in year_period.month_periods()]
    quarters = [str(q) for q in year_period.children()]
    targets = list(target_list(user=user).filter(metric=metric, period__in=[str(year_period), *quarters, *months]))
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
            },
        )
        if t.period in months:
            row["months"][t.period] = t
        elif t.period in quarters:
            row["quarter_targets"][t.period] = t
        else:
            row["year_target"] = t
    result = []
    for row in sorted(rows.values(), key=lambda r: (order[r["kind"]], r["label"])):
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
        result.append(row)
    return {"months": months, "quarters": quarters, "rows": result}


def targets_total(*, user: Any, metric: str, period: str) -> Decimal:
    total = target_list(user=user).filter(metric=metric, period=period).aggregate(total=Sum("value"))["total"]
    return total or Decimal("0.00")
