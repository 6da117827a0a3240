"""Dated membership, the unit on a date, org changes by who may make them, and leavers' logins."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from salesorg.exceptions import ApplicationError, NotAllowed
from staff.attribution import unit_on, units_on
from staff.models import EmploymentEvent, EventKind, Membership, Person, PersonStatus, Position
from staff.services import (
    people_leave_due,
    person_change_manager,
    person_dismiss,
    person_pass_probation,
    person_promote,
    person_transfer,
    person_warn,
)


def test_a_transfer_splits_the_membership_at_its_date(org):
    person_transfer(
        person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="支援华南", recorded_by=org.director.user
    )

    rows = list(Membership.objects.filter(person=org.rep1a2).values_list("start", "end", "team_id", "region_id"))
    assert rows == [
        (date(2024, 1, 1), date(2026, 6, 30), org.t1a.pk, org.r1.pk),
        (date(2026, 7, 1), None, org.t2a.pk, org.r2.pk),
    ]


def test_units_on_answers_many_pairs_in_one_query(org, django_assert_num_queries):
    person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="x", recorded_by=org.director.user)
    person_transfer(person=org.rep1b1, team=org.t1a, on=date(2026, 5, 1), reason="x", recorded_by=org.director.user)
    pairs = [
        (org.rep1a2.pk, date(2026, 6, 30)),
        (org.rep1a2.pk, date(2026, 7, 1)),
        (org.rep1b1.pk, date(2026, 4, 30)),
        (org.rep1b1.pk, date(2026, 5, 2)),
        (org.rep1a2.pk, date(2023, 1, 1)),  # before the hire date: the first membership
    ]
    with django_assert_num_queries(1):
        units = units_on(pairs)
    assert [units[pair].team_id for pair in pairs] == [org.t1a.pk, org.t2a.pk, org.t1b.pk, org.t1a.pk, org.t1a.pk]
    assert units[(org.rep1a2.pk, date(2026, 7, 1))].manager_id == org.tm2a.pk


def test_a_person_without_membership_has_no_unit_on_record(org):
    assert unit_on(org.rep2a1.pk, date(2026, 3, 1)) is None


def test_a_change_before_the_latest_one_is_refused(org):
    person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="x", recorded_by=org.director.user)
    with pytest.raises(ApplicationError) as exc:
        person_transfer(person=org.rep1a2, team=org.t1b, on=date(2026, 6, 1), reason="x", recorded_by=org.director.user)
    assert "on" in exc.value.fields
    assert Membership.objects.filter(person=org.rep1a2).count() == 2


def test_a_change_dated_in_the_future_is_refused(org):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as exc:
        person_transfer(person=org.rep1a2, team=org.t2a, on=tomorrow, reason="x", recorded_by=org.director.user)
    assert "on" in exc.value.fields


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("director", True), ("rm1", False), ("rm2", False), ("tm1a", False), ("rep1a1", False)],
)
def test_a_transfer_between_regions_needs_a_director(org, who, allowed):
    """rm1 manages the region the rep leaves, not the one they join; rm2 the other way round."""
    user = getattr(org, who).user
    if allowed:
        person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="x", recorded_by=user)
        assert org.rep1a2.team_id == org.t2a.pk
    else:
        with pytest.raises(NotAllowed):
            person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="x", recorded_by=user)
        org.rep1a2.refresh_from_db()
        assert org.rep1a2.team_id == org.t1a.pk
        assert not EmploymentEvent.objects.filter(person=org.rep1a2).exists()


def test_a_regional_manager_moves_a_rep_within_their_region(org):
    person_transfer(person=org.rep1a2, team=org.t1b, on=date(2026, 7, 1), reason="x", recorded_by=org.rm1.user)
    assert org.rep1a2.team_id == org.t1b.pk


def test_change_of_manager_and_promotion_are_dated(org):
    person_change_manager(
        person=org.junior1a, manager=org.tm1a, on=date(2026, 8, 1), reason="senior left", recorded_by=org.rm1.user
    )
    person_promote(
        person=org.rep1a1, position=Position.TEAM_MANAGER, team=org.t1b, on=date(2026, 9, 1), reason="leads Hangzhou",
        recorded_by=org.director.user,
    )  # fmt: skip
    assert unit_on(org.junior1a.pk, date(2026, 7, 31)).manager_id == org.rep1a1.pk
    assert unit_on(org.junior1a.pk, date(2026, 8, 1)).manager_id == org.tm1a.pk
    assert unit_on(org.rep1a1.pk, date(2026, 9, 1)).position == Position.TEAM_MANAGER
    assert unit_on(org.rep1a1.pk, date(2026, 8, 31)).position == Position.REP
    kinds = set(EmploymentEvent.objects.values_list("kind", flat=True))
    assert kinds == {EventKind.MANAGER_CHANGED, EventKind.PROMOTED}


def test_a_dismissal_today_ends_the_login_and_its_token(org, client):
    token = Token.objects.create(user=org.rep2a1.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/people/").status_code == 200
    client.force_login(org.rep2a1.user)
    credentials = {"username": "rep2a1", "password": "pw-secret-123"}
    assert APIClient().post("/api/v1/auth/token/", credentials, format="json").status_code == 200

    person_dismiss(person=org.rep2a1, on=timezone.localdate(), reason="left", recorded_by=org.director.user)

    assert api.get("/api/v1/people/").status_code == 401
    assert client.get(reverse("home")).status_code == 302  # the session ended: to the log-in page
    answer = APIClient().post("/api/v1/auth/token/", credentials, format="json")
    assert answer.status_code == 400 and "token" not in answer.json()
    org.rep2a1.refresh_from_db()
    assert org.rep2a1.status == PersonStatus.LEFT
    assert Membership.objects.get(person=org.rep2a1).end == timezone.localdate()


def test_a_leaving_date_ahead_keeps_the_token_until_that_day(org):
    today = timezone.localdate()
    token = Token.objects.create(user=org.rep2a1.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    person_dismiss(person=org.rep2a1, on=today + timedelta(days=14), reason="notice", recorded_by=org.director.user)

    assert api.get("/api/v1/people/").status_code == 200
    org.rep2a1.refresh_from_db()
    assert org.rep2a1.status == PersonStatus.ACTIVE
    # The leaving date comes: the token stops that day, before the daily job has even run ...
    org.rep2a1.left_on = today
    org.rep2a1.save(update_fields=["left_on"])
    assert api.get("/api/v1/people/").status_code == 401
    # ... which then marks the person left and ends the membership on that day.
    assert people_leave_due(today=today) == 1
    org.rep2a1.refresh_from_db()
    assert org.rep2a1.status == PersonStatus.LEFT and not org.rep2a1.user.is_active
    assert Membership.objects.get(person=org.rep2a1).end == today


def test_a_regional_manager_may_not_dismiss_outside_their_region(org):
    with pytest.raises(NotAllowed):
        person_dismiss(person=org.rep2a1, on=timezone.localdate(), reason="x", recorded_by=org.rm1.user)
    org.rep2a1.refresh_from_db()
    assert org.rep2a1.left_on is None


def test_the_daily_task_marks_those_due_as_left(org):
    today = timezone.localdate()
    org.rep2a1.left_on = today
    org.rep2a1.save(update_fields=["left_on"])
    from staff.tasks import people_leave_due as task

    assert task.delay().get() == 1
    org.rep2a1.refresh_from_db()
    assert org.rep2a1.status == PersonStatus.LEFT


def test_a_leaving_date_before_the_latest_change_is_refused(org):
    """A dismissal dated before the latest transfer would end a membership before it began."""
    person_transfer(person=org.rep1a2, team=org.t1b, on=date(2026, 7, 1), reason="x", recorded_by=org.director.user)
    with pytest.raises(ApplicationError) as exc:
        person_dismiss(person=org.rep1a2, on=date(2026, 6, 30), reason="x", recorded_by=org.director.user)
    assert "on" in exc.value.fields
    org.rep1a2.refresh_from_db()
    assert org.rep1a2.left_on is None and org.rep1a2.status == PersonStatus.ACTIVE


@pytest.mark.parametrize("service", [person_pass_probation, person_warn])
def test_probation_and_warnings_are_dated_from_the_hire_to_today(org, service):
    Person.objects.filter(pk=org.rep1a2.pk).update(status=PersonStatus.PROBATION)
    org.rep1a2.refresh_from_db()
    for on in (date(2023, 12, 31), timezone.localdate() + timedelta(days=1)):  # hired 2024-01-01
        with pytest.raises(ApplicationError) as exc:
            service(person=org.rep1a2, on=on, reason="x", recorded_by=org.director.user)
        assert "on" in exc.value.fields
    assert not EmploymentEvent.objects.exists()


def test_someone_who_left_is_warned_no_more(org):
    person_dismiss(person=org.rep2a1, on=timezone.localdate(), reason="x", recorded_by=org.director.user)
    with pytest.raises(ApplicationError) as exc:
        person_warn(person=org.rep2a1, on=timezone.localdate(), reason="x", recorded_by=org.director.user)
    assert "status" in exc.value.fields
