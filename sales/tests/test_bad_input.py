"""Bad inputs of issue #18 ("Why"), each through the API and the page: a 400 naming the field, and
nothing written (rows counted before and after)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from sales.models import Instalment, Order, Payment, PipelineStage
from sales.tests.factories import CustomerFactory, ProductFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_stages(db):
    PipelineStage.objects.all().delete()


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def page(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def counts() -> tuple[int, int, int]:
    return Order.objects.count(), Payment.objects.count(), Instalment.objects.count()


# --- payment reference, unique per customer --------------------------------------------------


def test_a_duplicate_payment_reference_is_refused_by_api_and_page(org):
    customer = CustomerFactory(owner=org.rep1a1)
    first = make_order(customer=customer)  # 100.00
    second = make_order(customer=customer)
    manager = api(org.tm1a)
    assert (
        manager.post(
            "/api/v1/payments/", {"order": first.pk, "date": "2026-04-01", "amount": "40.00", "reference": "BK-1"}
        ).status_code
        == 201
    )
    before = counts()
    response = manager.post(
        "/api/v1/payments/", {"order": second.pk, "date": "2026-04-02", "amount": "10.00", "reference": "BK-1"}
    )
    assert response.status_code == 400 and "reference" in response.json()
    assert counts() == before
    response = page(org.tm1a).post(
        f"/customers/sales/orders/{second.pk}/pay/", {"date": "2026-04-02", "amount": "10.00", "reference": "BK-1"}
    )
    assert response.status_code == 400
    assert b'data-field="reference"' in response.content
    assert counts() == before


def test_the_database_refuses_a_duplicate_reference_of_one_customer(org):
    from django.db import IntegrityError, transaction

    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(customer=customer)
    Payment.objects.create(order=order, date=date(2026, 4, 1), amount=Decimal("1.00"), reference="R-9")
    # Without a reference any number of payments is fine; the same reference again is not.
    Payment.objects.create(order=order, date=date(2026, 4, 1), amount=Decimal("1.00"))
    Payment.objects.create(order=order, date=date(2026, 4, 1), amount=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(order=order, date=date(2026, 4, 2), amount=Decimal("1.00"), reference="R-9")
    assert Payment.objects.filter(reference="R-9").count() == 1


# --- instalments on or after the order date --------------------------------------------------


def test_an_instalment_before_the_order_date_is_refused_naming_its_row(org):
    order = make_order(customer=CustomerFactory(owner=org.rep1a1), on=date(2026, 3, 10))  # 100.00
    plan_before = list(order.instalments.values_list("due_date", "amount"))
    body = {
        "instalments": [
            {"due_date": "2026-04-10", "amount": "60.00"},
            {"due_date": "2026-03-09", "amount": "40.00"},  # the day before the order date
        ]
    }
    response = api(org.tm1a).put(f"/api/v1/orders/{order.pk}/payment-plan/", body, format="json")
    assert response.status_code == 400
    rows = response.json()["instalments"]
    assert rows[0] == {} and "due_date" in rows[1]
    assert list(order.instalments.values_list("due_date", "amount")) == plan_before
    # The page: the second row of the formset is named.
    form = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-due_date": "2026-04-10",
        "form-0-amount": "60.00",
        "form-1-due_date": "2026-03-09",
        "form-1-amount": "40.00",
    }
    response = page(org.tm1a).post(f"/customers/sales/orders/{order.pk}/plan/", form)
    assert response.status_code == 400
    assert b'data-row="1" data-field="due_date"' in response.content
    assert list(order.instalments.values_list("due_date", "amount")) == plan_before


# --- order dates within the window -----------------------------------------------------------


@pytest.mark.parametrize("day", ["1900-01-01", "2999-12-31"])
def test_an_order_date_far_off_is_refused(org, day):
    customer = CustomerFactory(owner=org.rep1a1)
    product = ProductFactory()
    before = counts()
    body = {
        "customer": customer.pk,
        "date": day,
        "lines": [{"product": product.pk, "quantity": "1", "unit_price": "5"}],
    }
    response = api(org.rep1a1).post("/api/v1/orders/", body, format="json")
    assert response.status_code == 400 and "date" in response.json()
    assert counts() == before
    form = {
        "customer": customer.pk,
        "date": day,
        "channel": "direct",
        "payment_terms_days": "30",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-0-product": product.pk,
        "lines-0-quantity": "1",
        "lines-0-unit_price": "5",
        "shares-TOTAL_FORMS": "0",
        "shares-INITIAL_FORMS": "0",
    }
    response = page(org.rep1a1).post("/customers/sales/orders/new/", form)
    assert response.status_code == 400
    assert "date" in response.context["form"].errors
    assert counts() == before


def test_the_order_date_window_edges(org, settings):
    settings.ORDER_DATE_PAST_DAYS, settings.ORDER_DATE_FUTURE_DAYS = 10, 2
    customer = CustomerFactory(owner=org.rep1a1)
    product = ProductFactory()
    today = timezone.localdate()
    client = api(org.rep1a1)

    def post(day: date) -> int:
        body = {
            "customer": customer.pk,
            "date": day.isoformat(),
            "lines": [{"product": product.pk, "quantity": "1", "unit_price": "5"}],
        }
        return client.post("/api/v1/orders/", body, format="json").status_code

    # 10 back and 2 ahead are the last days allowed; one more either way is refused.
    assert post(today - timedelta(days=10)) == 201
    assert post(today + timedelta(days=2)) == 201
    assert post(today - timedelta(days=11)) == 400
    assert post(today + timedelta(days=3)) == 400
    assert Order.objects.count() == 2


# --- payments entered by a rep wait for confirmation ------------------------------------------


def test_a_rep_payment_counts_only_once_confirmed(org, settings):
    settings.PAYMENT_CONFIRMATION = True
    order = make_order(customer=CustomerFactory(owner=org.rep1a1), lines=[(ProductFactory(), "2", "500.00")])
    # The order is 2 x 500.00 = 1,000.00, credited 100 % to rep1a1.
    response = api(org.rep1a1).post(
        "/api/v1/payments/", {"order": order.pk, "date": "2026-04-01", "amount": "300.00", "reference": "C-1"}
    )
    assert response.status_code == 201 and response.json()["awaiting_confirmation"] is True
    payment = Payment.objects.get()
    # Not counted yet: nothing paid on the order, no instalment settled, no collection.
    assert Order.objects.filter(pk=order.pk).with_paid().get().paid_amount == Decimal("0.00")
    assert sum(i.paid_amount for i in order.instalments.all()) == Decimal("0.00")
    assert Payment.objects.counted().count() == 0
    # The rep cannot confirm their own payment (403), nor can a manager of another team (404).
    assert api(org.rep1a1).post(f"/api/v1/payments/{payment.pk}/confirm/").status_code == 403
    assert api(org.tm2a).post(f"/api/v1/payments/{payment.pk}/confirm/").status_code == 404
    payment.refresh_from_db()
    assert payment.awaiting_confirmation
    # The team manager confirms: 300.00 paid, 1,000.00 - 300.00 = 700.00 open.
    response = api(org.tm1a).post(f"/api/v1/payments/{payment.pk}/confirm/")
    assert response.status_code == 200 and response.json()["awaiting_confirmation"] is False
    assert Order.objects.filter(pk=order.pk).with_paid().get().paid_amount == Decimal("300.00")
    assert sum(i.paid_amount for i in order.instalments.all()) == Decimal("300.00")
    payment.refresh_from_db()
    assert payment.confirmed_by == org.tm1a and payment.entered_by == org.rep1a1


def test_a_payment_is_not_confirmed_by_the_person_who_entered_it(org, settings):
    settings.PAYMENT_CONFIRMATION = True
    # rep1a1 files an order credited to rep1a2; rep1a1 enters a payment; neither confirms it.
    order = make_order(customer=CustomerFactory(owner=org.rep1a2), shares=[(org.rep1a2, "100")])
    Order.objects.filter(pk=order.pk).update(created_by=org.rep1a1)
    response = api(org.rep1a2).post("/api/v1/payments/", {"order": order.pk, "date": "2026-04-01", "amount": "10.00"})
    assert response.status_code == 201
    payment = Payment.objects.get()
    for person in (org.rep1a2, org.rep1a1):
        assert api(person).post(f"/api/v1/payments/{payment.pk}/confirm/").status_code == 403
    # The page refuses the same and writes nothing.
    response = page(org.rep1a2).post(f"/customers/sales/payments/{payment.pk}/confirm/")
    payment.refresh_from_db()
    assert payment.awaiting_confirmation and payment.confirmed_by is None
    assert page(org.tm1a).post(f"/customers/sales/payments/{payment.pk}/confirm/").status_code == 302
    payment.refresh_from_db()
    assert not payment.awaiting_confirmation and payment.confirmed_by == org.tm1a


def test_without_the_setting_a_rep_may_not_post_and_a_manager_payment_counts_at_once(org):
    order = make_order(customer=CustomerFactory(owner=org.rep1a1))  # 100.00
    assert (
        api(org.rep1a1)
        .post("/api/v1/payments/", {"order": order.pk, "date": "2026-04-01", "amount": "10.00"})
        .status_code
        == 403
    )
    assert (
        api(org.tm1a)
        .post("/api/v1/payments/", {"order": order.pk, "date": "2026-04-01", "amount": "10.00"})
        .status_code
        == 201
    )
    assert Order.objects.filter(pk=order.pk).with_paid().get().paid_amount == Decimal("10.00")


# --- expense claims: 99,999 two years back without a receipt ---------------------------------


def test_a_large_old_expense_without_receipt_is_refused_naming_each_field(org):
    from django.urls import reverse

    from fieldwork.models import ExpenseClaim, ExpensePolicy

    # The policy for travel, every position: at most 10,000.00 a claim, a receipt above 500.00.
    ExpensePolicy.objects.update_or_create(
        kind="travel", position="", defaults={"per_claim_limit": Decimal("10000"), "receipt_above": Decimal("500")}
    )
    two_years_back = (timezone.localdate() - timedelta(days=730)).isoformat()
    body = {"date": two_years_back, "kind": "travel", "amount": "99999.00"}
    before = ExpenseClaim.objects.count()
    response = api(org.rep1a1).post("/api/v1/expenses/", body, format="json")
    assert response.status_code == 400
    assert {"date", "amount", "receipt"} <= set(response.json())
    response = page(org.rep1a1).post(reverse("fieldwork:expense-create"), {**body, "description": ""})
    assert response.status_code == 400
    assert {"date", "amount", "receipt"} <= set(response.context["form"].errors)
    assert ExpenseClaim.objects.count() == before
