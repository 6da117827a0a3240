"""Scoped reads behind the manager dashboard and the rep home page.

The dashboard reads the achievement engine's precomputed rows (Achievement, AchievementTrend),
never raw orders: a fixed number of queries whatever the size of the organization. The charts
that need the commercial record itself (product mix, receivables ageing, the funnel) are
fetched by the page separately from a JSON endpoint, so the page itself stays cheap.

A *node* is where the viewer stands in the drill-down: the company, a region, a team or a rep.
Every node is looked up through the data-scope rule, so a node outside scope answers 404.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from appraisal.models import Contest
from appraisal.selectors import contest_list
from customers.selectors.follow_ups import follow_up_flag_list
from salesorg.periods import MONTH, QUARTER, YEAR, Period
from staff.models import Person, Region, Team
from staff.scope import viewer_for
from targets.models import Achievement, AchievementTrend, Metric, OwnerKind
from targets.prescriptions import pace_gaps
from training.models import ActionItem, ActionItemStatus

COMPANY, REGION, TEAM, REP = "company", "region", "team", "rep"
LEVELS = (COMPANY, REGION, TEAM, REP)
CHILD_LEVEL = {COMPANY: REGION, REGION: TEAM, TEAM: REP, REP: None}
MONEY = DecimalField(max_digits=20, decimal_places=4)
# Metrics whose forecast adds the weighted open pipeline (the pipeline is money of sales).
FORECAST_METRICS = {Metric.SALES_AMOUNT}
LEADERBOARD_SIZE = 10


@dataclass
class Node:
    level: str
    obj: Any = None  # Region, Team or Person; None for the company
    crumbs: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.obj.pk if self.obj is not None else 0

    @property
    def label(self) -> str:
        return str(self.obj) if self.obj is not None else str(_("Company"))

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL[self.level]

    def achievement_q(self, prefix: str = "") -> Q:
        """The node's own row."""
        kind = {COMPANY: OwnerKind.COMPANY, REGION: OwnerKind.REGION, TEAM: OwnerKind.TEAM, REP: OwnerKind.REP}
        return Q(**{f"{prefix}owner_kind": kind[self.level], f"{prefix}owner_key": self.pk})

    def children_q(self) -> Q:
        """The rows of the node's children (regions of the company, teams of a region, reps of a team)."""
        if self.level == COMPANY:
            return Q(owner_kind=OwnerKind.REGION)
        if self.level == REGION:
            return Q(owner_kind=OwnerKind.TEAM, region_id=self.pk)
        if self.level == TEAM:
            return Q(owner_kind=OwnerKind.REP, team_id=self.pk)
        return Q(pk__in=[])

    def reps_q(self) -> Q:
        """Rep rows under the node (leaderboards)."""
        base = Q(owner_kind=OwnerKind.REP)
        if self.level == REGION:
            return base & Q(region_id=self.pk)
        if self.level == TEAM:
            return base & Q(team_id=self.pk)
        if self.level == REP:
            return base & Q(person_id=self.pk)
        return base

    def record_q(self, *, person: str, team: str = "team", region: str = "region") -> Q:
        """Records (opportunities, orders...) of the node by the rep, team and region recorded on them."""
        if self.level == REGION:
            return Q(**{f"{region}_id": self.pk})
        if self.level == TEAM:
            return Q(**{f"{team}_id": self.pk})
        if self.level == REP:
            return Q(**{f"{person}_id": self.pk})
        return Q()


def top_level(user: Any) -> tuple[str, int]:
    """Where a viewer's dashboard starts: the company, their region, their team, or themselves."""
    viewer = viewer_for(user)
    if viewer.sees_all:
        return COMPANY, 0
    if viewer.team_id:
        # What one sees, not what one may change: the scope rule says whether it is more than one's own.
        return (REP, viewer.person_id or 0) if viewer.sees_only_own else (TEAM, viewer.team_id)
    if viewer.region_id:
        return REGION, viewer.region_id
    if viewer.person_id:
        return REP, viewer.person_id
    raise Http404


def dashboard_url(level: str, pk: int, **params: Any) -> str:
    query = {"level": level, **({"id": pk} if level != COMPANY else {}), **{k: v for k, v in params.items() if v}}
    return f"{reverse('dashboard:index')}?{urlencode(query)}"


