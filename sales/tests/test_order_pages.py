"""The order form (discount, distributor, any number of credit shares), the payment-plan page and
the order history page (issue #18)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerKind
from sales.models import CreditShare, Order, PipelineStage
from sales.tests.factories import CustomerFactory, ProductFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_stages(db):
    PipelineStage.objects.all().delete()


def browser(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def order_form(customer, product, shares, **extra) -> dict:
    data = {
        "customer": customer.pk,
        "date": timezone.localdate().isoformat(),
        "channel": "distributor",
        "payment_terms_days": "30",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-0-product": product.pk,
        "lines-0-quantity": "2",
        "lines-0-discount_percent": "10",
        "shares-TOTAL_FORMS": str(len(shares)),
        "shares-INITIAL_FORMS": "0",
    }
    for i, (rep, percent) in enumerate(shares):
        data[f"shares-{i}-rep"] = rep.pk
        data[f"shares-{i}-percent"] = percent
    data.update(extra)
    return data


def test_the_order_form_takes_a_discount_a_distributor_and_three_shares(org):
    customer = CustomerFactory(owner=org.rep1a1)
    distributor = CustomerFactory(owner=org.rep1a1, kind=CustomerKind.DISTRIBUTOR)
    product = ProductFactory(list_price=Decimal("200.00"), unit_cost=Decimal("50.00"))
    shares = [(org.rep1a1, "50"), (org.rep1a2, "30"), (org.junior1a, "20")]
    response = browser(org.rep1a1).post(
        reverse("sales:order-create"), order_form(customer, product, shares, distributor=distributor.pk)
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    order = Order.objects.get()
    line = order.lines.get()
    # 10 % off 200.00 = 180.00 a unit; 2 units = 360.00.
    assert (line.unit_price, line.amount, order.total_amount) == (
        Decimal("180.00"),
        Decimal("360.00"),
        Decimal("360.00"),
    )
    assert order.distributor == distributor
    # 360.00 split 50/30/20: 180.00, 108.00, 72.00.
    assert sorted(order.shares.values_list("percent", "amount")) == [
        (Decimal("20.00"), Decimal("72.00")),
        (Decimal("30.00"), Decimal("108.00")),
        (Decimal("50.00"), Decimal("180.00")),
    ]


def test_shares_that_do_not_make_100_are_refused_naming_the_shares(org):
    customer = CustomerFactory(owner=org.rep1a1)
    product = ProductFactory(list_price=Decimal("200.00"))
    shares = [(org.rep1a1, "50"), (org.rep1a2, "30"), (org.junior1a, "10")]  # 90 %
    response = browser(org.rep1a1).post(reverse("sales:order-create"), order_form(customer, product, shares))
    assert response.status_code == 400
    assert b'data-field="shares"' in response.content
    assert Order.objects.count() == 0 and CreditShare.objects.count() == 0


def test_a_price_and_a_discount_together_are_refused(org):
    customer = CustomerFactory(owner=org.rep1a1)
    product = ProductFactory(list_price=Decimal("200.00"))
    data = order_form(customer, product, [], **{"lines-0-unit_price": "150.00"})
    response = browser(org.rep1a1).post(reverse("sales:order-create"), data)
    assert response.status_code == 400 and Order.objects.count() == 0


def test_the_order_form_fits_a_phone(org):
    response = browser(org.rep1a1).get(reverse("sales:order-create"))
    content = response.content.decode()
    # Rows of stacked columns (no wide tables of inputs), a button to add any number of shares.
    assert response.status_code == 200
    assert "<table" not in content.split('id="share-template"')[0].split("<form")[1]
    assert 'id="add-share"' in content


def test_the_payment_plan_page_replaces_the_plan(org):
    order = make_order(customer=CustomerFactory(owner=org.rep1a1), on=date(2026, 3, 10))  # 100.00
    client = browser(org.tm1a)
    assert client.get(reverse("sales:order-plan", args=[order.pk])).status_code == 200
    form = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-due_date": "2026-04-10",
        "form-0-amount": "60.00",
        "form-1-due_date": "2026-05-10",
        "form-1-amount": "40.00",
        "form-2-due_date": "",
        "form-2-amount": "",
    }
    assert client.post(reverse("sales:order-plan", args=[order.pk]), form).status_code == 302
    assert list(order.instalments.values_list("due_date", "amount")) == [
        (date(2026, 4, 10), Decimal("60.00")),
        (date(2026, 5, 10), Decimal("40.00")),
    ]
    # 60.00 + 30.00 = 90.00, not the total 100.00: refused, the plan unchanged.
    form["form-1-amount"] = "30.00"
    assert client.post(reverse("sales:order-plan", args=[order.pk]), form).status_code == 400
    assert order.instalments.count() == 2
    # Outside the manager's scope: 404.
    assert browser(org.tm2a).get(reverse("sales:order-plan", args=[order.pk])).status_code == 404


def test_the_history_page_shows_every_part_to_those_who_see_the_order(org, settings):
    settings.PAYMENT_CONFIRMATION = True
    today = timezone.localdate()
    product = ProductFactory(list_price=Decimal("100.00"))
    customer = CustomerFactory(owner=org.rep1a1)
    client = browser(org.rep1a1)
    data = order_form(customer, product, [(org.rep1a1, "60"), (org.rep1a2, "40")], submit_now="on")
    data["lines-0-discount_percent"] = "0"
    assert client.post(reverse("sales:order-create"), data).status_code == 302
    order = Order.objects.get()
    plan = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-due_date": (today + timedelta(days=5)).isoformat(),
        "form-0-amount": "200.00",
    }
    # A confirmed order's plan changes by one who may approve it: the team manager.
    assert browser(org.tm1a).post(reverse("sales:order-plan", args=[order.pk]), plan).status_code == 302
    pay = {"date": today.isoformat(), "amount": "50.00", "reference": "H-1"}
    assert client.post(reverse("sales:order-action", args=[order.pk, "pay"]), pay).status_code == 302
    response = client.get(reverse("sales:order-history", args=[order.pk]))
    assert response.status_code == 200
    parts = {change.part for change in response.context["changes"]}
    assert {"Order", "Line", "Credit share", "Instalment", "Payment"} <= parts
    content = response.content.decode()
    assert "H-1" in content and "awaiting confirmation" in content
    # The team's manager and the region's see it; a manager of another team gets 404.
    assert browser(org.tm1a).get(reverse("sales:order-history", args=[order.pk])).status_code == 200
    assert browser(org.rm1).get(reverse("sales:order-history", args=[order.pk])).status_code == 200
    assert browser(org.tm1b).get(reverse("sales:order-history", args=[order.pk])).status_code == 404
    assert browser(org.rep1b1).get(reverse("sales:order-history", args=[order.pk])).status_code == 404
