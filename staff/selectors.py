"""Reads for the organization, each through the data-scope rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from salesorg.periods import working_days
from staff.models import CalendarDay, CalendarDayKind, EmploymentEvent, Membership, Person, PersonStatus, Region, Team


def person_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Person]:
    filters = filters or {}
    qs = Person.objects.visible_to(user).select_related("team", "region", "manager")
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    if filters.get("team"):
        qs = qs.filter(team_id=filters["team"])
    if filters.get("position"):
        qs = qs.filter(position=filters["position"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(employee_no__icontains=filters["q"]))
    return qs


def matching_people(*, user: Any, q: str, limit: int = 50) -> list[tuple[int, str]]:
    """The people picker's search (`staff.picker`): the first `limit` people in the user's scope
    who have not left, whose name holds `q` or whose employee number starts with it, by name, as
    (id, name) pairs. One query."""
    qs = Person.objects.visible_to(user).current()
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(employee_no__istartswith=q))
    return list(qs.order_by("name", "pk").values_list("pk", "name")[:limit])


def person_events(*, person: Person) -> QuerySet[EmploymentEvent]:
    """The person's employment events, newest first."""
    return person.events.select_related("from_team", "to_team", "from_manager", "to_manager", "recorded_by").order_by(
        "-date", "-id"
    )


def person_memberships(*, person: Person) -> QuerySet[Membership]:
    """Where the person stood, period by period, newest first (the dated membership)."""
    return person.memberships.select_related("team", "region", "manager").order_by("-start", "-id")


def region_list(*, user: Any) -> QuerySet[Region]:
    return Region.objects.visible_to(user).annotate(
        team_count=Count("teams", distinct=True),
        headcount=Count("people", filter=~Q(people__status=PersonStatus.LEFT), distinct=True),
    )


def team_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Team]:
    filters = filters or {}
    qs = (
        Team.objects.visible_to(user)
        .select_related("region")
        .annotate(headcount=Count("members", filter=~Q(members__status=PersonStatus.LEFT), distinct=True))
    )
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    return qs


# --- The working-day calendar ------------------------------------------------------------------------


def working_days_in(start: date, end: date) -> int:
    """Working days from start to end inclusive by the admins' calendar: Monday-Friday, less the
    holidays, plus the make-up workdays (one query)."""
    days = list(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))
    return working_days(
        start,
        end,
        holidays=[day for day, kind in days if kind == CalendarDayKind.HOLIDAY],
        makeup_workdays=[day for day, kind in days if kind == CalendarDayKind.MAKEUP_WORKDAY],
    )


def is_working_day(day: date) -> bool:
    """Whether a day is worked by the admins' calendar (one query)."""
    return working_days_in(day, day) == 1