def resolve_node(*, user: Any, level: str | None, pk: int | None, params: dict[str, Any]) -> Node:
    """The node asked for, checked against the viewer's scope (404 outside), with its breadcrumbs.

    One query for the node with its parents (select_related).
    """
    start_level, start_pk = top_level(user)
    if not level or level not in LEVELS:
        level, pk = start_level, start_pk
    viewer = viewer_for(user)
    if LEVELS.index(level) < LEVELS.index(start_level):
        # Above the viewer's own unit (a team manager asking for their region): not theirs.
        raise Http404
    if level == COMPANY:
        if not viewer.sees_all:
            raise Http404
        obj = None
    elif level == REGION:
        obj = get_object_or_404(Region.objects.visible_to(user), pk=pk)
    elif level == TEAM:
        obj = get_object_or_404(Team.objects.visible_to(user).select_related("region"), pk=pk)
    else:
        obj = get_object_or_404(Person.objects.visible_to(user).select_related("team__region"), pk=pk)
    node = Node(level=level, obj=obj)
    start_index = LEVELS.index(start_level)
    chain: list[tuple[str, Any]] = [(COMPANY, None)]
    if level in (REGION, TEAM, REP):
        region = obj if level == REGION else (obj.region if level == TEAM else (obj.team.region if obj.team else None))
        if region is not None:
            chain.append((REGION, region))
    if level in (TEAM, REP):
        team = obj if level == TEAM else obj.team
        if team is not None:
            chain.append((TEAM, team))
    if level == REP:
        chain.append((REP, obj))
    for crumb_level, crumb in chain:
        # Levels above the viewer's own start are not theirs to see: no crumb.
        if LEVELS.index(crumb_level) < start_index:
            continue
        label = str(crumb) if crumb is not None else str(_("Company"))
        url = dashboard_url(crumb_level, crumb.pk if crumb is not None else 0, **params)
        node.crumbs.append((label, url))
    return node


def default_period(kind: str, today: date) -> Period:
    month = Period.month_of(today)
    if kind == YEAR:
        return Period(month.year)
    if kind == QUARTER:
        return month.parent
    return month


def parse_period(text: str | None, kind: str, today: date) -> Period:
    if text:
        try:
            period = Period.parse(text)
        except ValueError:
            period = None
        if period is not None and period.kind == kind:
            return period
    return default_period(kind, today)


@dataclass
class Row:
    """One owner's line in a dashboard table."""

    level: str
    pk: int
    label: str
    achievement: Achievement
    forecast: Decimal | None = None
    url: str | None = None

    @property
    def gap(self) -> Decimal | None:
        """Forecast minus target: negative means the owner is heading short of the target."""
        if self.forecast is None or self.achievement.target is None:
            return None
        return self.forecast - self.achievement.target


def _owner_of(row: Achievement) -> tuple[str, int, str]:
    if row.owner_kind == OwnerKind.REGION:
        return REGION, row.region_id, str(row.region)
    if row.owner_kind == OwnerKind.TEAM:
        return TEAM, row.team_id, str(row.team)
    if row.owner_kind == OwnerKind.REP:
        return REP, row.person_id, str(row.person)
    return COMPANY, 0, str(_("Company"))


def _achievements(user: Any) -> QuerySet[Achievement]:
    return Achievement.objects.visible_to(user).select_related("region", "team", "person")


def pipeline_weighted(*, user: Any, node: Node, period: Period) -> dict[int | None, Decimal]:
    """The open pipeline closing in the period x stage probability, per child of the node (one query)."""
    from sales.models import Opportunity

    child = node.child_level
    key = {REGION: "region_id", TEAM: "team_id", REP: "owner_id"}.get(child or "")
    qs = (
        Opportunity.objects.visible_to(user)
        .open()
        .filter(node.record_q(person="owner"))
        .filter(expected_close_date__gte=period.start, expected_close_date__lte=period.end)
    )
    qs = qs.with_weighted_amount()
    weighted = Sum("weighted_amount")
    if key is None:
        total = qs.aggregate(weighted=weighted)["weighted"]
        return {None: Decimal(total or 0).quantize(Decimal("0.01"))}
    return {
        row["group"]: Decimal(row["weighted"] or 0).quantize(Decimal("0.01"))
        for row in qs.values(group=F(key)).annotate(weighted=weighted).order_by()
    }


