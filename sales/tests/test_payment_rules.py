"""Payment rules a finance team signs off (issue #18): a payment reference is unique per customer
(through the API and the ERP import), and an instalment is never due before its order's date;
each refusal is a 400 naming the field, with nothing written."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook
from rest_framework.test import APIClient

from sales.models import Instalment, Order, Payment, PipelineStage
from sales.services.imports import import_payments
from sales.tests.factories import CustomerFactory, ProductFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_stages(db):
    PipelineStage.objects.all().delete()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_reference_is_unique_per_customer(org):
    customer = CustomerFactory(owner=org.rep1a1)
    first, second = (make_order(customer=customer, lines=[(ProductFactory(), "1", "100.00")]) for _ in range(2))
    elsewhere = make_order(customer=CustomerFactory(owner=org.rep1a2), lines=[(ProductFactory(), "1", "100.00")])
    manager = client_for(org.tm1a.user)  # posting confirms money received: the team manager
    body = {"date": "2026-04-01", "amount": "40.00", "reference": "BANK-0415"}
    assert manager.post("/api/v1/payments/", {"order": first.pk, **body}).status_code == 201
    # The same reference on another order of the same customer: refused, naming the field.
    response = manager.post("/api/v1/payments/", {"order": second.pk, **body})
    assert response.status_code == 400 and "reference" in response.json()
    # ... and on the same order again (spaces around it do not make it new).
    response = manager.post("/api/v1/payments/", {"order": first.pk, **body, "reference": " BANK-0415 "})
    assert response.status_code == 400 and "reference" in response.json()
    assert Payment.objects.count() == 1
    # Another customer may have a payment with the same reference; payments without one are not compared.
    assert manager.post("/api/v1/payments/", {"order": elsewhere.pk, **body}).status_code == 201
    no_reference = {"date": "2026-04-02", "amount": "10.00"}
    assert manager.post("/api/v1/payments/", {"order": second.pk, **no_reference}).status_code == 201
    assert manager.post("/api/v1/payments/", {"order": second.pk, **no_reference}).status_code == 201
    assert Payment.objects.count() == 4


def _excel(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_import_refuses_a_reference_of_another_order_of_the_customer(org):
    customer = CustomerFactory(owner=org.rep1a1)
    for erp_no in ("E1", "E2"):
        make_order(customer=customer, lines=[(ProductFactory(), "1", "100.00")], erp_no=erp_no, number=f"ERP-{erp_no}")
    header = ["erp_no", "payment_date", "amount", "reference"]
    done = import_payments(
        content=_excel([header, ["E1", date(2026, 4, 1), 40, "R1"]]), file_name="p.xlsx", dry_run=False
    )
    assert done.created == 1, done.errors
    # R1 on E2 (same customer): line 2 refused; R2 twice in the file on two orders: line 4 refused.
    rows = [
        header,
        ["E2", date(2026, 4, 2), 10, "R1"],
        ["E1", date(2026, 4, 2), 10, "R2"],
        ["E2", date(2026, 4, 3), 10, "R2"],
    ]
    result = import_payments(content=_excel(rows), file_name="p.xlsx", dry_run=False)
    assert [(e["line"], e["field"]) for e in result.errors] == [(2, "reference"), (4, "reference")]
    assert Payment.objects.count() == 1


def test_an_instalment_due_before_the_order_date_answers_400(org):
    customer = CustomerFactory(owner=org.rep1a1)
    product = ProductFactory()
    body = {
        "customer": customer.pk,
        "date": "2026-03-10",
        "lines": [{"product": product.pk, "quantity": "1", "unit_price": "100.00"}],
        "instalments": [{"due_date": "2026-03-09", "amount": "40.00"}, {"due_date": "2026-04-10", "amount": "60.00"}],
    }
    response = client_for(org.rep1a1.user).post("/api/v1/orders/", body, format="json")
    assert response.status_code == 400 and "instalments" in response.json()
    assert (Order.objects.count(), Instalment.objects.count()) == (0, 0)
    # Due on the order date itself is fine (paid on delivery).
    body["instalments"][0]["due_date"] = "2026-03-10"
    response = client_for(org.rep1a1.user).post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    assert [i["due_date"] for i in response.json()["instalments"]] == ["2026-03-10", "2026-04-10"]
    assert Decimal(response.json()["total_amount"]) == Decimal("100.00")
