"""Approve, lock, acknowledge: a year is approved with its breakdown (one action, or in bulk for a
unit), by a second person only; approved targets change only by a revision with a reason whose
history keeps every replaced row; the owner acknowledges each approved version and the manager
sees who has not."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from salesorg.exceptions import ApplicationError, NotAllowed
from targets.models import Target, TargetStatus
from targets.services import (
    target_acknowledge,
    target_approve,
    target_breakdown,
    target_create,
    target_update,
    targets_approve_bulk,
)
from targets.tests import factories as f

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _rep_year_broken_down(org, value="1200.00", person=None):
    """A rep's 2026 target drafted and broken down (equally) by the team manager tm1a."""
    person = person or org.rep1a1
    year = target_create(
        user=org.tm1a.user, owner_kind="rep", person=person, metric="sales_amount", period="2026", value=value
    )
    target_breakdown(user=org.tm1a.user, target=year, method="equal")
    return year


def _statuses(person) -> dict[str, int]:
    rows = Target.objects.filter(person=person).values_list("status", flat=True)
    return {status: list(rows).count(status) for status in set(rows)}


def test_approving_a_year_approves_its_quarters_and_months_in_one_action(org):
    year = _rep_year_broken_down(org)
    assert _statuses(org.rep1a1) == {"draft": 17}
    # The rep, the drafter, another team's manager and another region's manager may not approve it.
    for refused in (org.rep1a1, org.tm1a, org.tm2a, org.rm2):
        with pytest.raises(NotAllowed):
            target_approve(user=refused.user, target=year)
    assert _statuses(org.rep1a1) == {"draft": 17}
    target_approve(user=org.rm1.user, target=year)
    # 1 year + 4 quarters + 12 months, all approved by rm1 in the one action.
    assert _statuses(org.rep1a1) == {"approved": 17}
    assert set(Target.objects.filter(person=org.rep1a1).values_list("approved_by", flat=True)) == {org.rm1.pk}


def test_a_quarter_drafted_by_the_approver_blocks_the_whole_approval(org):
    year = _rep_year_broken_down(org)
    Target.objects.filter(person=org.rep1a1, period="2026-Q2").update(drafted_by=org.rm1.user)
    # rm1 drafted Q2: approval is by a second person, so the year and its breakdown stay drafts.
    with pytest.raises(NotAllowed):
        target_approve(user=org.rm1.user, target=year)
    assert _statuses(org.rep1a1) == {"draft": 17}
    # The director, above both drafters, approves all 17.
    target_approve(user=org.director.user, target=year)
    assert _statuses(org.rep1a1) == {"approved": 17}


