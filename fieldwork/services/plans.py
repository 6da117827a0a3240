"""Visit plans: each rep's weekly plan drafted from what is due, edited by the rep, approved by a
manager above the rep; each day's visits ordered into a route.

A customer falls due its classification's `VisitFrequency.every_days` after its last visit report
(of any kind, by anyone, dated before the plan's week); a customer never visited is due at once.
The plan of a week lists the active customers the rep owns that are due by the week's Sunday
(overdue ones included), each on a working day of the week by the admins' calendar (the first
working day on or after its due date; at most `VISIT_PLAN_DAY_MAX` a day while a later day has
room), and orders each day's visits by nearest neighbour from the plan's start point
(`fieldwork.routing`). Drafting again replaces a draft; a submitted or approved plan stays.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from customers.domain import clean_coordinates
from customers.models import Customer, CustomerStatus
from fieldwork.models import PlanStatus, VisitFrequency, VisitPlan, VisitPlanItem
from fieldwork.routing import Due, Stop, assign_days, is_due_in_week, nearest_neighbour_route, next_due, week_of
from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from salesorg.exceptions import ApplicationError
from salesorg.periods import daterange
from staff import authority
from staff.attribution import unit_fields
from staff.models import CalendarDay, CalendarDayKind, Person


def plan_day_max() -> int:
    return getattr(settings, "VISIT_PLAN_DAY_MAX", 8)


def _refuse(field: str, message: str) -> None:
    raise ApplicationError(message, fields={field: [message]})


def work_days_of(week_start: date) -> list[date]:
    """The working days of the week by the admins' calendar (one query): Monday to Friday, less
    the holidays, plus the make-up workdays."""
    week_end = week_start + timedelta(days=6)
    marked = dict(CalendarDay.objects.filter(date__range=(week_start, week_end)).values_list("date", "kind"))
    return [
        day
        for day in daterange(week_start, week_end)
        if marked.get(day) == CalendarDayKind.MAKEUP_WORKDAY
        or (day.weekday() < 5 and marked.get(day) != CalendarDayKind.HOLIDAY)
    ]


def due_customers(*, person: Person, week_start: date) -> list[tuple[Customer, date | None]]:
    """The rep's active customers due a visit by the week's end, with the day each falls due
    (None: never visited), most urgent first. Two queries."""
    frequencies = dict(VisitFrequency.objects.values_list("classification", "every_days"))
    customers = (
        Customer.objects.filter(owner=person, status=CustomerStatus.ACTIVE, classification__in=frequencies)
        .annotate(last_visit=Max("visits__date", filter=Q(visits__date__lt=week_start)))
        .order_by("code")
    )
    due = []
    for customer in customers:
        when = next_due(customer.last_visit, frequencies[customer.classification])
        if is_due_in_week(when, week_start):
            due.append((customer, when))
    due.sort(key=lambda pair: (pair[1] is not None, pair[1] or date.min, pair[0].code))
    return due


def _start_point(plan: VisitPlan) -> tuple[Decimal, Decimal] | None:
    if plan.start_latitude is None or plan.start_longitude is None:
        return None
    return plan.start_latitude, plan.start_longitude


def route_plan(plan: VisitPlan) -> None:
    """Order each day's visits by nearest neighbour from the start point (positions and distances)."""
    items = list(plan.items.select_related("customer").order_by("day", "due_date", "id"))
    by_day: dict[date, list[VisitPlanItem]] = {}
    for item in items:
        by_day.setdefault(item.day, []).append(item)
    start = _start_point(plan)
    for day_items in by_day.values():
        lookup = {item.pk: item for item in day_items}
        stops = [Stop(item.pk, item.customer.latitude, item.customer.longitude) for item in day_items]
        for position, (key, distance) in enumerate(nearest_neighbour_route(start, stops), start=1):
            lookup[key].position, lookup[key].distance_m = position, distance
    if items:
        bulk_update_with_history(items, VisitPlanItem, ["position", "distance_m"], batch_size=500)


