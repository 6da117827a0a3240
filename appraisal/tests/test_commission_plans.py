"""Commission plans with dated versions: the statement built from the version in force, the
clawback of a cancelled order's paid commission in the next statement, and the estimator, all on
the same arithmetic (`appraisal.domain.commission_earned`), against numbers worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from appraisal import domain
from appraisal.models import CommissionStatement, CommissionStatementLine, LineKind, StatementStatus
from appraisal.services import (
    commission_estimate,
    commission_plan_create,
    commission_plan_version_create,
    commission_statement_build,
    commission_statement_issue,
)
from appraisal.tests import factories as f
from sales.models import Order
from salesorg.exceptions import ApplicationError, NotAllowed

D = Decimal
# The sample plan of the issue: excess only, 0-80 % at 1 %, 80-100 % at 2 %, above 100 % at 4 %.
SAMPLE_TIERS = [(D(0), D(80), D(1)), (D(80), D(100), D(2)), (D(100), None, D(4))]


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def test_commission_earned_excess_only_and_whole_amount_by_hand():
    # Excess only, 110,000 of a 100,000 target: 80,000 x 1 % + 20,000 x 2 % + 10,000 x 4 %
    # = 800 + 400 + 400 = 1,600.00.
    assert domain.commission_earned(D(110000), D(100000), SAMPLE_TIERS, "excess") == D("1600.00")
    # Whole amount, the same: 110 % reaches the 4 % tier, 110,000 x 4 % = 4,400.00; at 90 %
    # the 2 % tier: 90,000 x 2 % = 1,800.00.
    assert domain.commission_earned(D(110000), D(100000), SAMPLE_TIERS, "whole") == D("4400.00")
    assert domain.commission_earned(D(90000), D(100000), SAMPLE_TIERS, "whole") == D("1800.00")
    # Cap 1,000 and floor 500: 1,600 is capped to 1,000; 10,000 earns 100 and is lifted to 500.
    assert domain.commission_earned(D(110000), D(100000), SAMPLE_TIERS, "excess", D(1000), D(500)) == D("1000.00")
    assert domain.commission_earned(D(10000), D(100000), SAMPLE_TIERS, "excess", D(1000), D(500)) == D("500.00")
    # No target: nothing earned (the floor still applies).
    assert domain.commission_earned(D(10000), None, SAMPLE_TIERS, "excess") == D("0.00")
    # Lines in date order 30,000 / 60,000 / 20,000: 300; then 90,000 earns 800 + 200 = 1,000,
    # so 700; then 110,000 earns 1,600, so 600. They add up to 1,600.
    assert domain.commission_by_line([D(30000), D(60000), D(20000)], D(100000), SAMPLE_TIERS) == [
        D("300.00"),
        D("700.00"),
        D("600.00"),
    ]


@pytest.fixture
def world(org):
    """rep1a1 on a collected-amount plan (target 100,000 in March and April); March collects
    30,000 on order A, 60,000 on order B and 24,000 as rep1a1's 60 % of a 40,000 payment on order
    C (split with rep1a2)."""
    plan = commission_plan_create(
        name="Collected", metric="collection", position="rep", tiers=[(D(0), None, D(1))], by=f.ADMIN
    )
    commission_plan_version_create(
        plan=plan, effective_from=date(2026, 1, 1), mode="excess", tiers=SAMPLE_TIERS, by=f.ADMIN
    )
    for month in ("2026-03", "2026-04", "2026-05"):
        f.target(org.rep1a1, "collection", month, "100000.00")
    cust = f.customer(org.rep1a1)
    product = f.product("Main")
    rep = org.rep1a1

    def order(day, amount, shares=None):
        return f.order(cust, day, lines=[(product, amount, "0")], shares=shares or [(rep, "100", amount, amount, True)])

    a = order(date(2026, 3, 2), "30000.00")
    b = order(date(2026, 3, 3), "60000.00")
    c = order(
        date(2026, 3, 4),
        "40000.00",
        [(rep, "60", "24000.00", "24000.00", True), (org.rep1a2, "40", "16000.00", "16000.00", False)],
    )
    f.payment(a, date(2026, 3, 5), "30000.00")
    f.payment(b, date(2026, 3, 10), "60000.00")
    f.payment(c, date(2026, 3, 20), "40000.00")
    return plan, {"a": a, "b": b, "c": c, "order": order}


def test_statement_clawback_next_month_and_estimate_by_hand(org, world):
    plan, orders = world
    rep = org.rep1a1

    # March: collected 30,000 + 60,000 + 24,000 (60 % of 40,000) = 114,000 of 100,000.
    # Commission 80,000 x 1 % + 20,000 x 2 % + 14,000 x 4 % = 800 + 400 + 560 = 1,760.00.
    # Lines in date order: A 30,000 x 1 % = 300; B brings 90,000: 800 + 10,000 x 2 % = 1,000,
    # so 700; C brings 114,000: 1,760 - 1,000 = 760.
    march = commission_statement_build(plan=plan, person=rep, period="2026-03", by=org.tm1a)
    assert (march.actual, march.target, march.amount) == (D("114000.00"), D("100000.00"), D("1760.00"))
    assert march.achievement_rate == D("1.1400")
    lines = list(march.lines.order_by("date", "pk").values_list("kind", "order_id", "basis_amount", "amount"))
    assert lines == [
        (LineKind.COMMISSION, orders["a"].pk, D("30000.00"), D("300.00")),
        (LineKind.COMMISSION, orders["b"].pk, D("60000.00"), D("700.00")),
        (LineKind.COMMISSION, orders["c"].pk, D("24000.00"), D("760.00")),
    ]
    commission_statement_issue(statement=march, by=org.tm1a)

    # Order B is cancelled after its commission was paid; April collects 85,000 on order D.
    Order.objects.filter(pk=orders["b"].pk).update(status="cancelled", cancel_reason="Customer withdrew")
    d = orders["order"](date(2026, 4, 1), "85000.00")
    f.payment(d, date(2026, 4, 15), "85000.00")

    # April: 85,000 earns 80,000 x 1 % + 5,000 x 2 % = 800 + 100 = 900; B's 700 is clawed back:
    # 900 - 700 = 200.00.
    april = commission_statement_build(plan=plan, person=rep, period="2026-04", by=org.tm1a)
    assert april.actual == D("85000.00")
    assert april.amount == D("200.00")
    clawback = april.lines.get(kind=LineKind.CLAWBACK)
    assert (clawback.amount, clawback.order_id) == (D("-700.00"), orders["b"].pk)
    assert clawback.clawback_of == march.lines.get(order=orders["b"])
    assert orders["b"].number in clawback.reason and "Customer withdrew" in clawback.reason
    # Rebuilding the draft does not double the clawback.
    april = commission_statement_build(plan=plan, person=rep, period="2026-04", by=org.tm1a)
    assert april.lines.filter(kind=LineKind.CLAWBACK).count() == 1
    assert april.amount == D("200.00")

    # The estimator in April, after D: basis 85,000 earns 900; an order of 20,000 brings 105,000:
    # 800 + 400 + 5,000 x 4 % = 1,400, so it adds 500.00; the next tier (100 %) is 15,000 away.
    estimate = commission_estimate(plan=plan, person=rep, period="2026-04", amount="20000")
    assert (estimate.basis_so_far, estimate.earned_so_far, estimate.adds) == (D("85000.00"), D("900.00"), D("500.00"))
    assert (estimate.to_next_tier, estimate.next_tier_rate) == (D("15000.00"), D(4))
    answer = api(rep).get("/api/v1/commission-statements/estimate/", {"amount": "20000", "period": "2026-04"})
    assert answer.status_code == 200, answer.content
    assert (answer.json()["adds"], answer.json()["to_next_tier"]) == ("500.00", "15000.00")
    assert api(rep).get("/api/v1/commission-statements/estimate/", {"amount": "x"}).json()["amount"]

    # Once April is issued, May claws nothing back again.
    commission_statement_issue(statement=april, by=org.tm1a)
    may = commission_statement_build(plan=plan, person=rep, period="2026-05", by=org.tm1a)
    assert not may.lines.filter(kind=LineKind.CLAWBACK).exists()
    assert may.amount == D("0.00")


def test_the_version_in_force_on_the_period_applies(org, world):
    plan, _orders = world
    # From April on: whole amount at the tier reached, cap 2,000.
    commission_plan_version_create(
        plan=plan,
        effective_from=date(2026, 4, 1),
        mode="whole",
        tiers=SAMPLE_TIERS,
        cap=D(2000),
        by=f.ADMIN,
    )
    # March still builds on the January version: 1,760.00 (worked above).
    march = commission_statement_build(plan=plan, person=org.rep1a1, period="2026-03", by=org.tm1a)
    assert march.amount == D("1760.00")
    # The April version on March's numbers would give 114,000 x 4 % = 4,560, capped to 2,000:
    # the estimator of April with 114,000 to come shows it (nothing collected in April yet).
    estimate = commission_estimate(plan=plan, person=org.rep1a1, period="2026-04", amount="114000")
    assert estimate.adds == D("2000.00")
    with pytest.raises(ApplicationError) as refused:
        commission_plan_version_create(
            plan=plan, effective_from=date(2026, 4, 1), mode="excess", tiers=SAMPLE_TIERS, by=f.ADMIN
        )
    assert "effective_from" in refused.value.fields
    with pytest.raises(ApplicationError) as gap:
        commission_plan_version_create(
            plan=plan,
            effective_from=date(2026, 6, 1),
            mode="excess",
            tiers=[(D(0), D(80), D(1)), (D(90), None, D(2))],
            by=f.ADMIN,
        )
    assert "tiers" in gap.value.fields
    with pytest.raises(NotAllowed):
        commission_plan_version_create(
            plan=plan, effective_from=date(2026, 7, 1), mode="excess", tiers=SAMPLE_TIERS, by=org.rm1
        )


@pytest.mark.parametrize("who", ["rep1a1", "rep1a2", "tm1b", "tm2a", "rm2"])
def test_only_a_manager_of_the_reps_unit_builds_and_issues(org, world, who):
    plan, _orders = world
    with pytest.raises(NotAllowed):
        commission_statement_build(plan=plan, person=org.rep1a1, period="2026-03", by=getattr(org, who))
    assert not CommissionStatement.objects.exists()
    statement = commission_statement_build(plan=plan, person=org.rep1a1, period="2026-03", by=org.rm1)
    with pytest.raises(NotAllowed):
        commission_statement_issue(statement=statement, by=getattr(org, who))
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DRAFT


@pytest.mark.parametrize("who", ["tm1a", "rm1", "director"])
def test_the_team_manager_the_regional_manager_and_the_director_build_and_issue(org, world, who):
    plan, _orders = world
    statement = commission_statement_build(plan=plan, person=org.rep1a1, period="2026-03", by=getattr(org, who))
    commission_statement_issue(statement=statement, by=getattr(org, who))
    statement.refresh_from_db()
    assert (statement.status, statement.amount) == (StatementStatus.ISSUED, D("1760.00"))
    assert [h.history_change_reason for h in statement.history.order_by("history_date")] == ["built", "issued"]
    assert CommissionStatementLine.history.filter(statement_id=statement.pk).count() == 3
    # Issued: never rebuilt.
    with pytest.raises(ApplicationError):
        commission_statement_build(plan=plan, person=org.rep1a1, period="2026-03", by=getattr(org, who))


def test_build_through_the_api_answers_400_naming_the_field_and_404_for_a_hidden_rep(org, world):
    plan, _orders = world
    url = "/api/v1/commission-statements/build/"
    answer = api(org.tm1a).post(url, {"plan": plan.pk, "person": org.rep1a1.pk, "period": "2026-3x"}, format="json")
    assert answer.status_code == 400 and "period" in answer.json()
    # rep2a1 is outside tm1a's scope: the id answers like a missing one (400 on the field).
    hidden = api(org.tm1a).post(url, {"plan": plan.pk, "person": org.rep2a1.pk, "period": "2026-03"}, format="json")
    assert hidden.status_code == 400 and "person" in hidden.json()
    assert not CommissionStatement.objects.exists()
    built = api(org.tm1a).post(url, {"plan": plan.pk, "person": org.rep1a1.pk, "period": "2026-03"}, format="json")
    assert built.status_code == 200, built.content
    assert built.json()["amount"] == "1760.00" and len(built.json()["lines"]) == 3
