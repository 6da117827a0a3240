"""Reads for customers and what hangs off them, each through the data-scope rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from customers import hooks
from customers.models import (
    Classification,
    Complaint,
    Customer,
    CustomerEvaluation,
    CustomerMove,
    FollowUp,
    MoveKind,
    PoolLimit,
    Stakeholder,
    StakeholderStatus,
)
from staff.scope import viewer_for


def _date_range(qs: QuerySet, field: str, filters: dict[str, Any]) -> QuerySet:
    if filters.get(f"{field}_from") or filters.get("date_from"):
        qs = qs.filter(**{f"{field}__gte": filters.get(f"{field}_from") or filters.get("date_from")})
    if filters.get(f"{field}_to") or filters.get("date_to"):
        qs = qs.filter(**{f"{field}__lte": filters.get(f"{field}_to") or filters.get("date_to")})
    return qs


def customer_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Customer]:
    """Customers the user may see, filtered by owner, unit, classification, kind, status, dates, text."""
    filters = filters or {}
    qs = Customer.objects.visible_to(user).select_related("owner", "team", "region", "referred_by")
    for key in ("owner", "team", "region"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    for key in ("classification", "kind", "status", "credit_rating", "source", "industry"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("in_pool") is True:
        qs = qs.filter(owner__isnull=True)
    if filters.get("created_from"):
        qs = qs.filter(created_at__date__gte=filters["created_from"])
    if filters.get("created_to"):
        qs = qs.filter(created_at__date__lte=filters["created_to"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(industry__icontains=q))
    return qs


def customer_detail_context(*, user: Any, customer: Customer) -> dict[str, Any]:
    """Everything the customer page shows, each list fetched once."""
    return {
        "stakeholders": list(customer.stakeholders.order_by("status", "name")),
        "stakeholder_changes": list(
            customer.stakeholder_changes.select_related("stakeholder", "replacement", "recorded_by")
        ),
        "evaluations": list(customer.evaluations.select_related("evaluated_by")),
        "moves": list(
            CustomerMove.objects.filter(customer=customer).select_related("from_owner", "to_owner", "moved_by")
        ),
        "classification_changes": list(customer.classification_changes.select_related("changed_by")),
        "complaints": list(customer.complaints.select_related("handled_by")),
        "rewards": list(customer.rewards.select_related("referral", "granted_by")),
        "referrals": list(customer.referrals.select_related("owner")),
        "follow_ups": list(customer.follow_ups.filter(done=False).select_related("person")),
        # Buttons and cards the apps above offer (fieldwork: file a visit, recent visits, intelligence).
        "page_actions": hooks.page_actions("customer", user, customer),
        "panels": hooks.page_panels("customer", user, customer),
    }


def stakeholder_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Stakeholder]:
    filters = filters or {}
    qs = Stakeholder.objects.visible_to(user).select_related("customer")
    if filters.get("customer"):
        qs = qs.filter(customer_id=filters["customer"])
    if filters.get("active"):
        qs = qs.filter(status=StakeholderStatus.ACTIVE)
    return qs


def evaluation_list(*, user: Any) -> QuerySet[CustomerEvaluation]:
    return CustomerEvaluation.objects.visible_to(user).select_related("customer", "evaluated_by")


def complaint_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Complaint]:
    filters = filters or {}
    qs = Complaint.objects.visible_to(user).select_related("customer", "handled_by")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("customer"):
        qs = qs.filter(customer_id=filters["customer"])
    return _date_range(qs, "received_on", filters)


def follow_up_list(*, user: Any, open_only: bool = True) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.visible_to(user).select_related("customer", "person")
    return qs.filter(done=False) if open_only else qs


def pool_q(user: Any) -> Q:
    """The pools a user sees: their region's and the company pool (everything with a scope of all).

    A rule of its own beside the data scope: a pool customer has no owner, and a region's pool is
    open to every person of the region whichever team last held the customer."""
    viewer = viewer_for(user)
    if viewer.sees_all:
        return Q()
    if viewer.person_id is None:
        return Q(pk__in=[])
    company = Q(in_company_pool=True) | Q(region__isnull=True)
    if viewer.region_id is None:
        return company
    return company | Q(region_id=viewer.region_id)


def pool_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Customer]:
    """The pools the user sees (`pool_q`): customers without an owner."""
    filters = filters or {}
    qs = Customer.objects.filter(Q(owner__isnull=True) & pool_q(user)).select_related("region", "team")
    if filters.get("pool") == "company":
        qs = qs.filter(Q(in_company_pool=True) | Q(region__isnull=True))
    elif filters.get("pool") == "region":
        qs = qs.filter(in_company_pool=False, region__isnull=False)
    for key in ("classification", "kind"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(code__icontains=filters["q"]))
    return qs


def pool_limits_of(*, person: Any, today: date) -> list[dict[str, Any]]:
    """Per classification: the person's limits, what they hold and what they claimed today (two
    queries besides the limits)."""
    if person is None:
        return []
    limits = {row.classification: row for row in PoolLimit.objects.filter(position=person.position)}
    held = dict(Customer.objects.filter(owner=person).values_list("classification").annotate(n=Count("id")).order_by())
    claimed = dict(
        CustomerMove.objects.filter(to_owner=person, kind=MoveKind.CLAIMED, date=today)
        .values_list("customer__classification")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "classification": label,
            "held": held.get(value, 0),
            "holding_cap": limits[value].holding_cap if value in limits else None,
            "claimed_today": claimed.get(value, 0),
            "daily_claims": limits[value].daily_claims if value in limits else None,
        }
        for value, label in Classification.choices
    ]


def customers_for_visit_form(*, user: Any) -> QuerySet[Customer]:
    """The customer picker of the visit, expense and intel forms: the customers in scope. With the
    default scopes that is what the user records work for; who may is the service's question
    (`sales.create_record`), so a widened scope hears 403, never a silent "invalid choice"."""
    return Customer.objects.visible_to(user).only("id", "code", "name", "owner_id").order_by("name")


def matching_customers(*, user: Any, q: str, kinds: tuple[str, ...] = (), limit: int = 50) -> list[tuple[int, str]]:
    """The customer picker's search (`customers.picker`): the first `limit` customers in the user's
    scope, of the given kinds if any, whose name holds `q` or whose code starts with it, by name,
    as (id, name) pairs. One query."""
    qs = Customer.objects.visible_to(user)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__istartswith=q))
    return list(qs.order_by("name", "pk").values_list("pk", "name")[:limit])


def customer_counts(*, user: Any, today: date) -> dict[str, int]:
    qs = Customer.objects.visible_to(user)
    return qs.aggregate(
        total=Count("id"),
        key=Count("id", filter=Q(classification="key")),
        warned=Count("id", filter=Q(pool_warned_on__isnull=False)),
    )
