"""Reads for visit plans, through the data-scope rule: the plans, and planned against done."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from fieldwork import routing
from fieldwork.models import PlanStatus, Visit, VisitPlan, VisitPlanItem


def plan_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[VisitPlan]:
    """Plans in scope, newest week first, with how many visits each plans."""
    filters = filters or {}
    qs = (
        VisitPlan.objects.visible_to(user)
        .select_related("person", "team", "region", "decided_by", "drafted_by")
        .annotate(planned_count=Count("items"))
        # An aggregate drops Meta.ordering: ordered here, so pages are stable.
        .order_by("-week_start", "person__name", "pk")
    )
    for key in ("person", "team", "region"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("week_start"):
        qs = qs.filter(week_start=filters["week_start"])
    return qs


def with_items(qs: QuerySet[VisitPlan]) -> QuerySet[VisitPlan]:
    return qs.prefetch_related(
        Prefetch("items", queryset=VisitPlanItem.objects.select_related("customer").order_by("day", "position", "id"))
    )


def visited_in_weeks(plans: Iterable[VisitPlan]) -> set[tuple[int, date, int]]:
    """(rep, Monday of the week, customer) for every visit report the plans' reps filed in the
    plans' weeks: one query for any number of plans. A planned visit is done when its rep filed a
    report of the customer in the plan's week."""
    plans = list(plans)
    if not plans:
        return set()
    first = min(p.week_start for p in plans)
    last = max(p.week_start for p in plans) + timedelta(days=6)
    rows = Visit.objects.filter(author_id__in={p.person_id for p in plans}, date__range=(first, last)).values_list(
        "author_id", "date", "customer_id"
    )
    return {(author, day - timedelta(days=day.weekday()), customer) for author, day, customer in rows}


def planned_against_done(plan: VisitPlan, visited: set[tuple[int, date, int]]) -> dict[str, Any]:
    """The plan's days, each with its route and whether each visit is done, and the totals."""
    days: dict[date, list[dict[str, Any]]] = {}
    done_count = 0
    for item in plan.items.all():
        done = (plan.person_id, plan.week_start, item.customer_id) in visited
        done_count += done
        days.setdefault(item.day, []).append({"item": item, "done": done})
    planned = sum(len(rows) for rows in days.values())
    return {
        "days": sorted(days.items()),
        "planned": planned,
        "done": done_count,
        "rate": (done_count / planned) if planned else None,
        "distance_m": sum(item.distance_m or 0 for item in plan.items.all()),
    }


def planned_customers(plans: Iterable[VisitPlan]) -> list[tuple[int, int, date, int]]:
    """(plan, rep, week, customer) of every visit the plans plan: one query."""
    plans = list(plans)
    if not plans:
        return []
    return list(
        VisitPlanItem.objects.filter(plan__in=plans).values_list(
            "plan_id", "plan__person_id", "plan__week_start", "customer_id"
        )
    )


def todays_route(*, user: Any, person: Any, today: date) -> dict[str, Any]:
    """The rep's stops of `today` from the approved plan of this week, in route order: nearest
    neighbour from the plan's start point (`fieldwork.routing`, no map service), each with the
    distance from the stop before and whether the rep filed a visit of it today. Two queries,
    whatever the number of stops."""
    items = list(
        VisitPlanItem.objects.visible_to(user)
        .filter(
            plan__person=person,
            plan__status=PlanStatus.APPROVED,
            plan__week_start=routing.week_of(today),
            day=today,
        )
        .select_related("customer", "plan")
        .order_by("position", "id")
    )
    if not items:
        return {"stops": [], "distance_m": 0}
    plan = items[0].plan
    start = (
        (plan.start_latitude, plan.start_longitude)
        if plan.start_latitude is not None and plan.start_longitude is not None
        else None
    )
    by_pk = {item.pk: item for item in items}
    route = routing.nearest_neighbour_route(
        start, [routing.Stop(item.pk, item.customer.latitude, item.customer.longitude) for item in items]
    )
    done = set(
        Visit.objects.filter(
            author=person, date=today, customer_id__in=[item.customer_id for item in items]
        ).values_list("customer_id", flat=True)
    )
    stops = [
        {
            "item": by_pk[key],
            "customer": by_pk[key].customer,
            "distance_m": distance,
            "done": by_pk[key].customer_id in done,
        }
        for key, distance in route
    ]
    return {"stops": stops, "distance_m": sum(stop["distance_m"] or 0 for stop in stops)}
