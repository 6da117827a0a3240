"""Sales plans: the owner is the service's choice, the authority rule decides who writes and approves."""

from __future__ import annotations

from datetime import date

import pytest

from salesorg.exceptions import NotAllowed
from targets.models import SalesPlan
from targets.services import plan_activity_add, sales_plan_approve, sales_plan_create

pytestmark = pytest.mark.django_db


def _plan(user, **kwargs) -> SalesPlan:
    return sales_plan_create(user=user, period="2026-Q1", title="Push", **kwargs)


def test_the_service_chooses_the_owner_of_a_plan(org):
    assert (_plan(org.tm1a.user).owner_kind, _plan(org.tm1a.user).team) == ("team", org.t1a)
    region_plan = _plan(org.rm1.user)
    assert (region_plan.owner_kind, region_plan.region) == ("region", org.r1)
    assert _plan(org.director.user).owner_kind == "company"
    own = _plan(org.rep1a1.user)
    assert (own.owner_kind, own.person, own.drafted_by) == ("rep", org.rep1a1, org.rep1a1.user)


def test_a_plan_for_someone_else_needs_the_right_to_set_their_targets(org):
    for user, owner in (
        (org.rep1a1.user, {"owner_kind": "rep", "person": org.rep1a2}),
        (org.tm2a.user, {"owner_kind": "rep", "person": org.rep1a1}),
        (org.tm1a.user, {"owner_kind": "region", "region": org.r1}),
        (org.rm1.user, {"owner_kind": "company"}),
    ):
        with pytest.raises(NotAllowed):
            _plan(user, **owner)
    assert not SalesPlan.objects.exists()
    assert _plan(org.tm1a.user, owner_kind="rep", person=org.rep1a2).person == org.rep1a2


def test_approving_ones_own_plan_is_refused(org):
    team_plan = _plan(org.tm1a.user)
    rep_plan = _plan(org.rep1a1.user)
    for user, plan in ((org.tm1a.user, team_plan), (org.rep1a1.user, rep_plan), (org.tm2a.user, rep_plan)):
        with pytest.raises(NotAllowed):
            sales_plan_approve(user=user, plan=plan)
    assert set(SalesPlan.objects.values_list("status", flat=True)) == {"draft"}
    assert sales_plan_approve(user=org.rm1.user, plan=team_plan).approved_by == org.rm1
    assert sales_plan_approve(user=org.tm1a.user, plan=rep_plan).approved_by == org.tm1a


def test_activities_are_added_by_who_writes_the_plan(org):
    plan = _plan(org.tm1a.user)
    day = date(2026, 3, 1)
    for refused in (org.rep1a1, org.tm2a):
        with pytest.raises(NotAllowed):
            plan_activity_add(user=refused.user, plan=plan, kind="campaign", name="Fair", start_date=day, end_date=day)
    assert not plan.activities.exists()
    activity = plan_activity_add(
        user=org.tm1a.user, plan=plan, kind="campaign", name="Fair", start_date=day, end_date=day
    )
    assert activity.owner == org.tm1a
