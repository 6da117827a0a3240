"""Reads for visit reports and expense claims, each through the data-scope rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from customers.models import ExpenseClaim, Visit
from customers.services.visits import far_checkin_threshold_m


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
        qs = qs.filter(distance_m__gt=far_checkin_threshold_m())
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
