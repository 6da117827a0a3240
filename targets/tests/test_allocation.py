"""Allocation at every level (company -> regions -> teams -> reps) and the gap between a parent and
the sum of ALL the targets held below it, however they were made."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from salesorg.exceptions import NotAllowed
from targets.models import Achievement, Target
from targets.services import allocation_gap, target_allocate, target_create
from targets.tests import factories as f

pytestmark = pytest.mark.django_db


def _last_year(owner_kind: str, owner, actual: str) -> None:
    Achievement.objects.create(
        owner_kind=owner_kind,
        owner_key=owner.pk,
        region=owner if owner_kind == "region" else None,
        metric="sales_amount",
        period="2025",
        period_kind="year",
        as_of="2025-12-31",
        actual=Decimal(actual),
        time_progress=1,
        computed_at="2026-01-01T00:00:00Z",
    )


def test_the_company_target_is_allocated_to_the_regions_by_each_method(org):
    company = target_create(
        user=org.director.user, owner_kind="company", metric="sales_amount", period="2026", value="1000.01"
    )
    # Only who sets the company's targets allocates them: not a regional or team manager, not a rep.
    for refused in (org.rm1, org.tm1a, org.tm2a, org.rep1a1):
        with pytest.raises(NotAllowed):
            target_allocate(user=refused.user, target=company, method="equal")
    assert not Target.objects.filter(owner_kind="region").exists()
    # Equal: regions R1, R2 (by code): 500.005 each -> 500.00 x 2, the cent to R1 (a tie, the earliest).
    children = target_allocate(user=org.director.user, target=company, method="equal")
    assert [(c.region_id, c.value) for c in children] == [
        (org.r1.pk, Decimal("500.01")),
        (org.r2.pk, Decimal("500.00")),
    ]
    assert allocation_gap(company) == Decimal("0.00")
    # By weights 3 : 1: 750.0075 -> 750.00 and 250.0025 -> 250.00, the cent to R1 (.75 > .25).
    weights = {org.r1.pk: "3", org.r2.pk: "1"}
    target_allocate(user=org.director.user, target=company, method="weights", weights=weights)
    values = dict(Target.objects.filter(owner_kind="region").values_list("region_id", "value"))
    assert values == {org.r1.pk: Decimal("750.01"), org.r2.pk: Decimal("250.00")}
    # By last year's share: R1 sold 100.00, R2 300.00 -> 1/4 and 3/4: 250.0025 -> 250.00, 750.0075 -> 750.01.
    _last_year("region", org.r1, "100.00")
    _last_year("region", org.r2, "300.00")
    target_allocate(user=org.director.user, target=company, method="last_year")
    values = dict(Target.objects.filter(owner_kind="region").values_list("region_id", "value"))
    assert values == {org.r1.pk: Decimal("250.00"), org.r2.pk: Decimal("750.01")}


def test_a_region_is_allocated_to_its_teams_by_its_manager_or_above(org):
    region = f.target(org.r1, period="2026", value="900.00")
    for refused in (org.rm2, org.tm1a, org.tm2a, org.rep1a1):
        with pytest.raises(NotAllowed):
            target_allocate(user=refused.user, target=region, method="equal")
    children = target_allocate(user=org.rm1.user, target=region, method="equal")
    # R1's teams T1A, T1B: 450.00 each; R2's team is not R1's.
    assert [(c.team_id, c.value) for c in children] == [
        (org.t1a.pk, Decimal("450.00")),
        (org.t1b.pk, Decimal("450.00")),
    ]


def test_the_gap_counts_every_target_below_not_only_the_allocated_ones(org, client):
    team = f.target(org.t1a, period="2026", value="1000.00")
    # The reps' targets were entered one by one (no allocation): 300 + 300 + 350 = 950.
    for rep, value in ((org.rep1a1, "300.00"), (org.rep1a2, "300.00"), (org.junior1a, "350.00")):
        target_create(
            user=org.tm1a.user, owner_kind="rep", person=rep, metric="sales_amount", period="2026", value=value
        )
    # Another team's rep and another metric or period do not count.
    f.target(org.rep1b1, period="2026", value="999.00")
    f.target(org.rep1a1, metric="visits", period="2026", value="40")
    f.target(org.rep1a1, period="2026-Q1", value="80.00")
    # 1000.00 - 950.00 = 50.00
    assert allocation_gap(team) == Decimal("50.00")
    # The company against its regions: 420,000,000.00 - (300,000,000.00 + 119,800,000.00) = 200,000.00.
    company = f.target(None, period="2026", value="420000000.00")
    f.target(org.r1, period="2026", value="300000000.00")
    f.target(org.r2, period="2026", value="119800000.00")
    assert allocation_gap(company) == Decimal("200000.00")
    client.force_login(org.director.user)
    html = client.get(reverse("targets:detail", args=[company.pk])).content.decode()
    # Shown on the parent, with thousands separators: the sum below and the gap.
    assert "419,800,000.00" in html and "200,000.00" in html
    response = APIClient()
    response.force_authenticate(org.tm1a.user)
    answer = response.post(f"/api/v1/targets/{team.pk}/allocate/", {"method": "equal"})
    assert answer.status_code == 201 and answer.json()["gap"] == "0.00"
