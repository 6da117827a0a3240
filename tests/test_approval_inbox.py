"""The approval inbox (issue 18): orders and expense claims awaiting a person's decision, on the page
`/inbox/` and in the API `/api/v1/inbox/`; one-click and bulk decisions (all or none); only the
right approver sees and decides an item, anyone else gets 404."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fieldwork.models import ExpenseClaim
from fieldwork.services.visits import expense_create
from notifications.models import Notification, NotificationKind
from sales.models import OrderStatus, StepStatus
from sales.tests.factories import CustomerFactory, ProductFactory, make_order, set_approval_limits

D = Decimal


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


@pytest.fixture
def product(db):
    return ProductFactory(list_price=D("100.00"), unit_cost=D("60.00"))


def over_limit_order(org, product):
    """Limit 100,000; 90,000 confirmed and unpaid; then 20,000: 90,000 + 20,000 = 110,000 > 100,000,
    so the seeded matrix asks the regional manager (rm1 over team T1A)."""
    customer = CustomerFactory(owner=org.rep1a1, credit_limit=D("100000.00"))
    make_order(customer=customer, lines=[(product, "900", "100")], created_by=org.rep1a1.user)
    return make_order(customer=customer, lines=[(product, "200", "100")], created_by=org.rep1a1.user)


def big_order(org, product, rep=None):
    """200 x 100 = 20,000 above a limit of 100: the team manager's step."""
    rep = rep or org.rep1a1
    customer = CustomerFactory(owner=rep)
    return make_order(customer=customer, lines=[(product, "200", "100")], created_by=rep.user)


def keys(client) -> list[str]:
    return [item["key"] for item in client.get("/api/v1/inbox/").json()["results"]]


