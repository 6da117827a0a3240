"""Reads of the sales forecast (DESIGN.md, glossary: "Forecast for a period").

Forecast of an owner (the company, a region, a team or a rep) for a period =
the engine's `sales_amount` actual to date + the open pipeline expected to close between today and
the period's end, by forecast category (commit, best case, pipeline; omitted left out), each
weighted by its stage probability and unweighted. Open opportunities whose expected close date has
passed are *overdue*: counted in their own figure and listed, never silently in a period.

A manager's adjustment is read beside the computed figure, never instead of it.

Set-based: one grouped query per figure kind (achievements, the pipeline in the period, the
overdue pipeline, adjustments, the owners' names), whatever the number of owners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value

from sales.models import ForecastCategory, Opportunity
from salesorg.periods import Period
from staff.models import Person, Region, Team
from targets.models import Achievement, ForecastAdjustment, ForecastSnapshot, Metric, OwnerKind

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LEVELS = (OwnerKind.COMPANY, OwnerKind.REGION, OwnerKind.TEAM, OwnerKind.REP)
# The categories that count in the forecast, in the order shown.
CATEGORIES = (ForecastCategory.COMMIT, ForecastCategory.BEST_CASE, ForecastCategory.PIPELINE)
# The opportunity's field that names its owner at each level (None: the company, one group).
_OPPORTUNITY_KEY = {
    OwnerKind.COMPANY: None,
    OwnerKind.REGION: "region_id",
    OwnerKind.TEAM: "team_id",
    OwnerKind.REP: "owner_id",
}


@dataclass
class ForecastRow:
    """One owner's forecast for a period."""

    owner_kind: str
    owner_key: int
    label: str
    region_id: int | None = None
    team_id: int | None = None
    person_id: int | None = None
    actual: Decimal = ZERO
    target: Decimal | None = None
    time_progress: Decimal = Decimal(0)
    as_of: date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    unweighted: dict[str, Decimal] = field(default_factory=dict)
    weighted: dict[str, Decimal] = field(default_factory=dict)
    overdue_count: int = 0
    overdue_amount: Decimal = ZERO
    overdue_weighted: Decimal = ZERO
    adjustment: ForecastAdjustment | None = None

    def amount(self, category: str) -> Decimal:
        return self.unweighted.get(category, ZERO)

    def weighted_amount(self, category: str) -> Decimal:
        return self.weighted.get(category, ZERO)

    @property
    def pipeline_unweighted(self) -> Decimal:
        return sum((self.amount(c) for c in CATEGORIES), ZERO)

    @property
    def pipeline_weighted(self) -> Decimal:
        return sum((self.weighted_amount(c) for c in CATEGORIES), ZERO)

    @property
    def forecast(self) -> Decimal:
        """Actual + the weighted open pipeline closing in the period (every counted category)."""
        return self.actual + self.pipeline_weighted

    @property
    def commit_forecast(self) -> Decimal:
        """Actual + commit (unweighted): what the owner stands behind."""
        return self.actual + self.amount(ForecastCategory.COMMIT)

    @property
    def best_case_forecast(self) -> Decimal:
        """Actual + commit + best case (unweighted)."""
        return self.commit_forecast + self.amount(ForecastCategory.BEST_CASE)

    @property
    def gap(self) -> Decimal | None:
        """Forecast minus target (negative: heading short)."""
        return None if self.target is None else self.forecast - self.target

    @property
    def expected_by_now(self) -> Decimal | None:
        """Target x time progress: where the actual should stand on the as-of date."""
        return None if self.target is None else (self.target * self.time_progress).quantize(CENT)

    @property
    def is_behind(self) -> bool:
        expected = self.expected_by_now
        return expected is not None and self.actual < expected

    @property
    def adjusted_gap(self) -> Decimal | None:
        if self.adjustment is None or self.target is None:
            return None
        return self.adjustment.amount - self.target


def _scoped(qs: QuerySet, user: Any) -> QuerySet:
    return qs if user is None else qs.visible_to(user)