def _clean_week(week_start: Any, *, today: date) -> date:
    if not isinstance(week_start, date):
        try:
            week_start = date.fromisoformat(str(week_start))
        except (TypeError, ValueError):
            _refuse("week_start", _("Enter a valid date (YYYY-MM-DD)."))
    if week_start.weekday() != 0:
        _refuse("week_start", _("A week starts on a Monday."))
    if week_start < week_of(today):
        _refuse("week_start", _("A past week cannot be planned."))
    return week_start


@transaction.atomic
def visit_plan_propose(
    *,
    user: Any,
    person: Person,
    week_start: Any,
    start_latitude: Any = None,
    start_longitude: Any = None,
    today: date | None = None,
) -> VisitPlan:
    """Draft the rep's plan of a week from what is due (`visits.plan`: the rep or their manager
    line). Drafting again replaces the draft's visits; a submitted or approved plan is refused."""
    today = today or timezone.localdate()
    actor = authority.require(user, "visits.plan", person)
    week_start = _clean_week(week_start, today=today)
    latitude, longitude = clean_coordinates(
        start_latitude, start_longitude, lat_field="start_latitude", lon_field="start_longitude"
    )
    plan = VisitPlan.objects.select_for_update().filter(person=person, week_start=week_start).first()
    if plan is not None and plan.status != PlanStatus.DRAFT:
        _refuse("week_start", _("The plan of this week is already submitted; it is no longer drafted again."))
    if latitude is None:
        # Without a start point given, the last one the rep planned from.
        previous = VisitPlan.objects.filter(person=person, start_latitude__isnull=False).order_by("-week_start").first()
        source = plan if plan is not None and plan.start_latitude is not None else previous
        if source is not None:
            latitude, longitude = source.start_latitude, source.start_longitude
    if plan is None:
        plan = VisitPlan(person=person, week_start=week_start, **unit_fields(person, week_start))
    plan.start_latitude, plan.start_longitude = latitude, longitude
    plan.drafted_by = actor.person
    plan.decision_note = ""
    plan.save()
    plan.items.all().delete()
    due = due_customers(person=person, week_start=week_start)
    days = assign_days([Due(c.pk, when) for c, when in due], work_days=work_days_of(week_start), day_max=plan_day_max())
    items = [
        VisitPlanItem(plan=plan, customer=customer, day=days[customer.pk], due_date=when)
        for customer, when in due
        if customer.pk in days
    ]
    bulk_create_with_history(items, VisitPlanItem, batch_size=500)
    route_plan(plan)
    return plan


def _editable(user: Any, plan: VisitPlan) -> None:
    authority.require(user, "visits.plan", plan.person)
    if plan.status != PlanStatus.DRAFT:
        _refuse("plan", _("Only a draft plan is changed; this one is submitted or approved."))


@transaction.atomic
def visit_plan_item_add(*, user: Any, plan: VisitPlan, customer: Customer, day: Any) -> VisitPlanItem:
    """Add a visit to a draft plan (`visits.plan`): a customer the rep owns, on a day of the week."""
    plan = VisitPlan.objects.select_for_update(of=("self",)).select_related("person").get(pk=plan.pk)
    _editable(user, plan)
    if not isinstance(day, date):
        try:
            day = date.fromisoformat(str(day))
        except (TypeError, ValueError):
            _refuse("day", _("Enter a valid date (YYYY-MM-DD)."))
    if not plan.week_start <= day <= plan.week_start + timedelta(days=6):
        _refuse("day", _("Choose a day of the plan's week."))
    if customer is None or customer.owner_id != plan.person_id:
        _refuse("customer", _("Plan visits to the rep's own customers."))
    if plan.items.filter(customer=customer).exists():
        _refuse("customer", _("This customer is already in the plan."))
    frequency = VisitFrequency.objects.filter(classification=customer.classification).first()
    last = customer.visits.filter(date__lt=plan.week_start).aggregate(last=Max("date"))["last"]
    item = VisitPlanItem.objects.create(
        plan=plan,
        customer=customer,
        day=day,
        due_date=next_due(last, frequency.every_days) if frequency else None,
        added_by_rep=True,
    )
    route_plan(plan)
    item.refresh_from_db()
    return item


