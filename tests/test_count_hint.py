"""A unit's whole list of orders (and of payments) is counted from its credit shares' index
(`salesorg.paging.counted_by`): the same number as counting the list itself, an order with two
shares of the unit once, and any filter on the list turns the shortcut off. Expected counts are
worked out by hand from the orders made here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from customers.tests.factories import CustomerFactory
from sales.models import Order, OrderStatus, Payment
from sales.services.payments import payment_create
from sales.tests.factories import make_order
from salesorg.paging import CappedPaginator, _count_hint


@pytest.fixture
def orders(org):
    """A: team 1a, two shares of the team (60/40), two payments. B: team 1b, one payment.
    C: team 1a, a draft. D: region 2, one payment."""
    customer = CustomerFactory(owner=org.rep1a1)
    a = make_order(customer=customer, shares=[(org.rep1a1, "60"), (org.rep1a2, "40")], on=date(2026, 3, 2))
    b = make_order(customer=CustomerFactory(owner=org.rep1b1), shares=[(org.rep1b1, "100")], on=date(2026, 3, 3))
    c = make_order(customer=customer, shares=[(org.rep1a1, "100")], on=date(2026, 3, 4), confirm=False)
    d = make_order(customer=CustomerFactory(owner=org.rep2a1), shares=[(org.rep2a1, "100")], on=date(2026, 3, 5))
    for order, day in ((a, 10), (a, 11), (b, 12), (d, 13)):
        payment_create(order=order, date=date(2026, 3, day), amount=Decimal("10.00"))
    return {"a": a, "b": b, "c": c, "d": d}


def _api_count(person, url: str) -> tuple[int, bool]:
    client = APIClient()
    client.force_authenticate(person.user)
    body = client.get(url).json()
    return body["count"], body["count_exact"]


def _page_total(person, url: str) -> str:
    client = Client()
    client.force_login(person.user)
    return client.get(url).context["total"]


def test_a_unit_counts_its_orders_from_the_shares(org, orders):
    # tm1a: A and C (A once, for its two shares of the team). rm1: A, B and C. D is region 2's.
    for person, expected in ((org.tm1a, 2), (org.rm1, 3)):
        listed = Order.objects.visible_to(person.user)
        assert _count_hint(listed.query) is not None, person
        assert CappedPaginator(listed.order_by("pk"), 50).count == expected
        assert _api_count(person, "/api/v1/orders/") == (expected, True)
        assert _page_total(person, reverse("sales:order-list")) == str(expected)
    assert sorted(Order.objects.visible_to(org.tm1a.user).values_list("pk", flat=True)) == sorted(
        [orders["a"].pk, orders["c"].pk]
    )


def test_a_unit_counts_its_payments_from_the_shares(org, orders):
    # tm1a: A's two payments (not four: A has two shares of the team). rm1: A's two and B's one.
    for person, expected in ((org.tm1a, 2), (org.rm1, 3)):
        listed = Payment.objects.visible_to(person.user)
        assert _count_hint(listed.query) is not None, person
        assert CappedPaginator(listed.order_by("pk"), 50).count == expected
        assert _api_count(person, "/api/v1/payments/") == (expected, True)
        assert _page_total(person, reverse("sales:payment-list")) == str(expected)


def test_a_filter_turns_the_shortcut_off(org, orders):
    listed = Order.objects.visible_to(org.tm1a.user)
    confirmed = listed.filter(status=OrderStatus.CONFIRMED)
    assert _count_hint(confirmed.query) is None
    assert _count_hint(listed.exclude(pk=orders["a"].pk).query) is None
    assert _count_hint(listed.none().query) is None
    assert _count_hint(listed.distinct().query) is None
    # Only A is confirmed among tm1a's A and C.
    assert CappedPaginator(confirmed.order_by("pk"), 50).count == 1
    assert _api_count(org.tm1a, f"/api/v1/orders/?status={OrderStatus.CONFIRMED}") == (1, True)
    assert _page_total(org.tm1a, reverse("sales:order-list") + f"?status={OrderStatus.CONFIRMED}") == "1"
    # A list filtered before the scope is applied carries no shortcut either.
    assert _count_hint(Order.objects.filter(status=OrderStatus.CONFIRMED).visible_to(org.tm1a.user).query) is None
    # A's payments only, by the order: 2.
    payments = Payment.objects.visible_to(org.tm1a.user).filter(order=orders["a"])
    assert _count_hint(payments.query) is None
    assert CappedPaginator(payments.order_by("pk"), 50).count == 2


def test_the_shortcut_stops_at_the_cap(org, orders, settings):
    # rm1 has three orders; pages of one row and a cap of one: the count stops at 2, "1+".
    settings.LIST_COUNT_CAP = 1
    paginator = CappedPaginator(Order.objects.visible_to(org.rm1.user).order_by("pk"), 1)
    assert (paginator.count, paginator.exact, paginator.total_label) == (2, False, "1+")
    # Asking for page 3 counts to 3 + 1 rows: all three, exact.
    paginator = CappedPaginator(Order.objects.visible_to(org.rm1.user).order_by("pk"), 1)
    assert paginator.page(3).object_list[0].pk == orders["c"].pk
    assert (paginator.count, paginator.exact) == (3, True)


def test_a_manager_who_filed_an_order_outside_the_unit_counts_the_list_itself(org, orders):
    # tm1a filed B (team 1b's): their list is A, B and C, counted without the shortcut.
    Order.objects.filter(pk=orders["b"].pk).update(created_by=org.tm1a)
    listed = Order.objects.visible_to(org.tm1a.user)
    assert _count_hint(listed.query) is None
    assert CappedPaginator(listed.order_by("pk"), 50).count == 3
    assert _api_count(org.tm1a, "/api/v1/orders/") == (3, True)
    # B's payment comes with it: A's two and B's one.
    assert _api_count(org.tm1a, "/api/v1/payments/") == (3, True)
