"""Scheme validation, scoring rules, the fixed query count of opening a period, commission, contests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.models import (
    AppraisalScheme,
    CommissionStatement,
    ContestStatus,
    OutcomeKind,
    SchemeKpi,
    ScoreBand,
    Scorecard,
    ScorecardLine,
    ScoringRule,
    StatementStatus,
)
from appraisal.services import (
    BandInput,
    LineInput,
    appraisal_period_open,
    commission_amount,
    commission_approve,
    commission_plan_create,
    commission_statements_compute,
    contest_create,
    contest_finish,
    contest_leaderboard,
    outcome_create,
    scheme_create,
    score_line,
)
from appraisal.tests import factories as f
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.models import Person, Position, Team
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)


def lines(*weights: str) -> list[LineInput]:
    codes = ["target_achievement_rate", "gross_margin_rate", "collection_rate", "average_daily_visits"]
    return [LineInput(code, Decimal(w), Decimal("1")) for code, w in zip(codes, weights, strict=False)]


def test_weights_that_do_not_add_up_to_100_are_refused_and_nothing_is_saved(db):
    with pytest.raises(ApplicationError) as refused:
        scheme_create(
            name="S", position=Position.REP, valid_from=date(2026, 1, 1), lines=lines("50", "30", "10"), by=f.ADMIN
        )
    # 50 + 30 + 10 = 90
    assert refused.value.fields == {"lines": ["The weights add up to 90; they must add up to 100."]}
    assert not AppraisalScheme.objects.exists()
    assert not SchemeKpi.objects.exists()


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        # 0-50, then 60-: 50 to 60 is not covered.
        ([("0", "50", "0"), ("60", None, "100")], "There is a gap between 50 % and 60 %."),
        # 0-80 and 70-: 70 to 80 is covered twice.
        ([("0", "80", "0"), ("70", None, "100")], "The bands from 0 % and from 70 % overlap."),
    ],
)
def test_bands_with_a_gap_or_an_overlap_are_refused_and_nothing_is_saved(db, bands, expected):
    band_inputs = [BandInput(Decimal(lo), Decimal(up) if up else None, Decimal(sc)) for lo, up, sc in bands]
    scheme_lines = [
        LineInput("target_achievement_rate", Decimal(60), Decimal(1)),
        LineInput("collection_rate", Decimal(40), Decimal("0.9"), ScoringRule.BANDS, bands=band_inputs),
    ]
    with pytest.raises(ApplicationError) as refused:
        scheme_create(name="S", position=Position.REP, valid_from=date(2026, 1, 1), lines=scheme_lines, by=f.ADMIN)
    assert refused.value.fields == {"lines[1].bands": [f"Receivables collection rate: {expected}"]}
    assert not AppraisalScheme.objects.exists()
    assert not ScoreBand.objects.exists()


def test_schemes_are_versioned_per_position(db):
    first = scheme_create(
        name="S", position=Position.REP, valid_from=date(2025, 1, 1), lines=lines("60", "40"), by=f.ADMIN
    )
    second = scheme_create(
        name="S", position=Position.REP, valid_from=date(2026, 1, 1), lines=lines("50", "50"), by=f.ADMIN
    )
    assert (first.version, second.version) == (1, 2)


def test_scoring_rules():
    # Linear with a 120 % cap: 0.9 of 1.0 on weight 20 = 18.00; 1.5 is capped at 120 %: 24.00.
    assert score_line(value=Decimal("0.9"), weight=Decimal(20), target=Decimal(1), rule="linear") == Decimal("18.00")
    assert score_line(value=Decimal("1.5"), weight=Decimal(20), target=Decimal(1), rule="linear") == Decimal("24.00")
    # Pass/fail: 3 of 3 passes (10.00), 2 of 3 fails (0.00).
    assert score_line(value=Decimal(3), weight=Decimal(10), target=Decimal(3), rule="pass_fail") == Decimal("10.00")
    assert score_line(value=Decimal(2), weight=Decimal(10), target=Decimal(3), rule="pass_fail") == Decimal("0.00")
    # Bands: 0.7 of 1.0 = 70 % falls in 50-80 % scoring 60 % of weight 10 = 6.00.
    bands = [
        (Decimal(0), Decimal(50), Decimal(0)),
        (Decimal(50), Decimal(80), Decimal(60)),
        (Decimal(80), None, Decimal(100)),
    ]
    assert score_line(
        value=Decimal("0.7"), weight=Decimal(10), target=Decimal(1), rule="bands", bands=bands
    ) == Decimal("6.00")
    # No value (e.g. no target in the engine): no points.
    assert score_line(value=None, weight=Decimal(10), target=Decimal(1), rule="linear") == Decimal("0.00")


def _team_of(size: int, team: Team, manager: Person) -> None:
    start = Person.objects.count()
    Person.objects.bulk_create(
        Person(
            employee_no=f"B{start + i:06d}",
            name=f"Rep {i}",
            position=Position.REP,
            team=team,
            region=team.region,
            manager=manager,
            hire_date=date(2024, 1, 1),
            status="active",
        )
        for i in range(size)
    )


def _open_queries(org, size: int) -> tuple[int, int]:
    _team_of(size, org.t1b, org.tm1b)
    achievements_recompute(as_of=date(2026, 3, 1))
    with CaptureQueriesContext(connection) as ctx:
        appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1b, team=org.t1b, today=TODAY)
    return len(ctx.captured_queries), Scorecard.objects.filter(appraisal_period=appraisal).count()


def test_opening_a_period_runs_the_same_number_of_queries_at_two_sizes(org):
    f.rep_scheme()
    # T1b: rep1b1 + 2 = 3 people; T2a: rep2a1 + 7 = 8 people (both fit one SQLite insert batch).
    _team_of(2, org.t1b, org.tm1b)
    _team_of(7, org.t2a, org.tm2a)
    achievements_recompute(as_of=date(2026, 3, 1))
    counts = []
    for team, manager, expected in ((org.t1b, org.tm1b, 3), (org.t2a, org.tm2a, 8)):
        with CaptureQueriesContext(connection) as ctx:
            appraisal = appraisal_period_open(period="2026-02", opened_by=manager, team=team, today=TODAY)
        assert Scorecard.objects.filter(appraisal_period=appraisal).count() == expected
        counts.append(len(ctx.captured_queries))
    # Nothing is queried or written per person.
    assert counts[0] == counts[1]


@pytest.mark.postgres
def test_opening_a_period_for_2000_people_runs_the_same_queries_as_for_3(org):
    f.rep_scheme()
    small, _ = _open_queries(org, 3)
    Scorecard.objects.all().delete()
    from appraisal.models import AppraisalPeriod

    AppraisalPeriod.objects.all().delete()
    big, cards = _open_queries(org, 1996)
    assert cards == 2000
    assert ScorecardLine.objects.filter(scorecard__appraisal_period__team=org.t1b).count() == 2000 * 9
    assert big == small


def test_commission_tiers_with_an_accelerator():
    from appraisal.models import CommissionTier

    tiers = [
        CommissionTier(lower_percent=Decimal(0), upper_percent=Decimal(80), rate_percent=Decimal(1)),
        CommissionTier(lower_percent=Decimal(80), upper_percent=Decimal(100), rate_percent=Decimal(2)),
        CommissionTier(lower_percent=Decimal(100), upper_percent=None, rate_percent=Decimal(4)),
    ]
    # 120 000 of a 100 000 target: 80 000 x 1 % + 20 000 x 2 % + 20 000 x 4 % = 800 + 400 + 800 = 2000.00.
    assert commission_amount(actual=Decimal(120000), target=Decimal(100000), tiers=tiers) == Decimal("2000.00")
    # 50 000: all in the first tier: 500.00. No target: nothing.
    assert commission_amount(actual=Decimal(50000), target=Decimal(100000), tiers=tiers) == Decimal("500.00")
    assert commission_amount(actual=Decimal(50000), target=None, tiers=tiers) == Decimal("0.00")


def test_commission_statements_from_the_engine_approved_by_the_manager(org):
    cust = f.customer(org.rep1a1, industry="x")
    f.order(
        cust,
        date(2026, 2, 10),
        lines=[(f.product("L"), "1200.00", "100.00")],
        shares=[(org.rep1a1, "100", "1200.00", "1100.00", True)],
    )
    f.target(org.rep1a1, "sales_amount", "2026-02", "1000.00")
    achievements_recompute(as_of=date(2026, 3, 1))
    with pytest.raises(ApplicationError):
        commission_plan_create(
            by=f.ADMIN,
            name="P",
            metric="sales_amount",
            position="rep",
            tiers=[(Decimal(0), Decimal(80), Decimal(1)), (Decimal(90), None, Decimal(2))],
        )
    plan = commission_plan_create(
        by=f.ADMIN,
        name="Rep plan",
        metric="sales_amount",
        position="rep",
        tiers=[
            (Decimal(0), Decimal(80), Decimal(1)),
            (Decimal(80), Decimal(100), Decimal(2)),
            (Decimal(100), None, Decimal(4)),
        ],
    )
    commission_statements_compute(plan=plan, period="2026-02", by=org.tm1a, team=org.t1a)
    statement = CommissionStatement.objects.get(plan=plan, person=org.rep1a1)
    # 1200 of 1000: 800 x 1 % + 200 x 2 % + 200 x 4 % = 8 + 4 + 8 = 20.00.
    assert (statement.actual, statement.achievement_rate, statement.amount) == (
        Decimal("1200.00"),
        Decimal("1.2000"),
        Decimal("20.00"),
    )
    with pytest.raises(NotAllowed):
        commission_approve(statement=statement, by=org.tm1b)  # not their team
    with pytest.raises(NotAllowed):
        commission_approve(statement=statement, by=org.tm1a)  # computed it: a second person approves
    commission_approve(statement=statement, by=org.rm1)
    # A recompute keeps the approved statement.
    commission_statements_compute(plan=plan, period="2026-02", by=org.tm1a, team=org.t1a)
    assert CommissionStatement.objects.get(pk=statement.pk).status == StatementStatus.APPROVED


def test_contest_leaderboard_and_final_ranking(org):
    cust = f.customer(org.rep1a1, industry="x")
    prod = f.product("L")
    f.order(
        cust,
        date(2026, 2, 10),
        lines=[(prod, "300.00", "100.00")],
        shares=[(org.rep1a1, "100", "300.00", "200.00", True)],
    )
    f.order(
        cust,
        date(2026, 2, 11),
        lines=[(prod, "500.00", "100.00")],
        shares=[(org.rep1a2, "100", "500.00", "400.00", True)],
    )
    achievements_recompute(as_of=date(2026, 3, 1))
    contest = contest_create(
        name="Spring",
        period="2026-02",
        metric="sales_amount",
        created_by=org.rm1,
        region=org.r1,
        people=[org.rep1a1, org.rep1a2, org.rep1b1],
    )
    board = contest_leaderboard(contest=contest)
    # 500 > 300 > 0.
    assert [(r.rank, r.person_id, r.actual) for r in board] == [
        (1, org.rep1a2.pk, Decimal("500.00")),
        (2, org.rep1a1.pk, Decimal("300.00")),
        (3, org.rep1b1.pk, Decimal(0)),
    ]
    contest_finish(contest=contest, by=org.rm1)
    assert contest.status == ContestStatus.FINISHED
    assert [r.rank for r in contest.results.all()] == [1, 2, 3]


def test_outcomes_need_a_reason_and_an_amount_for_money(org):
    with pytest.raises(ApplicationError) as refused:
        outcome_create(
            person=org.rep1a1, kind=OutcomeKind.REWARD, reason="Top of the team", decided_by=org.tm1a, on=TODAY
        )
    assert "amount" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        outcome_create(person=org.rep1a1, kind=OutcomeKind.DISMISSAL_WARNING, reason=" ", decided_by=org.tm1a, on=TODAY)
    assert "reason" in refused.value.fields
    with pytest.raises(NotAllowed) as refused:
        outcome_create(
            person=org.rep1a1, kind=OutcomeKind.PENALTY, reason="x", amount=Decimal(100), decided_by=org.tm2a, on=TODAY
        )
    assert refused.value.message == "Only rep1a1's manager line appraises them."
    outcome = outcome_create(
        person=org.rep1a1,
        kind=OutcomeKind.REWARD,
        reason="Top of the team",
        amount=Decimal("2000.00"),
        decided_by=org.tm1a,
        on=TODAY,
    )
    assert outcome.team_id == org.t1a.pk


def test_refresh_task_rereads_draft_cards(org):
    from appraisal.tasks import refresh_appraisal_period

    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=TODAY)
    # rep1a1, rep1a2 and junior1a are drafts: all three are re-read.
    assert refresh_appraisal_period.delay(appraisal_id=appraisal.pk).get() == 3
