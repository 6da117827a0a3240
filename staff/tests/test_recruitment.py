"""Recruitment: openings, candidates, selection steps; hiring creates the person and starts onboarding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from salesorg.exceptions import ApplicationError
from staff import recruitment
from staff.models import (
    Candidate,
    CandidateStatus,
    EmploymentEvent,
    EventKind,
    OpeningStatus,
    Person,
    PersonStatus,
    SelectionStepKind,
)

pytestmark = pytest.mark.django_db


def _candidate(org, name: str = "Li Na", headcount: int = 1):
    opening = recruitment.opening_create(
        by=org.tm1a, team=org.t1a, title="Sales rep, Shanghai", opened_on=date(2026, 2, 1), headcount=headcount
    )
    candidate = recruitment.candidate_add(
        by=org.tm1a, opening=opening, name=name, applied_on=date(2026, 2, 3), source="Referral"
    )
    return opening, candidate


def test_hiring_a_candidate_creates_the_person_on_probation_and_enrolls_them_in_onboarding(org):
    opening, candidate = _candidate(org)
    assert opening.hiring_manager == org.tm1a  # the team's manager by default
    recruitment.candidate_assess(
        by=org.tm1a,
        candidate=candidate,
        kind=SelectionStepKind.INTERVIEW,
        on=date(2026, 2, 5),
        score=Decimal("82"),
        assessor=org.tm1a,
    )
    recruitment.candidate_assess(
        by=org.tm1a, candidate=candidate, kind=SelectionStepKind.WRITTEN_TEST, on=date(2026, 2, 6), score=Decimal("75")
    )
    recruitment.candidate_assess(
        by=org.tm1a, candidate=candidate, kind=SelectionStepKind.ROLE_PLAY, on=date(2026, 2, 7), score=Decimal("88")
    )
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.IN_SELECTION
    assert candidate.average_score == Decimal("245") / 3  # (82 + 75 + 88) / 3

    person = recruitment.candidate_hire(
        by=org.rm1,
        candidate=candidate,
        employee_no="E9001",
        hire_date=date(2026, 3, 2),
        reason="Best role-play",
        username="lina",
    )

    assert (person.name, person.team, person.manager, person.status) == (
        "Li Na",
        org.t1a,
        org.tm1a,
        PersonStatus.PROBATION,
    )
    assert EmploymentEvent.objects.filter(person=person, kind=EventKind.HIRED).count() == 1
    candidate.refresh_from_db()
    assert (candidate.status, candidate.hired_person, candidate.decision_reason) == (
        CandidateStatus.HIRED,
        person,
        "Best role-play",
    )
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.FILLED  # headcount 1 reached
    # Training heard the hire: onboarding with the nine standard courses, due 30 days later.
    onboarding = person.onboarding
    assert onboarding.started_on == date(2026, 3, 2)
    assert onboarding.due_on == date(2026, 4, 1)
    assert person.enrollments.count() == 9


def test_a_refused_hire_writes_nothing(org):
    _, candidate = _candidate(org)
    with pytest.raises(ApplicationError) as exc:
        recruitment.candidate_hire(
            by=org.rm1, candidate=candidate, employee_no="E9001", hire_date=date(2026, 3, 2), reason="x"
        )
    assert "candidate" in exc.value.fields  # no selection step yet
    recruitment.candidate_assess(
        by=org.tm1a, candidate=candidate, kind=SelectionStepKind.INTERVIEW, on=date(2026, 2, 5), score=Decimal("70")
    )
    with pytest.raises(ApplicationError) as exc:
        recruitment.candidate_hire(
            by=org.rm1, candidate=candidate, employee_no=org.rep1a1.employee_no, hire_date=date(2026, 3, 2), reason="x"
        )
    assert "employee_no" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        recruitment.candidate_hire(
            by=org.rm1, candidate=candidate, employee_no="E9001", hire_date=date(2026, 3, 2), reason=" "
        )
    assert "reason" in exc.value.fields
    assert not Person.objects.filter(employee_no="E9001").exists()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.IN_SELECTION


def test_rejecting_needs_a_reason_and_closes_the_candidate(org):
    _, candidate = _candidate(org)
    with pytest.raises(ApplicationError) as exc:
        recruitment.candidate_reject(by=org.tm1a, candidate=candidate, on=date(2026, 2, 8), reason="")
    assert "reason" in exc.value.fields
    recruitment.candidate_reject(by=org.tm1a, candidate=candidate, on=date(2026, 2, 8), reason="Written test below 60")
    with pytest.raises(ApplicationError):
        recruitment.candidate_assess(
            by=org.tm1a, candidate=candidate, kind=SelectionStepKind.INTERVIEW, on=date(2026, 2, 9)
        )
    with pytest.raises(ApplicationError) as exc:
        recruitment.candidate_assess(
            by=org.tm1a,
            candidate=_candidate(org, "Wang")[1],
            kind="interview",
            on=date(2026, 2, 9),
            score=Decimal("120"),
        )
    assert "score" in exc.value.fields


def test_recruitment_is_scoped_and_hiring_works_through_the_api(org):
    _, candidate = _candidate(org)
    manager = APIClient()
    manager.force_authenticate(org.tm1a.user)
    other = APIClient()
    other.force_authenticate(org.tm1b.user)
    rep = APIClient()
    rep.force_authenticate(org.rep1a1.user)
    url = f"/api/v1/candidates/{candidate.pk}/"
    assert other.get(url).status_code == 404
    assert rep.get(url).status_code == 404
    assert manager.post(url + "steps/", {"kind": "interview", "date": "2026-02-05", "score": "101"}).status_code == 400
    assert manager.post(url + "steps/", {"kind": "role_play", "date": "2026-02-05", "score": "90"}).status_code == 201
    hire = {"employee_no": "E9002", "hire_date": "2026-03-02", "reason": "Strong"}
    # The hire is an org change: not the team manager's, the regional manager's.
    refused = manager.post(url + "hire/", hire)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only a director or an admin (a regional manager within their region) changes the organization."
    )
    regional = APIClient()
    regional.force_authenticate(org.rm1.user)
    response = regional.post(url + "hire/", hire)
    assert response.status_code == 200, response.content
    person = Person.objects.get(employee_no="E9002")
    assert response.json()["hired_person"] == person.pk
    assert person.onboarding.enrollments.count() == 9


@pytest.mark.parametrize("rows", [3, 30])
def test_recruitment_lists_cost_the_same_queries_at_any_size(org, django_assert_max_num_queries, rows):
    opening = recruitment.opening_create(
        by=org.tm1a, team=org.t1a, title="Reps", opened_on=date(2026, 2, 1), headcount=rows
    )
    for i in range(rows):
        candidate = recruitment.candidate_add(by=org.tm1a, opening=opening, name=f"C{i}", applied_on=date(2026, 2, 3))
        recruitment.candidate_assess(
            by=org.tm1a, candidate=candidate, kind="interview", on=date(2026, 2, 4), score=Decimal("70")
        )
        recruitment.opening_create(by=org.tm1a, team=org.t1a, title=f"Opening {i}", opened_on=date(2026, 2, 1))
    api = APIClient()
    api.force_authenticate(org.tm1a.user)
    for url in ("/api/v1/openings/", "/api/v1/candidates/"):
        with django_assert_max_num_queries(8):
            assert api.get(url).status_code == 200
    api.force_login(org.tm1a.user)
    for url in (reverse("staff:opening-list"), reverse("staff:opening-detail", args=[opening.pk])):
        with django_assert_max_num_queries(12):
            assert api.get(url).status_code == 200
    assert Candidate.objects.count() == rows


def test_manager_hires_from_the_page(org):
    _, candidate = _candidate(org)
    client = APIClient()
    client.force_login(org.tm1a.user)
    page = reverse("staff:candidate-detail", args=[candidate.pk])
    client.post(page, {"action": "step", "kind": "interview", "date": "2026-02-05", "score": "80"})
    assert 'value="hire"' not in client.get(page).content.decode()  # the team manager runs the steps only
    client.force_login(org.rm1.user)
    assert 'value="hire"' in client.get(page).content.decode()
    response = client.post(
        page, {"action": "hire", "employee_no": "E9003", "hire_date": "2026-03-02", "reason": "Good fit"}
    )
    assert response.status_code == 302
    assert Person.objects.get(employee_no="E9003").onboarding is not None
    client.force_login(org.rep1a1.user)
    assert client.get(page).status_code == 404
