"""Targeted training: suggestions from KPI gaps, and the manager's decision on each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority
from staff.models import Person
from training.models import (
    Course,
    Enrollment,
    EnrollmentStatus,
    SuggestionRule,
    SuggestionStatus,
    TrainingSuggestion,
)
from training.services.common import require_text
from training.services.courses import enrollment_create


def _decimal(value: object, *, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(_("Not a number."), fields={field: [_("Not a number.")]}) from exc


@transaction.atomic
def training_suggestions_generate(
    *,
    person_ids: list[int],
    kpi_values: dict[int, dict[str, Decimal]],
    kpi_targets: dict[str, Decimal],
    period: str,
    today: date | None = None,
) -> list[TrainingSuggestion]:
    """Suggest a course and a coaching topic for every KPI of a person below its target.

    Called by appraisal with each person's KPI values and the scheme's targets (same units:
    a rate as a fraction, visits per day as a number). A KPI without a target or without an
    active rule suggests nothing; a suggestion already made for (person, period, KPI) is kept as
    it is, so a rerun adds only new gaps. Returns the suggestions created.
    """
    try:
        Period.parse(period)
    except ValueError as exc:
        raise ApplicationError(str(exc), fields={"period": [str(exc)]}) from exc
    today = today or timezone.localdate()
    # A KPI the scheme gives no target suggests nothing.
    targets = {
        code: _decimal(value, field=f"kpi_targets.{code}") for code, value in kpi_targets.items() if value is not None
    }
    rules = {rule.kpi_code: rule for rule in SuggestionRule.objects.filter(is_active=True, kpi_code__in=targets)}
    courses: dict[str, Course] = {}
    # The first active course of the rule's topic, preferring the rule's kind.
    for course in Course.objects.filter(is_active=True, topic__in={r.course_topic for r in rules.values()}).order_by(
        "code"
    ):
        courses.setdefault(course.topic, course)
    people = Person.objects.in_bulk(person_ids)
    existing = set(
        TrainingSuggestion.objects.filter(person_id__in=person_ids, period=period).values_list("person_id", "kpi_code")
    )
    new = []
    for person_id in person_ids:
        person = people.get(person_id)
        if person is None:
            raise ApplicationError(_("Unknown person."), fields={"person_ids": [str(person_id)]})
        for code, raw_value in (kpi_values.get(person_id) or {}).items():
            rule = rules.get(code)
            if rule is None or raw_value is None or (person_id, code) in existing:
                continue
            value = _decimal(raw_value, field=f"kpi_values.{person_id}.{code}")
            if value >= targets[code]:
                continue
            course = courses.get(rule.course_topic)
            new.append(
                TrainingSuggestion(
                    person=person,
                    team_id=person.team_id,
                    region_id=person.region_id,
                    period=period,
                    kpi_code=code,
                    value=value,
                    target=targets[code],
                    rule=rule,
                    course=course,
                    coaching_topic=rule.coaching_topic,
                    created_on=today,
                )
            )
    return TrainingSuggestion.objects.bulk_create(new)


@transaction.atomic
def suggestion_accept(
    *, suggestion: TrainingSuggestion, decided_by: Any, on: date, note: str = ""
) -> Enrollment | None:
    """Accept: the person is enrolled in the suggested course (unless already enrolled). The decision
    is the person's manager line's ("people.coach"); `decided_by` is a login or a person."""
    decider = _check_open(suggestion, decided_by)
    enrollment = None
    if suggestion.course_id:
        enrollment = (
            Enrollment.objects.filter(person_id=suggestion.person_id, course_id=suggestion.course_id)
            .exclude(status__in=[EnrollmentStatus.CANCELLED, EnrollmentStatus.FAILED])
            .first()
        )
        if enrollment is None:
            enrollment = enrollment_create(person=suggestion.person, course=suggestion.course, enrolled_on=on)
    _decide(suggestion, SuggestionStatus.ACCEPTED, decider, on, note)
    return enrollment


@transaction.atomic
def suggestion_dismiss(*, suggestion: TrainingSuggestion, decided_by: Any, on: date, note: str) -> TrainingSuggestion:
    decider = _check_open(suggestion, decided_by)
    note = require_text(note, field="note")
    _decide(suggestion, SuggestionStatus.DISMISSED, decider, on, note)
    return suggestion


def _check_open(suggestion: TrainingSuggestion, decided_by: Any) -> Person | None:
    """The decider's person (None for an admin without one), once the rule allows the decision."""
    actor = authority.require(decided_by, "people.coach", suggestion.person)
    if suggestion.status != SuggestionStatus.OPEN:
        raise ApplicationError(_("This suggestion is already decided."), fields={"status": [_("Already decided.")]})
    return actor.person


def _decide(suggestion: TrainingSuggestion, status: str, decided_by: Person | None, on: date, note: str) -> None:
    suggestion.status = status
    suggestion.decided_by = decided_by
    suggestion.decided_on = on
    suggestion.decision_note = note.strip()
    suggestion.save(update_fields=["status", "decided_by", "decided_on", "decision_note"])
