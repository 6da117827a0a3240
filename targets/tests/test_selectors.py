"""Reads: each target against the sum of ALL the targets held below it (`with_children_totals`),
on the API and the grid, in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from staff.models import Position
from staff.tests.factories import PersonFactory
from targets.models import Target
from targets.selectors import with_children_totals
from targets.tests import factories as f

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_each_parent_against_the_sum_of_every_target_below_however_made(org):
    # The company 420,000,000.00; its regions 300,000,000.00 + 119,800,000.00 = 419,800,000.00
    # (entered by hand, not allocated): gap 200,000.00.
    company = f.target(None, value="420000000.00")
    f.target(org.r1, value="300000000.00")
    f.target(org.r2, value="119800000.00")
    # Team T1A 5,000.00; its reps 3,000.00 (entered) + 1,500.50 (a proposal) = 4,500.50: gap 499.50.
    team = f.target(org.t1a, value="5000.00")
    f.target(org.rep1a1, value="3000.00")
    f.target(org.rep1a2, value="1500.50", source="proposal")
    # Another metric and another period below T1A do not count.
    f.target(org.rep1a1, metric="collection", value="999.00")
    f.target(org.rep1a1, period="2025", value="777.00")
    # Team T1B has no target: its region R1 counts T1A's 5,000.00 only -> 299,995,000.00.
    rows = {t.pk: t for t in with_children_totals(Target.objects.all())}
    assert (rows[company.pk].children_total, rows[company.pk].gap) == (
        Decimal("419800000.00"),
        Decimal("200000.00"),
    )
    assert (rows[team.pk].children_total, rows[team.pk].gap) == (Decimal("4500.50"), Decimal("499.50"))
    region = Target.objects.get(owner_kind="region", region=org.r1)
    assert rows[region.pk].children_total == Decimal("5000.00")
    assert rows[region.pk].gap == Decimal("299995000.00")
    # A region without teams' targets: 0.00 below, the whole value is the gap.
    south = Target.objects.get(owner_kind="region", region=org.r2)
    assert (rows[south.pk].children_total, rows[south.pk].gap) == (Decimal("0.00"), Decimal("119800000.00"))
    # A rep's target has nothing below it.
    rep = Target.objects.get(person=org.rep1a1, period="2026", metric="sales_amount")
    assert rows[rep.pk].children_total is None and rows[rep.pk].gap is None


def test_the_target_api_answers_children_total_and_gap(org):
    team = f.target(org.t1a, value="5000.00")
    f.target(org.rep1a1, value="3000.00")
    f.target(org.rep1a2, value="1500.50")
    api = _api(org.tm1a.user)
    body = api.get(f"/api/v1/targets/{team.pk}/").json()
    # 3,000.00 + 1,500.50 = 4,500.50; 5,000.00 - 4,500.50 = 499.50.
    assert (body["children_total"], body["gap"]) == ("4500.50", "499.50")
    listed = {row["id"]: row for row in api.get("/api/v1/targets/", {"year": "2026"}).json()["results"]}
    assert listed[team.pk]["gap"] == "499.50"
    rep_row = next(row for row in listed.values() if row["owner_kind"] == "rep")
    assert rep_row["children_total"] is None and rep_row["gap"] is None
    # An allocation closes the gap: the answer's children carry their own (null, reps) fields and
    # the team's gap is 0.00 when read again.
    response = api.post(f"/api/v1/targets/{team.pk}/allocate/", {"method": "equal"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["gap"] == "0.00"
    assert api.get(f"/api/v1/targets/{team.pk}/").json()["gap"] == "0.00"


def _grid_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("targets:grid"), {"year": 2026, "metric": "sales_amount"})
    assert response.status_code == 200
    return len(queries)


def test_the_grid_renders_in_the_same_number_of_queries_for_20_and_2000_reps(client, org):
    client.force_login(org.director.user)
    f.target(None, value="1000000.00")
    f.target(org.r1, value="1000000.00")
    f.target(org.t1a, value="10000000.00")

    def add_reps(n: int) -> None:
        for _ in range(n):
            rep = PersonFactory(team=org.t1a, region=org.r1, position=Position.REP, manager=org.tm1a)
            f.target(rep, period="2026", value="5000.00")
            f.target(rep, period="2026-01", value="400.00")
            f.target(rep, period="2026-Q1", value="1200.00")

    add_reps(20)
    small = _grid_queries(client)
    add_reps(1980)
    large = _grid_queries(client)
    assert small == large
    html = client.get(reverse("targets:grid"), {"year": 2026, "metric": "sales_amount"}).content.decode()
    # T1A against its 2,000 reps: 2,000 x 5,000.00 = 10,000,000.00, the gap 0.00.
    team_row = html[html.index(f'id="row-team-{org.t1a.pk}"') :]
    team_row = team_row[: team_row.index("</tr>")]
    assert 'data-total="below">10,000,000.00<' in team_row
    assert 'data-total="children-gap">0.00<' in team_row


def test_the_grid_in_chinese_reads_wan_and_yi_with_the_exact_amount_in_the_title(client, org):
    # The company 420,000,000.00 against its regions 300,000,000.00 + 119,800,000.00 = 419,800,000.00:
    # 4.20亿 each side (419,800,000 / 10^8 = 4.198 -> 4.20), the gap 200,000.00 = 20.00万, marked.
    f.target(None, value="420000000.00")
    f.target(org.r1, value="300000000.00")
    f.target(org.r2, value="119800000.00")
    client.force_login(org.director.user)
    html = client.get(
        reverse("targets:grid"), {"year": 2026, "metric": "sales_amount"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    company_row = html[html.index('id="row-company-0"') :]
    company_row = company_row[: company_row.index("</tr>")]
    assert 'title="419,800,000.00" class="text-end text-nowrap" data-total="below">4.20亿<' in company_row
    assert 'data-total="children-gap">20.00万<i class="bi bi-exclamation-triangle-fill' in company_row
    assert "展开或收起下级" in company_row  # the company row folds its regions away
    # A rep-less region has no toggle.
    south_row = html[html.index(f'id="row-region-{org.r2.pk}"') :]
    assert "grid-toggle" not in south_row[: south_row.index("</tr>")]
