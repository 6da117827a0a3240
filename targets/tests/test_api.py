"""API: targets (breakdown action, optimistic locking), templates, achievements, recompute runs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from staff.tests.factories import PersonFactory
from targets.models import Achievement, DistributionTemplate, RecomputeRun, RunStatus, Target
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
    # Each quarter's share 250,000.0025: the cent left goes to Q1 (a tie: the earliest), Q4 250,000.00;
    # December's share 83,333.3341..: 83,333.33 (Q4's one cent left goes to October, the earliest).
    assert rows[0]["period"] == "2026-Q1" and rows[0]["value"] == "250000.01"
    assert rows[3]["period"] == "2026-Q4" and rows[3]["value"] == "250000.00"
    assert rows[-1]["period"] == "2026-12" and rows[-1]["value"] == "83333.33"
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
    f.target(org.rep1a1, period="2026", value="100.00", status="approved")
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
    # Percentages of the year: 11 x 8 + 12 = 100.
    retail = {f"m{m:02d}": "8" for m in range(1, 12)} | {"m12": "12"}
    response = api.post("/api/v1/distribution-templates/", {"name": "Retail", **retail})
    assert response.status_code == 201
    # 11 x 8 + 13 = 101: refused naming the weights, nothing written.
    response = api.post("/api/v1/distribution-templates/", {"name": "Over", **retail, "m12": "13"})
    assert response.status_code == 400 and "weights" in response.json()
    assert not DistributionTemplate.objects.filter(name="Over").exists()
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


def _yesterday() -> date:
    from django.utils import timezone

    return timezone.localdate() - timedelta(days=1)


def test_recompute_for_yesterday_any_manager_another_day_a_director_or_admin(org):
    yesterday, other_day = _yesterday(), _yesterday() - timedelta(days=30)
    # Not executed (no on-commit callbacks here): the run is only recorded.
    response = client_for(org.tm1a.user).post("/api/v1/recompute-runs/", {"as_of": yesterday.isoformat()})
    assert response.status_code == 201
    assert RecomputeRun.objects.get().requested_by == org.tm1a.user
    RecomputeRun.objects.all().delete()
    for refused in (org.tm1a, org.tm2a, org.rm1):
        response = client_for(refused.user).post("/api/v1/recompute-runs/", {"as_of": other_day.isoformat()})
        assert response.status_code == 403
        assert "director or an admin" in response.json()["detail"]
    response = client_for(org.rep1a1.user).post("/api/v1/recompute-runs/", {"as_of": yesterday.isoformat()})
    assert response.status_code == 403 and "manager" in response.json()["detail"]
    assert not RecomputeRun.objects.exists()
    response = client_for(org.director.user).post("/api/v1/recompute-runs/", {"as_of": other_day.isoformat()})
    assert response.status_code == 201


def test_approving_a_target_one_drafted_is_403_and_the_row_is_unchanged(org):
    api = client_for(org.tm1a.user)
    response = api.post(
        "/api/v1/targets/",
        {"owner_kind": "rep", "person": org.rep1a1.pk, "metric": "visits", "period": "2026", "value": "40"},
    )
    assert response.status_code == 201
    target = Target.objects.get(pk=response.json()["id"])
    assert target.drafted_by == org.tm1a.user and response.json()["drafted_by"] == org.tm1a.user.pk
    url = f"/api/v1/targets/{target.pk}/approve/"
    response = api.post(url)
    assert response.status_code == 403 and "second person" in response.json()["detail"]
    # The rep (their own target) 403; another team's manager does not see it: 404.
    assert client_for(org.rep1a1.user).post(url).status_code == 403
    assert client_for(org.tm2a.user).post(url).status_code == 404
    target.refresh_from_db()
    assert (target.status, target.version, target.approved_by) == ("draft", 1, None)
    response = client_for(org.rm1.user).post(url)
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_rebreakdown_of_an_approved_target_without_a_reason_is_400_naming_reason(org):
    target = f.target(org.rep1a1, period="2026", value="120.00", status="approved")
    api = client_for(org.rm1.user)
    response = api.post(f"/api/v1/targets/{target.pk}/breakdown/", {"method": "equal"})
    assert response.status_code == 400 and "reason" in response.json()
    assert not Target.objects.filter(parent=target).exists()
    response = client_for(org.tm2a.user).post(
        f"/api/v1/targets/{target.pk}/breakdown/", {"method": "equal", "reason": "x"}
    )
    assert response.status_code == 404
    response = api.post(f"/api/v1/targets/{target.pk}/breakdown/", {"method": "equal", "reason": "Seasonality"})
    assert response.status_code == 201 and len(response.json()) == 16


def test_a_hidden_owner_id_answers_like_a_missing_one(org):
    api = client_for(org.tm1a.user)
    body = {"owner_kind": "rep", "metric": "visits", "period": "2026", "value": "1"}
    hidden = api.post("/api/v1/targets/", {**body, "person": org.rep2a1.pk})
    missing = api.post("/api/v1/targets/", {**body, "person": 999999})
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == {"person": [f'Invalid pk "{org.rep2a1.pk}" - object does not exist.']}
    assert missing.json() == {"person": ['Invalid pk "999999" - object does not exist.']}
    hidden_team = api.post("/api/v1/targets/", {**body, "owner_kind": "team", "team": org.t2a.pk})
    assert hidden_team.status_code == 400 and "team" in hidden_team.json()
    assert not Target.objects.exists()


def test_distribution_templates_are_edited_by_a_director_or_an_admin_only(org):
    # 11 x 8 + 12 = 100 (percentages of the year).
    template = f.DistributionTemplateFactory(
        name="Retail", **{f"m{i:02d}": Decimal(8) for i in range(1, 12)}, m12=Decimal(12)
    )
    url = f"/api/v1/distribution-templates/{template.pk}/"
    # 4 x (10 + 5 + 10) = 100.
    full = {"name": "Changed", **{f"m{i:02d}": "5" if i % 3 == 2 else "10" for i in range(1, 13)}}
    shift = {"m11": "5.000", "m12": "15.000"}  # 10 x 8 + 5 + 15 = 100
    for refused in (org.rep1a1, org.tm1a, org.rm1):
        api = client_for(refused.user)
        assert api.get(url).status_code == 200  # everyone reads the catalogue
        for response in (
            api.patch(url, shift, format="json"),
            api.put(url, full, format="json"),
            api.delete(url),
            api.post("/api/v1/distribution-templates/", full, format="json"),
        ):
            assert response.status_code == 403
            assert response.json()["detail"] == "Only a director or an admin edits the distribution templates."
    template.refresh_from_db()
    assert (template.name, template.m12) == ("Retail", Decimal("12.000"))
    assert DistributionTemplate.objects.count() == 1
    director = client_for(org.director.user)
    assert director.patch(url, shift, format="json").status_code == 200
    template.refresh_from_db()
    assert template.m12 == Decimal("15.000")
    assert director.delete(url).status_code == 204
    assert not DistributionTemplate.objects.exists()


def test_stretch_below_realistic_and_fractional_counts_answer_400_naming_the_field(org):
    api = client_for(org.director.user)
    rep = {"owner_kind": "rep", "person": org.rep1a1.pk, "period": "2026"}
    response = api.post(
        "/api/v1/targets/", {**rep, "metric": "sales_amount", "value": "1000.00", "stretch_value": "999.99"}
    )
    assert response.status_code == 400
    assert response.json()["stretch_value"] == ["The stretch target is at least the realistic target."]
    response = api.post("/api/v1/targets/", {**rep, "metric": "new_customers", "value": "1.09"})
    assert response.status_code == 400 and "value" in response.json()
    response = api.post("/api/v1/targets/", {**rep, "metric": "visits", "value": "12", "stretch_value": "14.5"})
    assert response.status_code == 400 and "stretch_value" in response.json()
    assert not Target.objects.exists()
    # Equal stretch and realistic, whole counts: accepted.
    response = api.post("/api/v1/targets/", {**rep, "metric": "visits", "value": "12", "stretch_value": "12"})
    assert response.status_code == 201, response.content
    # Lowering the realistic value's stretch below it later is refused the same way.
    target = Target.objects.get()
    response = api.patch(
        f"/api/v1/targets/{target.pk}/", {"stretch_value": "11", "version": target.version}, format="json"
    )
    assert response.status_code == 400 and "stretch_value" in response.json()
    target.refresh_from_db()
    assert target.stretch_value == Decimal("12.00")


def test_allocating_1250_to_three_reps_gives_the_cents_to_the_largest_remainders(org):
    # T1a's reps by employee number: rep1a1, rep1a2, junior1a. 1250.00 / 3 = 416.666..: 416.66 each
    # rounded down (1249.98), the 2 cents left to the first two (a tie of remainders, the earliest).
    team = f.target(org.t1a, period="2026", value="1250.00", stretch="1250.01")
    response = client_for(org.tm1a.user).post(f"/api/v1/targets/{team.pk}/allocate/", {"method": "equal"})
    assert response.status_code == 201, response.content
    children = sorted(response.json()["children"], key=lambda c: c["owner_label"])
    by_label = {c["owner_label"]: (c["value"], c["stretch_value"]) for c in children}
    # Stretch 1250.01 / 3 = 416.67 exactly each, never below the realistic share.
    assert by_label == {
        "rep1a1": ("416.67", "416.67"),
        "rep1a2": ("416.67", "416.67"),
        "junior1a": ("416.66", "416.67"),
    }
    assert response.json()["gap"] == "0.00"


def test_a_count_target_breaks_down_into_whole_months(org):
    # 100 visits equally: quarters 25 each; months 8.333..: 8 x 3 = 24 + 1 to the first of each quarter.
    year = f.target(org.rep1a1, metric="visits", period="2026", value="100")
    response = client_for(org.director.user).post(f"/api/v1/targets/{year.pk}/breakdown/", {"method": "equal"})
    assert response.status_code == 201
    values = {row["period"]: row["value"] for row in response.json()}
    assert [values[f"2026-Q{q}"] for q in range(1, 5)] == ["25.00"] * 4
    assert [values[f"2026-{m:02d}"] for m in (1, 2, 3, 12)] == ["9.00", "8.00", "8.00", "8.00"]
