"""API: scope (404 outside, rep sees own cards only), 400s naming the field, query counts."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from appraisal.models import AppraisalScheme, Scorecard
from appraisal.services import appraisal_period_open
from appraisal.tests import factories as f
from staff.models import Person, Position
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)


def client_for(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


@pytest.fixture
def opened(org):
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    return appraisal_period_open(period="2026-02", opened_by=org.director, today=TODAY)


def _add_reps(org, size: int) -> None:
    start = Person.objects.count()
    Person.objects.bulk_create(
        Person(
            employee_no=f"Q{start + i:06d}",
            name=f"Rep {i}",
            position=Position.REP,
            team=org.t1a,
            region=org.r1,
            manager=org.tm1a,
            hire_date=date(2024, 1, 1),
            status="active",
        )
        for i in range(size)
    )


def test_a_rep_sees_only_their_own_scorecards_and_404_for_others(org, opened):
    rep = client_for(org.rep1a1)
    listed = rep.get("/api/v1/scorecards/").json()
    assert [row["person"] for row in listed["results"]] == [org.rep1a1.pk]
    other = Scorecard.objects.get(person=org.rep1a2)
    assert rep.get(f"/api/v1/scorecards/{other.pk}/").status_code == 404
    # The team manager sees the team's reps (rep1a1, rep1a2, junior1a), not another team's.
    team = {row["person"] for row in client_for(org.tm1a).get("/api/v1/scorecards/").json()["results"]}
    assert team == {org.rep1a1.pk, org.rep1a2.pk, org.junior1a.pk}
    outside = Scorecard.objects.get(person=org.rep2a1)
    assert client_for(org.tm1a).get(f"/api/v1/scorecards/{outside.pk}/").status_code == 404
    assert client_for(org.tm1a).post(f"/api/v1/scorecards/{outside.pk}/submit/").status_code == 404


def test_workflow_through_the_api(org, opened):
    card = Scorecard.objects.get(person=org.rep1a1)
    tm = client_for(org.tm1a)
    # Submitting without the manager's comment: 400 naming the field.
    answer = tm.post(f"/api/v1/scorecards/{card.pk}/submit/")
    assert answer.status_code == 400 and "manager_comment" in answer.json()
    tm.patch(
        f"/api/v1/scorecards/{card.pk}/review/",
        {"manager_comment": "Below target everywhere.", "root_cause": "New territory."},
        format="json",
    )
    assert tm.post(f"/api/v1/scorecards/{card.pk}/submit/").json()["status"] == "submitted"
    # The submitter cannot approve; the rep cannot either (their own card is visible, but not theirs to approve).
    answer = tm.post(f"/api/v1/scorecards/{card.pk}/approve/")
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Approval is by a second person: you scored this scorecard."
    answer = client_for(org.rep1a1).post(f"/api/v1/scorecards/{card.pk}/approve/")
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Approval is by a second person: this is your own scorecard."
    assert client_for(org.rm1).post(f"/api/v1/scorecards/{card.pk}/approve/").json()["status"] == "approved"
    # Frozen: the review can no longer change.
    answer = tm.patch(f"/api/v1/scorecards/{card.pk}/review/", {"manager_comment": "x"}, format="json")
    assert answer.status_code == 400 and "status" in answer.json()


def test_scheme_with_bad_weights_answers_400_naming_the_field(org):
    admin = client_for(org.director)
    payload = {
        "name": "Reps 2027",
        "position": "rep",
        "valid_from": "2027-01-01",
        "lines": [
            {"kpi": "target_achievement_rate", "weight": "70", "target": "1"},
            {"kpi": "collection_rate", "weight": "20", "target": "0.9"},
        ],
    }
    answer = admin.post("/api/v1/appraisal-schemes/", payload, format="json")
    # 70 + 20 = 90.
    assert answer.status_code == 400
    assert answer.json()["lines"] == ["The weights add up to 90; they must add up to 100."]
    assert not AppraisalScheme.objects.exists()
    payload["lines"][1]["weight"] = "30"
    payload["lines"][1].update(
        rule="bands",
        bands=[{"lower": "0", "upper": "80", "score": "0"}, {"lower": "85", "upper": None, "score": "100"}],
    )
    answer = admin.post("/api/v1/appraisal-schemes/", payload, format="json")
    assert answer.status_code == 400 and "lines[1].bands" in answer.json()
    payload["lines"][1]["bands"][1]["lower"] = "80"
    answer = admin.post("/api/v1/appraisal-schemes/", payload, format="json")
    assert answer.status_code == 201
    assert [line["weight"] for line in answer.json()["lines"]] == ["70.00", "30.00"]
    # A rep (or any manager below the director) may not create schemes: the company's catalogue.
    for person in (org.rep1a1, org.tm1a, org.rm1):
        answer = client_for(person).post("/api/v1/appraisal-schemes/", payload, format="json")
        assert answer.status_code == 403
        assert answer.json()["detail"] == "Only a director or an admin does this for the whole company."
    assert AppraisalScheme.objects.count() == 1


def test_opening_a_period_not_ended_answers_400_naming_the_period(org):
    f.rep_scheme()
    answer = client_for(org.tm1a).post(
        "/api/v1/appraisal-periods/", {"period": "2099-Q1", "team": org.t1a.pk}, format="json"
    )
    assert answer.status_code == 400 and "period" in answer.json()
    assert not Scorecard.objects.exists()


def test_kpi_catalogue(org):
    codes = [row["code"] for row in client_for(org.rep1a1).get("/api/v1/kpis/").json()["results"]]
    assert "collection_rate" in codes and len(codes) == 9


@pytest.mark.parametrize("extra", [0, 27])
def test_scorecard_list_query_count(org, extra, django_assert_max_num_queries):
    _add_reps(org, extra)
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    appraisal_period_open(period="2026-02", opened_by=org.director, today=TODAY)
    client = client_for(org.director)
    with django_assert_max_num_queries(10):
        answer = client.get("/api/v1/scorecards/?page_size=100")
    # The five reps of the org (rep1a1, rep1a2, rep1b1, rep2a1, junior1a) and the extra ones.
    assert answer.json()["count"] == 5 + extra


def test_contest_leaderboard_published_to_reps_only_when_published(org):
    from appraisal.services import contest_create

    achievements_recompute(as_of=date(2026, 3, 1))
    contest = contest_create(
        name="Spring",
        period="2026-02",
        metric="sales_amount",
        created_by=org.tm1a,
        team=org.t1a,
        people=[org.rep1a1, org.rep1a2],
    )
    assert client_for(org.rep1a1).get(f"/api/v1/contests/{contest.pk}/").json()["leaderboard"] is None
    assert len(client_for(org.tm1a).get(f"/api/v1/contests/{contest.pk}/").json()["leaderboard"]) == 2
    contest.published = True
    contest.save()
    assert len(client_for(org.rep1a1).get(f"/api/v1/contests/{contest.pk}/").json()["leaderboard"]) == 2
