"""API: targets (breakdown action, optimistic locking), templates, achievements, recompute runs."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from staff.tests.factories import PersonFactory
from targets.models import Achievement, RecomputeRun, RunStatus, Target
from targets.services import achievements_recompute
from targets.tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_create_refuses_bad_input_with_400_naming_the_field(org):
    api = client_for(org.director.user)
    response = api.post(
        "/api/v1/targets/",
        {"owner_kind": "rep", "person": org.rep1a1.pk, "metric": "sales_amount", "period": "2026-Q7", "value": "10"},
    )
    assert response.status_code == 400
    assert "period" in response.json()
    assert not Target.objects.exists()
    response = api.post(
        "/api/v1/targets/",
        {
            "owner_kind": "rep",
            "person": org.rep1a1.pk,
            "metric": "sales_amount",
            "period": "2026",
            "value": "1000000.01",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["value"] == "1000000.01"


def test_breakdown_action_and_locking(org):
    target = f.target(org.rep1a1, period="2026", value="1000000.01")
    api = client_for(org.director.user)
    response = api.post(f"/api/v1/targets/{target.pk}/breakdown/", {"method": "equal"})
    assert response.status_code == 201
    rows = response.json()
    assert len(rows) == 16
    # Q4 = 250,000.01 (the rest); December 83,333.35 (the rest of Q4).
    assert rows[3]["period"] == "2026-Q4" and rows[3]["value"] == "250000.01"
    assert rows[-1]["period"] == "2026-12" and rows[-1]["value"] == "83333.35"
    response = api.post(f"/api/v1/targets/{target.pk}/breakdown/", {"method": "sideways"})
    assert response.status_code == 400 and "method" in response.json()
    # Optimistic locking: two PATCHes from version 1; the second answers 400 on `version`.
    ok = api.patch(f"/api/v1/targets/{target.pk}/", {"value": "5.00", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    late = api.patch(f"/api/v1/targets/{target.pk}/", {"value": "6.00", "version": 1}, format="json")
    assert late.status_code == 400 and "version" in late.json()
    target.refresh_from_db()
    assert str(target.value) == "5.00"


def test_targets_list_is_scoped_and_outside_is_404(org):
    mine = f.target(org.rep1a1, period="2026")
    other = f.target(org.rep2a1, period="2026")
    api = client_for(org.rep1a1.user)
    ids = [row["id"] for row in api.get("/api/v1/targets/").json()["results"]]
    assert ids == [mine.pk]
    assert api.get(f"/api/v1/targets/{other.pk}/").status_code == 404


def test_achievements_filters_and_scope(org):
    f.target(org.rep1a1, period="2026", value="100.00")
    achievements_recompute(as_of=date(2026, 3, 15))
    api = client_for(org.rep1a1.user)
    response = api.get("/api/v1/achievements/", {"metric": "sales_amount", "period": "2026", "as_of": "2026-03-15"})
    results = response.json()["results"]
    assert [(r["owner_kind"], r["owner_key"]) for r in results] == [("rep", org.rep1a1.pk)]
    assert results[0]["actual"] == "0.00" and results[0]["rate"] == "0.0000"
    director = client_for(org.director.user)
    response = director.get("/api/v1/achievements/", {"owner_kind": "company", "owner": 0, "period": "2026-03"})
    assert response.json()["count"] == 6  # one per metric


def test_recompute_runs_post_starts_a_run(org, django_capture_on_commit_callbacks):
    api = client_for(org.director.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/recompute-runs/", {"as_of": "2026-03-15"})
    assert response.status_code == 201
    run = RecomputeRun.objects.get(pk=response.json()["id"])
    assert run.status == RunStatus.SUCCEEDED  # eager in tests
    assert Achievement.objects.filter(as_of=date(2026, 3, 15)).exists()
    assert client_for(org.rep1a1.user).post("/api/v1/recompute-runs/", {"as_of": "2026-03-15"}).status_code == 403
    assert api.get("/api/v1/recompute-runs/").json()["count"] == 1


def test_distribution_templates_crud(org):
    api = client_for(org.director.user)
    response = api.post("/api/v1/distribution-templates/", {"name": "Retail", "m12": "3.000"})
    assert response.status_code == 201
    response = api.post("/api/v1/distribution-templates/", {"name": "Bad", "m01": "-1"})
    assert response.status_code == 400 and "m01" in response.json()


def _grow(org, n: int) -> None:
    for _ in range(n):
        rep = PersonFactory(team=org.t1a, region=org.r1)
        f.target(rep, period="2026")


@pytest.mark.parametrize("endpoint", ["/api/v1/targets/", "/api/v1/achievements/", "/api/v1/recompute-runs/"])
def test_list_query_count_does_not_grow(org, endpoint, django_assert_max_num_queries):
    api = client_for(org.tm1a.user)
    _grow(org, 3)
    achievements_recompute(as_of=date(2026, 3, 15))
    with django_assert_max_num_queries(8):
        assert api.get(endpoint).status_code == 200
    _grow(org, 30)
    achievements_recompute(as_of=date(2026, 3, 15))
    with django_assert_max_num_queries(8):
        assert api.get(endpoint).status_code == 200