def dashboard(
    *, user: Any, node: Node, period: Period, metric: str, params: dict[str, Any], today: date | None = None
) -> dict[str, Any]:
    """Everything the manager dashboard page shows for a node. A fixed number of queries."""
    rows = _achievements(user)
    # 1. The node's own rows for every metric of the period (the metric cards).
    own = {a.metric: a for a in rows.filter(node.achievement_q(), period=str(period))}
    headline = own.get(metric)
    # 2. The children's rows for the metric.
    children = list(rows.filter(node.children_q(), metric=metric, period=str(period)).order_by("owner_key"))
    # 3. The weighted pipeline per child.
    pipeline = pipeline_weighted(user=user, node=node, period=period) if metric in FORECAST_METRICS else {}
    table = []
    for a in children:
        level, pk, label = _owner_of(a)
        forecast = a.actual + pipeline.get(pk, Decimal(0)) if metric in FORECAST_METRICS else None
        table.append(
            Row(
                level=level,
                pk=pk,
                label=label,
                achievement=a,
                forecast=forecast,
                url=dashboard_url(level, pk, **params),
            )
        )
    table.sort(key=lambda r: r.label)
    head_row = None
    if headline is not None:
        forecast = None
        if metric in FORECAST_METRICS:
            forecast = headline.actual + sum(pipeline.values(), Decimal(0))
        head_row = Row(level=node.level, pk=node.pk, label=node.label, achievement=headline, forecast=forecast)
    # 4. The leaderboard by rate of the reps under the node.
    leaders = list(
        rows.filter(node.reps_q(), metric=metric, period=str(period), rate__isnull=False).order_by(
            F("rate").desc(), "owner_key"
        )[:LEADERBOARD_SIZE]
    )
    # 5. The fiscal year's months of the node (bar and cumulative charts).
    year = Period(period.year)
    months = {
        a.period: a
        for a in Achievement.objects.visible_to(user).filter(
            node.achievement_q(), metric=metric, period__in=[str(m) for m in year.month_periods()]
        )
    }
    # 6. The daily trend of the rate in the period.
    trend = list(
        AchievementTrend.objects.visible_to(user)
        .filter(node.achievement_q(), metric=metric, period=str(period))
        .order_by("date")
        .values_list("date", "rate", "actual")
    )
    # 7. Customers flagged by the follow-up discipline (customers' rule; the dashboard only reads).
    flagged = list(follow_up_flag_list(user=user, flagged_only=True).filter(node.record_q(person="person"))[:10])
    # 8. The reps under the node behind pace this month, with what it takes (targets' prescriptions).
    gaps = pace_gaps(user=user, today=today or timezone.localdate(), reps=node.reps_q(), limit=10)
    return {
        "pace_gaps": gaps,
        "own": own,
        "headline": head_row,
        "table": table,
        "table_totals": _totals(table),
        "behind": [r for r in table if r.achievement.is_behind],
        "leaders": [(i + 1, *_owner_of(a)[1:], a) for i, a in enumerate(leaders)],
        "charts": _charts(year=year, months=months, period=period, trend=trend),
        "flagged": flagged,
        "forecast_shown": metric in FORECAST_METRICS,
    }


def _totals(table: list[Row]) -> dict[str, Decimal | None]:
    if not table:
        return {}
    targets = [r.achievement.target for r in table if r.achievement.target is not None]
    return {
        "actual": sum((r.achievement.actual for r in table), Decimal(0)),
        "target": sum(targets, Decimal(0)) if targets else None,
    }


def _charts(*, year: Period, months: dict[str, Achievement], period: Period, trend: list[tuple]) -> dict[str, Any]:
    labels, actual, target, cum_actual, cum_target = [], [], [], [], []
    running_actual = running_target = Decimal(0)
    for m in year.month_periods():
        a = months.get(str(m))
        labels.append(str(m))
        value = a.actual if a else Decimal(0)
        goal = a.target if a and a.target is not None else None
        actual.append(str(value))
        target.append(str(goal) if goal is not None else None)
        running_actual += value
        running_target += goal or Decimal(0)
        cum_actual.append(str(running_actual) if a else None)
        cum_target.append(str(running_target))
    return {
        "months": {"labels": labels, "actual": actual, "target": target},
        "cumulative": {"labels": labels, "actual": cum_actual, "target": cum_target},
        "trend": {
            "labels": [d.isoformat() for d, _rate, _actual in trend],
            "rate": [str(round(r * 100, 1)) if r is not None else None for _d, r, _a in trend],
            "time_progress": [str(round(period.time_progress(d) * 100, 1)) for d, _r, _a in trend],
        },
    }


# --- Charts that read the commercial record (fetched separately by the page) ---------------------


def product_mix(*, user: Any, node: Node, period: Period) -> list[dict[str, Any]]:
    """Sales per product line of confirmed orders in the period, credited to the node's shares
    (the credit-share splits of each line): up to the last run's day from the engine's kept
    product-line base (two queries, whatever the size), the days after it from the records (sales'
    credited line sales, three queries on a few days of orders); all from the records when no run
    kept the period's fiscal year."""
    from sales.models import CreditShare
    from sales.selectors import credited_line_sales
    from targets.selectors import kept_line_sales

    per_line: dict[str, Decimal] = defaultdict(Decimal)
    start = period.start
    kept = kept_line_sales(user=user, rows=node.record_q(person="person"), period=period)
    if kept is not None:
        amounts, as_of = kept
        per_line.update(amounts)
        start = max(start, as_of + timedelta(days=1))
    if start <= period.end:
        shares = CreditShare.objects.visible_to(user).filter(node.record_q(person="rep"))
        for (_rep, line), amount in credited_line_sales(shares=shares, start=start, end=period.end).items():
            per_line[line] += amount
    rows = sorted(per_line.items(), key=lambda item: (-item[1], item[0]))
    return [{"name": line or "-", "value": str(amount.quantize(Decimal("0.01")))} for line, amount in rows]


