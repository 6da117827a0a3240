"""Reads for visit reports and expense claims, each through the data-scope rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from customers.domain import clean_coordinates, haversine_m
from customers.models import Customer, Stakeholder
from fieldwork import domain
from fieldwork.models import (
    FLAGGED_EVIDENCE,
    ActionKind,
    ExpenseClaim,
    IntelNote,
    Visit,
    VisitActionRecord,
    VisitComment,
    VisitEvidence,
    VisitKind,
    VisitKindAction,
    VisitKindRule,
    VisitPhoto,
)
from fieldwork.services import visits as visit_services
from salesorg.exceptions import ApplicationError
from salesorg.paging import prefetched
from staff import authority
from staff.models import MANAGER_POSITIONS, Person, Position


def _count_of(model: Any, **on: Any) -> Coalesce:
    rows = model.objects.filter(**on).order_by().values(*on).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(rows), 0)


def with_attachment_counts(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """`stakeholder_count` and `photo_count` on each visit: two counts read by the page's rows, no
    stakeholder or photo loaded."""
    return visits.annotate(
        stakeholder_count=_count_of(Visit.stakeholders.through, visit_id=OuterRef("pk")),
        photo_count=_count_of(VisitPhoto, visit_id=OuterRef("pk")),
    )


def visit_api_queryset(*, user: Any) -> QuerySet[Visit]:
    """Visits in scope as the API shows them: the stakeholders' ids and the photos as lists on each
    row (`prefetched_stakeholders`, `prefetched_photos`)."""
    return visit_list(user=user).prefetch_related(
        prefetched("stakeholders", Stakeholder.objects.only("pk")),
        prefetched("photos", VisitPhoto.objects.only("pk", "visit_id")),
    )


def visit_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Visit]:
    """Visits in scope, filtered by author, unit, customer, kind, dates; `far` keeps far check-ins.
    Stakeholders and photos are not loaded: a page counts them (`with_attachment_counts`), the API
    prefetches them as lists (`visit_api_queryset`), a visit's page reads its own."""
    filters = filters or {}
    qs = Visit.objects.visible_to(user).select_related(
        "customer", "author", "team", "region", "accompanying_manager", "confirmed_by"
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
    if filters.get("flagged"):
        qs = qs.filter(evidence__in=FLAGGED_EVIDENCE)
    if filters.get("evidence"):
        qs = qs.filter(evidence=filters["evidence"])
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


# Evidence rules of the visit kinds


def _default_rules() -> dict[str, domain.EvidenceRule]:
    """The rules the seed migration writes, used for a kind whose row an admin removed."""
    radius = visit_services.far_checkin_threshold_m()
    return {
        VisitKind.VISIT: domain.EvidenceRule(requires_check_in=True, radius_m=radius, requires_confirmation=False),
        VisitKind.JOINT: domain.EvidenceRule(requires_check_in=False, radius_m=radius, requires_confirmation=True),
        VisitKind.CALL: domain.EvidenceRule(requires_check_in=False, radius_m=radius, requires_confirmation=False),
    }


def kind_rule(kind: str) -> domain.EvidenceRule:
    """The evidence rule of a visit kind (its `VisitKindRule` row, else the seeded default)."""
    row = VisitKindRule.objects.filter(kind=kind).first()
    if row is None:
        return _default_rules().get(kind, domain.EvidenceRule(False, visit_services.far_checkin_threshold_m(), False))
    return domain.EvidenceRule(
        requires_check_in=row.requires_check_in, radius_m=row.radius_m, requires_confirmation=row.requires_confirmation
    )


@dataclass(frozen=True)
class EvidencePreview:
    """What the form shows before filing: the distance, the radius and the verdict."""

    kind: str
    distance_m: int | None
    radius_m: int | None
    evidence: str
    flagged: bool

    @property
    def label(self) -> str:
        return str(VisitEvidence(self.evidence).label)


def evidence_preview(*, user: Any, customer: Any, kind: Any, latitude: Any, longitude: Any) -> EvidencePreview:
    """The verdict a visit of `kind` to `customer` checked in at (latitude, longitude) would get,
    before it is filed. The customer is looked up in the user's scope (a hidden one answers like
    a missing one); bad input raises ApplicationError naming the field. Writes nothing."""
    errors: dict[str, list[str]] = {}
    found = None
    if isinstance(customer, Customer):
        customer = customer.pk
    if customer not in (None, "") and str(customer).isdigit() and len(str(customer)) <= 18:
        found = Customer.objects.visible_to(user).filter(pk=int(customer)).first()
    if found is None:
        errors["customer"] = [_("Not one of your customers.")]
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose visit, call or joint.")]
    try:
        lat, lon = clean_coordinates(latitude, longitude)
    except ApplicationError as exc:
        errors.update(exc.fields)
        lat = lon = None
    if errors:
        raise ApplicationError(_("The check-in cannot be assessed."), fields=errors)
    rule = kind_rule(kind)
    located = found.latitude is not None and found.longitude is not None
    distance = haversine_m(found.latitude, found.longitude, lat, lon) if located and lat is not None else None
    evidence = domain.evidence_verdict(
        rule, checked_in=lat is not None, customer_located=located, distance_m=distance, confirmed=False
    )
    return EvidencePreview(
        kind=kind,
        distance_m=distance,
        radius_m=rule.radius_m if rule.requires_check_in else None,
        evidence=evidence,
        flagged=evidence in FLAGGED_EVIDENCE,
    )


def visit_comments(*, user: Any, visit: Visit) -> QuerySet[VisitComment]:
    """The comments on a visit the user may see (the visit's scope)."""
    return VisitComment.objects.visible_to(user).filter(visit=visit).select_related("author")


# Actions on a visit (stock count, competitor sighting, shelf photo, order, collection)


@dataclass(frozen=True)
class KindActions:
    """What a kind of visit offers and requires (its `VisitKindAction` rows; none: all offered)."""

    offered: tuple[str, ...]
    required: tuple[str, ...]


def kind_actions(kind: str) -> KindActions:
    """The actions a visit of `kind` offers and those it requires before check-out (one query)."""
    rows = list(VisitKindAction.objects.filter(kind=kind).values_list("action", "required"))
    if not rows:
        return KindActions(offered=tuple(ActionKind.values), required=())
    offered = {action for action, _required in rows}
    required = {action for action, needed in rows if needed}
    return KindActions(
        offered=tuple(a for a in ActionKind.values if a in offered),
        required=tuple(a for a in ActionKind.values if a in required),
    )


def visit_action_list(*, user: Any, visit: Visit) -> QuerySet[VisitActionRecord]:
    """The actions recorded on a visit the user sees (the visit's scope), oldest first."""
    return (
        VisitActionRecord.objects.visible_to(user)
        .filter(visit=visit)
        .select_related("author", "product", "competitor", "order", "payment")
    )


def missing_actions(visit: Visit) -> list[str]:
    """The actions the visit's kind requires that are not recorded on it yet (in choice order)."""
    required = kind_actions(visit.kind).required
    if not required:
        return []
    done = set(VisitActionRecord.objects.filter(visit=visit, action__in=required).values_list("action", flat=True))
    return [action for action in required if action not in done]
