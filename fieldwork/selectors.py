"""Reads for visit reports and expense claims, each through the data-scope rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fieldwork.models import ExpenseClaim, IntelNote, Visit
from fieldwork.services import visits as visit_services
from staff import authority
from staff.models import MANAGER_POSITIONS, Person, Position


def visit_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Visit]:
    """Visits in scope, filtered by author, unit, customer, kind, dates; `far` keeps far check-ins."""
    filters = filters or {}
    qs = (
        Visit.objects.visible_to(user)
        .select_related("customer", "author", "team", "region", "accompanying_manager")
        .prefetch_related("stakeholders", "photos")
    )
    for key in ("author", "team", "region", "customer"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    if filters.get("owner"):
        qs = qs.filter(customer__owner_id=filters["owner"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("classification"):
        qs = qs.filter(customer__classification=filters["classification"])
    if filters.get("date_from"):
        qs = qs.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(date__lte=filters["date_to"])
    if filters.get("far"):
        qs = qs.filter(distance_m__gt=visit_services.far_checkin_threshold_m())
    if filters.get("q"):
        qs = qs.filter(Q(customer__name__icontains=filters["q"]) | Q(purpose__icontains=filters["q"]))
    return qs


def expense_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ExpenseClaim]:
    filters = filters or {}
    qs = ExpenseClaim.objects.visible_to(user).select_related("person", "customer", "visit", "decided_by", "team")
    for key in ("person", "team", "region", "customer"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    for key in ("status", "kind"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("date_from"):
        qs = qs.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(date__lte=filters["date_to"])
    return qs


def accompanying_manager_choices(*, user: Any) -> QuerySet[Person]:
    """Who `user` may name as the accompanying manager of a joint visit: the managers above them.

    The candidates of `authority.is_above` (their direct manager, their team's manager, their
    region's manager, the directors) that rank above them; the service asks `is_above` again.
    A rep sees only themselves, yet knows their own manager line: it is the one set of people
    outside their data scope the visit form and the API look up, and nobody else.
    """
    author = authority.actor_of(user).person
    if author is None:
        return Person.objects.none()
    line = Q(position=Position.DIRECTOR)
    if author.region_id is not None:
        line |= Q(position=Position.REGIONAL_MANAGER, region_id=author.region_id)
    if author.team_id is not None:
        line |= Q(position=Position.TEAM_MANAGER, team_id=author.team_id)
    ranked_above = [pos for pos, rank in authority.RANK.items() if rank > authority.RANK.get(author.position, 0)]
    candidates = (line & Q(position__in=ranked_above)) | Q(pk=author.manager_id, position__in=MANAGER_POSITIONS)
    return Person.objects.current().filter(candidates).exclude(pk=author.pk).order_by("name")


def intel_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[IntelNote]:
    filters = filters or {}
    qs = IntelNote.objects.visible_to(user).select_related("competitor", "customer", "author")
    if filters.get("competitor"):
        qs = qs.filter(competitor_id=filters["competitor"])
    return qs