def receivables(*, user: Any, node: Node, today: date) -> dict[str, Decimal]:
    """The node's open receivables by age bucket (the customers app's ageing, one query)."""
    from sales.selectors import BUCKETS, receivables_ageing

    group = {COMPANY: "region", REGION: "region", TEAM: "team", REP: "rep"}[node.level]
    rows = receivables_ageing(user=user, group_by=group, as_of=today)
    if node.level != COMPANY:
        rows = [r for r in rows if r["group_id"] == node.pk]
    return {name: sum((r[name] for r in rows), Decimal("0.00")) for name in BUCKETS}


def pipeline_funnel(*, user: Any, node: Node) -> list[dict[str, Any]]:
    """Open opportunities of the node per stage: count, expected and weighted amount (one query)."""
    from sales.models import Opportunity
    from sales.selectors import pipeline_by_stage

    return pipeline_by_stage(Opportunity.objects.visible_to(user).open().filter(node.record_q(person="owner")))


# --- The rep home page --------------------------------------------------------------------------


def rep_home(*, user: Any, person: Person, today: date) -> dict[str, Any]:
    """A rep's own targets (month, quarter, year), next visits, overdue follow-ups, open action items."""
    from customers.models import FollowUp
    from fieldwork.models import Visit
    from notifications.selectors import unread_for

    month = Period.month_of(today)
    periods = [month, month.parent, Period(month.year)]
    # Only the metrics that carry a target for the rep: the phone shows what they are measured on.
    mine = Achievement.objects.visible_to(user).filter(
        owner_kind=OwnerKind.REP, person=person, period__in=[str(p) for p in periods], target__isnull=False
    )
    by_period: dict[str, list[Achievement]] = {str(p): [] for p in periods}
    rows = list(mine.order_by("metric"))
    for a in rows:
        by_period[a.period].append(a)
    # One as-of date for the page: the actuals' (the last run's), so the time progress beside them
    # is the one they were measured against (the dashboard's too). Before any run, the standard
    # as-of date: yesterday, the last day the nightly run counts.
    as_of = max((a.as_of for a in rows), default=today - timedelta(days=1))
    targets = [
        {"period": p, "kind": p.kind, "time_progress": p.time_progress(as_of), "rows": by_period[str(p)]}
        for p in periods
    ]
    next_visits = list(
        Visit.objects.visible_to(user)
        .filter(author=person, next_step_date__gte=today)
        .select_related("customer")
        .order_by("next_step_date")[:8]
    )
    overdue_steps = list(
        Visit.objects.visible_to(user)
        .next_step_open()
        .filter(author=person, next_step_date__lt=today, next_step_date__gte=today.replace(day=1, month=1))
        .select_related("customer")
        .order_by("next_step_date")[:8]
    )
    follow_ups = list(
        FollowUp.objects.visible_to(user)
        .filter(person=person, done=False)
        .filter(Q(due_date__lte=today) | Q(due_date__isnull=True))
        .select_related("customer")[:8]
    )
    flags = list(follow_up_flag_list(user=user).filter(person=person)[:8])
    actions = list(
        ActionItem.objects.visible_to(user)
        .filter(owner=person, status=ActionItemStatus.OPEN)
        .select_related("coach")
        .order_by("due_on")[:8]
    )
    notifications = unread_for(user=user, person=person, limit=5)
    gaps = pace_gaps(user=user, today=today, reps=Q(person=person), limit=1)
    from fieldwork.plan_selectors import todays_route

    route = todays_route(user=user, person=person, today=today)
    return {
        "pace_gaps": gaps,
        "route": route,
        "targets": targets,
        "next_visits": next_visits,
        "overdue_steps": overdue_steps,
        "follow_ups": follow_ups,
        "flags": flags,
        "actions": actions,
        "notifications": notifications,
        "month": month,
        "today": today,
        "as_of": as_of,
    }


def contests(*, user: Any) -> list[Contest]:
    """The first three contests the user sees (appraisal's `contest_list`)."""
    return list(contest_list(user=user)[:3])


MONTH_KINDS = ((MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year")))
