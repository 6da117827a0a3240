"""The authority rule on the sales side: who may create, credit, approve, confirm, edit catalogues.

Every refusal answers 403 with the rule's message and leaves the database as it was; a wider data
scope widens what one sees, never what one may change, so the refusals are also tried with people
whose scope was widened to everything.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sales import services
from sales.models import Order, OrderStatus, Payment, PipelineStage, Product
from sales.services import pipeline as pipeline_services
from sales.tests.factories import CustomerFactory, ProductFactory, make_order, set_approval_limits
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.scope import DataScope, forget_viewer


@pytest.fixture(autouse=True)
def _own_stages(db):
    PipelineStage.objects.all().delete()


@pytest.fixture
def product(db):
    return ProductFactory(list_price=Decimal("100.00"), unit_cost=Decimal("40.00"))


def client_for(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def widen(*people) -> None:
    """Give people the widest data scope: they see everything, they may change no more."""
    for person in people:
        person.data_scope = DataScope.ALL
        person.save(update_fields=["data_scope"])
        forget_viewer(person.user)


def order_body(customer, product, **overrides):
    body = {
        "customer": customer.pk,
        "date": "2026-03-10",
        "lines": [{"product": product.pk, "quantity": "2", "unit_price": "100.00"}],
    }
    body.update(overrides)
    return body


def pending_order(org, product, settings, **kwargs):
    """A 200.00 order above the 100 approval limit, filed by rep1a1 for their own customer."""
    set_approval_limits(amount=100)
    kwargs.setdefault("customer", CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1))
    kwargs.setdefault("created_by", org.rep1a1.user)
    order = make_order(lines=[(product, "2", "100")], **kwargs)
    assert order.status == OrderStatus.PENDING
    return order


# --- 1. the distributor is a scoped relation written by the service ---------------------------


def test_rep_cannot_set_a_distributor_of_another_team(org, product):
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    theirs = CustomerFactory(owner=org.rep1b1, team=org.t1b, region=org.r1, kind="distributor")
    client = client_for(org.rep1a1)
    response = client.post("/api/v1/orders/", order_body(customer, product, distributor=theirs.pk), format="json")
    assert response.status_code == 400 and "distributor" in response.json()
    assert Order.objects.count() == 0
    # On an existing order too: the distributor stays empty.
    order = make_order(customer=customer, confirm=False, created_by=org.rep1a1.user)
    response = client.patch(f"/api/v1/orders/{order.pk}/", {"distributor": theirs.pk}, format="json")
    assert response.status_code == 400 and "distributor" in response.json()
    order.refresh_from_db()
    assert order.distributor_id is None


def test_own_distributor_is_written_by_the_service(org, product):
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    mine = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1, kind="distributor")
    response = client_for(org.rep1a1).post(
        "/api/v1/orders/", order_body(customer, product, distributor=mine.pk, channel="distributor"), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Order.objects.get().distributor_id == mine.pk
    # An end customer is not a distributor.
    with pytest.raises(ApplicationError) as error:
        make_order(customer=mine, distributor=customer, created_by=org.rep1a1.user)
    assert "distributor" in error.value.fields


# --- 2. a hidden id answers exactly like a missing one, in English and Chinese ------------------

MISSING = 987654


def _normalised(response, hidden_id: int) -> tuple[int, str]:
    import json
    import re

    text = json.dumps(response.json(), ensure_ascii=False, sort_keys=True)
    return response.status_code, re.sub(rf"(?<!\d)({hidden_id}|{MISSING})(?!\d)", "ID", text)


def _relations(org, product):
    """(method, url, body with the id as a callable, hidden id) for every writable relation."""
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    hidden_customer = CustomerFactory(owner=org.rep1b1, team=org.t1b, region=org.r1, kind="distributor")
    hidden_order = make_order(customer=hidden_customer, shares=[(org.rep1b1, "100")])
    stage = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    opportunity = {"name": "x", "expected_amount": "1", "expected_close_date": "2026-09-30", "stage": stage.pk}
    return [
        ("post", "/api/v1/orders/", lambda i: {**order_body(customer, product), "customer": i}, hidden_customer.pk),
        ("post", "/api/v1/orders/", lambda i: order_body(customer, product, distributor=i), hidden_customer.pk),
        (
            "post",
            "/api/v1/orders/",
            lambda i: order_body(customer, product, shares=[{"rep": i, "percent": "100"}]),
            org.rep2a1.pk,
        ),
        ("post", "/api/v1/payments/", lambda i: {"order": i, "date": "2026-04-01", "amount": "1"}, hidden_order.pk),
        ("post", "/api/v1/opportunities/", lambda i: {**opportunity, "customer": i}, hidden_customer.pk),
        (
            "post",
            "/api/v1/opportunities/",
            lambda i: {**opportunity, "customer": customer.pk, "owner": i},
            org.rep2a1.pk,
        ),
        ("get", "/api/v1/orders/", lambda i: {"customer": i}, hidden_customer.pk),
        ("get", "/api/v1/payments/", lambda i: {"order": i}, hidden_order.pk),
        ("get", "/api/v1/opportunities/", lambda i: {"customer": i, "owner": i}, hidden_customer.pk),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_hidden_id_answers_like_a_missing_one(org, product, language):
    client = client_for(org.rep1a1)
    relations = _relations(org, product)
    orders_before = Order.objects.count()
    for method, url, body, hidden_id in relations:
        answers = []
        for pk in (hidden_id, MISSING):
            kwargs = {"format": "json"} if method == "post" else {}
            response = getattr(client, method)(url, body(pk), HTTP_ACCEPT_LANGUAGE=language, **kwargs)
            answers.append(_normalised(response, hidden_id))
        assert answers[0] == answers[1], (url, answers)
        assert answers[0][0] in (200, 400), (url, answers)
        if language == "zh-hans" and answers[0][0] == 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in answers[0][1]), answers[0]
    assert Order.objects.count() == orders_before and Payment.objects.count() == 0


# --- 3. credit shares: reps of the creator's unit, a 400 naming `shares`, never a 500 --------------


def test_rep_credits_a_teammate_and_still_sees_the_order(org, product):
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    client = client_for(org.rep1a1)
    body = order_body(customer, product, shares=[{"rep": org.rep1a2.pk, "percent": "100"}])
    response = client.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.content
    assert [s["rep"] for s in response.json()["shares"]] == [org.rep1a2.pk]
    # The filer follows their order: detail, list and submit.
    order_id = response.json()["id"]
    assert client.get(f"/api/v1/orders/{order_id}/").status_code == 200
    assert [o["id"] for o in client.get("/api/v1/orders/").json()["results"]] == [order_id]
    assert client.post(f"/api/v1/orders/{order_id}/submit/").status_code == 200
    # Someone else of the team, neither filer nor credited, does not see it.
    assert client_for(org.junior1a).get(f"/api/v1/orders/{order_id}/").status_code == 404


def test_credit_outside_the_unit_is_a_400_naming_shares(org, product):
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    widen(org.rep1a1, org.tm1a)  # they see rep1b1 now, and still may not credit them
    for person in (org.rep1a1, org.tm1a):
        body = order_body(customer, product, shares=[{"rep": org.rep1b1.pk, "percent": "100"}])
        response = client_for(person).post("/api/v1/orders/", body, format="json")
        assert response.status_code == 400, response.content
        assert response.json()["shares"] == [
            "rep1b1 is not in your unit: shares go only to reps of your unit unless a manager of both units approves."
        ]
    assert Order.objects.count() == 0
    # A manager of both units may: the regional manager of R1.
    body = order_body(
        customer, product, shares=[{"rep": org.rep1a1.pk, "percent": "50"}, {"rep": org.rep1b1.pk, "percent": "50"}]
    )
    assert client_for(org.rm1).post("/api/v1/orders/", body, format="json").status_code == 201


def test_rep_adding_another_units_rep_to_an_order_is_refused(org, product):
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    order = make_order(customer=customer, confirm=False, created_by=org.rep1a1.user)
    widen(org.rep1a1)
    response = client_for(org.rep1a1).patch(
        f"/api/v1/orders/{order.pk}/", {"shares": [{"rep": org.rep2a1.pk, "percent": "100"}]}, format="json"
    )
    assert response.status_code == 400 and "shares" in response.json()
    assert list(order.shares.values_list("rep", flat=True)) == [org.rep1a1.pk]


# --- 4. create, approve, confirm, catalogues ------------------------------------------------


def test_create_order_and_opportunity_for_own_customer_or_as_a_manager_of_its_unit(org, product):
    colleagues = CustomerFactory(owner=org.rep1a2, team=org.t1a, region=org.r1)
    stage = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    opportunity = {
        "name": "x",
        "customer": colleagues.pk,
        "expected_amount": "1",
        "expected_close_date": "2026-09-30",
        "stage": stage.pk,
        "owner": org.rep1a2.pk,
    }
    widen(org.rep1a1, org.tm1b, org.rm2)
    for person in (org.rep1a1, org.tm1b, org.rm2):
        response = client_for(person).post("/api/v1/orders/", order_body(colleagues, product), format="json")
        assert response.status_code == 403, (person, response.content)
        assert response.json()["detail"] == (
            "Only the customer's owner or a manager of the customer's unit records work for this customer."
        )
        assert client_for(person).post("/api/v1/opportunities/", opportunity).status_code == 403
    assert Order.objects.count() == 0 and not colleagues.opportunities.exists()
    for person in (org.tm1a, org.rm1, org.director):
        assert (
            client_for(person).post("/api/v1/orders/", order_body(colleagues, product), format="json").status_code
            == 201
        )
    assert client_for(org.tm1a).post("/api/v1/opportunities/", opportunity).status_code == 201


def test_approve_and_reject_by_a_manager_above_the_filer_only(org, product, settings):
    order = pending_order(org, product, settings)
    widen(org.rep1a2, org.tm1b, org.rm2)
    refusals = {
        org.rep1a1: "Approval is by a second person: you filed this.",
        org.rep1a2: "Only a manager of the record's unit approves it.",
        org.tm1b: "Only a manager of the record's unit approves it.",
        org.rm2: "Only a manager of the record's unit approves it.",
    }
    for person, message in refusals.items():
        for action, body in (("approve", {}), ("reject", {"reason": "x"})):
            response = client_for(person).post(f"/api/v1/orders/{order.pk}/{action}/", body)
            assert response.status_code == 403 and response.json()["detail"] == message, (person, action)
    order.refresh_from_db()
    assert (order.status, order.approved_by, order.note) == (OrderStatus.PENDING, None, "")
    response = client_for(org.tm1a).post(f"/api/v1/orders/{order.pk}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_an_order_filed_by_the_director_is_approved_by_nobody_but_an_admin(org, product, settings, admin_user):
    order = pending_order(org, product, settings, created_by=org.director.user)
    for person, message in (
        (org.director, "Approval is by a second person: you filed this."),
        (org.rm1, "Only a manager above the one who filed it approves it."),
        (org.tm1a, "Only a manager above the one who filed it approves it."),
    ):
        response = client_for(person).post(f"/api/v1/orders/{order.pk}/approve/")
        assert response.status_code == 403 and response.json()["detail"] == message
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    client = APIClient()  # an admin may
    client.force_authenticate(admin_user)
    assert client.post(f"/api/v1/orders/{order.pk}/approve/").status_code == 200


def test_an_order_credited_to_two_teams_is_approved_by_a_manager_of_both(org, product, settings):
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    order = pending_order(
        org,
        product,
        settings,
        customer=customer,
        created_by=org.rm1.user,
        shares=[(org.rep1a1, "50"), (org.rep1b1, "50")],
    )
    response = client_for(org.tm1a).post(f"/api/v1/orders/{order.pk}/approve/")
    assert (
        response.status_code == 403 and response.json()["detail"] == "Only a manager of the record's unit approves it."
    )
    # The regional manager filed it; the director is above them and manages both teams.
    assert client_for(org.rm1).post(f"/api/v1/orders/{order.pk}/approve/").status_code == 403
    assert client_for(org.director).post(f"/api/v1/orders/{order.pk}/approve/").status_code == 200


def test_a_payment_is_confirmed_by_a_manager_never_by_a_credited_rep(org, product):
    customer = CustomerFactory(owner=org.rep1a1, team=org.t1a, region=org.r1)
    order = make_order(customer=customer, lines=[(product, "1", "100")], created_by=org.rep1a1.user)
    widen(org.tm1b, org.rm2)
    body = {"order": order.pk, "date": "2026-04-01", "amount": "10"}
    for person, message in (
        (org.rep1a1, "Approval is by a second person: you filed this."),
        (org.tm1b, "Only a manager of the record's unit approves it."),
        (org.rm2, "Only a manager of the record's unit approves it."),
    ):
        response = client_for(person).post("/api/v1/payments/", body)
        assert response.status_code == 403 and response.json()["detail"] == message
    assert Payment.objects.count() == 0
    assert client_for(org.tm1a).post("/api/v1/payments/", body).status_code == 201
    # A manager credited on an order does not confirm its payments.
    own = make_order(customer=CustomerFactory(owner=org.tm1a, team=org.t1a, region=org.r1), shares=[(org.tm1a, "100")])
    response = client_for(org.tm1a).post("/api/v1/payments/", {**body, "order": own.pk})
    assert (
        response.status_code == 403
        and response.json()["detail"] == "Approval is by a second person: you are credited on this."
    )


def test_widened_scope_does_not_let_anyone_move_anothers_opportunity(org):
    stage = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    won = PipelineStage.objects.create(name="Won", order=50, probability=100, is_won=True)
    customer = CustomerFactory(owner=org.rep1a2, team=org.t1a, region=org.r1)
    opportunity = pipeline_services.opportunity_create(
        name="扩产",
        customer=customer,
        owner=org.rep1a2,
        expected_amount=Decimal("1"),
        expected_close_date=date(2026, 9, 30),
        stage=stage,
    )
    widen(org.rep1a1, org.tm1b, org.rm2)
    for person in (org.rep1a1, org.tm1b, org.rm2):
        response = client_for(person).patch(f"/api/v1/opportunities/{opportunity.pk}/", {"stage": won.pk})
        assert response.status_code == 403, person
    opportunity.refresh_from_db()
    assert opportunity.stage == stage
    assert client_for(org.tm1a).patch(f"/api/v1/opportunities/{opportunity.pk}/", {"stage": won.pk}).status_code == 200


def test_pipeline_stages_by_managers_products_by_the_director(org):
    stage = {"name": "Demo", "order": 15, "probability": 20}
    response = client_for(org.rep1a1).post("/api/v1/pipeline-stages/", stage)
    assert response.status_code == 403
    assert (
        response.json()["detail"]
        == "Only a manager edits competitors and pipeline stages; reps add intelligence notes."
    )
    assert not PipelineStage.objects.exists()
    assert client_for(org.tm1b).post("/api/v1/pipeline-stages/", stage).status_code == 201

    product = {"code": "N1", "name": "n", "product_line": "a", "list_price": "10", "unit_cost": "5"}
    for person in (org.rep1a1, org.tm1b, org.rm1):
        response = client_for(person).post("/api/v1/products/", product)
        assert response.status_code == 403
        assert response.json()["detail"] == "Only a director or an admin edits the product catalogue."
    assert not Product.objects.exists()
    assert client_for(org.director).post("/api/v1/products/", product).status_code == 201
    existing = Product.objects.get()
    response = client_for(org.rm1).patch(f"/api/v1/products/{existing.pk}/", {"list_price": "1"})
    assert response.status_code == 403
    existing.refresh_from_db()
    assert existing.list_price == Decimal("10.00")


def test_services_refuse_without_the_api(org, product, settings):
    """The rule lives in the service: the web pages and the admin get the same answers."""
    order = pending_order(org, product, settings)
    with pytest.raises(authority.NotAllowed):
        services.order_approve(order=order, user=org.rep1a1.user)
    with pytest.raises(ApplicationError) as error:
        make_order(customer=order.customer, shares=[(org.rep1b1, "100")], created_by=org.rep1a1.user)
    assert list(error.value.fields) == ["shares"]


# --- templates ask the rule ------------------------------------------------------------------


def test_order_page_shows_approve_and_payment_only_to_who_may(client, org, product, settings):
    order = pending_order(org, product, settings)
    client.force_login(org.rep1a1.user)
    page = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert "/approve/" not in page and "/submit/" not in page
    client.force_login(org.tm1a.user)
    page = client.get(reverse("sales:order-detail", args=[order.pk])).content.decode()
    assert "/approve/" in page and "/reject/" in page
