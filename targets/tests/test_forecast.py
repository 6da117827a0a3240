"""The sales forecast: categories, weighting, the overdue pipeline, managers' adjustments (with their
authority), the weekly snapshot, the page and the API.

The hand-built pipeline (today 2026-03-16, period 2026-03; the engine run as of 2026-03-15):

stages: Firm (80 %, default commit), Maybe (50 %, best case), Early (20 %, pipeline).
rep1a1 (T1a, R1): a confirmed order of 3000.00 on 2026-03-05; March target 10000.00 (approved).
  A  Firm   1000.00 closes 03-20                      commit     1000.00  weighted  800.00
  B  Maybe  2000.00 closes 03-31                      best case  2000.00  weighted 1000.00
  C  Early  5000.00 closes 03-25, set to commit       commit     5000.00  weighted 1000.00 (20 %)
  D  Early  4000.00 closes 04-10                      April: not in March
  E  Firm    700.00 closed 03-10 (passed, still open) overdue     700.00  weighted  560.00
  F  Maybe   900.00 closes 03-28, set to omitted      left out
  G  Early   300.00 closes 03-22                      pipeline    300.00  weighted   60.00
rep1a2 (T1a): H Firm 1500.00 closes 03-18              commit     1500.00  weighted 1200.00
rep2a1 (T2a, R2): I Firm 10000.00 closes 03-19        (another region)
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from customers.models import Customer
from sales.models import ForecastCategory, Opportunity, PipelineStage
from salesorg.periods import Period
from staff.authority import NotAllowed
from targets.forecast import forecast_rows, overdue_opportunities
from targets.models import ForecastAdjustment, ForecastSnapshot, OwnerKind, TargetStatus
from targets.services import achievements_recompute
from targets.services.forecast import forecast_adjust, forecast_snapshot_take
from targets.tests import factories as f

TODAY = date(2026, 3, 16)
MARCH = Period.parse("2026-03")


def stage(name: str, probability: int, category: str) -> PipelineStage:
    return PipelineStage.objects.create(
        name=name, order=100 + probability, probability=probability, default_forecast_category=category
    )


def opp(owner, customer, st, amount: str, close: date, category: str = "") -> Opportunity:
    return Opportunity.objects.create(
        name=f"{owner.name} {amount} {close}",
        customer=customer,
        owner=owner,
        team=owner.team,
        region=owner.region,
        stage=st,
        expected_amount=Decimal(amount),
        expected_close_date=close,
        stage_entered_at=timezone.make_aware(datetime(2026, 3, 1)),
        forecast_category=category,
    )


@pytest.fixture
def book(org):
    o = org
    firm = stage("Firm", 80, ForecastCategory.COMMIT)
    maybe = stage("Maybe", 50, ForecastCategory.BEST_CASE)
    early = stage("Early", 20, ForecastCategory.PIPELINE)
    c1, c2, c3 = f.customer(o.rep1a1), f.customer(o.rep1a2), f.customer(o.rep2a1)
    f.order(
        c1,
        date(2026, 3, 5),
        lines=[("3000.00", "1000.00")],
        shares=[(o.rep1a1, o.t1a, o.r1, "100", "3000.00", "2000.00", True)],
    )
    f.target(o.rep1a1, period="2026-03", value="10000.00", status=TargetStatus.APPROVED)
    o.opps = {
        "A": opp(o.rep1a1, c1, firm, "1000.00", date(2026, 3, 20)),
        "B": opp(o.rep1a1, c1, maybe, "2000.00", date(2026, 3, 31)),
        "C": opp(o.rep1a1, c1, early, "5000.00", date(2026, 3, 25), ForecastCategory.COMMIT),
        "D": opp(o.rep1a1, c1, early, "4000.00", date(2026, 4, 10)),
        "E": opp(o.rep1a1, c1, firm, "700.00", date(2026, 3, 10)),
        "F": opp(o.rep1a1, c1, maybe, "900.00", date(2026, 3, 28), ForecastCategory.OMITTED),
        "G": opp(o.rep1a1, c1, early, "300.00", date(2026, 3, 22)),
        "H": opp(o.rep1a2, c2, firm, "1500.00", date(2026, 3, 18)),
        "I": opp(o.rep2a1, c3, firm, "10000.00", date(2026, 3, 19)),
    }
    o.stages = {"firm": firm, "maybe": maybe, "early": early}
    achievements_recompute(as_of=date(2026, 3, 15))
    return o


def row_of(rows, key):
    return next(r for r in rows if r.owner_key == key)


def test_a_reps_forecast_by_category_weighted_and_unweighted(book):
    rows = forecast_rows(user=book.tm1a.user, level=OwnerKind.REP, period=MARCH, today=TODAY)
    # tm1a sees the reps of T1a only: rep1a1, rep1a2 and junior1a (rep2a1's I is another region's).
    assert {r.owner_key for r in rows} == {book.rep1a1.pk, book.rep1a2.pk, book.junior1a.pk}
    r = row_of(rows, book.rep1a1.pk)
    assert r.actual == Decimal("3000.00")
    assert r.target == Decimal("10000.00")
    # commit: A 1000.00 + C 5000.00 (set to commit) = 6000.00; weighted 800.00 + 1000.00 = 1800.00.
    assert (r.counts["commit"], r.amount("commit"), r.weighted_amount("commit")) == (
        2,
        Decimal("6000.00"),
        Decimal("1800.00"),
    )
    # best case: B 2000.00 x 50 % = 1000.00 (F, set to omitted, is left out).
    assert (r.amount("best_case"), r.weighted_amount("best_case")) == (Decimal("2000.00"), Decimal("1000.00"))
    # pipeline: G 300.00 x 20 % = 60.00 (D closes in April).
    assert (r.amount("pipeline"), r.weighted_amount("pipeline")) == (Decimal("300.00"), Decimal("60.00"))
    # forecast = 3000.00 + 1800.00 + 1000.00 + 60.00 = 5860.00; gap = 5860.00 - 10000.00 = -4140.00.
    assert r.forecast == Decimal("5860.00")
    assert r.gap == Decimal("-4140.00")
    # commit forecast 3000.00 + 6000.00 = 9000.00; best case 9000.00 + 2000.00 = 11000.00.
    assert (r.commit_forecast, r.best_case_forecast) == (Decimal("9000.00"), Decimal("11000.00"))
    # E is overdue: counted apart, not in March: 1 opportunity, 700.00, weighted 560.00.
    assert (r.overdue_count, r.overdue_amount, r.overdue_weighted) == (1, Decimal("700.00"), Decimal("560.00"))
    # Time progress as of 03-15: 15/31 = 0.4839; expected by now 10000.00 x 0.4839 = 4839.00 > 3000.00: behind.
    assert r.time_progress == Decimal("0.4839")
    assert r.expected_by_now == Decimal("4839.00")
    assert r.is_behind


def test_a_teams_forecast_sums_its_records_and_shows_an_adjustment_beside_it(book):
    forecast_adjust(
        user=book.tm1a.user, owner_kind="team", owner_id=book.t1a.pk, period="2026-03", amount="6500", note="C slips"
    )
    rows = forecast_rows(user=book.tm1a.user, level=OwnerKind.TEAM, period=MARCH, today=TODAY)
    assert [r.owner_key for r in rows] == [book.t1a.pk]
    t = rows[0]
    # actual 3000.00; commit 6000.00 + H 1500.00 = 7500.00, weighted 1800.00 + 1200.00 = 3000.00;
    # best case 2000.00 / 1000.00; pipeline 300.00 / 60.00; forecast 3000.00 + 4060.00 = 7060.00.
    assert t.amount("commit") == Decimal("7500.00")
    assert t.pipeline_weighted == Decimal("4060.00")
    assert t.forecast == Decimal("7060.00")
    # The adjustment is beside the computed figure, which does not change.
    assert t.adjustment.amount == Decimal("6500.00") and t.adjustment.note == "C slips"
    assert t.overdue_amount == Decimal("700.00")


def test_the_company_forecast_counts_every_region_and_the_overdue_list_names_e(book):
    rows = forecast_rows(user=book.director.user, level=OwnerKind.COMPANY, period=MARCH, today=TODAY)
    # commit: 6000.00 + 1500.00 + I 10000.00 = 17500.00; weighted 1800.00 + 1200.00 + 8000.00 = 11000.00.
    assert rows[0].amount("commit") == Decimal("17500.00")
    assert rows[0].weighted_amount("commit") == Decimal("11000.00")
    overdue = overdue_opportunities(user=book.director.user, today=TODAY)
    assert [o.pk for o in overdue] == [book.opps["E"].pk]


def test_the_forecast_costs_five_queries_at_any_size(book, django_assert_num_queries):
    with django_assert_num_queries(5):
        forecast_rows(user=None, level=OwnerKind.REP, period=MARCH, today=TODAY)
    for _n in range(20):
        rep = f.customer(book.rep1b1)
        opp(book.rep1b1, rep, book.stages["firm"], "10.00", date(2026, 3, 30))
    with django_assert_num_queries(5):
        rows = forecast_rows(user=None, level=OwnerKind.REP, period=MARCH, today=TODAY)
    # rep1b1 has no achievement row with pipeline: named by the fifth query; 20 x 10.00 = 200.00.
    assert row_of(rows, book.rep1b1.pk).amount("commit") == Decimal("200.00")


def test_a_snapshot_a_week_later_shows_how_the_forecast_moved(book):
    forecast_snapshot_take(today=TODAY)
    # The week after: B moves to commit (its owner now stands behind it) and G is lost.
    Opportunity.objects.filter(pk=book.opps["B"].pk).update(forecast_category=ForecastCategory.COMMIT)
    lost = PipelineStage.objects.create(name="Gone", order=999, is_lost=True, default_forecast_category="omitted")
    Opportunity.objects.filter(pk=book.opps["G"].pk).update(stage=lost)
    forecast_snapshot_take(today=date(2026, 3, 23))
    snaps = {
        s.taken_on: s
        for s in ForecastSnapshot.objects.filter(owner_kind="rep", owner_key=book.rep1a1.pk, period="2026-03")
    }
    first, second = snaps[TODAY], snaps[date(2026, 3, 23)]
    # Week 1: commit 6000.00, best case 2000.00, pipeline 300.00, forecast 5860.00, overdue 700.00.
    assert (first.commit, first.best_case, first.pipeline) == (
        Decimal("6000.00"),
        Decimal("2000.00"),
        Decimal("300.00"),
    )
    assert (first.forecast, first.overdue) == (Decimal("5860.00"), Decimal("700.00"))
    # Week 2 (today 03-23): A closes 03-20, now passed -> overdue with E: 700.00 + 1000.00 = 1700.00.
    # In March still: B 2000.00 (commit now, weighted 1000.00) + C 5000.00 (commit, 1000.00);
    # G lost. commit 7000.00; weighted 2000.00; forecast 3000.00 + 2000.00 = 5000.00.
    assert (second.commit, second.best_case, second.pipeline) == (Decimal("7000.00"), Decimal("0.00"), Decimal("0.00"))
    assert (second.forecast, second.overdue) == (Decimal("5000.00"), Decimal("1700.00"))
    # A rerun the same day replaces, it does not duplicate.
    forecast_snapshot_take(today=date(2026, 3, 23))
    assert ForecastSnapshot.objects.filter(owner_key=book.rep1a1.pk, owner_kind="rep", period="2026-03").count() == 2


# --- Who may adjust -------------------------------------------------------------------------------


def test_a_rep_may_not_adjust_their_own_forecast(book):
    with pytest.raises(NotAllowed):
        forecast_adjust(
            user=book.rep1a1.user, owner_kind="rep", owner_id=book.rep1a1.pk, period="2026-03", amount="1", note="x"
        )
    assert not ForecastAdjustment.objects.exists()


def test_another_teams_manager_gets_404(book):
    with pytest.raises(Http404):
        forecast_adjust(
            user=book.tm1b.user, owner_kind="team", owner_id=book.t1a.pk, period="2026-03", amount="1", note="x"
        )
    with pytest.raises(Http404):
        forecast_adjust(
            user=book.tm1b.user, owner_kind="rep", owner_id=book.rep1a1.pk, period="2026-03", amount="1", note="x"
        )
    assert not ForecastAdjustment.objects.exists()


def test_the_teams_manager_adjusts_and_a_second_figure_keeps_the_first_in_history(book):
    forecast_adjust(
        user=book.tm1a.user, owner_kind="rep", owner_id=book.rep1a1.pk, period="2026-03", amount="7000", note="a"
    )
    adj = forecast_adjust(
        user=book.rm1.user, owner_kind="rep", owner_id=book.rep1a1.pk, period="2026-03", amount="6000", note="b"
    )
    assert ForecastAdjustment.objects.count() == 1
    assert adj.amount == Decimal("6000.00") and adj.adjusted_by == book.rm1
    assert [h.amount for h in adj.history.order_by("history_date")] == [Decimal("7000.00"), Decimal("6000.00")]


# --- Page and API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_forecast_page_in_both_languages(client, book, language):
    book.tm1a.language = language
    book.tm1a.save(update_fields=["language"])
    client.force_login(book.tm1a.user)
    response = client.get(reverse("dashboard:forecast"), {"level": "rep", "kind": "month"})
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Overdue opportunities" in html) == (language == "en")
    assert ("逾期商机" in html) == (language == "zh-hans")


def test_the_page_saves_an_adjustment_and_refuses_a_rep(client, book):
    period = str(Period.month_of(timezone.localdate()))
    client.force_login(book.tm1a.user)
    url = reverse("dashboard:forecast")
    body = {"level": "team", "kind": "month", "period": period}
    response = client.post(url, {**body, "owner": book.t1a.pk, "amount": "100.00", "note": "why"})
    assert response.status_code == 302
    assert ForecastAdjustment.objects.get().amount == Decimal("100.00")
    # Another team's manager: T1a is not among the owners they see (a 400 on `owner`), nothing written.
    client.force_login(book.tm1b.user)
    response = client.post(url, {**body, "owner": book.t1a.pk, "amount": "1.00", "note": "x"})
    assert response.status_code == 400
    assert ForecastAdjustment.objects.get().amount == Decimal("100.00")
    # A rep sees no adjustment form, and a post is refused (the owner is not theirs to adjust).
    client.force_login(book.rep1a1.user)
    assert 'data-testid="adjust-form"' not in client.get(url, {"level": "rep"}).content.decode()
    response = client.post(url, {"level": "rep", "owner": book.rep1a1.pk, "amount": "1.00", "note": "mine"})
    assert response.status_code == 403
    assert ForecastAdjustment.objects.count() == 1


def _api(person) -> APIClient:
    api = APIClient()
    api.force_authenticate(person.user)
    return api


def test_the_api_adjustments_authority_and_the_forecast_list(book):
    body = {"owner_kind": "team", "owner_id": book.t1a.pk, "period": "2026-03", "amount": "6500.00", "note": "n"}
    assert _api(book.rep1a1).post("/api/v1/forecast-adjustments/", body, format="json").status_code == 403
    assert _api(book.tm1b).post("/api/v1/forecast-adjustments/", body, format="json").status_code == 404
    response = _api(book.tm1a).post("/api/v1/forecast-adjustments/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "6500.00"
    bad = _api(book.tm1a).post("/api/v1/forecast-adjustments/", {**body, "period": "March"}, format="json")
    assert bad.status_code == 400 and "period" in bad.json()
    listed = _api(book.tm1b).get("/api/v1/forecast-adjustments/").json()
    assert listed["count"] == 0  # another team's adjustment is out of tm1b's scope
    # The forecast list: the period 2026-03 is past (today is real), so the whole open pipeline that
    # closed in March is overdue; the actual and target come from the engine.
    data = _api(book.tm1a).get("/api/v1/forecast/", {"level": "team", "period": "2026-03"}).json()
    assert data["count"] == 1
    team = data["results"][0]
    assert (team["owner_key"], team["actual"], team["adjusted_forecast"]) == (book.t1a.pk, "3000.00", "6500.00")
    assert _api(book.tm1a).get("/api/v1/forecast/", {"period": "bad"}).status_code == 400


def test_the_api_forecast_counts_this_months_pipeline(book):
    today = timezone.localdate()
    c = Customer.objects.filter(owner=book.rep1b1).first() or f.customer(book.rep1b1)
    # One closing today (in this month) and one yesterday (overdue, whatever the month).
    opp(book.rep1b1, c, book.stages["firm"], "100.00", today)
    opp(book.rep1b1, c, book.stages["firm"], "50.00", date.fromordinal(today.toordinal() - 1))
    data = _api(book.tm1b).get("/api/v1/forecast/", {"level": "rep"}).json()
    rep = next(r for r in data["results"] if r["owner_key"] == book.rep1b1.pk)
    assert rep["commit"] == {"count": 1, "amount": "100.00", "weighted": "80.00"}
    # 100.00 x 80 % = 80.00 in the period; yesterday's 50.00 is overdue.
    assert rep["overdue_amount"] == "50.00"


def test_the_forecast_page_costs_the_same_queries_at_any_size(client, book):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staff.tests.factories import PersonFactory

    client.force_login(book.director.user)
    url = reverse("dashboard:forecast")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"level": "rep", "kind": "month", "period": "2026-03"}).status_code == 200
        return len(ctx)

    small = count()
    for i in range(25):
        rep = PersonFactory(position="rep", team=book.t1b, manager=book.tm1b, name=f"more{i:02d}")
        opp(rep, f.customer(rep), book.stages["firm"], "10.00", date(2026, 3, 30))
    assert count() == small
