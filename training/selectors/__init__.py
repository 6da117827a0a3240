"""Training reads: every list goes through the data-scope rule, with its joins done once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Count, Prefetch, Q, QuerySet

from staff.models import EmploymentEvent, Person
from training.models import (
    ActionItem,
    ActionItemStatus,
    ClassSession,
    CoachingSession,
    Course,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    Onboarding,
    SuggestionStatus,
    TrainingSuggestion,
    WorkReport,
)


def course_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Course]:
    filters = filters or {}
    qs = Course.objects.filter(is_active=True).annotate(material_count=Count("materials"))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs


def enrollment_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Enrollment]:
    filters = filters or {}
    qs = Enrollment.objects.visible_to(user).select_related("person", "course", "team")
    for key in ("status", "person", "course"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def coaching_session_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[CoachingSession]:
    filters = filters or {}
    qs = (
        CoachingSession.objects.visible_to(user)
        .select_related("coach", "person", "team", "visit__customer")
        .annotate(item_count=Count("action_items"))
    )
    for key in ("kind", "person", "coach"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def coaching_session_detail(*, user: Any, pk: int) -> CoachingSession:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        CoachingSession.objects.visible_to(user)
        .select_related("coach", "person", "team", "region", "visit__customer")
        .prefetch_related("attendees", Prefetch("action_items", ActionItem.objects.select_related("owner"))),
        pk=pk,
    )


def action_item_list(*, user: Any, filters: dict[str, Any] | None = None, today: date) -> QuerySet[ActionItem]:
    filters = filters or {}
    qs = (
        ActionItem.objects.visible_to(user)
        .select_related("owner", "coach", "session")
        .annotate(follow_up_count=Count("follow_ups"))
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("overdue"):
        qs = qs.overdue(today)
    for key in ("owner", "coach"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def action_items_overdue_for_coach(*, coach: Person, today: date) -> QuerySet[ActionItem]:
    """The coach's follow-up list: open items past their due date (from the day after it)."""
    return ActionItem.objects.filter(coach=coach).overdue(today).select_related("owner", "session")


def action_item_detail(*, user: Any, pk: int) -> ActionItem:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        ActionItem.objects.visible_to(user)
        .select_related("owner", "coach", "session")
        .prefetch_related(Prefetch("follow_ups", FollowUp.objects.select_related("author"))),
        pk=pk,
    )


def onboarding_list(*, user: Any, overdue_on: date | None = None) -> QuerySet[Onboarding]:
    qs = (
        Onboarding.objects.visible_to(user)
        .select_related("person", "team", "person__manager")
        .annotate(
            required=Count("enrollments"),
            done=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.COMPLETED)),
        )
    )
    if overdue_on is not None:
        qs = qs.filter(completed_on=None, due_on__lt=overdue_on)
    return qs


def work_report_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[WorkReport]:
    filters = filters or {}
    qs = WorkReport.objects.visible_to(user).select_related("person", "team").annotate(comment_count=Count("comments"))
    for key in ("kind", "person"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def suggestion_list(*, user: Any, status: str | None = SuggestionStatus.OPEN) -> QuerySet[TrainingSuggestion]:
    qs = TrainingSuggestion.objects.visible_to(user).select_related("person", "course", "decided_by")
    return qs.filter(status=status) if status else qs


@dataclass
class CalendarEntry:
    day: date
    kind: str
    title: str
    url: str = ""


def calendar_entries(*, user: Any, start: date, end: date) -> list[CalendarEntry]:
    """Classes, coaching sessions, and due dates of enrollments and action items in a date range."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    entries = [
        CalendarEntry(
            c.date, "class", f"{c.course} {c.location}".strip(), reverse("training:course-detail", args=[c.course_id])
        )
        for c in ClassSession.objects.visible_to(user).filter(date__range=(start, end)).select_related("course")
    ]
    entries += [
        CalendarEntry(
            s.date,
            "coaching",
            f"{s.get_kind_display()} · {s.person or s.team}",
            reverse("training:session-detail", args=[s.pk]),
        )
        for s in CoachingSession.objects.visible_to(user)
        .filter(date__range=(start, end))
        .select_related("person", "team")
    ]
    entries += [
        CalendarEntry(
            e.due_on, "enrollment", _("%(course)s due · %(person)s") % {"course": e.course, "person": e.person}
        )
        for e in Enrollment.objects.visible_to(user)
        .filter(due_on__range=(start, end), status=EnrollmentStatus.ENROLLED)
        .select_related("course", "person")
    ]
    entries += [
        CalendarEntry(a.due_on, "action", f"{a.title} · {a.owner}", reverse("training:action-detail", args=[a.pk]))
        for a in ActionItem.objects.visible_to(user)
        .filter(due_on__range=(start, end), status=ActionItemStatus.OPEN)
        .select_related("owner")
    ]
    return sorted(entries, key=lambda e: (e.day, e.kind))


def development_history(*, person: Person) -> dict[str, Any]:
    """Everything about one person's development on one page: a fixed number of queries.

    The caller has already checked that the person is in the viewer's scope.
    """
    return {
        "onboarding": Onboarding.objects.filter(person=person).first(),
        "enrollments": Enrollment.objects.filter(person=person).select_related("course").order_by("-enrolled_on"),
        "sessions": CoachingSession.objects.filter(Q(person=person) | Q(attendees=person))
        .distinct()
        .select_related("coach", "visit__customer"),
        "action_items": ActionItem.objects.filter(owner=person)
        .select_related("coach")
        .annotate(follow_up_count=Count("follow_ups")),
        "suggestions": TrainingSuggestion.objects.filter(person=person).select_related("course"),
        "events": EmploymentEvent.objects.filter(person=person),
        "outcomes": appraisal_outcomes(person=person),
    }


def appraisal_outcomes(*, person: Person) -> list[Any]:
    """A person's appraisal outcomes (reward, penalty, training, promotion, dismissal).

    The appraisal app is built alongside; until it has an `Outcome` model this is empty. The
    outcome is found through its own `person` or its scorecard's.
    """
    try:
        outcome_model = apps.get_model("appraisal", "Outcome")
    except LookupError:
        return []
    names = {f.name for f in outcome_model._meta.get_fields()}
    if "person" in names:
        return list(outcome_model.objects.filter(person=person))
    if "scorecard" in names:
        return list(outcome_model.objects.filter(scorecard__person=person).select_related("scorecard"))
    return []


from training.selectors.reviews import (  # noqa: E402, F401
    Agenda,
    MemberLine,
    decisions_of,
    previous_meeting,
    review_agenda,
    review_meeting_detail,
    review_meeting_list,
)
