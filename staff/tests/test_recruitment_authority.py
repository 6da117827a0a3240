"""Who may recruit (DESIGN.md, the authority rule): openings, candidates, their selection steps and a
rejection are the team's managers' and those above (rule "recruit"); the hire itself is an org
change (rule "org.change": a director or an admin, a regional manager within their region).
Outside the data scope: 404 (a hidden id in a body: the answer of a missing one); in scope but not
allowed: 403 with the rule's message, and nothing written.

The opening is team T1a's (manager tm1a, region R1 under rm1).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from staff import recruitment
from staff.models import Candidate, CandidateStatus, Opening, Person, SelectionStep
from staff.scope import DataScope, forget_viewer

pytestmark = pytest.mark.django_db

RECRUIT = "Only the team's manager or a manager above it recruits for this team."
ORG_CHANGE = "Only a director or an admin (a regional manager within their region) changes the organization."


def widen(person, scope: str = DataScope.ALL):
    person.data_scope = scope
    person.save(update_fields=["data_scope"])
    forget_viewer(person.user)
    return person


def actor(org, name: str):
    if name == "peer_wide":  # a rep of the team who sees the team's records
        return widen(org.rep1a1, DataScope.OWN_UNIT)
    if name == "other_tm_wide":
        return widen(org.tm1b)
    if name == "other_rm_wide":
        return widen(org.rm2)
    return {"tm": org.tm1a, "other_tm": org.tm1b, "rm": org.rm1, "other_rm": org.rm2, "director": org.director}[name]


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def _candidate(org, *, steps: int = 1) -> Candidate:
    opening = recruitment.opening_create(by=org.tm1a, team=org.t1a, title="Sales rep", opened_on=date(2026, 2, 1))
    candidate = recruitment.candidate_add(by=org.tm1a, opening=opening, name="Li Na", applied_on=date(2026, 2, 3))
    for _ in range(steps):
        recruitment.candidate_assess(by=org.tm1a, candidate=candidate, kind="interview", on=date(2026, 2, 5))
    return candidate


def _refused(response, message: str) -> None:
    assert response.status_code == 403, response.content
    assert response.json()["detail"] == message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("peer_wide", 403),
        ("other_tm", 404),
        ("other_tm_wide", 403),
        ("other_rm", 404),
        ("tm", 201),
        ("rm", 201),
        ("director", 201),
    ],
)
def test_selection_steps_are_the_teams_managers_and_those_above(org, name, expected):
    candidate = _candidate(org, steps=0)
    person = actor(org, name)
    response = api(person).post(
        f"/api/v1/candidates/{candidate.pk}/steps/", {"kind": "interview", "date": "2026-02-05", "score": "80"}
    )
    assert response.status_code == expected, response.content
    if expected == 403:
        _refused(response, RECRUIT)
    steps = list(SelectionStep.objects.filter(candidate=candidate))
    assert len(steps) == (1 if expected == 201 else 0)
    if steps:
        assert steps[0].assessor == person  # the one who recorded it


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 404), ("other_tm_wide", 403), ("tm", 200), ("rm", 200)],
)
def test_rejecting_a_candidate_is_the_teams_managers_and_those_above(org, name, expected):
    candidate = _candidate(org)
    response = api(actor(org, name)).post(
        f"/api/v1/candidates/{candidate.pk}/reject/", {"date": "2026-02-08", "reason": "Below 60"}
    )
    assert response.status_code == expected, response.content
    if expected == 403:
        _refused(response, RECRUIT)
    candidate.refresh_from_db()
    assert candidate.status == (CandidateStatus.REJECTED if expected == 200 else CandidateStatus.IN_SELECTION)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("peer_wide", 403),
        ("other_tm", 404),
        ("other_tm_wide", 403),
        ("tm", 403),  # runs the steps, does not hire
        ("other_rm", 404),
        ("other_rm_wide", 403),  # another region's manager
        ("rm", 200),
        ("director", 200),
    ],
)
def test_the_hire_is_an_org_change(org, name, expected):
    candidate = _candidate(org)
    people = Person.objects.count()
    response = api(actor(org, name)).post(
        f"/api/v1/candidates/{candidate.pk}/hire/",
        {"employee_no": "E9101", "hire_date": "2026-03-02", "reason": "Best role-play"},
    )
    assert response.status_code == expected, response.content
    if expected == 403:
        _refused(response, ORG_CHANGE)
    candidate.refresh_from_db()
    hired = expected == 200
    assert candidate.status == (CandidateStatus.HIRED if hired else CandidateStatus.IN_SELECTION)
    assert Person.objects.count() == people + (1 if hired else 0)
    assert Opening.objects.get().status == ("filled" if hired else "open")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 400), ("other_tm_wide", 403), ("tm", 201), ("rm", 201), ("director", 201)],
)
def test_an_opening_is_the_teams_managers_and_those_above(org, name, expected):
    response = api(actor(org, name)).post(
        "/api/v1/openings/", {"team": org.t1a.pk, "title": "Sales rep", "opened_on": "2026-02-01"}
    )
    assert response.status_code == expected, response.content
    if expected == 400:  # a team out of scope is as unknown as a missing one
        assert "team" in response.json()
    if expected == 403:
        _refused(response, RECRUIT)
    assert Opening.objects.count() == (1 if expected == 201 else 0)


def test_candidates_added_by_the_team_and_above_only(org):
    opening = recruitment.opening_create(by=org.tm1a, team=org.t1a, title="Sales rep", opened_on=date(2026, 2, 1))
    body = {"opening": opening.pk, "name": "Wang", "applied_on": "2026-02-03"}
    _refused(api(widen(org.tm1b)).post("/api/v1/candidates/", body), RECRUIT)
    assert Candidate.objects.count() == 0
    assert api(org.rm1).post("/api/v1/candidates/", body).status_code == 201


def test_the_pages_refuse_and_offer_only_what_the_rule_allows(org):
    candidate = _candidate(org)
    client = Client()
    client.force_login(org.rep1a1.user)
    assert client.get(reverse("staff:opening-create")).status_code == 403
    assert reverse("staff:opening-create") not in client.get(reverse("staff:opening-list")).content.decode()
    client.force_login(widen(org.tm1b).user)
    page = reverse("staff:opening-detail", args=[candidate.opening_id])
    assert 'value="add"' not in client.get(page).content.decode()
    response = client.post(page, {"name": "Wang", "applied_on": "2026-02-03"})
    assert response.status_code == 403
    assert Candidate.objects.count() == 1
    # The team manager's form offers their own team only.
    client.force_login(org.tm1a.user)
    form = client.get(reverse("staff:opening-create")).context["form"]
    assert list(form.fields["team"].queryset) == [org.t1a]
