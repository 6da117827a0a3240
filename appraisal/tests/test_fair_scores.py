"""Fair scores: a KPI with no value is left out and its weight shared out; a required one scores 0
and blocks the approval until it has a value; managers are ranked apart from the reps they lead.

The world, February 2026 (20 weekdays, no holidays in the calendar), team T1a:
- rep1a1: sales target 1000.00, one confirmed order of C1 on Feb 10 for 800.00 (100 % rep1a1):
  target achievement 800 / 1000 = 0.8000; one customer (customer count 1); C1 visited on 5
  different days (Mon 2 to Fri 6): 5 distinct (customer, day) / 20 working days = 0.2500 visits a day; no customer
  evaluation in the period: customer satisfaction has no value.
- rep1a2 and junior1a: nothing (no target: no rate; no visit: 0.0000; no customer: 0).
- tm1a: visits on Mon 9 and Tue 10: 2 / 20 = 0.1000 visits a day.

The rep scheme: target achievement 40 (target 1.0, linear, cap 120 %), customer satisfaction 25
(target 4), average daily visits 20 (target 0.5), customer count 15 (target 1, pass / fail).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from appraisal.models import Scorecard, ScorecardStatus, ScoringRule
from appraisal.services import (
    LineInput,
    appraisal_period_open,
    appraisal_period_refresh,
    scheme_create,
    scorecard_approve,
    scorecard_return,
    scorecard_review_update,
    scorecard_submit,
)
from appraisal.tests import factories as f
from salesorg.exceptions import ApplicationError
from staff.models import CalendarDay
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)
FEB_END = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _plain_week(db):
    """These tests are about scoring, worked on February 2026 as a plain Monday-Friday month (20
    working days): the official calendar the migration fills (Spring Festival: 16) is cleared here;
    test_kpis.py works the same month on the official calendar."""
    CalendarDay.objects.all().delete()


def rep_lines(*, satisfaction_required: bool = False) -> list[LineInput]:
    return [
        LineInput("target_achievement_rate", Decimal(40), Decimal("1.0"), ScoringRule.LINEAR_CAP, Decimal(120)),
        LineInput("customer_satisfaction", Decimal(25), Decimal(4), required=satisfaction_required),
        LineInput("average_daily_visits", Decimal(20), Decimal("0.5")),
        LineInput("customer_count", Decimal(15), Decimal(1), ScoringRule.PASS_FAIL),
    ]


@pytest.fixture
def february(org):
    c1 = f.customer(org.rep1a1, industry="manufacturing")
    f.order(
        c1,
        date(2026, 2, 10),
        lines=[(f.product("Std"), "800.00", "500.00")],
        shares=[(org.rep1a1, "100", "800.00", "300.00", True)],
    )
    f.target(org.rep1a1, "sales_amount", "2026-02", "1000.00")
    for day in (2, 3, 4, 5, 6):
        f.visit(org.rep1a1, c1, date(2026, 2, day))
    for day in (9, 10):
        f.visit(org.tm1a, c1, date(2026, 2, day))
    return {"c1": c1}


def open_t1a(org, *, satisfaction_required: bool = False):
    scheme_create(
        name="Reps",
        position="rep",
        valid_from=date(2025, 1, 1),
        lines=rep_lines(satisfaction_required=satisfaction_required),
        by=f.ADMIN,
    )
    achievements_recompute(as_of=FEB_END)
    return appraisal_period_open(period="2026-02", opened_by=org.rm1, team=org.t1a, today=TODAY)


def lines_of(card: Scorecard) -> dict[str, tuple]:
    """{kpi: (value, effective weight, left out, score)}."""
    return {
        line.kpi.code: (line.value, line.effective_weight, line.left_out, line.score)
        for line in card.lines.select_related("kpi")
    }


def submitted(card: Scorecard, org) -> Scorecard:
    scorecard_review_update(scorecard=card, by=org.tm1a, data={"manager_comment": "ok", "root_cause": "late"})
    return scorecard_submit(scorecard=card, by=org.tm1a)


def test_a_kpi_with_no_value_is_left_out_and_its_weight_shared_out(org, february):
    appraisal = open_t1a(org)
    card = Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1)
    # Satisfaction (25) has no value: the other 40 + 20 + 15 = 75 are scaled to 100.
    # 40 x 100 / 75 = 53.3333 -> 53.33 (remainder 0.0033); 20 x 100 / 75 = 26.6666 -> 26.66
    # (remainder 0.0066); 15 x 100 / 75 = 20.00 exactly. 53.33 + 26.66 + 20.00 = 99.99: the missing
    # cent goes to the largest remainder, visits: 26.67. Effective weights 53.33 + 26.67 + 20 = 100.
    # Scores: sales 0.8 / 1.0 = 80 %: 53.33 x 0.8 = 42.664 -> 42.66; visits 0.25 / 0.5 = 50 %:
    # 26.67 x 0.5 = 13.335 -> 13.34 (half up); one customer of a target of 1 passes: 20.00.
    # Total 42.66 + 13.34 + 20.00 = 76.00, grade C (70 to 80).
    assert lines_of(card) == {
        "target_achievement_rate": (Decimal("0.8000"), Decimal("53.33"), False, Decimal("42.66")),
        "customer_satisfaction": (None, Decimal("0.00"), True, Decimal("0.00")),
        "average_daily_visits": (Decimal("0.2500"), Decimal("26.67"), False, Decimal("13.34")),
        "customer_count": (Decimal("1.0000"), Decimal("20.00"), False, Decimal("20.00")),
    }
    assert (card.total_score, card.grade) == (Decimal("76.00"), "C")
    # Under the old rule the empty KPI scored 0 on its weight: 32.00 + 0 + 10.00 + 15.00 = 57.00.

    # A left-out KPI is not a shortfall: submitting needs no root cause for it (sales and visits are short).
    assert {line.kpi.code for line in card.lines.select_related("kpi") if line.below_target} == {
        "target_achievement_rate",
        "average_daily_visits",
    }


def test_an_evaluation_recorded_later_brings_the_kpi_back_on_refresh(org, february):
    appraisal = open_t1a(org)
    f.evaluation(february["c1"], date(2026, 2, 20), 3, "2026-Q1")
    assert appraisal_period_refresh(appraisal=appraisal, by=org.tm1a) == 3
    card = Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1)
    # Nothing is left out now: the scheme's weights. Sales 40 x 0.8 = 32.00; satisfaction 3 / 4 =
    # 75 %: 25 x 0.75 = 18.75; visits 20 x 0.5 = 10.00; customers 15.00. Total 75.75.
    assert lines_of(card)["customer_satisfaction"] == (Decimal("3.0000"), Decimal("25.00"), False, Decimal("18.75"))
    assert card.total_score == Decimal("75.75")


def test_a_required_kpi_without_a_value_scores_0_and_blocks_the_approval_until_it_has_one(org, february):
    appraisal = open_t1a(org, satisfaction_required=True)
    card = Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1)
    # Required: kept at its weight and scored 0; the others keep theirs too. Sales 40 x 0.8 = 32.00;
    # satisfaction 0.00; visits 20 x 0.5 = 10.00; customers 15.00. Total 57.00.
    assert lines_of(card)["customer_satisfaction"] == (None, Decimal("25.00"), False, Decimal("0.00"))
    assert card.total_score == Decimal("57.00")

    submitted(card, org)
    with pytest.raises(ApplicationError) as refused:
        scorecard_approve(scorecard=card, by=org.rm1)
    assert refused.value.fields == {
        "customer_satisfaction": [
            "Customer satisfaction has no value for 2026-02 and the scheme requires it; it is computed from "
            "customer evaluations dated in the period."
        ]
    }
    assert refused.value.message.startswith("This scorecard cannot be approved: Customer satisfaction has no value")
    card.refresh_from_db()
    assert card.status == ScorecardStatus.SUBMITTED

    # When the evaluation is recorded, the card sent back, refreshed and submitted again, it is approved.
    f.evaluation(february["c1"], date(2026, 2, 20), 5, "2026-Q1")
    scorecard_return(scorecard=card, by=org.rm1, reason="Satisfaction is missing.")
    appraisal_period_refresh(appraisal=appraisal, by=org.tm1a)
    card.refresh_from_db()
    # Satisfaction 5 / 4 = 125 %, capped at 120 %: 25 x 1.2 = 30.00. Total 32 + 30 + 10 + 15 = 87.00.
    assert card.total_score == Decimal("87.00")
    scorecard_submit(scorecard=card, by=org.tm1a)
    scorecard_approve(scorecard=card, by=org.rm1)
    assert card.status == ScorecardStatus.APPROVED


def test_the_api_refuses_the_approval_with_a_400_naming_the_missing_kpi(org, february):
    appraisal = open_t1a(org, satisfaction_required=True)
    card = submitted(Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1), org)
    client = APIClient()
    client.force_authenticate(org.rm1.user)
    answer = client.post(f"/api/v1/scorecards/{card.pk}/approve/")
    assert answer.status_code == 400
    assert "customer_satisfaction" in answer.json()
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.SUBMITTED
    # The card's lines say which KPI is required and which weights were shared out.
    line = next(row for row in client.get(f"/api/v1/scorecards/{card.pk}/").json()["lines"] if row["required"])
    assert (line["kpi"], line["value"], line["left_out"], line["effective_weight"]) == (
        "customer_satisfaction",
        None,
        False,
        "25.00",
    )


def test_the_page_shows_the_refusal_and_the_missing_required_kpi(client, org, february):
    appraisal = open_t1a(org, satisfaction_required=True)
    card = submitted(Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1), org)
    client.force_login(org.rm1.user)
    page = client.post(f"/appraisal/scorecards/{card.pk}/approve/", follow=True)
    html = page.content.decode()
    assert "This scorecard cannot be approved: Customer satisfaction has no value for 2026-02" in html
    assert "required: no value, scores 0 and blocks the approval" in html


def test_the_scheme_api_takes_and_answers_the_required_flag(org):
    client = APIClient()
    client.force_authenticate(org.director.user)
    lines = [
        {"kpi": "target_achievement_rate", "weight": "60", "target": "1", "required": True},
        {"kpi": "customer_satisfaction", "weight": "40", "target": "4"},
    ]
    answer = client.post(
        "/api/v1/appraisal-schemes/",
        {"name": "Reps", "position": "rep", "valid_from": "2026-01-01", "lines": lines},
        format="json",
    )
    assert answer.status_code == 201
    assert [(line["kpi"], line["required"]) for line in answer.json()["lines"]] == [
        ("target_achievement_rate", True),
        ("customer_satisfaction", False),
    ]
    lines[1]["required"] = "maybe"
    refused = client.post(
        "/api/v1/appraisal-schemes/",
        {"name": "Reps", "position": "rep", "valid_from": "2026-01-01", "lines": lines},
        format="json",
    )
    assert refused.status_code == 400
    assert "lines[1].required" in refused.json()


def test_a_team_manager_is_ranked_apart_from_the_reps_of_the_team(client, org, february):
    scheme_create(
        name="Team managers",
        position="team_manager",
        valid_from=date(2025, 1, 1),
        lines=[LineInput("average_daily_visits", Decimal(100), Decimal("0.1"))],
        by=f.ADMIN,
    )
    appraisal = open_t1a(org)
    cards = {c.person_id: c for c in Scorecard.objects.filter(appraisal_period=appraisal)}
    # tm1a: 0.1 / 0.1 = 100 %: 100.00, above every rep; rep1a1 76.00 (worked out above); rep1a2 and
    # junior1a 0.00 (nothing measured but visits 0 and customers 0, which score nothing).
    tm, rep = cards[org.tm1a.pk], cards[org.rep1a1.pk]
    assert (tm.total_score, rep.total_score) == (Decimal("100.00"), Decimal("76.00"))
    # Ranked among their own position: the manager first of the team's managers, rep1a1 first of its
    # reps (mixed, rep1a1 would be second behind the manager).
    assert (tm.rank_team, tm.rank_region, tm.rank_company) == (1, 1, 1)
    assert (rep.rank_team, rep.rank_region, rep.rank_company) == (1, 1, 1)
    assert [cards[p].rank_team for p in (org.rep1a2.pk, org.junior1a.pk)] == [2, 2]

    # The ranking page shows the reps and the team managers as separate tables.
    client.force_login(org.rm1.user)
    groups = client.get(f"/appraisal/periods/{appraisal.pk}/ranking/?level=team").context["groups"]
    assert [(label, [(c.person.name, c.rank_team) for c in cards]) for label, cards in groups] == [
        ("Sales rep", [("rep1a1", 1), ("junior1a", 2), ("rep1a2", 2)]),
        ("Team manager", [("tm1a", 1)]),
    ]


def test_weights_are_shared_out_to_exactly_100():
    from appraisal.domain import share_out_weights

    # 40 / 30 / 30, the third left out: 40 x 100 / 70 = 57.1428 -> 57.14; 30 x 100 / 70 = 42.8571 ->
    # 42.85; 99.99, the cent to the larger remainder (0.0071 against 0.0028): 42.86.
    assert share_out_weights([Decimal(40), Decimal(30), Decimal(30)], [True, True, False]) == [
        Decimal("57.14"),
        Decimal("42.86"),
        Decimal("0"),
    ]
    # Three equal thirds of 100 (one of four 25s left out): 33.33 each, remainders equal: the
    # earliest takes the cent: 33.34 + 33.33 + 33.33 = 100.
    assert share_out_weights([Decimal(25)] * 4, [False, True, True, True]) == [
        Decimal("0"),
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    # Nothing left out: the scheme's weights as they are; nothing measured: all 0.
    assert share_out_weights([Decimal(60), Decimal(40)], [True, True]) == [Decimal(60), Decimal(40)]
    assert share_out_weights([Decimal(60), Decimal(40)], [False, False]) == [Decimal(0), Decimal(0)]
