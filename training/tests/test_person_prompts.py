"""The person page prompts to pass probation (转正) once the onboarding is complete: training
answers staff's person-prompt registry (staff never imports training)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from staff.models import PersonStatus, Position
from staff.services import person_hire
from training.models import Enrollment
from training.services import onboarding_start
from training.services.courses import enrollment_record_result

pytestmark = pytest.mark.django_db

PROMPT = "completed onboarding on 2026-04-01 and is still on probation"


def _new_hire(org):
    person = person_hire(
        employee_no="E9101", name="吴新", position=Position.REP, hire_date=date(2026, 3, 2), team=org.t1a
    )
    onboarding_start(person=person, start=person.hire_date)
    return person


def _page(org, person) -> str:
    client = Client()
    client.force_login(org.director.user)
    return client.get(reverse("staff:person-detail", args=[person.pk])).content.decode()


def test_the_prompt_appears_when_onboarding_is_complete_and_goes_with_probation(org):
    person = _new_hire(org)
    enrollments = list(Enrollment.objects.filter(person=person).order_by("pk"))
    assert len(enrollments) > 1
    for enrollment in enrollments[:-1]:
        enrollment_record_result(enrollment=enrollment, on=date(2026, 3, 20))
    # One course still open: onboarding is not complete, no prompt.
    assert PROMPT not in _page(org, person)

    enrollment_record_result(enrollment=enrollments[-1], on=date(2026, 4, 1))
    html = _page(org, person)
    assert PROMPT in html
    assert reverse("staff:person-pass-probation", args=[person.pk]) in html

    person.status = PersonStatus.ACTIVE
    person.save(update_fields=["status"])
    assert PROMPT not in _page(org, person)


def test_a_failed_course_keeps_onboarding_open_and_no_prompt(org):
    person = _new_hire(org)
    for enrollment in Enrollment.objects.filter(person=person):
        enrollment_record_result(enrollment=enrollment, on=date(2026, 4, 1), passed=False)
    assert PROMPT not in _page(org, person)
