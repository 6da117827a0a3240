"""Progressive proposals: only for owners the proposer may set; never touching others' targets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from targets.models import Achievement, Target, TargetSource, TargetStatus
from targets.services import targets_propose_next_year
from targets.tests import factories as f

pytestmark = pytest.mark.django_db


def _actual(owner_kind: str, key: int, actual: str, **owner) -> None:
    Achievement.objects.create(
        owner_kind=owner_kind,
        owner_key=key,
        metric="sales_amount",
        period="2025",
        period_kind="year",
        as_of="2025-12-31",
        actual=Decimal(actual),
        time_progress=1,
        computed_at="2026-01-01T00:00:00Z",
        **owner,
    )


@pytest.fixture
def actuals(org):
    """2025 actuals of every owner: 1000.00 each (the company 9000.00)."""
    _actual("company", 0, "9000.00")
    for region in (org.r1, org.r2):
        _actual("region", region.pk, "1000.00", region=region)
    for team in (org.t1a, org.t1b, org.t2a):
        _actual("team", team.pk, "1000.00", team=team, region=team.region)
    for rep in (org.rep1a1, org.rep1a2, org.rep1b1, org.rep2a1):
        _actual("rep", rep.pk, "1000.00", person=rep, team=rep.team, region=rep.region)


def _snapshot() -> dict:
    return {t.pk: (t.value, t.status, t.drafted_by_id, t.source) for t in Target.objects.all()}


def test_a_team_managers_proposal_covers_his_team_and_leaves_others_drafts_alone(org, actuals):
    # Given drafts for 2026 by the director (region R1), by rm1 (team T1b; and a proposal for
    # rep1a1), and tm1a's own earlier proposal for rep1a2.
    directors = f.target(org.r1, period="2026", value="50.00", drafted_by=org.director.user)
    rm1s_team = f.target(org.t1b, period="2026", value="60.00", drafted_by=org.rm1.user)
    rm1s_proposal = f.target(
        org.rep1a1, period="2026", value="70.00", drafted_by=org.rm1.user, source=TargetSource.PROPOSAL
    )
    tm1as_proposal = f.target(
        org.rep1a2, period="2026", value="80.00", drafted_by=org.tm1a.user, source=TargetSource.PROPOSAL
    )
    others = {pk: row for pk, row in _snapshot().items() if pk != tm1as_proposal.pk}
    # When tm1a proposes +10 %.
    count = targets_propose_next_year(user=org.tm1a.user, year=2025, growth=Decimal("0.10"), metrics=["sales_amount"])
    # Then: a new draft for his team T1a (1000.00 x 1.10 = 1100.00) and his own earlier proposal
    # for rep1a2 rewritten to 1100.00; rm1's proposal for rep1a1 is left alone.
    assert count == 2
    after = _snapshot()
    assert {pk: after[pk] for pk in others} == others
    assert Target.objects.filter(pk=directors.pk).exists() and Target.objects.filter(pk=rm1s_team.pk).exists()
    assert Target.objects.get(pk=rm1s_proposal.pk).value == Decimal("70.00")
    rewritten = Target.objects.get(pk=tm1as_proposal.pk)
    assert (rewritten.value, rewritten.version) == (Decimal("1100.00"), 2)
    team = Target.objects.get(owner_kind="team", team=org.t1a, period="2026")
    assert (team.value, team.status, team.drafted_by, team.source) == (
        Decimal("1100.00"),
        TargetStatus.DRAFT,
        org.tm1a.user,
        TargetSource.PROPOSAL,
    )
    # Nothing for owners outside his team: company, regions, T1b's or T2a's people.
    assert Target.objects.count() == 5
    assert not Target.objects.filter(owner_kind="company").exists()
    assert not Target.objects.filter(person__in=[org.rep1b1, org.rep2a1]).exists()


def test_a_regional_managers_proposal_stays_in_the_region_and_a_reps_is_their_own(org, actuals):
    count = targets_propose_next_year(user=org.rm1.user, year=2025, growth=Decimal("0"), metrics=["sales_amount"])
    # Region R1, teams T1a and T1b, reps rep1a1, rep1a2, rep1b1.
    assert count == 6
    assert set(Target.objects.values_list("owner_kind", "owner_key")) == {
        ("region", org.r1.pk),
        ("team", org.t1a.pk),
        ("team", org.t1b.pk),
        ("rep", org.rep1a1.pk),
        ("rep", org.rep1a2.pk),
        ("rep", org.rep1b1.pk),
    }
    Target.objects.all().delete()
    assert targets_propose_next_year(user=org.rep1b1.user, year=2025, growth=Decimal("0")) == 1
    assert list(Target.objects.values_list("owner_kind", "owner_key")) == [("rep", org.rep1b1.pk)]


def test_a_proposal_never_rewrites_an_approved_target_or_a_draft_entered_by_hand(org, actuals):
    approved = f.target(org.rep1a1, period="2026", value="10.00", status=TargetStatus.APPROVED)
    entered = f.target(org.rep1a2, period="2026", value="20.00", drafted_by=org.director.user)
    before = _snapshot()
    targets_propose_next_year(user=org.director.user, year=2025, growth=Decimal("0.5"), metrics=["sales_amount"])
    after = _snapshot()
    assert after[approved.pk] == before[approved.pk] and after[entered.pk] == before[entered.pk]
    # The company: 9000.00 x 1.5 = 13500.00.
    assert Target.objects.get(owner_kind="company").value == Decimal("13500.00")
