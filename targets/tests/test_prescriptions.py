"""Pace-gap prescriptions: the arithmetic (a pure function), the owner's own history read from the
records, the rep's home and the manager's dashboard, and the weekly notification.

The worked example (rep1a1, March 2026, the engine run as of 2026-03-15):
- target 10000.00, actual 3000.00, time progress 15/31 = 0.4839: expected by now 4839.00 > 3000.00,
  behind by 4839.00 - 3000.00 = 1839.00; remaining to the period end 10000.00 - 3000.00 = 7000.00.
- history, 182 days to 03-15 (from 2025-09-15): 4 orders for 2000.00 + 2500.00 + 2500.00 +
  3000.00 = 10000.00 (average order 2500.00); 20 visits, 8 of them to key customers (conversion
  4 / 20 = 20.0 %); 6 proposals.
- orders needed ceil(7000.00 / 2500.00) = ceil(2.8) = 3; visits ceil(3 x 20 / 4) = 15, to key
  customers ceil(15 x 8 / 20) = 6; proposals ceil(3 x 6 / 4) = ceil(4.5) = 5.
- days left 31 - 15 = 16, weeks ceil(16 / 7) = 3: per week visits ceil(15 / 3) = 5, key visits
  ceil(6 / 3) = 2, proposals ceil(5 / 3) = 2, orders ceil(3 / 3) = 1.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from notifications.models import Notification
from sales.models import Opportunity, OpportunityStageChange, PipelineStage
from targets.domain import (
    PRESCRIPTION_NO_HISTORY,
    PRESCRIPTION_PLAN,
    ActivityHistory,
    pace_gap_prescription,
    render_prescription,
)
from targets.models import TargetStatus
from targets.prescriptions import pace_gaps
from targets.services import achievements_recompute
from targets.services.prescriptions import pace_gap_notify
from targets.tests import factories as f

TODAY = date(2026, 3, 16)
HISTORY = ActivityHistory(visits=20, key_visits=8, proposals=6, orders=4, sales=Decimal("10000.00"))
WORKED = {
    "remaining": "7000.00",
    "behind": "1839.00",
    "average_order": "2500.00",
    "conversion": "20.0",
    "orders": 3,
    "weeks": 3,
    "visits": 15,
    "key_visits": 6,
    "proposals": 5,
    "visits_week": 5,
    "key_visits_week": 2,
    "proposals_week": 2,
    "orders_week": 1,
}


def test_the_prescription_arithmetic_equals_the_worked_figures():
    p = pace_gap_prescription(
        actual=Decimal("3000.00"),
        target=Decimal("10000.00"),
        time_progress=Decimal("0.4839"),
        days_left=16,
        history=HISTORY,
    )
    assert p.code == PRESCRIPTION_PLAN
    assert p.params == WORKED


def test_no_prescription_on_pace_and_no_plan_without_history():
    # On pace: 4839.00 >= 10000.00 x 0.4839.
    on_pace = {"target": Decimal("10000.00"), "time_progress": Decimal("0.4839"), "days_left": 16}
    assert pace_gap_prescription(actual=Decimal("4839.00"), history=HISTORY, **on_pace) is None
    empty = ActivityHistory(visits=3, key_visits=0, proposals=0, orders=0, sales=Decimal(0))
    p = pace_gap_prescription(actual=Decimal("0.00"), history=empty, **on_pace)
    # Behind by 4839.00, 10000.00 to go; nothing to learn from.
    assert (p.code, p.params) == (PRESCRIPTION_NO_HISTORY, {"remaining": "10000.00", "behind": "4839.00"})
    # The last week: days left 0 still counts as one week.
    last = pace_gap_prescription(
        actual=Decimal("3000.00"), target=Decimal("10000.00"), time_progress=Decimal(1), days_left=0, history=HISTORY
    )
    assert (last.params["weeks"], last.params["visits_week"]) == (1, 15)


def test_the_text_is_rendered_in_the_readers_language():
    p = pace_gap_prescription(
        actual=Decimal("3000.00"),
        target=Decimal("10000.00"),
        time_progress=Decimal("0.4839"),
        days_left=16,
        history=HISTORY,
    )
    english = render_prescription(p)
    assert "about 2 visits to key customers" in english and "2 proposals" in english and "7,000.00" in english
    with translation.override("zh-hans"):
        chinese = render_prescription(p)
    assert "重点客户" in chinese and "7,000.00" in chinese


@pytest.fixture
def history(org):
    o = org
    rep, team, region = o.rep1a1, o.t1a, o.r1
    key = f.customer(rep)
    key.classification = "key"
    key.save(update_fields=["classification"])
    general = f.customer(rep)
    # 4 orders in the window: 2000.00 + 2500.00 + 2500.00 + 3000.00 = 10000.00; one before it (not counted).
    for day, amount in [
        (date(2026, 1, 10), "2000.00"),
        (date(2026, 2, 3), "2500.00"),
        (date(2026, 2, 20), "2500.00"),
        (date(2026, 3, 5), "3000.00"),
        (date(2025, 9, 14), "9999.00"),
    ]:
        f.order(general, day, lines=[(amount, "1.00")], shares=[(rep, team, region, "100", amount, "0.00", True)])
    # 20 visits in the window, 8 to the key customer; one the day before the window (not counted).
    for i in range(20):
        f.visit(rep, date(2026, 1, 1 + i), cust=key if i < 8 else general)
    f.visit(rep, date(2025, 9, 14), cust=key)
    # 6 proposals: opportunities entering a quoted (best case) stage in the window; one entering an
    # early (pipeline) stage and one quoted before the window are not proposals.
    quoted = PipelineStage.objects.create(
        name="Quoted", order=50, probability=50, default_forecast_category="best_case"
    )
    early = PipelineStage.objects.create(name="Early", order=10, probability=10, default_forecast_category="pipeline")
    entered = [datetime(2026, 2, 1 + i, 10) for i in range(6)] + [datetime(2025, 9, 1, 10)]
    for i, when in enumerate(entered + [datetime(2026, 2, 20, 10)]):
        stage = early if i == len(entered) else quoted
        opportunity = Opportunity.objects.create(
            name=f"O{i}",
            customer=general,
            owner=rep,
            team=team,
            region=region,
            stage=stage,
            expected_amount=Decimal("1.00"),
            expected_close_date=date(2026, 6, 30),
            stage_entered_at=timezone.make_aware(when),
        )
        OpportunityStageChange.objects.create(
            opportunity=opportunity, stage=stage, entered_at=timezone.make_aware(when)
        )
    f.target(rep, period="2026-03", value="10000.00", status=TargetStatus.APPROVED)
    achievements_recompute(as_of=date(2026, 3, 15))
    return o


def test_a_prescription_from_the_reps_own_history_equals_the_worked_figures(history):
    gaps = pace_gaps(user=history.tm1a.user, today=TODAY)
    assert [g.achievement.person_id for g in gaps] == [history.rep1a1.pk]
    assert gaps[0].history == HISTORY
    assert gaps[0].prescription.params == WORKED


def test_the_rep_home_and_the_managers_dashboard_show_it(history):
    from dashboard import selectors

    data = selectors.rep_home(user=history.rep1a1.user, person=history.rep1a1, today=TODAY)
    assert [g.prescription.params for g in data["pace_gaps"]] == [WORKED]
    node = selectors.resolve_node(user=history.tm1a.user, level="team", pk=history.t1a.pk, params={})
    board = selectors.dashboard(
        user=history.tm1a.user,
        node=node,
        period=selectors.default_period("month", TODAY),
        metric="sales_amount",
        params={},
        today=TODAY,
    )
    assert [g.achievement.person_id for g in board["pace_gaps"]] == [history.rep1a1.pk]
    # Another team's manager sees none of it.
    node = selectors.resolve_node(user=history.tm1b.user, level="team", pk=history.t1b.pk, params={})
    board = selectors.dashboard(
        user=history.tm1b.user,
        node=node,
        period=selectors.default_period("month", TODAY),
        metric="sales_amount",
        params={},
        today=TODAY,
    )
    assert board["pace_gaps"] == []


def test_the_weekly_notification_reaches_the_rep_and_the_manager_once_in_their_language(history):
    history.rep1a1.language = "zh-hans"
    history.rep1a1.save(update_fields=["language"])
    # The rep and their manager (tm1a): two notifications.
    assert pace_gap_notify(today=TODAY) == 2
    assert pace_gap_notify(today=TODAY) == 0  # a rerun the same week sends nothing twice
    mine = Notification.objects.get(recipient=history.rep1a1)
    assert "重点客户" in mine.body
    manager = Notification.objects.get(recipient=history.tm1a)
    assert "about 2 visits to key customers" in manager.body and "rep1a1" in manager.title
