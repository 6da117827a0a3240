"""The scorecard workflow (draft -> submitted -> approved -> closed), the review, action items, outcomes."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import signals
from appraisal.domain import KPI_SOURCES
from appraisal.models import (
    CONFIRMED_OUTCOMES,
    FROZEN_STATUSES,
    MONEY_OUTCOMES,
    ImprovementAction,
    Outcome,
    OutcomeKind,
    Scorecard,
    ScorecardStatus,
)
from appraisal.services.common import Who
from salesorg.exceptions import ApplicationError
from staff import authority
from staff import services as staff_services
from staff.models import Person, Position

logger = logging.getLogger(__name__)

# An acknowledgement's comment is a remark, not a second review.
COMMENT_MAX_LENGTH = 2000
REVIEW_FIELDS = ("root_cause", "improvement_plan", "manager_comment", *Scorecard.QUESTION_FIELDS)


def _require_status(card: Scorecard, *statuses: str) -> None:
    if card.status not in statuses:
        message = _("This scorecard is %(status)s; this step is not possible now.") % {
            "status": card.get_status_display()
        }
        raise ApplicationError(message, fields={"status": [message]})


@transaction.atomic
def scorecard_review_update(*, scorecard: Scorecard, by: Who, data: dict[str, Any]) -> Scorecard:
    """The qualitative half: root cause, improvement plan, comment, the quarterly questions.
    Only while the card is a draft. The person's manager line writes it (rule people.appraise);
    the person may answer the method's questions on their own card, and only those."""
    actor = authority.actor_of(by)
    own = actor.is_person(scorecard.person_id)
    if not own:
        authority.require(actor, "people.appraise", scorecard.person)
    _require_status(scorecard, ScorecardStatus.DRAFT)
    unknown = set(data) - set(REVIEW_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise ApplicationError(_("Unknown field."), fields={field: [_("Unknown field.")]})
    not_theirs = set(data) - set(Scorecard.QUESTION_FIELDS)
    if own and not_theirs:
        # In scope (it is their card) but not theirs to write: a refusal, not a bad value.
        message = _("Only your manager line writes the root cause, the plan and the comment; you answer the questions.")
        raise authority.NotAllowed(message)
    for name, value in data.items():
        setattr(scorecard, name, (value or "").strip())
    if data:
        scorecard._history_user = actor.history_user()
        scorecard.save(update_fields=list(data))
    return scorecard


@transaction.atomic
def scorecard_submit(*, scorecard: Scorecard, by: Who) -> Scorecard:
    """The manager line scores the card and submits it for approval (rule people.appraise); a
    shortfall needs its root cause written first."""
    actor = authority.require(by, "people.appraise", scorecard.person)
    _require_status(scorecard, ScorecardStatus.DRAFT)
    if not scorecard.manager_comment.strip():
        message = _("Write the manager's comment before submitting.")
        raise ApplicationError(message, fields={"manager_comment": [message]})
    short = any(line.below_target for line in scorecard.lines.all())
    if short and not scorecard.root_cause.strip():
        message = _("Some KPIs are below target: write the root cause before submitting.")
        raise ApplicationError(message, fields={"root_cause": [message]})
    scorecard.status = ScorecardStatus.SUBMITTED
    scorecard.submitted_by = actor.person
    scorecard.submitted_at = timezone.now()
    scorecard._history_user = actor.history_user()
    scorecard.save(update_fields=["status", "submitted_by", "submitted_at"])
    return scorecard


@transaction.atomic
def scorecard_return(*, scorecard: Scorecard, by: Who, reason: str) -> Scorecard:
    """The approver sends a submitted card back to draft, with the reason in the comment: a second
    person above the scorer (rule people.approve_appraisal)."""
    actor = authority.require(by, "people.approve_appraisal", scorecard)
    _require_status(scorecard, ScorecardStatus.SUBMITTED)
    if not reason or not reason.strip():
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Give a reason.")]})
    name = actor.person.name if actor.person is not None else _("admin")
    scorecard.status = ScorecardStatus.DRAFT
    scorecard.manager_comment = f"{scorecard.manager_comment}\n[{name}] {reason.strip()}".strip()
    scorecard._change_reason = reason.strip()
    scorecard._history_user = actor.history_user()
    scorecard.save(update_fields=["status", "manager_comment"])
    return scorecard


@transaction.atomic
def scorecard_approve(*, scorecard: Scorecard, by: Who) -> Scorecard:
    """Approve: from now on the numbers are frozen (later recomputes do not touch the card). A
    second person above the scorer (rule people.approve_appraisal). KPIs below the scheme's
    targets become training suggestions."""
    actor = authority.require(by, "people.approve_appraisal", scorecard)
    _require_status(scorecard, ScorecardStatus.SUBMITTED)
    _require_required_values(scorecard)
    scorecard.status = ScorecardStatus.APPROVED
    scorecard.approved_by = actor.person
    scorecard.approved_at = timezone.now()
    scorecard._history_user = actor.history_user()
    scorecard.save(update_fields=["status", "approved_by", "approved_at"])
    suggest_training(scorecards=[scorecard])
    return scorecard


def _require_required_values(card: Scorecard) -> None:
    """Refuse the approval of a card missing a KPI its scheme requires, naming each such KPI (the
    400 names it by its code) and what its value is computed from: values are computed from the
    records, never typed in, so the way out is to record what is missing and re-read the card."""
    missing = [line for line in card.lines.select_related("kpi", "scheme_kpi") if line.missing_required]
    if not missing:
        return
    fields = {
        line.kpi.code: [
            _("%(kpi)s has no value for %(period)s and the scheme requires it; it is computed from %(source)s.")
            % {
                "kpi": line.kpi.name,
                "period": card.appraisal_period.period,
                "source": KPI_SOURCES.get(line.kpi.code, line.kpi.name),
            }
        ]
        for line in missing
    }
    message = _(
        "This scorecard cannot be approved: %(missing)s Record what is missing, then send the scorecard back "
        "and refresh the draft scorecards."
    ) % {"missing": " ".join(messages[0] for messages in fields.values())}
    raise ApplicationError(message, fields=fields)


@transaction.atomic
def scorecard_acknowledge(*, scorecard: Scorecard, by: Who, comment: str = "") -> Scorecard:
    """The person appraised acknowledges their approved (or closed) scorecard, once, with an
    optional comment; nobody else may (rule people.acknowledge_appraisal). The card's history
    records who acknowledged it and when."""
    actor = authority.require(by, "people.acknowledge_appraisal", scorecard)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        message = _("Keep the comment to %(n)s characters.") % {"n": COMMENT_MAX_LENGTH}
        raise ApplicationError(message, fields={"comment": [message]})
    # Read the row again under a lock: two clicks acknowledge once.
    current = Scorecard.objects.select_for_update().only("status", "acknowledged_at").get(pk=scorecard.pk)
    if current.status not in FROZEN_STATUSES:
        message = _("This scorecard is %(status)s: you acknowledge it once it is approved.") % {
            "status": current.get_status_display()
        }
        raise ApplicationError(message, fields={"status": [message]})
    if current.acknowledged_at is not None:
        message = _("You acknowledged this scorecard on %(date)s.") % {
            "date": timezone.localtime(current.acknowledged_at).date().isoformat()
        }
        raise ApplicationError(message, fields={"acknowledged_at": [message]})
    scorecard.acknowledged_by = actor.person
    scorecard.acknowledged_at = timezone.now()
    scorecard.acknowledgement_comment = comment
    scorecard._history_user = actor.history_user()
    scorecard._change_reason = "acknowledged"
    scorecard.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_comment"])
    return scorecard


def suggest_training(*, scorecards: list[Scorecard]) -> int:
    """Hand each card's KPI gaps to whoever listens (`signals.scorecard_approved`: training makes
    suggestions); returns the number the listeners report."""
    made = 0
    for card in scorecards:
        lines = list(card.lines.select_related("kpi"))
        responses = signals.scorecard_approved.send(
            sender=Scorecard,
            scorecard=card,
            person_id=card.person_id,
            period=card.appraisal_period.period,
            kpi_values={line.kpi.code: line.value for line in lines if line.value is not None},
            kpi_targets={line.kpi.code: line.target for line in lines},
        )
        made += sum(response for _receiver, response in responses if isinstance(response, int))
    return made


@transaction.atomic
def scorecard_close(*, scorecard: Scorecard, by: Who) -> Scorecard:
    """Close an approved card: the person's manager line (rule people.appraise)."""
    actor = authority.require(by, "people.appraise", scorecard.person)
    _require_status(scorecard, ScorecardStatus.APPROVED)
    scorecard.status = ScorecardStatus.CLOSED
    scorecard.closed_at = timezone.now()
    scorecard._history_user = actor.history_user()
    scorecard.save(update_fields=["status", "closed_at"])
    return scorecard


def action_add(
    *, scorecard: Scorecard, by: Who, description: str, owner: Person, due_date: date | None
) -> ImprovementAction:
    """An action item of the improvement plan, added by the person's manager line (rule
    people.appraise); its owner is the person, the manager, or someone below the manager."""
    actor = authority.require(by, "people.appraise", scorecard.person)
    if not description or not description.strip():
        raise ApplicationError(_("This field is required."), fields={"description": [_("This field is required.")]})
    if due_date is None:
        raise ApplicationError(_("This field is required."), fields={"due_date": [_("This field is required.")]})
    if owner.pk not in (scorecard.person_id, actor.person_id) and not authority.is_above(actor, owner):
        message = _("%(person)s is not in your team or region.") % {"person": owner.name}
        raise ApplicationError(message, fields={"owner": [message]})
    return ImprovementAction.objects.create(
        scorecard=scorecard, description=description.strip(), owner=owner, due_date=due_date
    )


@transaction.atomic
def outcome_create(
    *,
    person: Person,
    kind: str,
    reason: str,
    decided_by: Who,
    on: date,
    amount: Decimal | None = None,
    course: Any = None,
    scorecard: Scorecard | None = None,
    to_position: str = "",
) -> Outcome:
    """Record what an appraisal led to, decided by the person's manager line (rule
    people.appraise). Every outcome needs a reason; money outcomes an amount; targeted training a
    course. A promotion or dismissal waits for its confirmation one level above (`outcome_confirm`)."""
    actor = authority.require(decided_by, "people.appraise", person)
    if kind not in OutcomeKind.values:
        raise ApplicationError(_("Unknown outcome."), fields={"kind": [_("Unknown outcome.")]})
    if not reason or not reason.strip():
        message = _("Give the reason for this outcome.")
        raise ApplicationError(message, fields={"reason": [message]})
    if kind in MONEY_OUTCOMES and (amount is None or amount <= 0):
        message = _("Give an amount above 0.")
        raise ApplicationError(message, fields={"amount": [message]})
    if kind not in MONEY_OUTCOMES:
        amount = None
    if kind == OutcomeKind.TRAINING and course is None:
        message = _("Choose the course of the targeted training.")
        raise ApplicationError(message, fields={"course": [message]})
    if kind == OutcomeKind.PROMOTION and to_position not in Position.values:
        message = _("Choose the position of the promotion.")
        raise ApplicationError(message, fields={"to_position": [message]})
    if scorecard is not None and scorecard.person_id != person.pk:
        message = _("This scorecard is someone else's.")
        raise ApplicationError(message, fields={"scorecard": [message]})
    outcome = Outcome(
        person=person,
        team_id=person.team_id,
        region_id=person.region_id,
        scorecard=scorecard,
        kind=kind,
        amount=amount,
        course=course if kind == OutcomeKind.TRAINING else None,
        to_position=to_position if kind == OutcomeKind.PROMOTION else "",
        reason=reason.strip(),
        date=on,
        decided_by=actor.person,
    )
    outcome._history_user = actor.history_user()
    outcome.save()
    signals.outcome_decided.send(sender=Outcome, outcome=outcome)
    return outcome


@transaction.atomic
def outcome_confirm(*, outcome: Outcome, by: Who) -> Outcome:
    """Confirm a promotion, dismissal warning or dismissal: one level above the manager who decided
    it, a second person (rule people.confirm_outcome); it then becomes the employment event."""
    actor = authority.require(by, "people.confirm_outcome", outcome.person, decided_by=outcome.decided_by)
    if outcome.kind not in CONFIRMED_OUTCOMES or outcome.confirmed_at is not None:
        message = _("This outcome is not waiting for a confirmation.")
        raise ApplicationError(message, fields={"kind": [message]})
    outcome.confirmed_by = actor.person
    outcome.confirmed_at = timezone.now()
    outcome._history_user = actor.history_user()
    outcome.save(update_fields=["confirmed_by", "confirmed_at"])
    _record_employment_event(outcome, by)
    return outcome


def _record_employment_event(outcome: Outcome, by: Who) -> None:
    """A confirmed promotion, dismissal warning or dismissal becomes the person's employment event
    through the staff service, which asks the org-change rule of the one who confirms it. (A
    promotion decided before outcomes named the position has no position to record: none.)"""
    reason = _("Appraisal outcome: %(reason)s") % {"reason": outcome.reason}
    user = by if isinstance(by, get_user_model()) else getattr(by, "user", None)
    common = {"person": outcome.person, "on": outcome.date, "reason": reason, "recorded_by": user}
    if outcome.kind == OutcomeKind.PROMOTION and outcome.to_position:
        staff_services.person_promote(position=outcome.to_position, **common)
    elif outcome.kind == OutcomeKind.DISMISSAL_WARNING:
        staff_services.person_warn(**common)
    elif outcome.kind == OutcomeKind.DISMISSAL:
        staff_services.person_dismiss(**common)
