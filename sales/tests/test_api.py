"""API: nested orders written through the service, 400s naming the field, scope, query counts."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from sales.models import CreditShare, Order, Payment, PipelineStage
from sales.services import pipeline as pipeline_services
from sales.tests.factories import CustomerFactory, ProductFactory, make_order, set_approval_limits


@pytest.fixture(autouse=True)
def _own_stages(db):
    """The tests configure their own pipeline stages (the migration's defaults are removed)."""
    PipelineStage.objects.all().delete()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def product(db):
    return ProductFactory(list_price=Decimal("100.00"), unit_cost=Decimal("40.00"))


def order_body(customer, product, **overrides):
    body = {
        "customer": customer.pk,
        "date": "2026-03-10",
        "lines": [{"product": product.pk, "quantity": "2", "unit_price": "100.00"}],
        "submit": True,
    }
    body.update(overrides)
    return body


def test_create_order_with_nested_lines_and_shares(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    body = order_body(
        customer, product, shares=[{"rep": org.rep1a1.pk, "percent": "70"}, {"rep": org.rep1a2.pk, "percent": "30"}]
    )
    response = client_for(org.rep1a1.user).post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    # 2 x 100.00 = 200.00; 30% = 60.00, the 70% share 140.00; margin 200 - 2 x 40 = 120 -> 36.00 / 84.00.
    assert data["total_amount"] == "200.00" and data["status"] == "confirmed"
    shares = {s["rep"]: s for s in data["shares"]}
    assert (shares[org.rep1a1.pk]["amount"], shares[org.rep1a1.pk]["margin"]) == ("140.00", "84.00")
    assert shares[org.rep1a1.pk]["is_primary"] is True
    assert shares[org.rep1a2.pk]["team"] == org.t1a.pk
    assert data["instalments"][0]["due_date"] == "2026-04-09"  # 10 March + 30 days


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lines": [{"product": 0, "quantity": "1", "unit_price": "1"}]}, "lines"),  # unknown product
        ({"lines": [{"product": None, "quantity": "-1", "unit_price": "1"}]}, "lines"),  # negative quantity
        ({"lines": [{"product": None, "quantity": "1", "unit_price": "-5"}]}, "lines"),  # negative price
        ({"date": "2026-02-30"}, "date"),  # malformed date
        ({"shares": "99"}, "shares"),
        ({"shares": "101"}, "shares"),
    ],
)
def test_bad_order_input_answers_400_naming_the_field(org, product, overrides, field):
    customer = CustomerFactory(owner=org.rep1a1)
    if "lines" in overrides and overrides["lines"][0]["product"] is None:
        overrides["lines"][0]["product"] = product.pk
    if overrides.get("shares") in ("99", "101"):
        second = "49" if overrides["shares"] == "99" else "51"
        overrides["shares"] = [{"rep": org.rep1a1.pk, "percent": "50"}, {"rep": org.rep1a2.pk, "percent": second}]
    response = client_for(org.rep1a1.user).post(
        "/api/v1/orders/", order_body(customer, product, **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Order.objects.count() == 0 and CreditShare.objects.count() == 0


def test_payment_above_balance_answers_400_naming_amount(org, product):
    order = make_order(customer=CustomerFactory(owner=org.rep1a1), lines=[(product, "1", "100")])
    # Posting a payment confirms money received: the rep's team manager, not the credited rep.
    client = client_for(org.tm1a.user)
    response = client.post("/api/v1/payments/", {"order": order.pk, "date": "2026-04-01", "amount": "100.01"})
    assert response.status_code == 400 and "amount" in response.json()
    response = client.post("/api/v1/payments/", {"order": order.pk, "date": "2026-04-31", "amount": "10"})
    assert response.status_code == 400 and "date" in response.json()
    assert Payment.objects.count() == 0
    response = client.post("/api/v1/payments/", {"order": order.pk, "date": "2026-04-01", "amount": "100.00"})
    assert response.status_code == 201
    assert response.json()["amount"] == "100.00"


def test_scope_rep_sees_orders_credited_to_them_and_404_outside(org, product):
    mine = make_order(customer=CustomerFactory(owner=org.rep1a1), shares=[(org.rep1a1, "50"), (org.rep2a1, "50")])
    other = make_order(customer=CustomerFactory(owner=org.rep1b1))
    client = client_for(org.rep2a1.user)
    assert [o["id"] for o in client.get("/api/v1/orders/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/orders/{other.pk}/").status_code == 404
    response = client.post("/api/v1/payments/", {"order": other.pk, "date": "2026-04-01", "amount": "1"})
    assert response.status_code == 400 and "order" in response.json()
    # The team manager of T1B sees the other order, not the first (credited to T1A and T2A).
    ids = [o["id"] for o in client_for(org.tm1b.user).get("/api/v1/orders/").json()["results"]]
    assert ids == [other.pk]


def test_approve_through_the_api(org, product, settings):
    set_approval_limits(amount=100)
    customer = CustomerFactory(owner=org.rep1a1)
    response = client_for(org.rep1a1.user).post("/api/v1/orders/", order_body(customer, product), format="json")
    order_id = response.json()["id"]
    assert response.json()["status"] == "pending"  # 200.00 > 100
    assert client_for(org.rep1a1.user).post(f"/api/v1/orders/{order_id}/approve/").status_code == 403
    assert client_for(org.tm2a.user).post(f"/api/v1/orders/{order_id}/approve/").status_code == 404
    response = client_for(org.tm1a.user).post(f"/api/v1/orders/{order_id}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def _orders(org, product, n):
    customer = CustomerFactory(owner=org.rep1a1)
    for i in range(n):
        order = make_order(
            customer=customer,
            lines=[(product, "1", "100"), (product, "2", "100")],
            shares=[(org.rep1a1, "60"), (org.rep1a2, "40")],
            on=date(2026, 3, 1 + i % 28),
        )
        from sales.services.payments import payment_create

        payment_create(order=order, date=date(2026, 4, 1), amount=Decimal("5"))


@pytest.mark.parametrize("n", [3, 30])
def test_list_endpoints_run_a_fixed_number_of_queries(org, product, django_assert_max_num_queries, n):
    _orders(org, product, n)
    stage = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    customer = CustomerFactory(owner=org.rep1a1)
    for i in range(n):
        pipeline_services.opportunity_create(
            name=f"机会{i}",
            customer=customer,
            owner=org.rep1a1,
            expected_amount=Decimal("1000"),
            expected_close_date=date(2026, 6, 30),
            stage=stage,
        )
    client = client_for(org.tm1a.user)
    for url in (
        "/api/v1/orders/",
        "/api/v1/payments/",
        "/api/v1/opportunities/",
        "/api/v1/products/",
        "/api/v1/pipeline-stages/",
    ):
        with django_assert_max_num_queries(9):
            response = client.get(url + "?page_size=100")
        assert response.status_code == 200
    orders = client.get("/api/v1/orders/?page_size=100").json()
    assert orders["count"] == n
    assert len(orders["results"][0]["lines"]) == 2 and len(orders["results"][0]["shares"]) == 2
    assert orders["results"][0]["paid_amount"] == "5.00"


def test_opportunity_move_and_lost_reason(org):
    lead = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    lost = PipelineStage.objects.create(name="Lost", order=60, probability=0, is_lost=True)
    customer = CustomerFactory(owner=org.rep1a1)
    client = client_for(org.rep1a1.user)
    response = client.post(
        "/api/v1/opportunities/",
        {
            "name": "扩产项目",
            "customer": customer.pk,
            "expected_amount": "5000",
            "expected_close_date": "2026-09-30",
            "stage": lead.pk,
        },
    )
    assert response.status_code == 201, response.json()
    opportunity_id = response.json()["id"]
    assert response.json()["team"] == org.t1a.pk
    response = client.patch(f"/api/v1/opportunities/{opportunity_id}/", {"stage": lost.pk})
    assert response.status_code == 400 and "lost_reason" in response.json()
    response = client.patch(f"/api/v1/opportunities/{opportunity_id}/", {"stage": lost.pk, "lost_reason": "价格"})
    assert response.status_code == 200
    assert [h["stage"] for h in response.json()["stage_history"]] == [lead.pk, lost.pk]
    assert client_for(org.rep1b1.user).get(f"/api/v1/opportunities/{opportunity_id}/").status_code == 404
    response = client.post(
        "/api/v1/opportunities/",
        {"name": "x", "customer": customer.pk, "expected_amount": "-1", "expected_close_date": "2026-09-30"},
    )
    assert response.status_code == 400 and "expected_amount" in response.json()


def test_products_admin_write_and_negative_price(org, admin_user):
    client = client_for(admin_user)
    response = client.post(
        "/api/v1/products/", {"code": "N1", "name": "n", "product_line": "a", "list_price": "-1", "unit_cost": "1"}
    )
    assert response.status_code == 400 and "list_price" in response.json()
    assert client_for(org.rep1a1.user).post("/api/v1/products/", {}).status_code == 403
