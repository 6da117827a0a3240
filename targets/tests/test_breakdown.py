"""Breakdown year -> quarters -> months, allocation to members, progressive proposals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salesorg.exceptions import ApplicationError, NotAllowed
from targets.models import Achievement, Target, TargetStatus
from targets.services import (
    allocation_gap,
    split_year,
    target_allocate,
    target_breakdown,
    targets_propose_next_year,
)
from targets.tests import factories as f


def _children(target: Target) -> tuple[list[Target], list[Target]]:
    quarters = list(Target.objects.filter(parent=target).order_by("period"))
    months = list(Target.objects.filter(parent__in=quarters).order_by("period"))
    return quarters, months


def test_split_year_awkward_amount_to_the_cent():
    # 1,000,000.01 equally: each quarter's share is 250,000.0025 -> 250,000.00 x 4 and the cent left
    # to the largest remainder, a tie, so the earliest (Q1). Each month's share 83,333.334166..:
    # Q1 250,000.01 = 83,333.33 x 3 + 2 cents (January, February); Q4 250,000.00 = x 3 + 1 cent (October).
    quarters, months = split_year(Decimal("1000000.01"), [Decimal(1)] * 12)
    assert quarters == [Decimal("250000.01")] + [Decimal("250000.00")] * 3
    assert months[:3] == [Decimal("83333.34"), Decimal("83333.34"), Decimal("83333.33")]
    assert months[9:] == [Decimal("83333.34"), Decimal("83333.33"), Decimal("83333.33")]
    assert sum(months) == sum(quarters) == Decimal("1000000.01")
    for q in range(4):
        assert sum(months[q * 3 : q * 3 + 3]) == quarters[q]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["equal", "template", "last_year"])
def test_breakdown_adds_up_to_the_cent_by_each_method(org, method):
    director = org.director.user
    year = f.target(org.rep1a1, period="2026", value="1000000.01", stretch="1200000.03")
    template = f.DistributionTemplateFactory(m01=Decimal(3), m07=Decimal("0.5"), m12=Decimal(7))
    if method == "last_year":
        # Last year's actuals: January 100, December 300, nothing else -> weights 1/4 and 3/4.
        for period, actual in (("2025-01", "100.00"), ("2025-12", "300.00")):
            Achievement.objects.create(
                owner_kind="rep",
                owner_key=org.rep1a1.pk,
                person=org.rep1a1,
                metric="sales_amount",
                period=period,
                period_kind="month",
                as_of="2025-12-31",
                actual=Decimal(actual),
                time_progress=1,
                computed_at="2026-01-01T00:00:00Z",
            )
    target_breakdown(user=director, target=year, method=method, template=template)
    quarters, months = _children(year)
    assert len(quarters) == 4 and len(months) == 12
    assert sum(q.value for q in quarters) == Decimal("1000000.01")
    assert sum(q.stretch_value for q in quarters) == Decimal("1200000.03")
    for quarter in quarters:
        mine = [m for m in months if m.parent_id == quarter.pk]
        assert sum(m.value for m in mine) == quarter.value
        assert sum(m.stretch_value for m in mine) == quarter.stretch_value
    if method == "last_year":
        # Q1 takes 1/4: 250,000.00 (rounded down), all of it in January; Q4 the rest 750,000.01 in December.
        assert [q.value for q in quarters] == [Decimal("250000.00"), 0, 0, Decimal("750000.01")]
        assert months[0].value == Decimal("250000.00") and months[11].value == Decimal("750000.01")
    if method == "template":
        # Quarter weights: 3+1+1 = 5, 1+1+1 = 3, 0.5+1+1 = 2.5, 1+1+7 = 9; total 19.5. Shares of
        # 1,000,000.01: Q1 256,410.2589.., Q2 153,846.1553.., Q3 128,205.1294.., Q4 461,538.4661..;
        # rounded down they sum to 999,999.98: the 3 cents left go to the largest remainders,
        # Q3 (.94 of a cent), Q1 (.89), Q4 (.61), not Q2 (.53).
        assert [q.value for q in quarters] == [
            Decimal("256410.26"),
            Decimal("153846.15"),
            Decimal("128205.13"),
            Decimal("461538.47"),
        ]


@pytest.mark.django_db
def test_rerunning_a_breakdown_replaces_the_children(org):
    year = f.target(org.rep1a1, period="2026", value="1200.00")
    target_breakdown(user=org.director.user, target=year, method="equal")
    target_breakdown(user=org.director.user, target=year, method="equal")
    assert Target.objects.filter(person=org.rep1a1).count() == 1 + 4 + 12
    assert Target.objects.get(person=org.rep1a1, period="2026-05").value == Decimal("100.00")


@pytest.mark.django_db
def test_only_a_yearly_target_breaks_down_and_only_by_its_setter(org):
    quarter = f.target(org.rep1a1, period="2026-Q1", value="10.00")
    with pytest.raises(ApplicationError):
        target_breakdown(user=org.director.user, target=quarter)
    year = f.target(org.rep2a1, period="2026", value="10.00")
    # tm1a manages T1a, not rep2a1 of T2a.
    with pytest.raises(NotAllowed):
        target_breakdown(user=org.tm1a.user, target=year)
    assert not Target.objects.filter(parent=year).exists()


@pytest.mark.django_db
def test_allocation_equal_weights_and_gap(org):
    team_target = f.target(org.t1a, period="2026", value="1000.00")
    # T1a's reps: rep1a1, rep1a2, junior1a (the manager is not allocated a share).
    children = target_allocate(user=org.tm1a.user, target=team_target, method="equal")
    # 1000.00 / 3 = 333.33 x 3 rounded down; the cent left goes to the first (a tie of remainders).
    assert sorted(c.value for c in children) == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]
    assert allocation_gap(team_target) == Decimal("0.00")
    weights = {org.rep1a1.pk: 2, org.rep1a2.pk: 1, org.junior1a.pk: 1}
    children = target_allocate(user=org.tm1a.user, target=team_target, method="weights", weights=weights)
    by_person = {c.person_id: c.value for c in children}
    # 1000 x 2/4 = 500.00, 1000 x 1/4 = 250.00, 250.00.
    assert by_person == {
        org.rep1a1.pk: Decimal("500.00"),
        org.rep1a2.pk: Decimal("250.00"),
        org.junior1a.pk: Decimal("250.00"),
    }
    assert Target.objects.filter(owner_kind="rep", period="2026", metric="sales_amount").count() == 3
    # A member's target edited afterwards: the gap shows it (1000 - (450 + 250 + 250) = 50.00).
    Target.objects.filter(person=org.rep1a1, period="2026").update(value=Decimal("450.00"))
    assert allocation_gap(team_target) == Decimal("50.00")


@pytest.mark.django_db
def test_progressive_proposal_from_actuals(org):
    Achievement.objects.create(
        owner_kind="rep",
        owner_key=org.rep1a1.pk,
        person=org.rep1a1,
        metric="sales_amount",
        period="2025",
        period_kind="year",
        as_of="2025-12-31",
        actual=Decimal("1000.00"),
        time_progress=1,
        computed_at="2026-01-01T00:00:00Z",
    )
    Achievement.objects.create(
        owner_kind="team",
        owner_key=org.t1a.pk,
        team=org.t1a,
        metric="sales_amount",
        period="2025",
        period_kind="year",
        as_of="2025-12-31",
        actual=Decimal("5000.00"),
        time_progress=1,
        computed_at="2026-01-01T00:00:00Z",
    )
    count = targets_propose_next_year(
        user=org.director.user,
        year=2025,
        growth=Decimal("0.10"),
        metrics=["sales_amount"],
        growth_by_owner={("team", org.t1a.pk): Decimal("0.20")},
    )
    assert count == 2
    # 1000.00 x 1.10 = 1100.00; the team's own growth: 5000.00 x 1.20 = 6000.00. Drafts.
    rep = Target.objects.get(owner_kind="rep", person=org.rep1a1, period="2026")
    team = Target.objects.get(owner_kind="team", team=org.t1a, period="2026")
    assert (rep.value, rep.status) == (Decimal("1100.00"), TargetStatus.DRAFT)
    assert team.value == Decimal("6000.00")


def _rows(**filters) -> dict:
    return {
        t.pk: (t.period, t.owner_key, t.value, t.status, t.version)
        for t in Target.objects.filter(**filters).order_by("pk")
    }


@pytest.mark.django_db
def test_breaking_down_an_approved_target_again_is_a_revision_with_a_reason(org):
    # Given rep1a1's year drafted and broken down by tm1a, then approved by rm1.
    year = f.target(org.rep1a1, period="2026", value="1200.00", drafted_by=org.tm1a.user)
    target_breakdown(user=org.tm1a.user, target=year, method="equal")
    children = Target.objects.filter(person=org.rep1a1).exclude(pk=year.pk)
    assert set(children.values_list("drafted_by", flat=True)) == {org.tm1a.user.pk}
    assert set(children.values_list("source", flat=True)) == {"breakdown"}
    Target.objects.filter(pk=year.pk).update(status=TargetStatus.APPROVED)
    year.refresh_from_db()
    before = _rows(person=org.rep1a1)
    template = f.DistributionTemplateFactory(m12=Decimal(13))
    # The rep, the drafter (tm1a) and another team's manager may not revise it, even with a reason.
    for refused in (org.rep1a1, org.tm1a, org.tm2a):
        with pytest.raises(NotAllowed):
            target_breakdown(user=refused.user, target=year, method="template", template=template, reason="Season")
    # Its approver's line may, but only with a reason.
    for blank in ("", "   "):
        with pytest.raises(ApplicationError) as exc:
            target_breakdown(user=org.rm1.user, target=year, method="template", template=template, reason=blank)
        assert "reason" in exc.value.fields
    assert _rows(person=org.rep1a1) == before
    target_breakdown(user=org.rm1.user, target=year, method="template", template=template, reason="Season")
    # The same 16 rows, rewritten in place: weights 1 x 11 and 13 (total 24): December 1200 x 13/24 = 650.00.
    after = _rows(person=org.rep1a1)
    assert set(after) == set(before)
    december = Target.objects.get(person=org.rep1a1, period="2026-12")
    assert (december.value, december.version) == (Decimal("650.00"), 2)
    # Every replaced row keeps its history: created by the first breakdown, changed by the revision.
    records = list(december.history.order_by("history_id"))
    assert [(r.history_type, r.value, r.history_change_reason) for r in records] == [
        ("+", Decimal("100.00"), "breakdown: equal"),
        ("~", Decimal("650.00"), "Season"),
    ]
    assert records[-1].history_user == org.rm1.user


@pytest.mark.django_db
def test_an_approved_quarter_makes_a_draft_years_breakdown_a_revision(org):
    year = f.target(org.rep1a1, period="2026", value="400.00", drafted_by=org.tm1a.user)
    target_breakdown(user=org.tm1a.user, target=year, method="equal")
    Target.objects.filter(person=org.rep1a1, period="2026-Q1").update(status=TargetStatus.APPROVED)
    with pytest.raises(ApplicationError) as exc:
        target_breakdown(user=org.rm1.user, target=year, method="equal")
    assert "reason" in exc.value.fields
    with pytest.raises(NotAllowed):
        target_breakdown(user=org.tm1a.user, target=year, method="equal", reason="Again")


@pytest.mark.django_db
def test_reallocating_an_approved_target_is_a_revision_with_a_reason(org):
    # Given T1a's target drafted and allocated by rm1, then approved (by the director).
    team_target = f.target(org.t1a, period="2026", value="900.00", drafted_by=org.rm1.user)
    target_allocate(user=org.rm1.user, target=team_target, method="equal")
    Target.objects.filter(pk=team_target.pk).update(status=TargetStatus.APPROVED)
    team_target.refresh_from_db()
    before = _rows(owner_kind="rep")
    assert len(before) == 3
    weights = {org.rep1a1.pk: 1, org.rep1a2.pk: 1, org.junior1a.pk: 7}
    # A rep, the team's manager (below the drafter), the drafter, another team's manager: refused.
    for refused in (org.rep1a1, org.tm1a, org.rm1, org.tm2a):
        with pytest.raises(NotAllowed):
            target_allocate(user=refused.user, target=team_target, method="weights", weights=weights, reason="Mix")
    with pytest.raises(ApplicationError) as exc:
        target_allocate(user=org.director.user, target=team_target, method="weights", weights=weights)
    assert "reason" in exc.value.fields
    assert _rows(owner_kind="rep") == before
    target_allocate(user=org.director.user, target=team_target, method="weights", weights=weights, reason="Mix")
    # The same three rows: 900 x 1/9 = 100.00, 100.00, 900 x 7/9 = 700.00.
    after = _rows(owner_kind="rep")
    assert set(after) == set(before)
    junior = Target.objects.get(person=org.junior1a, period="2026")
    assert junior.value == Decimal("700.00")
    assert [(r.history_type, r.history_change_reason) for r in junior.history.order_by("history_id")] == [
        ("+", "allocation: equal"),
        ("~", "Mix"),
    ]


@pytest.mark.django_db
def test_allocation_by_another_teams_manager_or_a_rep_is_refused(org):
    team_target = f.target(org.t1a, period="2026", value="900.00")
    for refused in (org.tm2a, org.tm1b, org.rep1a1):
        with pytest.raises(NotAllowed):
            target_allocate(user=refused.user, target=team_target, method="equal")
    assert not Target.objects.filter(owner_kind="rep").exists()
    children = target_allocate(user=org.tm1a.user, target=team_target, method="equal")
    assert {c.drafted_by_id for c in children} == {org.tm1a.user.pk}
