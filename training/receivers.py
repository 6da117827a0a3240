"""Reactions to other apps' signals (connected in TrainingConfig.ready)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from appraisal.models import Outcome, OutcomeKind, Scorecard
from staff.models import Person
from training.models import Enrollment, EnrollmentStatus
from training.services import onboarding_start
from training.services.courses import enrollment_create
from training.services.suggestions import training_suggestions_generate


def enroll_new_hire(sender: Any, *, person: Person, hired_on: date, **kwargs: Any) -> None:
    """A person hired through recruitment starts onboarding in the same transaction as the hire."""
    onboarding_start(person=person, start=hired_on)


def suggest_for_scorecard(
    sender: Any,
    *,
    scorecard: Scorecard,
    person_id: int,
    period: str,
    kpi_values: dict[str, Decimal],
    kpi_targets: dict[str, Decimal | None],
    **kwargs: Any,
) -> int:
    """An approved scorecard (appraisal's `scorecard_approved`): its KPIs below target become
    training suggestions. Returns the suggestions created."""
    made = training_suggestions_generate(
        person_ids=[person_id], kpi_values={person_id: kpi_values}, kpi_targets=kpi_targets, period=period
    )
    return len(made)


def enroll_for_outcome(sender: Any, *, outcome: Outcome, **kwargs: Any) -> None:
    """A targeted-training outcome (appraisal's `outcome_decided`) enrols the person in its course
    on the outcome's date, unless already enrolled."""
    if outcome.kind != OutcomeKind.TRAINING or outcome.course is None:
        return
    live = Enrollment.objects.filter(person=outcome.person, course=outcome.course).exclude(
        status__in=[EnrollmentStatus.CANCELLED, EnrollmentStatus.FAILED]
    )
    if not live.exists():
        enrollment_create(person=outcome.person, course=outcome.course, enrolled_on=outcome.date)


def hand_over_action_items(sender: Any, person: Person, successor: Person, on: date, **_kwargs: Any) -> dict[str, int]:
    """`person`'s open action items go to `successor` (done and cancelled ones stay)."""
    from simple_history.utils import bulk_update_with_history

    from training.models import ActionItem, ActionItemStatus

    items = list(ActionItem.objects.filter(owner=person, status=ActionItemStatus.OPEN).order_by("pk"))
    for item in items:
        item.owner = successor
    if items:
        bulk_update_with_history(items, ActionItem, ["owner"], default_change_reason="handover")
    return {"action_items": len(items)}
