"""Every KPI of a hand-built team for February 2026, worked out by hand; then the approval freeze.

February 2026 starts on a Sunday and has 28 days: 20 weekdays. By the official calendar the
migration wrote (WORKING_CALENDAR=CN), Spring Festival is off on Mon 16 to Fri 20 and Mon 23, with
make-up workdays on Sat 14 and Sat 28: 20 - 6 + 2 = 16 working days. (New Year's Day, in January,
is outside the period.)

rep1a1 (team T1a):
- O1 Feb 10, C1 (manufacturing): Focus 1000.00 (cost 600) + Std 500.00 (cost 300) = 1500.00,
  margin 600.00, 100 % rep1a1.
- O2 Feb 20, C2 (healthcare): Std 1000.00 (cost 700), margin 300.00, split rep1a1 60 % (primary) /
  rep1a2 40 %: rep1a2 floor(1000 x 40) / 100 = 400.00, margin 120.00; rep1a1 takes the rest 600.00,
  margin 180.00.
- O3 Feb 25, C1 again: Focus 500.00 (cost 200), margin 300.00, 100 % rep1a1.
- a draft order of C3 (education) on Feb 15 counts for nothing.
- OP Jan 15, C4 (retail): 2000.00, 100 % rep1a1 (January: no sales in February).
Sales rep1a1 = 1500 + 600 + 500 = 2600.00, target 2000.00: rate 1.3000.
Margin rep1a1 = 600 + 180 + 300 = 1080.00, target 1000.00: rate 1.0800.
Sales rep1a2 = 400.00, target 4000.00: rate 0.1000; no margin target: empty.
Customers: rep1a1 C1, C2 = 2 in 2 industries; rep1a2 C2 = 1 in 1.
New customers: C1 (first order O1) and C2 (first order O2, primary rep1a1) = 2 for rep1a1; 0 for rep1a2.
Product mix (focus line "Focus"): rep1a1 (1000 + 500) / 2600 = 0.576923 -> 0.5769; rep1a2 0 / 400 = 0.
Collection:
- OP instalments 1000.00 due Jan 31 and 1000.00 due Feb 28; paid 600.00 on Jan 30 (before the
  period): owed = overdue balance at the start (1000 - 600 = 400) + due in February 1000 = 1400.00;
  paid 900.00 on Feb 10.
- O1 one instalment 1500.00 due Mar 12 (after the period): owed 0; paid 500.00 on Feb 26 (counts).
- O2 one instalment 1000.00 due Feb 27: owed 1000.00, split rep1a2 400.00 / rep1a1 600.00; paid
  250.00 on Feb 27: rep1a2 floor(250 x 40) / 100 = 100.00, rep1a1 150.00.
- OD Dec 2025, 300.00 due Dec 31, paid in full on Dec 20: owed max(0, 300 - 300) = 0.
rep1a1: (900 + 500 + 150) / (1400 + 600) = 1550 / 2000 = 0.7750. rep1a2: 100 / 400 = 0.2500.
Visits: rep1a1 (C1, Feb 3) twice, (C2, Feb 3), (C1, Sat Feb 14), a phone call to C2 on Feb 5
(not a visit), a visit on Jan 30 (outside): 3 distinct customer-days / 16 = 0.1875.
rep1a2: (C2, Feb 4), (C2, Feb 5) = 2 / 16 = 0.1250.
Satisfaction (customers owned by rep1a1): C1 4 (Feb 10), C2 5 (Feb 12); C4's January evaluation is
outside: (4 + 5) / 2 = 4.5000. rep1a2 owns none: empty.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from appraisal.models import AppraisalScheme, Scorecard, ScorecardStatus
from appraisal.services import (
    appraisal_period_open,
    appraisal_period_refresh,
    scorecard_approve,
    scorecard_review_update,
    scorecard_submit,
)
from appraisal.tests import factories as f
from sales.models import CreditShare, OrderLine
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.models import CalendarDay
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)


@pytest.fixture
def team(org):
    o = org
    # The official Spring Festival of the calendar the migration wrote (see the module docstring).
    assert CalendarDay.objects.filter(date__range=(date(2026, 2, 1), date(2026, 2, 28))).count() == 8
    focus, std = f.product("Focus"), f.product("Std")
    c1 = f.customer(o.rep1a1, industry="manufacturing")
    c2 = f.customer(o.rep1a1, industry="healthcare")
    c3 = f.customer(o.rep1a1, industry="education")
    c4 = f.customer(o.rep1a1, industry="retail")
    o1 = f.order(
        c1,
        date(2026, 2, 10),
        lines=[(focus, "1000.00", "600.00"), (std, "500.00", "300.00")],
        shares=[(o.rep1a1, "100", "1500.00", "600.00", True)],
    )
    o2 = f.order(
        c2,
        date(2026, 2, 20),
        lines=[(std, "1000.00", "700.00")],
        shares=[(o.rep1a1, "60", "600.00", "180.00", True), (o.rep1a2, "40", "400.00", "120.00", False)],
    )
    o3 = f.order(
        c1, date(2026, 2, 25), lines=[(focus, "500.00", "200.00")], shares=[(o.rep1a1, "100", "500.00", "300.00", True)]
    )
    f.order(
        c3,
        date(2026, 2, 15),
        status="draft",
        lines=[(focus, "9000.00", "1.00")],
        shares=[(o.rep1a1, "100", "9000.00", "8999.00", True)],
    )
    op = f.order(
        c4,
        date(2026, 1, 15),
        lines=[(std, "2000.00", "1000.00")],
        shares=[(o.rep1a1, "100", "2000.00", "1000.00", True)],
    )
    od = f.order(
        c4, date(2025, 12, 1), lines=[(std, "300.00", "100.00")], shares=[(o.rep1a1, "100", "300.00", "200.00", True)]
    )
    f.instalment(op, date(2026, 1, 31), "1000.00")
    f.instalment(op, date(2026, 2, 28), "1000.00")
    f.payment(op, date(2026, 1, 30), "600.00")
    f.payment(op, date(2026, 2, 10), "900.00")
    f.instalment(o1, date(2026, 3, 12), "1500.00")
    f.payment(o1, date(2026, 2, 26), "500.00")
    f.instalment(o2, date(2026, 2, 27), "1000.00")
    f.payment(o2, date(2026, 2, 27), "250.00")
    f.instalment(od, date(2025, 12, 31), "300.00")
    f.payment(od, date(2025, 12, 20), "300.00")
    f.visit(o.rep1a1, c1, date(2026, 2, 3))
    f.visit(o.rep1a1, c1, date(2026, 2, 3))
    f.visit(o.rep1a1, c2, date(2026, 2, 3))
    f.visit(o.rep1a1, c1, date(2026, 2, 14))
    f.visit(o.rep1a1, c2, date(2026, 2, 5), kind="call")
    f.visit(o.rep1a1, c1, date(2026, 1, 30))
    f.visit(o.rep1a2, c2, date(2026, 2, 4))
    f.visit(o.rep1a2, c2, date(2026, 2, 5))
    f.evaluation(c1, date(2026, 2, 10), 4, "2026-Q1")
    f.evaluation(c2, date(2026, 2, 12), 5, "2026-Q1")
    f.evaluation(c4, date(2026, 1, 5), 1, "2025-Q4")
    f.target(o.rep1a1, "sales_amount", "2026-02", "2000.00")
    f.target(o.rep1a1, "gross_margin", "2026-02", "1000.00")
    f.target(o.rep1a2, "sales_amount", "2026-02", "4000.00")
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    return {"o3": o3, "c2": c2, "std": std}


def values(card: Scorecard) -> dict[str, Decimal | None]:
    return {line.kpi.code: line.value for line in card.lines.select_related("kpi")}


def scores(card: Scorecard) -> dict[str, Decimal]:
    return {line.kpi.code: line.score for line in card.lines.select_related("kpi")}


def test_every_kpi_matches_the_hand_worked_values(org, team):
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=TODAY)
    cards = {c.person_id: c for c in Scorecard.objects.filter(appraisal_period=appraisal)}
    # Reps of T1a get a card (rep1a1, rep1a2, junior1a); the team manager has no scheme.
    assert set(cards) == {org.rep1a1.pk, org.rep1a2.pk, org.junior1a.pk}
    assert values(cards[org.rep1a1.pk]) == {
        "target_achievement_rate": Decimal("1.3000"),
        "gross_margin_rate": Decimal("1.0800"),
        "collection_rate": Decimal("0.7750"),
        "average_daily_visits": Decimal("0.1875"),
        "customer_count": Decimal("2"),
        "customer_breadth": Decimal("2"),
        "product_mix": Decimal("0.5769"),
        "customer_satisfaction": Decimal("4.5000"),
        "new_customers": Decimal("2"),
    }
    assert values(cards[org.rep1a2.pk]) == {
        "target_achievement_rate": Decimal("0.1000"),
        "gross_margin_rate": None,
        "collection_rate": Decimal("0.2500"),
        "average_daily_visits": Decimal("0.1250"),
        "customer_count": Decimal("1"),
        "customer_breadth": Decimal("1"),
        "product_mix": Decimal("0.0000"),
        "customer_satisfaction": None,
        "new_customers": Decimal("0"),
    }
    # Scores of rep1a1: sales 130 % capped at 120 %: 30 x 1.2 = 36.00; margin 15 x 1.08 = 16.20;
    # collection 0.775 / 0.9 = 86.1 % -> band 80-100 % scores 80 %: 15 x 0.8 = 12.00; visits
    # 0.1875 / 0.5 = 37.5 %: 10 x 0.375 = 3.75; customers 2 >= 2 and breadth 2 >= 2 pass: 5 + 5;
    # mix 0.5769 / 0.5 = 115.38 %: 10 x 1.1538 = 11.54; satisfaction 4.5 / 4 = 112.5 %: 5.625 -> 5.63;
    # new customers 2 / 2: 5.00. Total 36 + 16.20 + 12 + 3.75 + 10 + 11.54 + 5.63 + 5 = 100.12: grade A.
    assert scores(cards[org.rep1a1.pk]) == {
        "target_achievement_rate": Decimal("36.00"),
        "gross_margin_rate": Decimal("16.20"),
        "collection_rate": Decimal("12.00"),
        "average_daily_visits": Decimal("3.75"),
        "customer_count": Decimal("5.00"),
        "customer_breadth": Decimal("5.00"),
        "product_mix": Decimal("11.54"),
        "customer_satisfaction": Decimal("5.63"),
        "new_customers": Decimal("5.00"),
    }
    rep1a1 = cards[org.rep1a1.pk]
    assert (rep1a1.total_score, rep1a1.grade) == (Decimal("100.12"), "A")
    # rep1a2 has no gross margin rate (no margin target) and no satisfaction (owns no evaluated
    # customer): both are left out (weights 15 + 5 = 20) and the other 80 are scaled to 100:
    # sales 30 x 100 / 80 = 37.50, collection 15 -> 18.75, visits 10 -> 12.50, count, breadth and
    # new customers 5 -> 6.25 each, mix 10 -> 12.50 (sum 100.00, exact).
    # Sales 10 %: 37.50 x 0.1 = 3.75; visits 0.125 / 0.5 = 25 %: 12.50 x 0.25 = 3.125 -> 3.13;
    # collection 0.25 / 0.9 = 27.8 % is in the 0-50 % band (0); one customer in one industry fails
    # both pass/fail lines; no focus sales; no new customer: 3.75 + 3.13 = 6.88, grade E.
    # (Before, the two missing KPIs scored 0 on their unscaled weights: 3.00 + 2.50 = 5.50.)
    rep1a2 = cards[org.rep1a2.pk]
    assert (rep1a2.total_score, rep1a2.grade) == (Decimal("6.88"), "E")
    left_out = {line.kpi.code: line.effective_weight for line in rep1a2.lines.select_related("kpi") if line.left_out}
    assert left_out == {"gross_margin_rate": Decimal("0.00"), "customer_satisfaction": Decimal("0.00")}
    # junior1a has nothing: 0.00; ranks in the team 1, 2, 3.
    assert [cards[p].rank_team for p in (org.rep1a1.pk, org.rep1a2.pk, org.junior1a.pk)] == [1, 2, 3]


def test_an_approved_scorecard_keeps_its_numbers_after_orders_change_and_the_engine_reruns(org, team):
    # Given an opened period; rep1a1's card reviewed, submitted by the team manager, approved by
    # the regional manager (the next level up).
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=TODAY)
    card = Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1)
    scorecard_review_update(
        scorecard=card,
        by=org.tm1a,
        data={"manager_comment": "Strong month.", "root_cause": "Collection of OP is late."},
    )
    scorecard_submit(scorecard=card, by=org.tm1a)
    with pytest.raises(NotAllowed) as refused:
        scorecard_approve(scorecard=card, by=org.tm1a)
    assert refused.value.message == "Approval is by a second person: you scored this scorecard."
    scorecard_approve(scorecard=card, by=org.rm1)
    before = values(card)

    # When O3 grows from 500.00 to 5500.00 and a new 1000.00 order is credited to rep1a2, and the engine reruns.
    OrderLine.objects.filter(order=team["o3"]).update(amount=Decimal("5500.00"))
    CreditShare.objects.filter(order=team["o3"]).update(amount=Decimal("5500.00"))
    f.order(
        team["c2"],
        date(2026, 2, 26),
        lines=[(team["std"], "1000.00", "500.00")],
        shares=[(org.rep1a2, "100", "1000.00", "500.00", True)],
    )
    achievements_recompute(as_of=date(2026, 3, 1))
    assert appraisal_period_refresh(appraisal=appraisal, by=org.tm1a) == 2  # rep1a2's and junior1a's drafts

    # Then the approved card is unchanged, and rep1a2's draft shows (400 + 1000) / 4000 = 0.3500.
    card.refresh_from_db()
    assert card.status == ScorecardStatus.APPROVED
    assert values(card) == before
    assert card.total_score == Decimal("100.12")
    draft = Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a2)
    assert values(draft)["target_achievement_rate"] == Decimal("0.3500")
    # The change history of the approved card records the approval.
    assert card.history.filter(status=ScorecardStatus.APPROVED).exists()


def test_approval_suggests_training_for_kpis_below_target(org, team):
    from training.models import TrainingSuggestion

    appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=TODAY)
    card = Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1)
    scorecard_review_update(scorecard=card, by=org.tm1a, data={"manager_comment": "ok", "root_cause": "late"})
    scorecard_submit(scorecard=card, by=org.tm1a)
    scorecard_approve(scorecard=card, by=org.rm1)
    # rep1a1 is below target on collection (0.7750 < 0.9) and visits (0.1875 < 0.5) only.
    codes = set(
        TrainingSuggestion.objects.filter(person=org.rep1a1, period="2026-02").values_list("kpi_code", flat=True)
    )
    assert {"collection_rate", "average_daily_visits"} <= codes
    assert "target_achievement_rate" not in codes


def test_a_period_not_yet_ended_is_refused_and_nothing_is_saved(org, team):
    with pytest.raises(ApplicationError) as refused:
        appraisal_period_open(period="2026-03", opened_by=org.tm1a, team=org.t1a, today=TODAY)
    assert "period" in refused.value.fields
    assert "2026-03-31" in refused.value.message
    assert not Scorecard.objects.exists()
    assert AppraisalScheme.objects.count() == 1


def test_a_team_manager_is_measured_on_the_team_row_of_the_engine(org, team):
    from appraisal.services import LineInput, scheme_create
    from targets.models import OwnerKind, Target

    scheme_create(
        name="Team managers",
        position="team_manager",
        valid_from=date(2025, 1, 1),
        lines=[LineInput("target_achievement_rate", Decimal(100), Decimal(1))],
        by=f.ADMIN,
    )
    Target.objects.create(
        owner_kind=OwnerKind.TEAM,
        team=org.t1a,
        region=org.r1,
        metric="sales_amount",
        period="2026-02",
        period_kind="month",
        value=Decimal("6000.00"),
        # Only an approved target sets a rate.
        status="approved",
    )
    achievements_recompute(as_of=date(2026, 3, 1))
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.rm1, team=org.t1a, today=TODAY)
    card = Scorecard.objects.get(appraisal_period=appraisal, person=org.tm1a)
    # T1a's February sales: O1 1500 + O2 (600 + 400, both shares in T1a) + O3 500 = 3000.00 of 6000.00 = 0.5000;
    # linear: 100 x 0.5 = 50.00.
    assert values(card) == {"target_achievement_rate": Decimal("0.5000")}
    assert card.total_score == Decimal("50.00")


def test_product_mix_counts_the_credit_share_splits_line_by_line(org):
    from appraisal.services.kpis import focus_sales
    from sales.selectors import credited_line_sales
    from sales.tests.factories import make_split_order
    from salesorg.periods import Period

    # Two "Focus" lines, 100.01 and 50.00, credited 33.33 % to rep1a1 and 66.67 % to rep1a2 (the
    # largest). Line by line: rep1a1 floor(33.333333) + floor(16.665) = 33.33 + 16.66 = 49.99;
    # rep1a2 takes the rest of each line: 66.68 + 33.34 = 100.02 (49.99 + 100.02 = 150.01).
    # Percent x amount summed would have given 50.00 and 100.01.
    make_split_order(org, product_lines=("Focus", "Focus"), on=date(2026, 2, 10))
    february = Period.parse("2026-02")
    people = [org.rep1a1.pk, org.rep1a2.pk]
    focus = focus_sales(person_ids=people, period=february, focus_lines=["Focus"])
    assert focus == {org.rep1a1.pk: Decimal("49.99"), org.rep1a2.pk: Decimal("100.02")}
    # The same figures as sales' credited line sales (the dashboard's product-mix chart reads them too).
    credited = credited_line_sales(
        shares=CreditShare.objects.filter(rep_id__in=people), start=february.start, end=february.end
    )
    assert focus == {rep: amount for (rep, _line), amount in credited.items()}