def _unit_filter(*, region_id: int | None, team_id: int | None, person_id: int | None = None) -> Q:
    q = Q()
    if region_id:
        q &= Q(region_id=region_id)
    if team_id:
        q &= Q(team_id=team_id)
    if person_id:
        q &= Q(person_id=person_id)
    return q


def open_pipeline(*, user: Any, region_id: int | None = None, team_id: int | None = None, person_id: int | None = None):
    """The open opportunities in scope (of a region, team or rep when named), with `category` and
    `weighted_amount`."""
    qs = _scoped(Opportunity.objects.all(), user).open()
    if region_id:
        qs = qs.filter(region_id=region_id)
    if team_id:
        qs = qs.filter(team_id=team_id)
    if person_id:
        qs = qs.filter(owner_id=person_id)
    return qs.with_forecast_category().with_weighted_amount()


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def forecast_rows(
    *,
    user: Any,
    level: str,
    period: Period,
    today: date,
    region_id: int | None = None,
    team_id: int | None = None,
    person_id: int | None = None,
) -> list[ForecastRow]:
    """The forecast of every owner of `level` in the user's scope (of a region / team / rep when
    named) for `period`, as of `today` (user None: unscoped, for the weekly snapshot).

    Five queries whatever the number of owners."""
    if level not in LEVELS:
        raise ValueError(level)
    unit = _unit_filter(region_id=region_id, team_id=team_id, person_id=person_id)
    # 1. The engine's actuals, targets and time progress.
    achievements = (
        _scoped(Achievement.objects.all(), user)
        .filter(unit, owner_kind=level, metric=Metric.SALES_AMOUNT, period=str(period))
        .select_related("region", "team", "person")
    )
    rows: dict[int, ForecastRow] = {}
    for a in achievements:
        rows[a.owner_key] = ForecastRow(
            owner_kind=level,
            owner_key=a.owner_key,
            label=a.owner_label,
            region_id=a.region_id,
            team_id=a.team_id,
            person_id=a.person_id,
            actual=a.actual,
            target=a.target,
            time_progress=a.time_progress,
            as_of=a.as_of,
        )
    pipeline = open_pipeline(user=user, region_id=region_id, team_id=team_id, person_id=person_id)
    key = _OPPORTUNITY_KEY[level]
    group = F(key) if key else Value(0)
    start = max(period.start, today)
    # 2. The pipeline closing in the rest of the period, per owner and category.
    in_period = (
        pipeline.filter(expected_close_date__gte=start, expected_close_date__lte=period.end)
        .exclude(category=ForecastCategory.OMITTED)
        .values(group_key=group, cat=F("category"))
        .annotate(n=Count("id"), amount=Sum("expected_amount"), weighted=Sum("weighted_amount"))
        .order_by()
    )
    # 3. The overdue pipeline (close date passed, still open), per owner: not in any period.
    overdue = (
        pipeline.filter(expected_close_date__lt=today)
        .exclude(category=ForecastCategory.OMITTED)
        .values(group_key=group)
        .annotate(n=Count("id"), amount=Sum("expected_amount"), weighted=Sum("weighted_amount"))
        .order_by()
    )
    # 4. The managers' adjustments.
    adjustments = (
        _scoped(ForecastAdjustment.objects.all(), user)
        .filter(unit, owner_kind=level, period=str(period))
        .select_related("adjusted_by")
    )
    in_period, overdue, adjustments = list(in_period), list(overdue), list(adjustments)
    missing = {r["group_key"] for r in [*in_period, *overdue] if r["group_key"] is not None} | {
        a.owner_key for a in adjustments
    }
    missing -= set(rows)
    # 5. The names of owners with pipeline or an adjustment but no achievement row.
    if level != OwnerKind.COMPANY:
        for owner in _owners(level, missing, user):
            rows[owner.pk] = ForecastRow(
                owner_kind=level,
                owner_key=owner.pk,
                label=str(owner),
                region_id=getattr(owner, "region_id", None) if level != OwnerKind.REGION else owner.pk,
                team_id=getattr(owner, "team_id", None) if level != OwnerKind.TEAM else owner.pk,
                person_id=owner.pk if level == OwnerKind.REP else None,
                time_progress=period.time_progress(today),
            )
    elif missing and (user is None or _sees_company(user)):
        rows[0] = ForecastRow(owner_kind=level, owner_key=0, label=str(OwnerKind.COMPANY.label))
        rows[0].time_progress = period.time_progress(today)
    for r in in_period:
        row = rows.get(r["group_key"] or 0)
        if row is not None:
            row.counts[r["cat"]] = r["n"]
            row.unweighted[r["cat"]] = _money(r["amount"])
            row.weighted[r["cat"]] = _money(r["weighted"])
    for r in overdue:
        row = rows.get(r["group_key"] or 0)
        if row is not None:
            row.overdue_count, row.overdue_amount, row.overdue_weighted = (
                r["n"],
                _money(r["amount"]),
                _money(r["weighted"]),
            )
    for a in adjustments:
        if a.owner_key in rows:
            rows[a.owner_key].adjustment = a
    return sorted(rows.values(), key=lambda r: r.label)


