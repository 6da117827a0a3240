"""The quarterly review meeting (复盘) of a unit: hold it, keep its minutes, record its decisions.

Who: the unit's manager line (the unit's manager, any manager above it, an admin): the rule
"units.manage" on the meeting's unit. Its decisions are written through the services that own
them: an outcome through appraisal's `outcome_create` (which asks "people.appraise" of the person),
an action item through `action_item_create` (which asks "people.coach" of its owner), so each
keeps its own rule, history and follow-up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import services as appraisal_services
from appraisal.models import Outcome, Scorecard
from salesorg.exceptions import ApplicationError
from salesorg.periods import QUARTER, Period
from staff import authority
from staff.models import Person, Region, Team
from training.models import ActionItem, ReviewMeeting, ReviewQuestion
from training.services.coaching import action_item_create

MAX_STALE_DAYS = 365


def _quarter(text: str) -> Period:
    try:
        period = Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.kind != QUARTER:
        message = _("Write the quarter as 2026-Q1.")
        raise ApplicationError(message, fields={"period": [message]})
    return period


def _check_stale_days(stale_days: int) -> None:
    if not 1 <= stale_days <= MAX_STALE_DAYS:
        message = _("Between 1 and %(max)s days.") % {"max": MAX_STALE_DAYS}
        raise ApplicationError(message, fields={"stale_days": [message]})


@transaction.atomic
def review_meeting_create(
    *,
    by: Any,
    period: str,
    on: date,
    team: Team | None = None,
    region: Region | None = None,
    stale_days: int = 30,
) -> ReviewMeeting:
    """Open the review meeting of a team (or of a region, with no team) for a quarter: one per unit
    and quarter. The one who opens it holds it, so the login needs a person."""
    if team is None and region is None:
        message = _("Choose the team or region that meets.")
        raise ApplicationError(message, fields={"team": [message]})
    if team is not None:
        region = team.region
    actor = authority.require(by, "units.manage", team_id=team.pk if team else None, region_id=region.pk)
    held_by = authority.require_person(actor)
    quarter = _quarter(period)
    _check_stale_days(stale_days)
    duplicate = ReviewMeeting.objects.filter(period=str(quarter))
    duplicate = duplicate.filter(team=team) if team is not None else duplicate.filter(team=None, region=region)
    if duplicate.exists():
        message = _("This unit already has a review meeting for %(period)s.") % {"period": quarter}
        raise ApplicationError(message, fields={"period": [message]})
    meeting = ReviewMeeting(
        period=str(quarter),
        start=quarter.start,
        end=quarter.end,
        team=team,
        region=region,
        date=on,
        held_by=held_by,
        stale_days=stale_days,
    )
    meeting._history_user = actor.history_user()
    meeting.save()
    return meeting


@transaction.atomic
def review_meeting_update(
    *,
    meeting: ReviewMeeting,
    by: Any,
    notes: str | None = None,
    answers: dict[Any, str] | None = None,
    on: date | None = None,
    stale_days: int | None = None,
) -> ReviewMeeting:
    """Keep the minutes: the notes, the unit's answer to each review question, the date, the
    stale threshold. Answers are keyed by question id; an unknown or inactive question is refused."""
    actor = authority.require(by, "units.manage", meeting)
    changed = []
    if notes is not None:
        meeting.notes = notes.strip()
        changed.append("notes")
    if answers is not None:
        active = {str(pk) for pk in ReviewQuestion.objects.filter(is_active=True).values_list("pk", flat=True)}
        unknown = sorted(str(key) for key in answers if str(key) not in active)
        if unknown:
            message = _("Unknown review question: %(ids)s.") % {"ids": ", ".join(unknown)}
            raise ApplicationError(message, fields={"answers": [message]})
        merged = dict(meeting.answers)
        for key, text in answers.items():
            text = (text or "").strip()
            if text:
                merged[str(key)] = text
            else:
                merged.pop(str(key), None)
        meeting.answers = merged
        changed.append("answers")
    if on is not None:
        meeting.date = on
        changed.append("date")
    if stale_days is not None:
        _check_stale_days(stale_days)
        meeting.stale_days = stale_days
        changed.append("stale_days")
    if changed:
        meeting._history_user = actor.history_user()
        meeting.save(update_fields=changed)
    return meeting


def _require_member(meeting: ReviewMeeting, person: Person, *, field: str, allow: Person | None = None) -> None:
    """A decision of a unit's meeting is about someone of that unit (or, for an action item, the
    manager who takes it on)."""
    if allow is not None and person.pk == allow.pk:
        return
    in_unit = person.team_id == meeting.team_id if meeting.team_id else person.region_id == meeting.region_id
    if not in_unit:
        message = _("%(person)s is not in %(unit)s.") % {"person": person.name, "unit": meeting.unit}
        raise ApplicationError(message, fields={field: [message]})


@transaction.atomic
def review_meeting_record_outcome(
    *,
    meeting: ReviewMeeting,
    by: Any,
    person: Person,
    kind: str,
    reason: str,
    amount: Decimal | None = None,
    course: Any = None,
    to_position: str = "",
) -> Outcome:
    """An outcome decided at the meeting (reward, penalty, training, improvement plan, promotion,
    warning, dismissal), dated on the meeting day and linked to the person's scorecard of the
    quarter when there is one. Appraisal's service checks the outcome itself."""
    actor = authority.require(by, "units.manage", meeting)
    _require_member(meeting, person, field="person")
    scorecard = Scorecard.objects.filter(person=person, appraisal_period__period=meeting.period).first()
    outcome = appraisal_services.outcome_create(
        person=person,
        kind=kind,
        reason=reason,
        decided_by=by,
        on=meeting.date,
        amount=amount,
        course=course,
        scorecard=scorecard,
        to_position=to_position,
    )
    meeting._history_user = actor.history_user()
    meeting.outcomes.add(outcome)
    return outcome


@transaction.atomic
def review_meeting_add_action(
    *, meeting: ReviewMeeting, by: Any, owner: Person, title: str, due_on: date | None, today: date
) -> ActionItem:
    """An action item agreed at the meeting, owned by someone of the unit (or the manager who
    takes it on), followed up like any coaching action until done."""
    authority.require(by, "units.manage", meeting)
    coach = authority.require_person(by)
    _require_member(meeting, owner, field="owner", allow=coach)
    return action_item_create(coach=coach, owner=owner, title=title, due_on=due_on, today=today, review_meeting=meeting)