def test_bulk_approval_of_a_team_approves_what_the_approver_may_and_leaves_the_rest(org):
    _rep_year_broken_down(org)
    _rep_year_broken_down(org, person=org.rep1a2)
    team = target_create(
        user=org.rm1.user, owner_kind="team", team=org.t1a, metric="sales_amount", period="2026", value="5000"
    )
    other_team = f.target(org.t2a, period="2026", value="10.00", drafted_by=org.tm2a.user)
    # A rep, another team's manager, and another region's manager approve nothing of T1a.
    with pytest.raises(NotAllowed):
        targets_approve_bulk(
            user=org.rep1a1.user, targets=Target.objects.visible_to(org.rep1a1.user), year=2026, team=org.t1a
        )
    for outside in (org.tm2a, org.rm2):
        with pytest.raises(ApplicationError) as exc:
            targets_approve_bulk(
                user=outside.user, targets=Target.objects.visible_to(outside.user), year=2026, team=org.t1a
            )
        assert "year" in exc.value.fields
    assert not Target.objects.filter(status=TargetStatus.APPROVED).exists()
    # rm1 approves the reps' 2 x 17 rows (drafted by tm1a) but not the team target he drafted himself.
    result = targets_approve_bulk(
        user=org.rm1.user, targets=Target.objects.visible_to(org.rm1.user), year=2026, team=org.t1a
    )
    assert result == {"approved": 34, "left": 1}
    team.refresh_from_db()
    other_team.refresh_from_db()
    assert (team.status, other_team.status) == (TargetStatus.DRAFT, TargetStatus.DRAFT)
    # Through the API, the director approves what is left of region R1 (the team's target).
    response = _api(org.director.user).post(
        "/api/v1/targets/approve-bulk/", {"year": 2026, "region": org.r1.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"approved": 1, "left": 0}
    # A team manager naming a team he cannot see: 400 on the field, as for a missing id.
    response = _api(org.tm1a.user).post("/api/v1/targets/approve-bulk/", {"year": 2026, "team": org.t2a.pk})
    assert response.status_code == 400 and "team" in response.json()
    other_team.refresh_from_db()
    assert other_team.status == TargetStatus.DRAFT


def test_a_revision_of_a_locked_breakdown_keeps_the_replaced_rows_in_its_history_with_the_reason(org):
    year = _rep_year_broken_down(org)
    target_approve(user=org.rm1.user, target=year)
    months_before = dict(Target.objects.filter(person=org.rep1a1, period_kind="month").values_list("period", "value"))
    assert set(months_before.values()) == {Decimal("100.00")}  # 1200 / 12
    # Locked: the drafter may not break it down again; the approver's line only with a reason.
    with pytest.raises(NotAllowed):
        target_breakdown(user=org.tm1a.user, target=year, method="equal", reason="Again")
    with pytest.raises(ApplicationError) as exc:
        target_breakdown(user=org.rm1.user, target=year, method="template", template=f.DistributionTemplateFactory())
    assert "reason" in exc.value.fields
    template = f.DistributionTemplateFactory(
        **{f"m{i:02d}": Decimal(5) for i in range(1, 12)}, m12=Decimal(45)
    )  # 11 x 5 + 45 = 100
    target_breakdown(user=org.rm1.user, target=year, method="template", template=template, reason="Year-end peak")
    # December: 1200 x 45 % = 540.00; January 1200 x 5 % = 60.00.
    december = Target.objects.get(person=org.rep1a1, period="2026-12")
    assert december.value == Decimal("540.00") and december.status == TargetStatus.APPROVED
    for month in Target.objects.filter(person=org.rep1a1, period_kind="month"):
        records = list(month.history.order_by("history_id"))
        # Created by the breakdown, approved, then revised: the replaced values are all kept.
        assert [r.value for r in records] == [Decimal("100.00"), Decimal("100.00"), month.value]
        assert records[-1].history_change_reason == "Year-end peak"
        assert records[-1].history_user == org.rm1.user


def test_the_owner_acknowledges_each_approved_version_and_the_manager_sees_who_has_not(org, client):
    year = _rep_year_broken_down(org)
    _rep_year_broken_down(org, person=org.rep1a2)
    # A draft is not acknowledged.
    with pytest.raises(ApplicationError):
        target_acknowledge(user=org.rep1a1.user, target=year)
    target_approve(user=org.rm1.user, target=year)
    target_approve(user=org.rm1.user, target=Target.objects.get(person=org.rep1a2, period="2026"))
    # The manager sees both reps waiting (17 targets each).
    client.force_login(org.tm1a.user)
    html = client.get(reverse("targets:acknowledgements"), {"year": 2026, "metric": "sales_amount"}).content.decode()
    assert "rep1a1" in html and "rep1a2" in html and ">17<" in html
    # Only the owner acknowledges: not his manager, not a colleague (who does not see it: 404).
    assert _api(org.tm1a.user).post(f"/api/v1/targets/{year.pk}/acknowledge/").status_code == 403
    assert _api(org.rep1a2.user).post(f"/api/v1/targets/{year.pk}/acknowledge/").status_code == 404
    response = _api(org.rep1a1.user).post(f"/api/v1/targets/{year.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["needs_acknowledgement"] is False
    # The year with its quarters and months: nothing of rep1a1's left to acknowledge.
    assert not Target.objects.filter(person=org.rep1a1).unacknowledged().exists()
    assert _api(org.rep1a1.user).post(f"/api/v1/targets/{year.pk}/acknowledge/").status_code == 400
    listed = _api(org.tm1a.user).get("/api/v1/targets/", {"acknowledged": "false", "period": "2026"}).json()
    assert [row["owner_label"] for row in listed["results"]] == ["rep1a2"]
    html = client.get(reverse("targets:acknowledgements"), {"year": 2026, "metric": "sales_amount"}).content.decode()
    assert "rep1a1" not in html and "rep1a2" in html
    # A revision of March (by rm1, with a reason) asks rep1a1 to acknowledge March again.
    march = Target.objects.get(person=org.rep1a1, period="2026-03")
    target_update(user=org.rm1.user, target=march, version=march.version, value="150.00", reason="Trade fair")
    html = client.get(reverse("targets:acknowledgements"), {"year": 2026, "metric": "sales_amount"}).content.decode()
    assert "rep1a1" in html
    client.force_login(org.rep1a1.user)
    response = client.post(reverse("targets:detail", args=[march.pk]), {"action": "acknowledge"})
    assert response.status_code == 302
    march.refresh_from_db()
    assert (march.acknowledged_version, march.acknowledged_by) == (march.version, org.rep1a1)


def test_the_regions_a_director_allocated_are_approved_by_another_director_not_by_himself(org):
    from staff.models import Position
    from staff.tests.factories import PersonFactory
    from targets.services import target_allocate

    director2 = PersonFactory(user__username="director2", name="director2", position=Position.DIRECTOR)
    company = target_create(
        user=org.director.user, owner_kind="company", metric="sales_amount", period="2026", value="900.00"
    )
    # 900.00 / 2 regions = 450.00 each, drafted by the director.
    target_allocate(user=org.director.user, target=company, method="equal")
    east = Target.objects.get(owner_kind="region", region=org.r1)
    assert east.value == Decimal("450.00")
    # Not by the director who drafted it, nor by the region's manager below him, nor a team manager.
    for approver in (org.director, org.rm1, org.tm1a, org.rep1a1):
        with pytest.raises(NotAllowed):
            target_approve(user=approver.user, target=east)
    east.refresh_from_db()
    assert east.status == TargetStatus.DRAFT
    # Another director: yes.
    assert target_approve(user=director2.user, target=east).approved_by == director2
    # A region drafted by its regional manager is still approved only above him (not by a peer).
    south = Target.objects.get(owner_kind="region", region=org.r2)
    target_update(user=org.rm2.user, target=south, version=south.version, value="460.00")
    with pytest.raises(NotAllowed):
        target_approve(user=org.rm1.user, target=south)
    assert target_approve(user=org.director.user, target=south).status == TargetStatus.APPROVED
