"""Training pages: each list renders within a fixed number of queries at two sizes; forms post through services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from training.models import CoachingSession, Enrollment, WorkReport
from training.services import onboarding_start
from training.tests.api_rows import make_rows

pytestmark = pytest.mark.django_db

PAGES = [
    "training:dashboard",
    "training:course-list",
    "training:calendar",
    "training:enrollment-list",
    "training:onboarding-list",
    "training:session-list",
    "training:action-list",
    "training:report-list",
    "training:report-missing",
    "training:suggestion-list",
]


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("rows", [3, 30])
def test_pages_cost_the_same_queries_at_any_size(org, django_assert_max_num_queries, name, rows):
    make_rows(org, rows)
    client = login(org.tm1a)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_development_history_costs_the_same_queries_at_any_size(org, django_assert_max_num_queries, rows):
    make_rows(org, rows)
    client = login(org.tm1a)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("training:person-history", args=[org.rep1a1.pk]))
    assert response.status_code == 200
    assert login(org.rep1a2).get(reverse("training:person-history", args=[org.rep1a1.pk])).status_code == 404


def test_manager_records_a_one_on_one_with_an_action_item(org):
    today = timezone.localdate()
    response = login(org.tm1a).post(
        reverse("training:session-create"),
        {
            "kind": "one_on_one",
            "date": today.isoformat(),
            "person": org.rep1a1.pk,
            "discussed": "Collections",
            "strengths": "Persistent",
            "weaknesses": "Late follow-up",
            "agreed_plan": "Weekly call list",
            "action_title": "Call overdue accounts",
            "action_due_on": (today + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    session = CoachingSession.objects.get()
    assert session.action_items.get().owner == org.rep1a1
    # A rep cannot open the form.
    assert login(org.rep1a1).get(reverse("training:session-create")).status_code == 403


def test_a_one_on_one_without_discussion_shows_the_error_and_writes_nothing(org):
    response = login(org.tm1a).post(
        reverse("training:session-create"),
        {"kind": "one_on_one", "date": timezone.localdate().isoformat(), "person": org.rep1a1.pk},
    )
    assert response.status_code == 200
    assert "discussed" in response.context["form"].errors
    assert CoachingSession.objects.count() == 0


def test_rep_submits_a_daily_report_from_the_page(org):
    response = login(org.rep1a1).post(
        reverse("training:report-create"),
        {"kind": "daily", "day": timezone.localdate().isoformat(), "summary": "Visited three clinics"},
    )
    assert response.status_code == 302
    assert WorkReport.objects.get().person == org.rep1a1


def test_manager_completes_an_enrollment_from_the_page(org):
    onboarding_start(person=org.junior1a, start=date(2026, 3, 2))
    enrollment = Enrollment.objects.filter(person=org.junior1a).first()
    response = login(org.tm1a).post(
        reverse("training:enrollment-result", args=[enrollment.pk]),
        {"completed_on": "2026-03-05", "passed": "on", "score": "88"},
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.status, str(enrollment.score)) == ("completed", "88.00")
