"""Writes for people's employment: hiring, probation, promotion, transfer, change of manager,
warning, dismissal. Each asks the authority rule ("org.change": director and admin; a regional
manager within their region, for both the unit a person leaves and the one they join) when a
login acts (`recorded_by`; None is the system itself: the demo, a data import), keeps an
employment event with its reason and dates the membership (`staff.services.membership`), so that
records are credited to the unit of their date and a change dated in the past re-files them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import EmploymentEvent, EventKind, Membership, Person, PersonStatus, Position, Region, Team
from staff.services import membership


def _full_clean(person: Person) -> None:
    try:
        person.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise ApplicationError(_("The person could not be saved."), fields=exc.message_dict) from exc


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ApplicationError(_("A reason is required."), fields={"reason": [_("A reason is required.")]})


def _authorize(recorded_by: Any, person: Person, *, region_ids: tuple[int | None, ...] = ()) -> None:
    """The org-change rule for the person, and for every other region the change reaches."""
    if recorded_by is None:
        return
    authority.require(recorded_by, "org.change", person)
    for region_id in region_ids:
        if region_id is not None and region_id != person.region_id:
            authority.require(recorded_by, "org.change", region_id=region_id)


def _require_current(person: Person) -> None:
    if person.status == PersonStatus.LEFT:
        raise ApplicationError(_("This person has already left."), fields={"status": [_("Already left.")]})


def _refuse_before_hire(person: Person, on: date) -> None:
    if on < person.hire_date:
        raise ApplicationError(
            _("This date is before the hire date (%(date)s).") % {"date": person.hire_date},
            fields={"on": [_("Before the hire date.")]},
        )


def _refuse_before_latest_change(person: Person, on: date) -> None:
    """A leaving date before the latest change on record would end a membership before it began."""
    _refuse_before_hire(person, on)
    latest = Membership.objects.filter(person=person).aggregate(start=Max("start"))["start"]
    if latest is not None and on < latest:
        raise ApplicationError(
            _("A later change (from %(date)s) is on record; a change must come after it.") % {"date": latest},
            fields={"on": [_("Before the latest change.")]},
        )


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
    membership.open_first(person)
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
    _authorize(recorded_by, person)
    membership.refuse_future(on)
    _refuse_before_hire(person, on)
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


POSITION_ORDER = [Position.REP, Position.TEAM_MANAGER, Position.REGIONAL_MANAGER, Position.DIRECTOR]


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
    _require_current(person)
    membership.ensure_first(person)
    membership.refuse_future(on)
    _authorize(recorded_by, person, region_ids=(team.region_id if team else None, region.pk if region else None))
    if POSITION_ORDER.index(Position(position)) <= POSITION_ORDER.index(Position(person.position)):
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
    membership.move(
        person, on=on, recorded_by=recorded_by,
        position=person.position, team=person.team, region=person.region, manager=person.manager,
    )  # fmt: skip
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
    """Move a person to another team from `on`. Records dated before keep the team they had; those
    dated from `on` (a transfer recorded late) are re-filed to the new team (DESIGN.md)."""
    _require_reason(reason)
    _require_current(person)
    membership.ensure_first(person)
    membership.refuse_future(on)
    _authorize(recorded_by, person, region_ids=(team.region_id,))
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
    membership.move(person, on=on, recorded_by=recorded_by, team=team, region=team.region, manager=manager)
    return person


@transaction.atomic
def person_change_manager(*, person: Person, manager: Person, on: date, reason: str, recorded_by: Any = None) -> Person:
    """A new line manager from `on` (the reporting line; the unit stays)."""
    _require_reason(reason)
    _require_current(person)
    membership.ensure_first(person)
    membership.refuse_future(on)
    _authorize(recorded_by, person, region_ids=(manager.region_id,))
    if manager.pk == person.pk or manager.pk == person.manager_id:
        raise ApplicationError(
            _("Choose another manager than the person and their current manager."),
            fields={"manager": [_("Not a new manager.")]},
        )
    if manager.status == PersonStatus.LEFT:
        raise ApplicationError(_("This manager has left."), fields={"manager": [_("Has left.")]})
    EmploymentEvent.objects.create(
        person=person, kind=EventKind.MANAGER_CHANGED, date=on, reason=reason,
        from_manager=person.manager, to_manager=manager, recorded_by=recorded_by,
    )  # fmt: skip
    person.manager = manager
    _full_clean(person)
    person.save(update_fields=["manager"])
    membership.move(person, on=on, recorded_by=recorded_by, manager=manager)
    return person


@transaction.atomic
def person_warn(*, person: Person, on: date, reason: str, recorded_by: Any = None) -> EmploymentEvent:
    _require_reason(reason)
    _require_current(person)
    _authorize(recorded_by, person)
    membership.refuse_future(on)
    _refuse_before_hire(person, on)
    return EmploymentEvent.objects.create(
        person=person, kind=EventKind.WARNED, date=on, reason=reason, recorded_by=recorded_by
    )


@transaction.atomic
def person_dismiss(*, person: Person, on: date, reason: str, recorded_by: Any = None) -> Person:
    """End a person's employment on `on`, the leaving date: from that day their login and tokens
    stop working (`staff.auth`); their records stay where they were recorded. A leaving date in the
    future keeps them working until then (`people_leave_due` marks them left on the day)."""
    _require_reason(reason)
    _require_current(person)
    membership.ensure_first(person)
    _authorize(recorded_by, person)
    _refuse_before_latest_change(person, on)
    if person.left_on is not None:
        raise ApplicationError(
            _("This person's leaving date is already set (%(date)s).") % {"date": person.left_on},
            fields={"on": [_("Already set.")]},
        )
    if Person.objects.current().filter(manager=person).exists():
        raise ApplicationError(
            _("Reassign this person's direct reports before dismissing them."),
            fields={"person": [_("Has direct reports.")]},
        )
    person.left_on = on
    person.save(update_fields=["left_on"])
    EmploymentEvent.objects.create(
        person=person, kind=EventKind.DISMISSED, date=on, reason=reason, recorded_by=recorded_by
    )
    if on <= timezone.localdate():
        _leave([person])
    return person


def _leave(people: list[Person]) -> None:
    """Mark `people` left (their leaving date has come): status, membership, login; set-based."""
    for person in people:
        person.status = PersonStatus.LEFT
    bulk_update_with_history(people, Person, ["status"], default_change_reason="left")
    membership.close_all(people)
    get_user_model().objects.filter(person__in=people).update(is_active=False)


@transaction.atomic
def people_leave_due(*, today: date | None = None) -> int:
    """Daily: those whose leaving date has come are marked left and their login deactivated."""
    today = today or timezone.localdate()
    due = list(Person.objects.exclude(status=PersonStatus.LEFT).filter(left_on__lte=today))
    if due:
        _leave(due)
    return len(due)
