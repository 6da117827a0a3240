"""Reads behind the pace-gap prescriptions: who is behind pace and their own trailing history.

Set-based: the behind reps' achievement rows (one query) and their history (three grouped queries:
visits, proposals, orders), whatever the number of reps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from salesorg.periods import Period
from targets.domain import ActivityHistory, Prescription, pace_gap_prescription, render_prescription
from targets.models import Achievement, Metric, OwnerKind

# The owner's own record the prescription learns from: the trailing six months.
HISTORY_DAYS = 182


@dataclass
class PaceGap:
    achievement: Achievement
    history: ActivityHistory
    prescription: Prescription

    @property
    def text(self) -> str:
        """Rendered in the active language (the reader's)."""
        return render_prescription(self.prescription)


def activity_history(*, person_ids: set[int], start: date, end: date) -> dict[int, ActivityHistory]:
    """Each person's visits (and those to key customers), proposals, orders and their credited
    amount dated from `start` to `end` inclusive. A proposal is an opportunity of theirs entering an
    open stage whose default forecast category is best case or commit (a quoted stage)."""
    from customers.models.customers import Classification
    from fieldwork.models import Visit
    from sales.models import CreditShare, ForecastCategory, OpportunityStageChange, OrderStatus

    ids = person_ids or {0}
    visits = {
        r["author_id"]: r
        for r in Visit.objects.filter(author_id__in=ids, date__gte=start, date__lte=end)
        .values("author_id")
        .annotate(n=Count("id"), key=Count("id", filter=Q(customer__classification=Classification.KEY)))
        .order_by()
    }
    proposals = {
        r["opportunity__owner_id"]: r["n"]
        for r in OpportunityStageChange.objects.filter(
            opportunity__owner_id__in=ids,
            entered_at__date__gte=start,
            entered_at__date__lte=end,
            stage__is_won=False,
            stage__is_lost=False,
            stage__default_forecast_category__in=[ForecastCategory.BEST_CASE, ForecastCategory.COMMIT],
        )
        .values("opportunity__owner_id")
        .annotate(n=Count("opportunity_id", distinct=True))
        .order_by()
    }
    orders = {
        r["rep_id"]: r
        for r in CreditShare.objects.filter(
            rep_id__in=ids, order__status=OrderStatus.CONFIRMED, order__date__gte=start, order__date__lte=end
        )
        .values("rep_id")
        .annotate(n=Count("order_id", distinct=True), sales=Sum("amount"))
        .order_by()
    }
    return {
        pid: ActivityHistory(
            visits=visits.get(pid, {}).get("n", 0),
            key_visits=visits.get(pid, {}).get("key", 0),
            proposals=proposals.get(pid, 0),
            orders=orders.get(pid, {}).get("n", 0),
            sales=Decimal(orders.get(pid, {}).get("sales") or 0),
        )
        for pid in person_ids
    }


def pace_gaps(*, user: Any, today: date, reps: Q | None = None, limit: int | None = 50) -> list[PaceGap]:
    """The reps behind pace on this month's sales target (of `reps`, a filter on achievement rows,
    within the user's scope; user None: everyone), each with a prescription. Four queries."""
    month = Period.month_of(today)
    qs = Achievement.objects.all() if user is None else Achievement.objects.visible_to(user)
    qs = (
        qs.filter(
            reps or Q(),
            owner_kind=OwnerKind.REP,
            metric=Metric.SALES_AMOUNT,
            period=str(month),
            is_behind=True,
            target__gt=0,
        )
        .select_related("person__manager")
        .order_by("rate", "owner_key")
    )
    rows = list(qs[:limit] if limit is not None else qs)
    if not rows:
        return []
    as_of = max((a.as_of for a in rows), default=today - timedelta(days=1))
    history = activity_history(
        person_ids={a.owner_key for a in rows}, start=as_of - timedelta(days=HISTORY_DAYS - 1), end=as_of
    )
    gaps = []
    for a in rows:
        prescription = pace_gap_prescription(
            actual=a.actual,
            target=a.target,
            time_progress=a.time_progress,
            days_left=(month.end - a.as_of).days,
            history=history[a.owner_key],
        )
        if prescription is not None:
            gaps.append(PaceGap(achievement=a, history=history[a.owner_key], prescription=prescription))
    return gaps
