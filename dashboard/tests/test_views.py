"""The dashboard pages: scope, drill-down, totals, forecast, query counts, exports, rep home."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from customers.services.follow_up import follow_up_discipline_run
from customers.tests.factories import CustomerFactory, IdleCustomerRuleFactory
from dashboard.tests.factories import AS_OF, march_book, sale
from sales.models import Opportunity, PipelineStage
from staff.tests.factories import PersonFactory
from targets.services import achievements_recompute
from targets.tests import factories as tf

MARCH = "kind=month&period=2026-03&metric=sales_amount"


@pytest.fixture
def book(org):
    march_book(org)
    return org


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_regional_manager_sees_only_their_region_and_totals_add_up(client, book):
    o = book
    response = get(client, o.rm1.user, f"/dashboard/?{MARCH}")
    assert response.status_code == 200
    ctx = response.context
    assert ctx["node"].level == "region" and ctx["node"].pk == o.r1.pk
    # R1's teams only: T1a 800.00 and T1b 900.00; their sum 1700.00 is the region's actual.
    actuals = {r.label: r.achievement.actual for r in ctx["table"]}
    assert actuals == {"Shanghai 1": Decimal("800.00"), "Hangzhou 1": Decimal("900.00")}
    assert ctx["headline"].achievement.actual == Decimal("1700.00") == sum(actuals.values())
    assert ctx["table_totals"]["actual"] == Decimal("1700.00")
    # Nothing of region South (R2) appears.
    assert "Guangzhou 1" not in response.content.decode()
    assert "rep2a1" not in response.content.decode()
    # No way up to the company or across to R2: 404.
    assert get(client, o.rm1.user, f"/dashboard/?level=company&{MARCH}").status_code == 404
    assert get(client, o.rm1.user, f"/dashboard/?level=region&id={o.r2.pk}&{MARCH}").status_code == 404
    assert get(client, o.rm1.user, f"/dashboard/?level=team&id={o.t2a.pk}&{MARCH}").status_code == 404


def test_drill_down_from_region_to_team_ends_at_a_rep(client, book):
    o = book
    # One click from the region: the team link carries the period and metric along.
    region_page = get(client, o.rm1.user, f"/dashboard/?{MARCH}")
    team_row = next(r for r in region_page.context["table"] if r.pk == o.t1a.pk)
    team_page = client.get(team_row.url)
    assert team_page.status_code == 200
    reps = {r.label: r.achievement for r in team_page.context["table"]}
    # T1a's reps: rep1a1 600.00 (0.6000, on pace), rep1a2 200.00 (0.2000 < 0.4839: behind).
    assert reps["rep1a1"].actual == Decimal("600.00") and not reps["rep1a1"].is_behind
    assert reps["rep1a2"].rate == Decimal("0.2000") and reps["rep1a2"].is_behind
    assert [r.label for r in team_page.context["behind"]] == ["rep1a2"]
    # Breadcrumbs lead back to the region (the company is above a regional manager: no crumb).
    assert [label for label, _url in team_page.context["node"].crumbs] == ["East", "Shanghai 1"]
    rep_row = next(r for r in team_page.context["table"] if r.label == "rep1a1")
    rep_page = client.get(rep_row.url)
    assert rep_page.status_code == 200
    assert rep_page.context["node"].level == "rep"
    assert rep_page.context["headline"].achievement.actual == Decimal("600.00")
    assert rep_page.context["node"].child_level is None
    assert [label for label, _url in rep_page.context["node"].crumbs] == ["East", "Shanghai 1", "rep1a1"]


def test_director_starts_at_the_company(client, book):
    o = book
    response = get(client, o.director.user, f"/dashboard/?{MARCH}")
    ctx = response.context
    assert ctx["node"].level == "company"
    # East 1700.00 + South 300.00 = the company's 2000.00 of 4000.00: 0.5000 against 0.4839.
    assert {r.label: r.achievement.actual for r in ctx["table"]} == {
        "East": Decimal("1700.00"),
        "South": Decimal("300.00"),
    }
    assert ctx["headline"].achievement.rate == Decimal("0.5000")
    assert [r.label for r in ctx["behind"]] == ["South"]
    assert 'data-behind="1"' in response.content.decode()


def test_team_manager_cannot_leave_their_team(client, book):
    o = book
    response = get(client, o.tm1a.user, f"/dashboard/?{MARCH}")
    assert response.context["node"].level == "team" and response.context["node"].pk == o.t1a.pk
    assert get(client, o.tm1a.user, f"/dashboard/?level=region&id={o.r1.pk}&{MARCH}").status_code == 404
    assert get(client, o.tm1a.user, f"/dashboard/?level=rep&id={o.rep1b1.pk}&{MARCH}").status_code == 404


def test_forecast_adds_the_weighted_pipeline_closing_in_the_period(client, book):
    o = book
    stage = PipelineStage.objects.create(name="Negotiation (test)", order=90, probability=60)
    cust = tf.customer(o.rep1a1)
    common = {
        "customer": cust,
        "owner": o.rep1a1,
        "team": o.t1a,
        "region": o.r1,
        "stage": stage,
        "stage_entered_at": timezone.make_aware(datetime(2026, 3, 1)),
    }
    Opportunity.objects.create(
        name="In March", expected_amount=Decimal("1000.00"), expected_close_date=date(2026, 3, 25), **common
    )
    # Closing in April: not in March's forecast.
    Opportunity.objects.create(
        name="In April", expected_amount=Decimal("5000.00"), expected_close_date=date(2026, 4, 2), **common
    )
    response = get(client, o.tm1a.user, f"/dashboard/?{MARCH}")
    row = next(r for r in response.context["table"] if r.label == "rep1a1")
    # 600.00 + 1000.00 x 60 % = 1200.00; gap to the 1000.00 target: +200.00.
    assert row.forecast == Decimal("1200.00")
    assert row.gap == Decimal("200.00")
    # The team: 800.00 + the same 600.00 = 1400.00 against 2000.00: gap -600.00.
    assert response.context["headline"].forecast == Decimal("1400.00")
    assert response.context["headline"].gap == Decimal("-600.00")


def _grow(org, n: int) -> None:
    """n more reps in team T1a, each with a March sale and target."""
    for i in range(n):
        rep = PersonFactory(position="rep", team=org.t1a, manager=org.tm1a, name=f"extra{i:03d}")
        sale(rep, date(2026, 3, 4), "100.00")
        tf.target(rep, period="2026-03", value="500.00", status="approved")
    achievements_recompute(as_of=AS_OF)


@pytest.mark.parametrize("extra", [3, 30])
def test_dashboard_query_count_is_fixed(client, org, django_assert_max_num_queries, extra):
    march_book(org)
    _grow(org, extra)
    client.force_login(org.director.user)
    with django_assert_max_num_queries(16):
        response = client.get(f"/dashboard/?level=team&id={org.t1a.pk}&{MARCH}")
    assert len(response.context["table"]) >= extra + 2
    with django_assert_max_num_queries(16):
        assert client.get(f"/dashboard/?{MARCH}").status_code == 200
    # The product mix: the kept base (2) and the days of March after the run's day (3).
    with django_assert_max_num_queries(14):
        assert client.get(f"/dashboard/charts/?level=team&id={org.t1a.pk}&{MARCH}").status_code == 200


def test_export_csv_and_excel_as_filtered_with_formulas_defused(client, book):
    o = book
    o.t1b.name = "=HYPERLINK(1)"
    o.t1b.save(update_fields=["name"])
    client.force_login(o.rm1.user)
    response = client.get(f"/dashboard/export/?{MARCH}&table=children&format=csv")
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Owner,Actual,Target")
    assert len(lines) == 3  # header + R1's two teams, nothing of R2
    assert "'=HYPERLINK(1)" in text and "Guangzhou" not in text
    # T1b: actual 900.00 and target 1000.00; forecast 900.00 (no pipeline) and gap -100.00 as a number.
    assert "'=HYPERLINK(1),900.00,1000.00,0.9000" in text
    assert text.rstrip().endswith("-100.00") or ",-100.00" in text
    response = client.get(f"/dashboard/export/?{MARCH}&table=children&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Owner"
    names = {r[0] for r in rows[1:]}
    assert names == {"Shanghai 1", "'=HYPERLINK(1)"}
    leaders = client.get(f"/dashboard/export/?{MARCH}&table=leaders&format=csv").getvalue().decode("utf-8-sig")
    # R1's reps by rate: rep1b1 0.9000, rep1a1 0.6000, rep1a2 0.2000.
    assert [line.split(",")[1] for line in leaders.strip().splitlines()[1:]] == ["rep1b1", "rep1a1", "rep1a2"]


def test_charts_endpoint_returns_product_mix_and_ageing(client, book):
    response = get(client, book.director.user, f"/dashboard/charts/?{MARCH}")
    data = response.json()
    # All four sales are on product line "line": 600 + 200 + 900 + 300 = 2000.00.
    assert data["mix"] == [{"name": "line", "value": "2000.00"}]
    assert len(data["ageing"]["values"]) == 5


def test_root_page_is_the_rep_home_for_a_rep_and_the_dashboard_for_a_manager(client, book):
    o = book
    response = get(client, o.rep1a1.user, "/")
    assert [t.name for t in response.templates][0] == "dashboard/rep_home.html"
    assert 'data-testid="file-visit"' in response.content.decode()
    month = response.context["targets"][0]
    assert str(month["period"]) == timezone.localdate().strftime("%Y-%m")
    response = get(client, o.rm1.user, "/")
    assert [t.name for t in response.templates][0] == "dashboard/index.html"


def test_rep_home_shows_march_targets_when_today_is_in_march(book, rf):
    from dashboard.selectors import rep_home

    o = book
    data = rep_home(user=o.rep1a1.user, person=o.rep1a1, today=AS_OF)
    month, quarter, year = data["targets"]
    assert str(month["period"]) == "2026-03" and str(quarter["period"]) == "2026-Q1"
    sales = next(a for a in month["rows"] if a.metric == "sales_amount")
    assert sales.actual == Decimal("600.00") and sales.rate == Decimal("0.6000")
    # March 15 of 31 days.
    assert round(month["time_progress"], 4) == Decimal("0.4839")


def test_numbers_are_formatted_per_language(client, book):
    o = book
    o.director.user.person.language = "zh-hans"
    client.force_login(o.director.user)
    client.cookies["django_language"] = "en"
    html = client.get(f"/dashboard/?{MARCH}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2,000.00" in html
    assert "50.0%" in html


def test_flagged_customers_show_on_the_managers_dashboard_only_in_scope(client, org):
    # The flags are the customers' follow-up run's; the dashboard reads them through its selector.
    today = date(2026, 6, 30)
    IdleCustomerRuleFactory(classification="key", idle_days=None, follow_up_days=14, escalate_after=7, flag_after=14)
    customer = CustomerFactory(owner=org.rep2a1, owner_since=date(2025, 1, 1), classification="key")
    tf.visit(org.rep2a1, today - timedelta(days=60), cust=customer)
    follow_up_discipline_run(today=today)

    assert [f.customer_id for f in get(client, org.rm2.user, "/dashboard/").context["flagged"]] == [customer.pk]
    assert get(client, org.rm1.user, "/dashboard/").context["flagged"] == []
    # The rep sees the customer (60 days without contact) on their home page.
    home = get(client, org.rep2a1.user, "/")
    assert [(f.customer_id, f.days_without_contact) for f in home.context["flags"]] == [(customer.pk, 60)]


def test_rep_home_lists_the_next_steps_not_kept(org):
    from dashboard.selectors import rep_home

    today = date(2026, 6, 30)
    kept, open_ = tf.customer(org.rep1a1), tf.customer(org.rep1a1)
    for customer in (kept, open_):
        visit = tf.visit(org.rep1a1, date(2026, 6, 1), cust=customer)
        visit.next_step_date = date(2026, 6, 10)
        visit.save(update_fields=["next_step_date"])
    tf.visit(org.rep1a1, date(2026, 6, 12), cust=kept)  # went back: the next step was kept

    data = rep_home(user=org.rep1a1.user, person=org.rep1a1, today=today)

    assert [v.customer_id for v in data["overdue_steps"]] == [open_.pk]
