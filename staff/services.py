"""Writes for the organization: hiring, probation, promotion, transfer, warning, dismissal."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff.models import EmploymentEvent, EventKind, Person, PersonStatus, Position, Region, Team


def _full_clean(person: Person) -> None:
    try:
        person.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise ApplicationError(_("The person could not be saved."), fields=exc.message_dict) from exc


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ApplicationError(_("A reason is required."), fields={"reason": [_("A reason is required.")]})


@transaction.atomic
def person_hire(
    *,
    employee_no: str,
    name: str,
    position: str,
    hire_date: date,
    team: Team | None = None,
    region: Region | None = None,
    manager: Person | None = None,
    username: str | None = None,
    password: str | None = None,
    email: str = "",
    phone: str = "",
    reason: str = "",
    recorded_by: Any = None,
) -> Person:
    """Hire someone: the person starts on probation and the hiring is recorded as an event."""
    if team is not None:
        region = team.region
    person = Person(
        employee_no=employee_no,
        name=name,
        position=position,
        hire_date=hire_date,
        team=team,
        region=region,
        manager=manager,
        email=email,
        phone=phone,
        status=PersonStatus.PROBATION,
    )
    _full_clean(person)
    if username:
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise ApplicationError(
                _("This login name is taken."), fields={"username": [_("This login name is taken.")]}
            )
        user = user_model(username=username, email=email)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        person.user = user
    person.save()
    EmploymentEvent.objects.create(
        person=person,
        kind=EventKind.HIRED,
        date=hire_date,
        reason=reason or _("Hired"),
        to_position=position,
        to_team=team,
        to_manager=manager,
        recorded_by=recorded_by,
    )
    return person


@transaction.atomic
def person_pass_probation(*, person: Person, on: date, reason: str = "", recorded_by: Any = None) -> Person:
    if person.status != PersonStatus.PROBATION:
        raise ApplicationError(
            _("Only a person on probation can pass probation."), fields={"status": [_("Not on probation.")]}
        )
    person.status = PersonStatus.ACTIVE
    person.save(update_fields=["status"])
    EmploymentEvent.objects.create(
        person=person,
        kind=EventKind.PROBATION_PASSED,
        date=on,
        reason=reason or _("Probation passed"),
        recorded_by=recorded_by,
    )
    return person


@transaction.atomic
def person_promote(
    *,
    person: Person,
    position: str,
    on: date,
    reason: str,
    team: Team | None = None,
    region: Region | None = None,
    manager: Person | None = None,
    recorded_by: Any = None,
) -> Person:
    """Move a person to a higher position (and, with it, possibly another unit and manager)."""
    _require_reason(reason)
    order = [Position.REP, Position.TEAM_MANAGER, Position.REGIONAL_MANAGER, Position.DIRECTOR]
    if order.index(Position(position)) <= order.index(Position(person.position)):
        raise ApplicationError(
            _("A promotion must be to a higher position."), fields={"position": [_("Not a higher position.")]}
        )
    event = EmploymentEvent(
        person=person,
        kind=EventKind.PROMOTED,
        date=on,
        reason=reason,
        from_position=person.position,
        to_position=position,
        from_team=person.team,
        from_manager=person.manager,
        recorded_by=recorded_by,
    )
    person.position = position
    if position in (Position.REGIONAL_MANAGER, Position.DIRECTOR):
        person.team = None
    if team is not None:
        person.team, person.region = team, team.region
    if region is not None:
        person.region = region
    if position == Position.DIRECTOR:
        person.region = None
    if manager is not None or position == Position.DIRECTOR:
        person.manager = manager
    _full_clean(person)
    person.save(update_fields=["position", "team", "region", "manager"])
    event.to_team, event.to_manager = person.team, person.manager
    event.save()
    return person


@transaction.atomic
def person_transfer(
    *,
    person: Person,
    team: Team,
    on: date,
    reason: str,
    manager: Person | None = None,
    recorded_by: Any = None,
) -> Person:
    """Move a person to another team. Records made before keep the team they had (DESIGN.md)."""
    _require_reason(reason)
    if team.pk == person.team_id:
        raise ApplicationError(_("The person is already in this team."), fields={"team": [_("Same team.")]})
    if manager is None:
        manager = Person.objects.current().filter(team=team, position=Position.TEAM_MANAGER).first()
    event = EmploymentEvent(
        person=person,
        kind=EventKind.TRANSFERRED,
        date=on,
        reason=reason,
        from_position=person.position,
        to_position=person.position,
        from_team=person.team,
        to_team=team,
        from_manager=person.manager,
        to_manager=manager,
        recorded_by=recorded_by,
    )
    person.team, person.region, person.manager = team, team.region, manager
    _full_clean(person)
    person.save(update_fields=["team", "region", "manager"])
    event.save()
    return person


@transaction.atomic
def person_warn(*, person: Person, on: date, reason: str, recorded_by: Any = None) -> EmploymentEvent:
    _require_reason(reason)
    return EmploymentEvent.objects.create(
        person=person, kind=EventKind.WARNED, date=on, reason=reason, recorded_by=recorded_by
    )


@transaction.atomic
def person_dismiss(*, person: Person, on: date, reason: str, recorded_by: Any = None) -> Person:
    """End a person's employment: they can no longer sign in; their records stay."""
    _require_reason(reason)
    if person.status == PersonStatus.LEFT:
        raise ApplicationError(_("This person has already left."), fields={"status": [_("Already left.")]})
    if Person.objects.current().filter(manager=person).exists():
        raise ApplicationError(
            _("Reassign this person's direct reports before dismissing them."),
            fields={"person": [_("Has direct reports.")]},
        )
    person.status = PersonStatus.LEFT
    person.save(update_fields=["status"])
    if person.user_id:
        user = person.user
        user.is_active = False
        user.save(update_fields=["is_active"])
    EmploymentEvent.objects.create(
        person=person, kind=EventKind.DISMISSED, date=on, reason=reason, recorded_by=recorded_by
    )
    return person
