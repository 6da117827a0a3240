"""Sales pages: scope, 404 outside it, forms that answer 400 and write nothing, query counts."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sales import services
from sales.models import ImportJob, Order, Payment, PipelineStage
from sales.services import pipeline as pipeline_services
from sales.tests.factories import CustomerFactory, ProductFactory, make_order


@pytest.fixture(autouse=True)
def _own_stages(db):
    """The tests configure their own pipeline stages (the migration's defaults are removed)."""
    PipelineStage.objects.all().delete()


@pytest.fixture
def product(db):
    return ProductFactory(list_price=Decimal("100.00"), unit_cost=Decimal("40.00"))


def _data(n, org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    stage = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    PipelineStage.objects.create(name="Won", order=50, probability=100, is_won=True)
    for i in range(n):
        order = make_order(
            customer=customer,
            shares=[(org.rep1a1, "50"), (org.rep1a2, "50")],
            on=date(2026, 1, 1 + i % 28),
            today=date(2026, 1, 1),
        )
        services.payment_create(order=order, date=date(2026, 2, 1), amount=Decimal("10"))
        pipeline_services.opportunity_create(
            name=f"o{i}",
            customer=customer,
            owner=org.rep1a1,
            expected_amount=Decimal("100"),
            expected_close_date=date(2026, 6, 1),
            stage=stage,
        )


@pytest.mark.parametrize("n", [3, 30])
def test_list_pages_run_a_fixed_number_of_queries(client, org, product, django_assert_max_num_queries, n):
    _data(n, org, product)
    client.force_login(org.tm1a.user)
    for name, query in [
        ("order-list", ""),
        ("payment-list", ""),
        ("pipeline", ""),
        ("funnel", "?group_by=rep"),
        ("receivables", "?group_by=team&as_of=2026-06-30"),
        ("channels", ""),
    ]:
        with django_assert_max_num_queries(14):
            response = client.get(reverse(f"sales:{name}") + query)
        assert response.status_code == 200, name


def test_receivables_ageing_per_team_and_customer(client, org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    # 100.00 due 31 Jan (terms 30 from 1 Jan); as of 30 June that is 150 days overdue: 90+.
    make_order(customer=customer, on=date(2026, 1, 1), today=date(2026, 1, 1))
    # 100.00 due 15 June: 15 days overdue on 30 June; 40 paid -> 60.00 in 1-30.
    order = make_order(customer=customer, on=date(2026, 5, 16), today=date(2026, 5, 16))
    services.payment_create(order=order, date=date(2026, 6, 1), amount=Decimal("40"), today=date(2026, 6, 1))
    from sales.selectors import receivables_ageing

    [row] = receivables_ageing(user=org.tm1a.user, group_by="team", as_of=date(2026, 6, 30))
    assert (row["group_name"], row["balance"]) == (org.t1a.name, Decimal("160.00"))
    assert (row["days_1_30"], row["days_over_90"], row["not_due"]) == (Decimal("60.00"), Decimal("100.00"), 0)
    assert receivables_ageing(user=org.tm1b.user, group_by="customer", as_of=date(2026, 6, 30)) == []


def test_funnel_conversion(org):
    lead = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    quote = PipelineStage.objects.create(name="Quote", order=20, probability=50)
    won = PipelineStage.objects.create(name="Won", order=50, probability=100, is_won=True)
    customer = CustomerFactory(owner=org.rep1a1)
    opportunities = [
        pipeline_services.opportunity_create(
            name=f"o{i}",
            customer=customer,
            owner=org.rep1a1,
            expected_amount=Decimal("1"),
            expected_close_date=date(2026, 6, 1),
            stage=lead,
        )
        for i in range(4)
    ]
    # 4 leads; 2 reach the quote; 1 is won (skipping nothing), so lead->quote 50%, quote->won 50%.
    for o in opportunities[:2]:
        pipeline_services.opportunity_move(opportunity=o, stage=quote)
    pipeline_services.opportunity_move(opportunity=opportunities[0], stage=won)
    from sales.selectors import funnel

    [group] = funnel(user=org.tm1a.user, group_by="team")["groups"]
    assert [(s["stage"].name, s["reached"], s["conversion"]) for s in group["stages"]] == [
        ("Lead", 4, 50.0),
        ("Quote", 2, 50.0),
        ("Won", 1, None),
    ]
    assert group["stages"][0]["avg_days"] == 0


def test_order_page_404_outside_scope(client, org, product):
    order = make_order(customer=CustomerFactory(owner=org.rep1b1))
    client.force_login(org.rep1a1.user)
    assert client.get(reverse("sales:order-detail", args=[order.pk])).status_code == 404
    client.force_login(org.tm1b.user)
    assert client.get(reverse("sales:order-detail", args=[order.pk])).status_code == 200


def test_order_form_shares_99_is_refused_and_nothing_written(client, org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    client.force_login(org.rep1a1.user)
    data = {
        "customer": customer.pk,
        "date": "2026-03-01",
        "channel": "direct",
        "payment_terms_days": 30,
        "submit_now": "on",
        "lines-TOTAL_FORMS": 1,
        "lines-INITIAL_FORMS": 0,
        "lines-MIN_NUM_FORMS": 1,
        "lines-MAX_NUM_FORMS": 1000,
        "lines-0-product": product.pk,
        "lines-0-quantity": "1",
        "lines-0-unit_price": "100",
        "shares-TOTAL_FORMS": 2,
        "shares-INITIAL_FORMS": 0,
        "shares-MIN_NUM_FORMS": 0,
        "shares-MAX_NUM_FORMS": 1000,
        "shares-0-rep": org.rep1a1.pk,
        "shares-0-percent": "50",
        "shares-1-rep": org.rep1a2.pk,
        "shares-1-percent": "49",
    }
    response = client.post(reverse("sales:order-create"), data)
    assert response.status_code == 400
    assert Order.objects.count() == 0
    data["shares-1-percent"] = "50"
    response = client.post(reverse("sales:order-create"), data)
    assert response.status_code == 302
    order = Order.objects.get()
    client.force_login(org.tm1a.user)  # a payment is confirmed by the team manager, not a credited rep
    response = client.post(
        reverse("sales:order-action", args=[order.pk, "pay"]), {"date": "2026-03-05", "amount": "100.01"}
    )
    assert Payment.objects.count() == 0
    client.post(reverse("sales:order-action", args=[order.pk, "pay"]), {"date": "2026-03-05", "amount": "100"})
    assert Payment.objects.get().amount == Decimal("100.00")


def test_import_page_with_progress(client, org, product, django_capture_on_commit_callbacks):
    CustomerFactory(code="C1", owner=org.rep1a1)
    # ERP imports bring the whole company's confirmed orders: a director's (or an admin's) work.
    client.force_login(org.director.user)
    upload = SimpleUploadedFile(
        "orders.csv",
        f"erp_no,order_date,customer_code,product_code,quantity,unit_price\nA1,2026-03-01,C1,{product.code},1,100\n".encode(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sales:import-upload"), {"kind": "orders", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.dry_run is False
    response = client.get(reverse("sales:import-detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"100%" in response.content
    assert Order.objects.get().erp_no == "A1"
    for refused in (org.rep1a1, org.tm1a, org.rm1):
        client.force_login(refused.user)
        assert client.get(reverse("sales:import-upload")).status_code == 403


# Meant literally: file formats, order numbers (SO...), and the org fixture's English data names.
ALLOWED = {"CSV", "UTF", "UTF-", "GBK", "Excel", "ERP", "SO", "rep", "tm", "rm", "director", "junior"}
ALLOWED |= {"East", "South", "Shanghai", "Hangzhou", "Guangzhou"}


def test_sales_pages_in_chinese_show_no_english(client, org, product):
    from tests.test_i18n import english_words

    org.tm1a.language = "zh-hans"
    org.tm1a.save(update_fields=["language"])
    _data(2, org, product)
    client.force_login(org.tm1a.user)
    order = Order.objects.first()
    opportunity = pipeline_services.Opportunity.objects.first()
    pages = [
        reverse(f"sales:{name}")
        for name in (
            "order-list",
            "order-create",
            "payment-list",
            "pipeline",
            "funnel",
            "receivables",
            "channels",
        )
    ]
    pages += [
        reverse("sales:order-detail", args=[order.pk]),
        reverse("sales:opportunity-detail", args=[opportunity.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # The page's own content (the navbar belongs to every app).
        main = response.content.decode().split("<main", 1)[1].split(">", 1)[1]
        main = re.sub(r"<code>.*?</code>", "", main, flags=re.S)  # file column names are meant literally
        assert english_words(main, ALLOWED) == set(), url
    # The ERP import page is the director's.
    org.director.language = "zh-hans"
    org.director.save(update_fields=["language"])
    client.force_login(org.director.user)
    response = client.get(reverse("sales:import-upload"))
    assert response.status_code == 200
    main = re.sub(r"<code>.*?</code>", "", response.content.decode().split("<main", 1)[1].split(">", 1)[1], flags=re.S)
    assert english_words(main, ALLOWED) == set()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_money_on_the_sales_pages_is_grouped_in_thousands(client, org, language):
    """An order of 3 x 11,724.48 = 35,173.44 with 12,345.67 paid: every sales page shows the sums
    with thousands separators and two places, never the database's raw decimal (35173.4400000000)."""
    PipelineStage.objects.create(name="Won", order=50, probability=100, is_won=True)
    customer = CustomerFactory(owner=org.rep1a1)
    product = ProductFactory(list_price=Decimal("11724.48"), unit_cost=Decimal("10000.00"))
    order = make_order(
        customer=customer, lines=[(product, "3", "11724.48")], on=date(2026, 1, 5), today=date(2026, 1, 5)
    )
    services.payment_create(order=order, date=date(2026, 1, 20), amount=Decimal("12345.67"), today=date(2026, 1, 20))
    # Open balance: 35,173.44 - 12,345.67 = 22,827.77; margin 35,173.44 - 3 x 10,000.00 = 5,173.44.
    client.force_login(org.tm1a.user)
    client.cookies["django_language"] = language
    pages = {
        reverse("sales:order-list"): ["35,173.44", "12,345.67"],
        reverse("sales:order-detail", args=[order.pk]): ["35,173.44", "22,827.77", "11,724.48"],
        reverse("sales:payment-list"): ["12,345.67"],
        reverse("sales:channels"): ["35,173.44", "5,173.44"],
        reverse("sales:receivables") + "?group_by=team&as_of=2026-06-30": ["22,827.77"],
    }
    for url, shown in pages.items():
        html = client.get(url).content.decode()
        for number in shown:
            assert number in html, (url, number)
        assert not re.search(r"\d{5}\.\d{2}", html), url
