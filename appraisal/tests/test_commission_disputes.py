"""A rep acknowledges a statement, disputes a line, the manager resolves it, and the history shows
each step, through the pages and the API; refusals for another team's manager and for a rep on
someone else's statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from appraisal.models import CommissionDispute, CommissionStatement, DisputeStatus, LineKind, StatementStatus
from appraisal.services import (
    commission_dispute_resolve,
    commission_line_dispute,
    commission_plan_create,
    commission_plan_version_create,
    commission_statement_acknowledge,
    commission_statement_build,
    commission_statement_issue,
)
from appraisal.tests import factories as f
from notifications.models import Notification, NotificationKind
from salesorg.exceptions import ApplicationError, NotAllowed

D = Decimal
SAMPLE_TIERS = [(D(0), D(80), D(1)), (D(80), D(100), D(2)), (D(100), None, D(4))]


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


@pytest.fixture
def issued(org) -> CommissionStatement:
    """rep1a1's March statement, issued: booked sales 50,000 + 40,000 = 90,000 of a 100,000
    target; 80,000 x 1 % + 10,000 x 2 % = 1,000.00 (lines 500.00 and 500.00)."""
    plan = commission_plan_create(
        name="Booked", metric="sales_amount", position="rep", tiers=[(D(0), None, D(1))], by=f.ADMIN
    )
    commission_plan_version_create(
        plan=plan, effective_from=date(2026, 1, 1), mode="excess", tiers=SAMPLE_TIERS, by=f.ADMIN
    )
    f.target(org.rep1a1, "sales_amount", "2026-03", "100000.00")
    cust, product = f.customer(org.rep1a1), f.product("Main")
    for day, amount in ((date(2026, 3, 2), "50000.00"), (date(2026, 3, 9), "40000.00")):
        f.order(cust, day, lines=[(product, amount, "0")], shares=[(org.rep1a1, "100", amount, amount, True)])
    statement = commission_statement_build(plan=plan, person=org.rep1a1, period="2026-03", by=org.tm1a)
    # 50,000 x 1 % = 500; 90,000 earns 800 + 200 = 1,000, so the second line is 500.
    assert list(statement.lines.values_list("amount", flat=True)) == [D("500.00"), D("500.00")]
    return commission_statement_issue(statement=statement, by=org.tm1a)


def test_dispute_resolve_acknowledge_through_the_pages_with_history(client, org, issued):
    line = issued.lines.order_by("date").last()
    # The rep disputes the second line on the statement page.
    client.force_login(org.rep1a1.user)
    page = client.get(f"/appraisal/commission/{issued.pk}/")
    assert page.status_code == 200 and "1,000.00" in page.content.decode()
    answer = client.post(
        f"/appraisal/commission/{issued.pk}/", {"step": "dispute", "line": line.pk, "reason": "Order split 50/50"}
    )
    assert answer.status_code == 302
    dispute = CommissionDispute.objects.get()
    assert (dispute.line, dispute.status, dispute.raised_by) == (line, DisputeStatus.OPEN, org.rep1a1)
    # Routed to the rep's manager: tm1a is notified.
    assert Notification.objects.filter(recipient=org.tm1a, kind=NotificationKind.COMMISSION).count() == 1
    # Not acknowledged while the dispute is open.
    client.post(f"/appraisal/commission/{issued.pk}/", {"step": "acknowledge"})
    assert CommissionStatement.objects.get(pk=issued.pk).status == StatementStatus.ISSUED

    # The manager of another team sees no such dispute: 404 exactly like a missing one.
    client.force_login(org.tm1b.user)
    before = row(CommissionDispute, dispute.pk)
    answer = client.post("/appraisal/commission/disputes/", {"dispute": dispute.pk, "decision": "accept"})
    assert answer.status_code == 404
    assert row(CommissionDispute, dispute.pk) == before

    # tm1a accepts it with an adjustment of -250.00: 1,000 - 250 = 750.00.
    client.force_login(org.tm1a.user)
    assert "Order split 50/50" in client.get("/appraisal/commission/disputes/").content.decode()
    answer = client.post(
        "/appraisal/commission/disputes/",
        {"dispute": dispute.pk, "decision": "accept", "adjustment": "-250.00", "resolution": "Half is rep1a2's"},
    )
    assert answer.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.adjustment, dispute.resolved_by) == (DisputeStatus.ACCEPTED, D("-250.00"), org.tm1a)
    issued.refresh_from_db()
    assert issued.amount == D("750.00")
    assert issued.lines.get(kind=LineKind.ADJUSTMENT).amount == D("-250.00")
    assert Notification.objects.filter(recipient=org.rep1a1, kind=NotificationKind.COMMISSION).count() == 2

    # The rep acknowledges, with a comment; the page's history shows each step.
    client.force_login(org.rep1a1.user)
    client.post(f"/appraisal/commission/{issued.pk}/", {"step": "acknowledge", "comment": "Agreed"})
    issued.refresh_from_db()
    assert (issued.status, issued.acknowledge_comment) == (StatementStatus.ACKNOWLEDGED, "Agreed")
    html = client.get(f"/appraisal/commission/{issued.pk}/").content.decode()
    # The adjustment is written on the statement, then the dispute is closed.
    steps = ["built", "issued", "disputed", "dispute accepted", "accepted", "acknowledged"]
    positions = [html.index(f"· {step} ·") for step in steps]
    assert positions == sorted(positions)


def test_dispute_reject_and_acknowledge_through_the_api_with_history(org, issued):
    line = issued.lines.order_by("date").first()
    url = f"/api/v1/commission-statements/{issued.pk}/"
    # Bad input answers 400 naming the field and writes nothing.
    assert "reason" in api(org.rep1a1).post(f"{url}dispute/", {"line": line.pk, "reason": " "}).json()
    assert "line" in api(org.rep1a1).post(f"{url}dispute/", {"line": 999999, "reason": "x"}).json()
    assert not CommissionDispute.objects.exists()
    answer = api(org.rep1a1).post(f"{url}dispute/", {"line": line.pk, "reason": "Wrong date"})
    assert answer.status_code == 201, answer.content
    dispute_url = f"/api/v1/commission-disputes/{answer.json()['id']}/resolve/"
    # Another team's manager: 404 (outside scope); the rep themself: 403 (a second person).
    assert api(org.tm1b).post(dispute_url, {"accept": False, "resolution": "no"}).status_code == 404
    assert api(org.rep1a1).post(dispute_url, {"accept": False, "resolution": "no"}).status_code == 403
    # Accepting needs an adjustment other than 0; a resolution needs a reason.
    assert "adjustment" in api(org.tm1a).post(dispute_url, {"accept": True, "resolution": "ok"}).json()
    assert "resolution" in api(org.tm1a).post(dispute_url, {"accept": False, "resolution": ""}).json()
    resolved = api(org.rm1).post(dispute_url, {"accept": False, "resolution": "The date is the order's"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "rejected"
    ack = api(org.rep1a1).post(f"{url}acknowledge/", {"comment": "OK"})
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    # The amount is unchanged by a rejection: 1,000.00.
    assert ack.json()["amount"] == "1000.00"
    history = api(org.rep1a1).get(f"{url}history/").json()
    assert [event["step"] for event in history] == ["built", "issued", "disputed", "rejected", "acknowledged"]
    assert [event["by"] for event in history] == ["tm1a", "tm1a", "rep1a1", "rm1", "rep1a1"]


@pytest.mark.parametrize("who", ["rep1a2", "tm1a", "rm1", "director"])
def test_only_the_rep_acknowledges_or_disputes_their_statement(org, issued, who):
    person = getattr(org, who)
    line = issued.lines.first()
    with pytest.raises(NotAllowed):
        commission_statement_acknowledge(statement=issued, by=person)
    with pytest.raises(NotAllowed):
        commission_line_dispute(line=line, by=person, reason="x")
    assert row(CommissionStatement, issued.pk)["status"] == StatementStatus.ISSUED
    assert not CommissionDispute.objects.exists()
    # Through the API: rep1a2 does not see rep1a1's statement (404); the managers are refused (403).
    answer = api(person).post(f"/api/v1/commission-statements/{issued.pk}/acknowledge/", {})
    assert answer.status_code == (404 if who == "rep1a2" else 403)


@pytest.mark.parametrize("who", ["tm1b", "tm2a", "rm2", "rep1a2"])
def test_another_teams_manager_or_a_rep_does_not_resolve(org, issued, who):
    dispute = commission_line_dispute(line=issued.lines.first(), by=org.rep1a1, reason="x")
    with pytest.raises(NotAllowed):
        commission_dispute_resolve(dispute=dispute, by=getattr(org, who), accept=True, resolution="y", adjustment="1")
    assert row(CommissionDispute, dispute.pk)["status"] == DisputeStatus.OPEN


@pytest.mark.parametrize("who", ["tm1a", "rm1", "director"])
def test_the_reps_manager_line_resolves(org, issued, who):
    dispute = commission_line_dispute(line=issued.lines.first(), by=org.rep1a1, reason="x")
    commission_dispute_resolve(dispute=dispute, by=getattr(org, who), accept=True, resolution="y", adjustment="10")
    issued.refresh_from_db()
    # 1,000 + 10 = 1,010.00.
    assert issued.amount == D("1010.00")
    with pytest.raises(ApplicationError):
        commission_dispute_resolve(dispute=dispute, by=getattr(org, who), accept=False, resolution="again")


def test_an_acknowledged_statement_is_approved_by_a_second_person_then_exported(org, issued):
    from appraisal.services import commission_approve

    commission_statement_acknowledge(statement=issued, by=org.rep1a1)
    with pytest.raises(NotAllowed):
        commission_approve(statement=issued, by=org.rep1a1)
    approved = commission_approve(statement=issued, by=org.rm1)
    assert approved.status == StatementStatus.APPROVED


def test_the_statement_and_dispute_pages_in_chinese_show_no_english(client, org, issued):
    from tests.test_i18n import english_words

    commission_line_dispute(line=issued.lines.first(), by=org.rep1a1, reason="日期不对")
    for person in (org.rep1a1, org.tm1a):
        person.language = "zh-hans"
        person.save(update_fields=["language"])
        client.force_login(person.user)
        for url in (f"/appraisal/commission/{issued.pk}/", "/appraisal/commission/disputes/"):
            page = client.get(url)
            assert page.status_code == 200, url
            # The names of the test world (rep1a1, tm1a, the plan "Booked", order numbers ASO…).
            assert english_words(page.content.decode(), {"rep", "tm", "Booked", "ASO"}) == set(), url


def test_the_dispute_lists_and_the_statement_page_run_the_same_queries_at_two_sizes(client, org, issued):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.tm1a.user)
    manager_api = api(org.tm1a)
    urls = ("/appraisal/commission/disputes/", f"/appraisal/commission/{issued.pk}/")

    def counts() -> list[int]:
        numbers = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            numbers.append(len(queries))
        for url in ("/api/v1/commission-disputes/", f"/api/v1/commission-statements/{issued.pk}/"):
            with CaptureQueriesContext(connection) as queries:
                assert manager_api.get(url).status_code == 200
            numbers.append(len(queries))
        return numbers

    first, second = issued.lines.order_by("date")
    commission_line_dispute(line=first, by=org.rep1a1, reason="one")
    one = counts()
    commission_line_dispute(line=second, by=org.rep1a1, reason="two")
    assert counts() == one