def _sees_company(user: Any) -> bool:
    from staff.scope import viewer_for

    return viewer_for(user).sees_all


def _owners(level: str, keys: set[int], user: Any) -> list[Any]:
    model = {OwnerKind.REGION: Region, OwnerKind.TEAM: Team, OwnerKind.REP: Person}[level]
    qs = _scoped(model.objects.all(), user).filter(pk__in=keys or [0])
    return list(qs)


def totals(rows: list[ForecastRow]) -> ForecastRow | None:
    """The sum of the rows (a table's footer); None for no rows."""
    if not rows:
        return None
    total = ForecastRow(owner_kind="", owner_key=0, label="")
    targets = [r.target for r in rows if r.target is not None]
    total.actual = sum((r.actual for r in rows), ZERO)
    total.target = sum(targets, ZERO) if targets else None
    for c in CATEGORIES:
        total.counts[c] = sum(r.counts.get(c, 0) for r in rows)
        total.unweighted[c] = sum((r.amount(c) for r in rows), ZERO)
        total.weighted[c] = sum((r.weighted_amount(c) for r in rows), ZERO)
    total.overdue_count = sum(r.overdue_count for r in rows)
    total.overdue_amount = sum((r.overdue_amount for r in rows), ZERO)
    total.overdue_weighted = sum((r.overdue_weighted for r in rows), ZERO)
    total.time_progress = rows[0].time_progress
    return total


def overdue_opportunities(
    *,
    user: Any,
    today: date,
    region_id: int | None = None,
    team_id: int | None = None,
    person_id: int | None = None,
    limit: int = 50,
) -> list[Opportunity]:
    """Open opportunities whose expected close date has passed (every category), oldest first."""
    qs = open_pipeline(user=user, region_id=region_id, team_id=team_id, person_id=person_id)
    return list(
        qs.filter(expected_close_date__lt=today)
        .select_related("customer", "owner", "stage")
        .order_by("expected_close_date", "id")[:limit]
    )


def snapshot_history(
    *,
    user: Any,
    level: str,
    period: Period,
    region_id: int | None = None,
    team_id: int | None = None,
    person_id: int | None = None,
    weeks: int = 8,
) -> tuple[list[date], dict[int, dict[date, ForecastSnapshot]]]:
    """The last `weeks` snapshot days of the period's forecasts of `level` (one query):
    (days, {owner_key: {day: snapshot}})."""
    unit = _unit_filter(region_id=region_id, team_id=team_id, person_id=person_id)
    snaps = list(
        _scoped(ForecastSnapshot.objects.all(), user)
        .filter(unit, owner_kind=level, period=str(period))
        .order_by("-taken_on")[:2000]
    )
    days = sorted({s.taken_on for s in snaps})[-weeks:]
    by_owner: dict[int, dict[date, ForecastSnapshot]] = {}
    for s in snaps:
        if s.taken_on in days:
            by_owner.setdefault(s.owner_key, {})[s.taken_on] = s
    return days, by_owner
