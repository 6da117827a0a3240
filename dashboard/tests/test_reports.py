"""Reports: each page and both exports as filtered, with the rows worked by hand on a small world;
the data-scope rule on rows and on filter choices; numbers as numbers with formats; a fixed number
of queries at any size."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from customers.models import Classification, Competitor, Customer, CustomerKind
from fieldwork.models import Visit
from sales.models import Channel, Instalment, Opportunity, Order, PipelineStage
from targets.tests import factories as tf

pytestmark = pytest.mark.django_db

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def cust(owner, name: str, classification=Classification.POTENTIAL, kind=CustomerKind.END_CUSTOMER) -> Customer:
    return Customer.objects.create(
        code=name,
        name=name,
        owner=owner,
        team=owner.team,
        region=owner.region,
        classification=classification,
        kind=kind,
    )


def sold(customer, day, amount, cost, shares, *, status="confirmed", channel=Channel.DIRECT, distributor=None):
    """An order of one line; shares: (rep, percent, primary)."""
    o = tf.order(
        customer,
        day,
        lines=[(amount, cost)],
        shares=[(rep, rep.team, rep.region, pct, "0", "0", primary) for rep, pct, primary in shares],
        status=status,
    )
    Order.objects.filter(pk=o.pk).update(channel=channel, distributor=distributor)
    o.refresh_from_db()
    return o


@pytest.fixture
def world(org):
    """March 2026 (orders O1-O4 and O6 dated in March, O5 in April):

    O1 rep1a1, customer A (key), direct, 1,000.00 / cost 600.00, paid 400.00 on 03-10
    O2 rep1a1, customer A, direct, 500.00 / 300.00 (A buys twice in March: a repeat buyer)
    O3 rep1b1, customer B (general) through distributor D, 2,000.00 / 1,500.00
    O4 customer C (potential), direct, 3,000.00 / 2,000.00, split rep2a1 60 % (primary), rep1a2 40 %
    O5 rep1a1, customer A, 2026-04-02, 700.00 / 400.00 (outside March)
    O6 rep1a1, customer A, 2026-03-15, a draft of 100.00 / 50.00
    """
    o = org
    a = cust(o.rep1a1, "Alpha", Classification.KEY)
    b = cust(o.rep1b1, "Beta", Classification.GENERAL)
    c = cust(o.rep2a1, "Gamma")
    d = cust(o.rep1b1, "Delta Trading", Classification.KEY, CustomerKind.DISTRIBUTOR)
    w = type("W", (), {})()
    w.a, w.b, w.c, w.d = a, b, c, d
    w.o1 = sold(a, date(2026, 3, 5), "1000.00", "600.00", [(o.rep1a1, "100", True)])
    w.o2 = sold(a, date(2026, 3, 20), "500.00", "300.00", [(o.rep1a1, "100", True)])
    w.o3 = sold(
        b,
        date(2026, 3, 7),
        "2000.00",
        "1500.00",
        [(o.rep1b1, "100", True)],
        channel=Channel.DISTRIBUTOR,
        distributor=d,
    )
    w.o4 = sold(c, date(2026, 3, 8), "3000.00", "2000.00", [(o.rep2a1, "60", True), (o.rep1a2, "40", False)])
    w.o5 = sold(a, date(2026, 4, 2), "700.00", "400.00", [(o.rep1a1, "100", True)])
    w.o6 = sold(a, date(2026, 3, 15), "100.00", "50.00", [(o.rep1a1, "100", True)], status="draft")
    tf.payment(w.o1, date(2026, 3, 10), "400.00")
    Instalment.objects.create(order=w.o1, due_date=date(2026, 4, 4), amount=Decimal("1000.00"), paid_amount=400)
    Instalment.objects.create(order=w.o3, due_date=date(2026, 1, 10), amount=Decimal("2000.00"), paid_amount=500)
    Instalment.objects.create(order=w.o4, due_date=date(2026, 3, 20), amount=Decimal("3000.00"))
    return w


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content)).active


def export(client, key, fmt="csv", **params):
    return client.get(reverse(f"dashboard:report-{key}-export"), {**params, "format": fmt})


def page(client, key, **params):
    return client.get(reverse(f"dashboard:report-{key}"), params)


# --- orders ---------------------------------------------------------------------------------------


def test_orders_export_holds_exactly_the_filtered_rows(world, org):
    rows = csv_rows(export(login(org.director), "orders", **MARCH))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Order number", "Order date"]
    # March: O2 (03-20), O6 (03-15), O4 (03-08), O3 (03-07), O1 (03-05); O5 is in April.
    assert [r[0] for r in body] == [world.o2.number, world.o6.number, world.o4.number, world.o3.number, world.o1.number]
    o1 = body[-1]
    # O1: margin 1,000.00 - 600.00 = 400.00, rate 400 / 1000 = 0.4; paid 400.00, open 1,000 - 400 = 600.00
    assert o1[1] == "2026-03-05"
    assert o1[2] == "Alpha"
    assert o1[3] == "Confirmed"
    assert o1[6:9] == ["rep1a1", "Shanghai 1", "East"]
    assert [Decimal(v) for v in o1[9:12]] == [Decimal("1000.00"), Decimal("600.00"), Decimal("400.00")]
    assert Decimal(o1[12]) == Decimal("0.4")
    assert [Decimal(v) for v in o1[13:15]] == [Decimal("400.00"), Decimal("600.00")]
    # O4 is shown on its primary share: rep2a1 (Guangzhou 1, South).
    o4 = body[2]
    assert o4[6:9] == ["rep2a1", "Guangzhou 1", "South"]
    o3 = body[3]
    assert o3[4:6] == ["Distributor", "Delta Trading"]


def test_orders_filtered_by_team_keep_the_orders_credited_to_it(world, org):
    client = login(org.director)
    # Team Shanghai 1 (T1a): O1, O2, O6 (rep1a1) and O4 (rep1a2's 40 % share) in March.
    body = csv_rows(export(client, "orders", team=org.t1a.pk, **MARCH))[1:]
    assert sorted(r[0] for r in body) == sorted(o.number for o in (world.o1, world.o2, world.o4, world.o6))
    # The rep filter: rep1a2 only has O4.
    body = csv_rows(export(client, "orders", rep=org.rep1a2.pk, **MARCH))[1:]
    assert [r[0] for r in body] == [world.o4.number]
    # Region South: O4 only (rep2a1's share).
    body = csv_rows(export(client, "orders", region=org.r2.pk, **MARCH))[1:]
    assert [r[0] for r in body] == [world.o4.number]


def test_orders_xlsx_cells_are_numbers_with_formats(world, org):
    sheet = xlsx_sheet(export(login(org.director), "orders", "xlsx", rep=org.rep1b1.pk, **MARCH))
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1  # O3 only
    cells = {sheet.cell(row=1, column=i + 1).value: cell for i, cell in enumerate(rows[0])}
    assert cells["Amount"].value == 2000 and cells["Amount"].number_format == "#,##0.00"
    assert cells["Margin"].value == 500 and cells["Margin"].number_format == "#,##0.00"
    # 500 / 2,000 = 0.25
    assert cells["Margin rate"].value == pytest.approx(0.25)
    assert cells["Margin rate"].number_format == "0.0%"
    assert cells["Order date"].is_date
    assert cells["Order date"].value == datetime(2026, 3, 7)


def test_orders_page_shows_money_grouped_and_rates_as_percent(world, org):
    response = page(login(org.director), "orders", rep=org.rep1a1.pk, **MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1,000.00" in html  # O1's amount
    assert "40.0%" in html  # O1's margin rate
    assert "3 rows" in html  # O1, O2, O6
    assert world.o5.number not in html


def test_orders_page_in_chinese(world, org):
    client = login(org.director)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("dashboard:report-orders"), {**MARCH}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert "订单" in html
    assert "1,000.00" in html


# --- scope ----------------------------------------------------------------------------------------


def test_a_rep_sees_only_their_rows(world, org):
    body = csv_rows(export(login(org.rep1a1), "orders", **MARCH))[1:]
    # rep1a1 is credited on O1, O2, O6 in March; not on O3 (rep1b1) nor O4 (rep2a1, rep1a2).
    assert sorted(r[0] for r in body) == sorted(o.number for o in (world.o1, world.o2, world.o6))
    payments = csv_rows(export(login(org.rep1b1), "payments"))[1:]
    assert payments == []


def test_a_manager_of_another_team_sees_none_of_this_teams_rows(world, org):
    body = csv_rows(export(login(org.tm2a), "orders", **MARCH))[1:]
    # tm2a (Guangzhou 1) sees O4 only, through rep2a1's share; none of Shanghai 1's O1, O2, O6.
    assert [r[0] for r in body] == [world.o4.number]
    html = page(login(org.tm2a), "orders", **MARCH).content.decode()
    for other in (world.o1, world.o2, world.o3, world.o6):
        assert other.number not in html


def test_a_filter_id_outside_scope_answers_like_a_missing_one(world, org):
    client = login(org.tm2a)
    hidden = export(client, "orders", team=org.t1a.pk)
    missing = export(client, "orders", team=999999)
    assert hidden.status_code == missing.status_code == 400
    assert hidden.content == missing.content
    assert b"team" in hidden.content
    hidden_page = page(client, "orders", team=org.t1a.pk)
    assert hidden_page.status_code == 400
    # The hidden team is not offered either.
    assert f'value="{org.t1a.pk}"' not in page(client, "orders").content.decode()


def test_bad_filters_answer_400_naming_the_field(world, org):
    client = login(org.director)
    response = export(client, "orders", date_from="2026-13-45")
    assert response.status_code == 400
    assert response.content.decode().startswith("date_from")
    response = export(client, "payments", date_from="2026-03-31", date_to="2026-03-01")
    assert response.status_code == 400
    assert response.content.decode().startswith("date_to")
    response = page(client, "visits", rep="abc")
    assert response.status_code == 400
    assert "filter-errors" in response.content.decode()


# --- the other reports ----------------------------------------------------------------------------


def test_payments_report(world, org):
    tf.payment(world.o4, date(2026, 4, 1), "250.00")
    body = csv_rows(export(login(org.director), "payments", **MARCH))[1:]
    # March holds O1's 400.00 only; O4's 250.00 is dated in April.
    assert len(body) == 1
    assert body[0][:2] == ["2026-03-10", world.o1.number]
    assert Decimal(body[0][-1]) == Decimal("400.00")
    body = csv_rows(export(login(org.director), "payments", team=org.t1a.pk))[1:]
    # Team Shanghai 1 is credited on O1 and on O4 (rep1a2): both payments, the newest first.
    assert [r[1] for r in body] == [world.o4.number, world.o1.number]


def test_instalments_report(world, org):
    body = csv_rows(export(login(org.director), "instalments", **MARCH))[1:]
    # Due in March: O4's 3,000.00 on 03-20, nothing paid; overdue 31 - 20 = 11 days as of 03-31.
    assert len(body) == 1
    assert body[0][1] == world.o4.number
    assert [Decimal(v) for v in body[0][4:7]] == [Decimal("3000.00"), Decimal("0.00"), Decimal("3000.00")]
    assert body[0][8] == "11"


def test_receivables_ageing(world, org):
    client = login(org.director)
    body = csv_rows(export(client, "receivables", date_to="2026-03-31"))[1:]
    # As of 03-31: C owes 3,000.00 due 03-20 (11 days: 0-30); B owes 2,000 - 500 = 1,500.00 due
    # 01-10 (21 + 28 + 31 = 80 days: 61-90); A owes 1,000 - 400 = 600.00 due 04-04 (not due).
    assert [r[0] for r in body] == ["Gamma", "Beta", "Alpha"]
    money = [[Decimal(v) for v in r[1:]] for r in body]
    z = Decimal("0")
    assert money[0] == [Decimal("3000"), z, Decimal("3000"), z, z, z]
    assert money[1] == [Decimal("1500"), z, z, z, Decimal("1500"), z]
    assert money[2] == [Decimal("600"), Decimal("600"), z, z, z, z]
    # As of 2026-04-15 B's 1,500.00 is 21 + 28 + 31 + 15 = 95 days overdue: over 90.
    body = csv_rows(export(client, "receivables", date_to="2026-04-15", rep=org.rep1b1.pk))[1:]
    assert [[r[0]] + [Decimal(v) for v in r[1:]] for r in body] == [["Beta", Decimal(1500), z, z, z, z, Decimal(1500)]]
    sheet = xlsx_sheet(export(client, "receivables", "xlsx", date_to="2026-03-31"))
    assert sheet["B2"].value == 3000 and sheet["B2"].number_format == "#,##0.00"


def test_channels_report(world, org):
    body = csv_rows(export(login(org.director), "channels", **MARCH))
    header, rows = body[0], {r[0]: r for r in body[1:]}
    assert set(rows) == {"Direct", "Distributor"}
    col = {name: i for i, name in enumerate(header)}
    direct = rows["Direct"]
    # Direct, confirmed, March: O1 1,000 + O2 500 + O4 3,000 = 4,500.00; cost 600 + 300 + 2,000 = 2,900.00
    assert Decimal(direct[col["Sales"]]) == Decimal("4500.00")
    assert Decimal(direct[col["Margin"]]) == Decimal("1600.00")
    assert Decimal(direct[col["Margin rate"]]) == pytest.approx(Decimal(1600) / Decimal(4500))
    assert direct[col["Orders"]] == "3"
    # Customers A and C; A bought twice: repeat rate 1 / 2.
    assert direct[col["Customers"]] == "2"
    assert Decimal(direct[col["Repeat-buy rate"]]) == Decimal("0.5")
    # Target customers (active end customers classified key or general): A and B = 2. Direct serves A.
    assert direct[col["Target customers served"]] == "1"
    assert Decimal(direct[col["Coverage of target customers"]]) == Decimal("0.5")
    dist = rows["Distributor"]
    # O3: 2,000.00 - 1,500.00 = 500.00, rate 0.25; B is a target customer: coverage 1 / 2.
    assert Decimal(dist[col["Margin"]]) == Decimal("500.00")
    assert Decimal(dist[col["Margin rate"]]) == Decimal("0.25")
    assert Decimal(dist[col["Repeat-buy rate"]]) == Decimal("0")
    assert Decimal(dist[col["Coverage of target customers"]]) == Decimal("0.5")
    partners = csv_rows(export(login(org.director), "distributors", **MARCH))[1:]
    assert [r[:2] for r in partners] == [["Delta Trading", "Distributor"]]
    assert Decimal(partners[0][2]) == Decimal("2000.00")


def test_visits_and_expenses_reports(world, org):
    tf.visit(org.rep1a1, date(2026, 3, 3), cust=world.a)
    tf.visit(org.rep1b1, date(2026, 3, 4), cust=world.b)
    tf.visit(org.rep1a1, date(2026, 2, 27), cust=world.a)
    body = csv_rows(export(login(org.tm1a), "visits", **MARCH))[1:]
    # tm1a sees Shanghai 1's visits: rep1a1's March visit (the February one is outside the period).
    assert [(r[0], r[1], r[4]) for r in body] == [("2026-03-03", "rep1a1", "Alpha")]
    assert Visit.objects.count() == 3
    tf.expense(org.rep1a1, date(2026, 3, 9), "1234.50")
    tf.expense(org.rep2a1, date(2026, 3, 9), "99.00", status="submitted")
    body = csv_rows(export(login(org.rm1), "expenses", **MARCH))[1:]
    assert len(body) == 1 and body[0][1] == "rep1a1" and Decimal(body[0][-1]) == Decimal("1234.50")
    html = page(login(org.rm1), "expenses", **MARCH).content.decode()
    assert "1,234.50" in html


def test_pipeline_and_win_loss_reports(world, org):
    lead = PipelineStage.objects.create(name="R-Lead", order=10, probability=20)
    won = PipelineStage.objects.create(name="R-Won", order=90, probability=100, is_won=True)
    lost = PipelineStage.objects.create(name="R-Lost", order=99, probability=0, is_lost=True)
    rival = Competitor.objects.create(name="Rival Co")
    now = timezone.now()

    def opp(stage, amount, close, closed_on=None, reason="", lost_to=None, owner=org.rep1a1):
        return Opportunity.objects.create(
            name=f"{stage.name} {amount}",
            customer=world.a,
            owner=owner,
            team=owner.team,
            region=owner.region,
            stage=stage,
            expected_amount=Decimal(amount),
            expected_close_date=close,
            stage_entered_at=now,
            closed_on=closed_on,
            lost_reason=reason,
            lost_to=lost_to,
        )

    opp(lead, "1000.00", date(2026, 3, 10))
    opp(lead, "550.00", date(2026, 3, 11))
    opp(won, "800.00", date(2026, 3, 12), closed_on=date(2026, 3, 12))
    opp(lost, "300.00", date(2026, 3, 13), closed_on=date(2026, 3, 14), reason="Price", lost_to=rival)
    opp(lost, "200.00", date(2026, 3, 13), closed_on=date(2026, 3, 15), reason="Price", lost_to=rival)
    opp(lead, "999.00", date(2026, 3, 10), owner=org.rep2a1)  # another region
    client = login(org.rm1)
    body = csv_rows(export(client, "pipeline", **MARCH))[1:]
    # rm1's region: Lead 2 opportunities, 1,550.00, weighted 1,550 x 20 % = 310.00; Won 800.00; Lost 500.00 x 0.
    assert [r[0] for r in body] == ["R-Lead", "R-Won", "R-Lost"]
    assert body[0][2] == "2"
    assert [Decimal(v) for v in body[0][3:]] == [Decimal("1550.00"), Decimal("310.00")]
    assert Decimal(body[0][1]) == Decimal("0.2")
    body = csv_rows(export(client, "win-loss", **MARCH))[1:]
    # Closed: 1 won (800.00), 2 lost to Rival Co for "Price" (500.00): shares 1/3 and 2/3.
    assert [r[:4] for r in body] == [["Won", "", "", "1"], ["Lost", "Rival Co", "Price", "2"]]
    assert Decimal(body[1][4]) == Decimal("500.00")
    assert Decimal(body[1][5]) == pytest.approx(Decimal(2) / Decimal(3))


def test_report_index_lists_every_report_and_the_menu_links_it(world, org):
    from dashboard.reports.catalogue import REPORTS

    response = login(org.rep1a1).get(reverse("dashboard:reports"))
    html = response.content.decode()
    for report in REPORTS.values():
        assert report.url in html
    assert any(item.get("url") == reverse("dashboard:reports") for item in response.context["nav_items"])


# --- escaping and queries -------------------------------------------------------------------------


def test_exports_defuse_formulas(world, org):
    Customer.objects.filter(pk=world.a.pk).update(name="=HYPERLINK(1)")
    client = login(org.director)
    body = csv_rows(export(client, "orders", **MARCH))[1:]
    assert "'=HYPERLINK(1)" in [r[2] for r in body]
    sheet = xlsx_sheet(export(client, "orders", "xlsx", **MARCH))
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in names


def _more_orders(org, n: int) -> None:
    customer = cust(org.rep1a1, f"Bulk {n}")
    for i in range(n):
        shares = [(org.rep1a1, "50", True), (org.rep1b1, "50", False)]
        sold(customer, date(2026, 3, 1 + i % 28), "10.00", "5.00", shares)
        Instalment.objects.create(order_id=Order.objects.latest("id").pk, due_date=date(2026, 3, 2), amount=10)


@pytest.mark.parametrize("key", ["orders", "payments", "receivables", "channels"])
def test_fixed_number_of_queries_at_any_size(world, org, key, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for extra in (1, 15):
        _more_orders(org, extra)
        client = login(org.rm1)
        with CaptureQueriesContext(connection) as page_q:
            assert page(client, key, rep=org.rep1a1.pk, **MARCH).status_code == 200
        with CaptureQueriesContext(connection) as csv_q:
            response = export(client, key, rep=org.rep1a1.pk, **MARCH)
            b"".join(response.streaming_content)
        with CaptureQueriesContext(connection) as xlsx_q:
            response = export(client, key, "xlsx", rep=org.rep1a1.pk, **MARCH)
            b"".join(response.streaming_content)
        counts.append((len(page_q), len(csv_q), len(xlsx_q)))
    assert counts[0] == counts[1], counts
    # The page's own part is two queries (count and page) beside the session, menu and filters.
    with django_assert_max_num_queries(30):
        page(login(org.rm1), key, **MARCH)


def test_a_grouped_report_page_counts_its_groups_not_the_rows_under_them(world, org, settings):
    """The pager's count of a report by channel is its channels (2 in March: Direct with three
    orders, Distributor with one), not the four orders under them (salesorg.paging counts a grouped
    list's own rows)."""
    client = login(org.director)
    response = page(client, "channels", **MARCH)
    assert response.context["page"].paginator.count == 2
    assert "2 rows" in response.content.decode()
    settings.LIST_COUNT_CAP = 0
    # The page asks for max(0, 1 x 100) + 1 = 101 rows: 2 groups, exact again.
    assert page(client, "channels", **MARCH).context["page"].paginator.exact


def test_an_export_reads_its_rows_in_a_transaction_of_its_own(world, org):
    """The file is written after the view: its rows are read in a transaction of its own, where
    PostgreSQL's cursor hands them over as it reads (outside one, Django declares the cursor WITH
    HOLD, which reads the whole result before the first row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = export(login(org.rm1), "orders", **MARCH)
    with CaptureQueriesContext(connection) as streamed:
        rows = csv_rows(response)
    sqls = [q["sql"] for q in streamed.captured_queries]
    assert sqls[0].startswith("SAVEPOINT") and sqls[-1].startswith("RELEASE SAVEPOINT"), sqls
    assert not any("WITH HOLD" in sql for sql in sqls)
    assert len(rows) > 1