@transaction.atomic
def visit_plan_item_remove(*, user: Any, plan: VisitPlan, item_id: Any) -> VisitPlan:
    """Take a visit off a draft plan (`visits.plan`); the day's route is worked out again."""
    plan = VisitPlan.objects.select_for_update(of=("self",)).select_related("person").get(pk=plan.pk)
    _editable(user, plan)
    item = plan.items.filter(pk=item_id).first() if str(item_id or "").isdigit() else None
    if item is None:
        _refuse("item", _("Choose a visit of this plan."))
    item.delete()
    route_plan(plan)
    return plan


def _tell(person: Person | None, *, plan: VisitPlan, words: Callable[[], tuple[str, str]], key: str) -> None:
    """Notify a person of the plan, in their language (`words` gives the title and body)."""
    if person is None:
        return
    with translation.override(language_of(person)):
        title, body = words()
        notify(
            drafts=[
                Draft(
                    recipient_id=person.pk,
                    kind=NotificationKind.FOLLOW_UP,
                    title=str(title),
                    body=str(body),
                    dedupe_key=key,
                    url=reverse("fieldwork:plan-detail", args=[plan.pk]),
                    email=person.email,
                )
            ]
        )


@transaction.atomic
def visit_plan_submit(*, user: Any, plan: VisitPlan) -> VisitPlan:
    """Submit a draft plan for approval (`visits.plan`); the rep's manager is told."""
    plan = VisitPlan.objects.select_for_update(of=("self",)).select_related("person__manager").get(pk=plan.pk)
    _editable(user, plan)
    if not plan.items.exists():
        _refuse("plan", _("Nothing is planned: add a visit first."))
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.decided_by, plan.decided_at = None, None
    plan.save(update_fields=["status", "submitted_at", "decided_by", "decided_at"])
    week = plan.week_start.isoformat()
    _tell(
        plan.person.manager,
        plan=plan,
        words=lambda: (
            _("%(rep)s submitted the visit plan of the week of %(week)s") % {"rep": plan.person.name, "week": week},
            "",
        ),
        key=f"visit_plan:{plan.pk}:submitted:{plan.submitted_at.isoformat()}",
    )
    return plan


class PlanDecision:
    APPROVE = "approve"
    RETURN = "return"


@transaction.atomic
def visit_plan_decide(*, user: Any, plan: VisitPlan, decision: str, note: str = "") -> VisitPlan:
    """Approve a submitted plan, or send it back to the rep with a note (`visits.approve_plan`:
    the rep's manager line, a second person)."""
    plan = VisitPlan.objects.select_for_update(of=("self",)).select_related("person").get(pk=plan.pk)
    actor = authority.require(user, "visits.approve_plan", plan)
    if plan.status != PlanStatus.SUBMITTED:
        _refuse("plan", _("Only a submitted plan is approved or sent back."))
    note = (note or "").strip()
    if decision not in (PlanDecision.APPROVE, PlanDecision.RETURN):
        _refuse("decision", _("Choose approve or return."))
    if decision == PlanDecision.RETURN and not note:
        _refuse("note", _("Say what to change."))
    plan.status = PlanStatus.APPROVED if decision == PlanDecision.APPROVE else PlanStatus.DRAFT
    plan.decided_by, plan.decided_at, plan.decision_note = actor.person, timezone.now(), note
    plan.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    approved = decision == PlanDecision.APPROVE
    week = plan.week_start.isoformat()
    _tell(
        plan.person,
        plan=plan,
        words=lambda: (
            (
                _("Your visit plan of the week of %(week)s is approved") % {"week": week}
                if approved
                else _("Your visit plan of the week of %(week)s is sent back") % {"week": week}
            ),
            note,
        ),
        key=f"visit_plan:{plan.pk}:{decision}:{plan.decided_at.isoformat()}",
    )
    return plan
