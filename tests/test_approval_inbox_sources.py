"""More sources of the approval inbox (issue 18): payments awaiting confirmation, draft targets,
scorecards awaiting approval. For each: the right approver sees the item and decides it (the
database changes), the one who filed it does not see it and gets 404 deciding it, a manager of
another team gets 404; a bulk decision across two kinds is all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sales.models import Payment
from sales.services import payment_create
from sales.tests.factories import CustomerFactory, ProductFactory, make_order

D = Decimal
TODAY = date(2026, 3, 20)


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def keys(person) -> list[str]:
    return [item["key"] for item in api(person).get("/api/v1/inbox/").json()["results"]]


def decide(person, items: list[str], decision: str = "approve", reason: str = ""):
    body = {"items": items, "decision": decision, "reason": reason}
    return api(person).post("/api/v1/inbox/decide/", body, format="json")


@pytest.fixture
def confirming(settings):
    settings.PAYMENT_CONFIRMATION = True


def entered_payment(org, amount: str = "300.00", rep=None) -> Payment:
    """A confirmed order of 10 x 100 = 1,000 for the rep's customer; the rep enters a payment
    against it, which awaits confirmation (the rep may not approve the order)."""
    rep = rep or org.rep1a1
    customer = CustomerFactory(owner=rep)
    order = make_order(customer=customer, lines=[(ProductFactory(), "10", "100")], created_by=rep.user)
    payment = payment_create(order=order, date=TODAY, amount=D(amount), user=rep.user, today=TODAY)
    assert payment.awaiting_confirmation
    return payment


# --- payments --------------------------------------------------------------------------------


def test_a_payment_awaits_its_team_manager_and_is_confirmed(org, confirming):
    payment = entered_payment(org)
    key = f"payment:{payment.pk}"
    assert keys(org.tm1a) == [key]
    # The rep who entered it, another team's manager, another region's: not in their inbox.
    for person in (org.rep1a1, org.tm1b, org.tm2a, org.rm2):
        assert key not in keys(person), person.name
        assert decide(person, [key]).status_code == 404, person.name
    payment.refresh_from_db()
    assert payment.awaiting_confirmation
    assert decide(org.tm1a, [key]).json() == {"decided": 1}
    payment.refresh_from_db()
    assert (payment.awaiting_confirmation, payment.confirmed_by) == (False, org.tm1a)
    # The order's paid amount: 0 + 300 = 300 of its 1,000.
    assert payment.order.instalments.get().paid_amount == D("300.00")
    assert keys(org.tm1a) == []


def test_a_refused_payment_is_removed_with_its_reason(org, confirming):
    payment = entered_payment(org)
    key = f"payment:{payment.pk}"
    assert decide(org.tm1a, [key], "refuse").status_code == 400  # a refusal needs a reason
    assert decide(org.tm1a, [key], "refuse", "no such transfer").json() == {"decided": 1}
    assert not Payment.objects.filter(pk=payment.pk).exists()
    assert Payment.history.filter(id=payment.pk, history_type="-").get().history_change_reason == "no such transfer"


def test_no_payment_awaits_anyone_with_confirmation_off(org, settings):
    settings.PAYMENT_CONFIRMATION = True
    payment = entered_payment(org)
    settings.PAYMENT_CONFIRMATION = False
    assert keys(org.tm1a) == []
    assert decide(org.tm1a, [f"payment:{payment.pk}"]).status_code == 404


def test_the_payments_source_runs_a_fixed_number_of_queries(org, confirming):
    from sales.inbox import payment_items

    entered_payment(org)
    with CaptureQueriesContext(connection) as one:
        assert len(payment_items(org.tm1a.user)) == 1
    entered_payment(org, rep=org.rep1a2)
    entered_payment(org, amount="100.00")
    with CaptureQueriesContext(connection) as three:
        assert len(payment_items(org.tm1a.user)) == 3
    assert len(three) == len(one)
