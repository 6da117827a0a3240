"""Order numbers come from a counter per month locked for update (issue #18): never from the
numbers on record, so orders saved at once get distinct numbers, and numbers of other shapes in the
month (ERP imports, the demo's) neither collide nor restart the count."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import override_settings
from rest_framework.test import APIClient

from sales.models import Order, OrderSequence, PipelineStage
from sales.tests.factories import CustomerFactory, ProductFactory, make_order

MARCH = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _own_stages(db):
    PipelineStage.objects.all().delete()


def _month_with_imported_numbers(customer) -> None:
    """March 2026 already holds an ERP import, a demo-style number and one of the format made
    before the counter existed (sequence 7)."""
    make_order(customer=customer, on=MARCH, number="ERP-88001", erp_no="88001")
    make_order(customer=customer, on=MARCH, number="SO202603-D00001")
    make_order(customer=customer, on=MARCH, number="SO202603-00007")


@pytest.mark.django_db
def test_numbers_continue_after_the_highest_of_the_format_and_count_per_month(org):
    customer = CustomerFactory(owner=org.rep1a1)
    _month_with_imported_numbers(customer)
    # The counter starts after 00007 (the only number of the format); D00001 and ERP-88001 are not read.
    first = make_order(customer=customer, on=MARCH)
    second = make_order(customer=customer, on=date(2026, 3, 31))
    april = make_order(customer=customer, on=date(2026, 4, 1))
    assert (first.number, second.number, april.number) == ("SO202603-00008", "SO202603-00009", "SO202604-00001")
    assert OrderSequence.objects.get(period="2026-03").last == 9
    # An order deleted (or a number typed by hand lower down) never makes a number come back.
    Order.objects.filter(pk=second.pk).delete()
    assert make_order(customer=customer, on=MARCH).number == "SO202603-00010"


@pytest.mark.django_db
@override_settings(ORDER_NUMBER_FORMAT="{year}-{month:02d}/{seq:04d}")
def test_the_format_setting(org):
    customer = CustomerFactory(owner=org.rep1a1)
    make_order(customer=customer, on=MARCH, number="2026-03/0041")
    assert make_order(customer=customer, on=MARCH).number == "2026-03/0042"


def test_the_check_refuses_a_format_without_the_sequence_last():
    from sales.checks import order_number_format

    with override_settings(ORDER_NUMBER_FORMAT="SO{seq}-{year}"):
        assert [e.id for e in order_number_format()] == ["sales.E001"]
    with override_settings(ORDER_NUMBER_FORMAT="SO{year}{week}-{seq}"):
        assert [e.id for e in order_number_format()] == ["sales.E001"]
    assert order_number_format() == []


ORDERS_AT_ONCE = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_orders_posted_at_once_all_answer_201_with_distinct_numbers(org):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite takes one writer at a time)")
    customer = CustomerFactory(owner=org.rep1a1)
    product = ProductFactory(list_price=Decimal("100.00"), unit_cost=Decimal("40.00"))
    _month_with_imported_numbers(customer)
    body = {
        "customer": customer.pk,
        "date": "2026-03-20",
        "lines": [{"product": product.pk, "quantity": "1", "unit_price": "100.00"}],
        "submit": True,
    }
    start = threading.Barrier(ORDERS_AT_ONCE)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def post() -> None:
        try:
            client = APIClient()
            client.force_authenticate(org.rep1a1.user)
            start.wait(timeout=30)
            response = client.post("/api/v1/orders/", body, format="json")
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(ORDERS_AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [status for status, _body in answers] == [201] * ORDERS_AT_ONCE, answers
    numbers = sorted(data["number"] for _status, data in answers)
    # After SO202603-00007 (on record before the counter): 00008 to 00027, each once.
    assert numbers == [f"SO202603-{n:05d}" for n in range(8, 8 + ORDERS_AT_ONCE)]
    assert Order.objects.filter(date=date(2026, 3, 20)).count() == ORDERS_AT_ONCE
