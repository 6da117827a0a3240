"""Recruitment and selection: openings, candidates, selection steps, the decision.

Openings, candidates, their steps and a rejection are the team's managers' and those above
(rule "recruit"); the hire itself is an org change (rule "org.change": a director or an admin, a
regional manager within their region). Hiring goes through `person_hire` (the person starts on probation) and then sends
`staff.signals.person_hired`, on which training enrolls the new person in onboarding, all in one
transaction: a refused hire writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import (
    Candidate,
    CandidateStatus,
    Opening,
    OpeningStatus,
    Person,
    Position,
    SelectionStep,
    SelectionStepKind,
    Team,
)
from staff.services import person_hire
from staff.signals import person_hired

CLOSED_CANDIDATE = {CandidateStatus.HIRED, CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN}


def _required(value: str, field: str) -> str:
    if not value or not str(value).strip():
        raise ApplicationError(_("This field is required."), fields={field: [_("This field is required.")]})
    return str(value).strip()


@transaction.atomic
def opening_create(
    *,
    by: Any,
    team: Team,
    title: str,
    opened_on: date,
    position: str = Position.REP,
    headcount: int = 1,
    hiring_manager: Person | None = None,
    requirements: str = "",
) -> Opening:
    authority.require(by, "recruit", team_id=team.pk, region_id=team.region_id)
    title = _required(title, "title")
    if position not in (Position.REP, Position.TEAM_MANAGER):
        raise ApplicationError(
            _("A team opening is for a rep or a team manager."), fields={"position": [_("Not a team position.")]}
        )
    if headcount < 1:
        raise ApplicationError(_("At least one person."), fields={"headcount": [_("At least one person.")]})
    if hiring_manager is None:
        hiring_manager = Person.objects.current().filter(team=team, position=Position.TEAM_MANAGER).first()
    return Opening.objects.create(
        team=team,
        region_id=team.region_id,
        title=title,
        position=position,
        headcount=headcount,
        hiring_manager=hiring_manager,
        requirements=requirements.strip(),
        opened_on=opened_on,
    )


@transaction.atomic
def candidate_add(
    *,
    by: Any,
    opening: Opening,
    name: str,
    applied_on: date,
    phone: str = "",
    email: str = "",
    source: str = "",
) -> Candidate:
    authority.require(by, "recruit", opening)
    name = _required(name, "name")
    if opening.status != OpeningStatus.OPEN:
        raise ApplicationError(_("This opening is not open."), fields={"opening": [_("This opening is not open.")]})
    return Candidate.objects.create(
        opening=opening,
        team_id=opening.team_id,
        region_id=opening.region_id,
        name=name,
        phone=phone.strip(),
        email=email.strip(),
        source=source.strip(),
        applied_on=applied_on,
    )


@transaction.atomic
def candidate_assess(
    *,
    by: Any,
    candidate: Candidate,
    kind: str,
    on: date,
    score: Decimal | None = None,
    passed: bool | None = None,
    assessor: Person | None = None,
    notes: str = "",
) -> SelectionStep:
    """Record one selection step (interview, written test, role-play) with its score out of 100.

    The assessor is the one who records it unless named."""
    actor = authority.require(by, "recruit", candidate)
    assessor = assessor or actor.person
    if candidate.status in CLOSED_CANDIDATE:
        raise ApplicationError(_("This candidate is already decided."), fields={"candidate": [_("Already decided.")]})
    if kind not in SelectionStepKind.values:
        raise ApplicationError(_("Unknown selection step."), fields={"kind": [_("Unknown selection step.")]})
    if score is not None and not (Decimal(0) <= Decimal(score) <= Decimal(100)):
        raise ApplicationError(_("The score is out of 100."), fields={"score": [_("Enter a score from 0 to 100.")]})
    step = SelectionStep.objects.create(
        candidate=candidate, kind=kind, date=on, score=score, passed=passed, assessor=assessor, notes=notes.strip()
    )
    if candidate.status == CandidateStatus.APPLIED:
        candidate.status = CandidateStatus.IN_SELECTION
        candidate.save(update_fields=["status"])
    return step


@transaction.atomic
def candidate_reject(*, by: Any, candidate: Candidate, on: date, reason: str) -> Candidate:
    authority.require(by, "recruit", candidate)
    reason = _required(reason, "reason")
    if candidate.status in CLOSED_CANDIDATE:
        raise ApplicationError(_("This candidate is already decided."), fields={"candidate": [_("Already decided.")]})
    candidate.status = CandidateStatus.REJECTED
    candidate.decided_on = on
    candidate.decision_reason = reason
    candidate.save(update_fields=["status", "decided_on", "decision_reason"])
    return candidate


@transaction.atomic
def candidate_hire(
    *,
    by: Any,
    candidate: Candidate,
    employee_no: str,
    hire_date: date,
    reason: str,
    username: str | None = None,
) -> Person:
    """Hire a candidate: the person is created on probation and enrolled in onboarding.

    A hire is an org change: a director or an admin, a regional manager within the opening's
    region (`by`, a login or a person, is recorded on the employment event)."""
    actor = authority.require(by, "org.change", region_id=candidate.region_id)
    reason = _required(reason, "reason")
    employee_no = _required(employee_no, "employee_no")
    if candidate.status in CLOSED_CANDIDATE:
        raise ApplicationError(_("This candidate is already decided."), fields={"candidate": [_("Already decided.")]})
    opening = Opening.objects.select_for_update(of=("self",)).select_related("team").get(pk=candidate.opening_id)
    if opening.status != OpeningStatus.OPEN:
        raise ApplicationError(_("This opening is not open."), fields={"opening": [_("This opening is not open.")]})
    if not candidate.steps.exists():
        raise ApplicationError(
            _("Record at least one selection step before hiring."), fields={"candidate": [_("No selection step.")]}
        )
    if Person.objects.filter(employee_no=employee_no).exists():
        raise ApplicationError(
            _("This employee number is taken."), fields={"employee_no": [_("This employee number is taken.")]}
        )
    person = person_hire(
        employee_no=employee_no,
        name=candidate.name,
        position=opening.position,
        hire_date=hire_date,
        team=opening.team,
        manager=opening.hiring_manager,
        username=username,
        email=candidate.email,
        phone=candidate.phone,
        reason=reason,
        recorded_by=actor.history_user(),
    )
    candidate.status = CandidateStatus.HIRED
    candidate.decided_on = hire_date
    candidate.decision_reason = reason
    candidate.hired_person = person
    candidate.save(update_fields=["status", "decided_on", "decision_reason", "hired_person"])
    if Candidate.objects.filter(opening=opening, status=CandidateStatus.HIRED).count() >= opening.headcount:
        opening.status = OpeningStatus.FILLED
        opening.save(update_fields=["status"])
    person_hired.send(sender=Candidate, person=person, hired_on=hire_date)
    return person