def test_an_order_over_the_limit_reaches_the_right_inbox_and_confirms(org, product, client):
    order = over_limit_order(org, product)
    key = f"order:{order.pk}"
    # In the regional manager's inbox, with the reason; nobody else's.
    assert keys(api(org.rm1)) == [key]
    item = api(org.rm1).get("/api/v1/inbox/").json()["results"][0]
    assert item["reason"] == "over credit limit: open 90000.00 + this 20000.00 > limit 100000.00"
    assert item["amount"] == "20000.00"
    for person in (org.rep1a1, org.tm1a, org.tm1b, org.tm2a, org.rm2, org.director):
        assert keys(api(person)) == [], person.name
    assert api(org.rm1).get("/api/v1/inbox/count/").json() == {"count": 1}
    assert Notification.objects.get(kind=NotificationKind.APPROVAL).recipient == org.rm1
    # The page shows it with the reason, and the badge counts it.
    client.force_login(org.rm1.user)
    page = client.get("/inbox/").content.decode()
    assert order.number in page and "over credit limit" in page
    assert ">1</span>" in client.get("/inbox/count/").content.decode()
    # One click approves it: the last (only) step, so the order confirms.
    response = client.post("/inbox/decide/", {"item": key, "decision": "approve"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.approved_by) == (OrderStatus.CONFIRMED, org.rm1)
    assert "approvals-empty" in client.get("/inbox/").content.decode()


def test_nobody_else_decides_it(org, product):
    order = over_limit_order(org, product)
    body = {"items": [f"order:{order.pk}"], "decision": "approve"}
    # The creator (a credited rep), another rep, another team's manager, the team manager (not
    # the step's level), another region's manager: all 404, nothing written.
    for person in (org.rep1a1, org.rep1a2, org.tm2a, org.tm1a, org.rm2):
        assert api(person).post("/api/v1/inbox/decide/", body, format="json").status_code == 404, person.name
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.approval_steps.get().status == StepStatus.WAITING
    # On the order's own action, the creator is refused with who may (403, the authority rule).
    response = api(org.rep1a1).post(f"/api/v1/orders/{order.pk}/approve/")
    assert response.status_code == 403 and "second person" in response.json()["detail"]


def test_a_refusal_needs_a_reason(org, product, client):
    order = over_limit_order(org, product)
    response = api(org.rm1).post(
        "/api/v1/inbox/decide/", {"items": [f"order:{order.pk}"], "decision": "refuse"}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    client.force_login(org.rm1.user)
    assert client.post("/inbox/decide/", {"item": f"order:{order.pk}", "decision": "refuse"}).status_code == 400
    response = api(org.rm1).post(
        "/api/v1/inbox/decide/",
        {"items": [f"order:{order.pk}"], "decision": "refuse", "reason": "collect first"},
        format="json",
    )
    assert response.json() == {"decided": 1}
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT and "collect first" in order.note


def test_bulk_is_all_or_nothing(org, product):
    set_approval_limits(amount=100)
    first, second = big_order(org, product), big_order(org, product, rep=org.rep1a2)
    other_team = big_order(org, product, rep=org.rep1b1)  # tm1b's, not tm1a's
    assert sorted(keys(api(org.tm1a))) == sorted([f"order:{first.pk}", f"order:{second.pk}"])
    body = {"items": [f"order:{first.pk}", f"order:{second.pk}", f"order:{other_team.pk}"], "decision": "approve"}
    assert api(org.tm1a).post("/api/v1/inbox/decide/", body, format="json").status_code == 404
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OrderStatus.PENDING, OrderStatus.PENDING)  # none approved
    body["items"] = body["items"][:2]
    assert api(org.tm1a).post("/api/v1/inbox/decide/", body, format="json").json() == {"decided": 2}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (OrderStatus.CONFIRMED, OrderStatus.CONFIRMED)
    # Malformed keys name the row.
    response = api(org.tm1a).post("/api/v1/inbox/decide/", {"items": ["nope"], "decision": "approve"}, format="json")
    assert response.status_code == 400 and "items.0" in response.json()


def test_the_page_bulk_approves_the_selected(org, product, client):
    set_approval_limits(amount=100)
    first, second = big_order(org, product), big_order(org, product, rep=org.rep1a2)
    client.force_login(org.tm1a.user)
    response = client.post(
        "/inbox/decide/", {"items": [f"order:{first.pk}", f"order:{second.pk}"], "decision": "approve"}
    )
    assert response.status_code == 302
    assert set(type(first).objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        OrderStatus.CONFIRMED
    }


def test_expense_claims_wait_in_the_team_managers_inbox(org, client):
    today = timezone.localdate()
    claim = expense_create(
        user=org.rep1a1.user, date_=today - timedelta(days=1), kind="travel", amount="88.00", today=today
    )
    key = f"expense:{claim.pk}"
    assert keys(api(org.tm1a)) == [key]
    for person in (org.rep1a1, org.tm1b, org.tm2a, org.rm1):
        assert keys(api(person)) == [], person.name
    assert (
        api(org.tm2a).post("/api/v1/inbox/decide/", {"items": [key], "decision": "approve"}, format="json").status_code
        == 404
    )
    assert api(org.tm1a).post(
        "/api/v1/inbox/decide/", {"items": [key], "decision": "approve"}, format="json"
    ).json() == {"decided": 1}
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == ("approved", org.tm1a)
    assert ExpenseClaim.objects.filter(status="submitted").count() == 0


def test_a_claim_waits_for_the_rank_above_its_filer_and_no_other_rank_reads_it(org):
    """A rep's claim goes to the team manager, a team manager's to the regional manager, a regional
    manager's to the director. The source asks the database only for claims filed by the rank
    below the decider: the director's inbox never reads the reps' claims of the whole company (on
    every page, for the inbox's count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fieldwork.inbox import expense_items

    today = timezone.localdate()
    claims = {
        person: expense_create(
            user=person.user, date_=today - timedelta(days=1), kind="travel", amount="50.00", today=today
        )
        for person in (org.rep1a1, org.tm1a, org.rm1)
    }
    expected = {org.tm1a: [claims[org.rep1a1]], org.rm1: [claims[org.tm1a]], org.director: [claims[org.rm1]]}
    for decider, waiting in expected.items():
        assert keys(api(decider)) == [f"expense:{claim.pk}" for claim in waiting], decider.name
        with CaptureQueriesContext(connection) as queries:
            items = expense_items(decider.user)
        assert [item.id for item in items] == [claim.pk for claim in waiting]
        read = [q["sql"] for q in queries.captured_queries if "expenseclaim" in q["sql"]]
        assert len(read) == 1 and '"position" IN' in read[0], read
    for person in (org.rep1a1, org.tm1b, org.rm2):
        assert keys(api(person)) == [], person.name


def test_the_inbox_page_in_chinese(org, product, client):
    set_approval_limits(amount=100)
    org.tm1a.language = "zh-hans"
    org.tm1a.save(update_fields=["language"])
    big_order(org, product)
    client.force_login(org.tm1a.user)
    page = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "审批" in page and "驳回所选" in page
    # The notification was written in the approver's language.
    assert Notification.objects.get(recipient=org.tm1a).title.startswith("订单")
