from datetime import date

import pytest

from salesorg.exceptions import ApplicationError
from staff.models import EmploymentEvent, EventKind, Person, PersonStatus, Position
from staff.services import (
    person_dismiss,
    person_hire,
    person_pass_probation,
    person_promote,
    person_transfer,
    person_warn,
)

pytestmark = pytest.mark.django_db


def test_hire_starts_probation_with_a_login_and_an_event(org):
    person = person_hire(
        employee_no="E9001",
        name="赵新",
        position=Position.REP,
        hire_date=date(2026, 3, 2),
        team=org.t1a,
        manager=org.tm1a,
        username="zhaoxin",
        password="a-long-pass-123",
    )
    assert person.status == PersonStatus.PROBATION
    assert person.region == org.r1  # the team's region
    assert person.user.check_password("a-long-pass-123")
    event = person.events.get()
    assert (event.kind, event.date, event.to_team) == (EventKind.HIRED, date(2026, 3, 2), org.t1a)


def test_hire_refuses_a_rep_without_team_and_writes_nothing(org):
    before = Person.objects.count()
    with pytest.raises(ApplicationError) as exc:
        person_hire(employee_no="E9002", name="x", position=Position.REP, hire_date=date(2026, 1, 5))
    assert "team" in exc.value.fields
    assert Person.objects.count() == before


def test_hire_refuses_a_taken_login(org):
    with pytest.raises(ApplicationError) as exc:
        person_hire(
            employee_no="E9003",
            name="x",
            position=Position.REP,
            hire_date=date(2026, 1, 5),
            team=org.t1a,
            username="rep1a1",
        )
    assert "username" in exc.value.fields
    assert not Person.objects.filter(employee_no="E9003").exists()


def test_transfer_moves_the_person_and_keeps_history(org):
    person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="支援华南")
    org.rep1a2.refresh_from_db()
    assert (org.rep1a2.team, org.rep1a2.region, org.rep1a2.manager) == (org.t2a, org.r2, org.tm2a)
    event = org.rep1a2.events.get(kind=EventKind.TRANSFERRED)
    assert (event.from_team, event.to_team, event.from_manager) == (org.t1a, org.t2a, org.tm1a)
    # The person's own history keeps the old team too.
    assert org.rep1a2.history.filter(team=org.t1a).exists()


def test_transfer_needs_a_reason_and_another_team(org):
    with pytest.raises(ApplicationError) as exc:
        person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason=" ")
    assert "reason" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        person_transfer(person=org.rep1a2, team=org.t1a, on=date(2026, 7, 1), reason="x")
    assert "team" in exc.value.fields
    assert not EmploymentEvent.objects.filter(kind=EventKind.TRANSFERRED).exists()


def test_promotion_to_team_manager_and_refusal_of_a_demotion(org):
    person_promote(person=org.rep1b1, position=Position.TEAM_MANAGER, on=date(2026, 4, 1), reason="业绩突出")
    org.rep1b1.refresh_from_db()
    assert org.rep1b1.position == Position.TEAM_MANAGER
    event = org.rep1b1.events.get(kind=EventKind.PROMOTED)
    assert (event.from_position, event.to_position) == (Position.REP, Position.TEAM_MANAGER)
    with pytest.raises(ApplicationError):
        person_promote(person=org.rm1, position=Position.REP, on=date(2026, 4, 1), reason="x")


def test_probation_warning_and_dismissal(org):
    person = person_hire(
        employee_no="E9004",
        name="钱多",
        position=Position.REP,
        hire_date=date(2026, 1, 5),
        team=org.t1b,
        manager=org.tm1b,
        username="qianduo",
        password="a-long-pass-123",
    )
    person_pass_probation(person=person, on=date(2026, 4, 5))
    with pytest.raises(ApplicationError):
        person_pass_probation(person=person, on=date(2026, 4, 6))
    person_warn(person=person, on=date(2026, 5, 1), reason="拜访报告造假")
    person_dismiss(person=person, on=date(2026, 6, 1), reason="多次违规")
    person.refresh_from_db()
    assert person.status == PersonStatus.LEFT
    assert person.user.is_active is False
    kinds = list(person.events.order_by("date").values_list("kind", flat=True))
    assert kinds == [EventKind.HIRED, EventKind.PROBATION_PASSED, EventKind.WARNED, EventKind.DISMISSED]


def test_dismissal_refused_while_the_person_has_direct_reports(org):
    with pytest.raises(ApplicationError):
        person_dismiss(person=org.tm1a, on=date(2026, 6, 1), reason="x")
    org.tm1a.refresh_from_db()
    assert org.tm1a.status == PersonStatus.ACTIVE
