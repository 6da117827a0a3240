"""The person's change form in the admin: position, region, team, manager, status and leaving date
are read-only (they change only through the employment changes, which keep the events and the
dated membership); a person added in the admin starts with a membership and a hiring event."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from staff.models import EmploymentEvent, EventKind, Membership, Person
from staff.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INLINE = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0", "events-MIN_NUM_FORMS": "0"}


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_unit_manager_and_position_are_read_only_on_the_change_form(org, admin_client):
    change = reverse("admin:staff_person_change", args=[org.rep1a2.pk])
    page = admin_client.get(change)
    form = page.context["adminform"].form
    for field in ("position", "region", "team", "manager", "status", "left_on"):
        assert field not in form.fields, field
    assert "change only through the employment changes" in page.content.decode()

    # A posted team is ignored: the person stays where the workflows put them.
    data = {
        "employee_no": org.rep1a2.employee_no,
        "name": "rep1a2 renamed",
        "user": org.rep1a2.user_id,
        "hire_date": "2024-01-01",
        "team": org.t2a.pk,
        "position": "director",
        **INLINE,
    }
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.rep1a2.refresh_from_db()
    assert (org.rep1a2.name, org.rep1a2.team, org.rep1a2.position) == ("rep1a2 renamed", org.t1a, "rep")


def test_a_person_added_in_the_admin_starts_with_a_membership_and_a_hiring_event(org, admin_client):
    data = {
        "employee_no": "E8001",
        "name": "新人",
        "position": "rep",
        "team": org.t1b.pk,
        "manager": org.tm1b.pk,
        "hire_date": "2026-03-02",
        "status": "probation",
        **INLINE,
    }
    response = admin_client.post(reverse("admin:staff_person_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(employee_no="E8001")
    membership = Membership.objects.get(person=person)
    assert (membership.start, membership.team, membership.region, membership.manager) == (
        person.hire_date,
        org.t1b,
        org.r1,
        org.tm1b,
    )
    event = EmploymentEvent.objects.get(person=person)
    assert (event.kind, event.date, event.to_team) == (EventKind.HIRED, person.hire_date, org.t1b)
