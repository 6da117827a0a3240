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

from appraisal.models import Scorecard, ScorecardStatus
from appraisal.services import appraisal_period_open, scorecard_review_update, scorecard_submit
from appraisal.tests import factories as f
from notifications.models import Notification, NotificationKind
from sales.models import Payment
from sales.services import payment_create
from sales.tests.factories import CustomerFactory, ProductFactory, make_order
from targets.models import TargetStatus
from targets.services import achievements_recompute
from targets.services.targets import target_create

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


# --- targets ---------------------------------------------------------------------------------


def rep_target(org, rep=None, value: str = "50000"):
    """A rep drafts their own yearly sales target: their team manager approves it."""
    rep = rep or org.rep1a1
    return target_create(user=rep.user, owner_kind="rep", person=rep, metric="sales_amount", period="2026", value=value)


def test_a_draft_target_awaits_the_team_manager_and_is_approved(org, client):
    target = rep_target(org)
    key = f"target:{target.pk}"
    assert keys(org.tm1a) == [key]
    # The rep who drafted it, another team's manager, another region's, and the regional manager
    # (who may approve it too, but the team manager is the first above the rep): not theirs.
    for person in (org.rep1a1, org.rep1a2, org.tm1b, org.tm2a, org.rm2, org.rm1):
        assert key not in keys(person), person.name
    for person in (org.rep1a1, org.tm1b, org.tm2a, org.rm2):
        assert decide(person, [key]).status_code == 404, person.name
    target.refresh_from_db()
    assert target.status == TargetStatus.DRAFT
    # The page offers approve only (targets have no refusal); a refusal through the API is a 400.
    client.force_login(org.tm1a.user)
    page = client.get("/inbox/").content.decode()
    row = page[page.index(f'data-item="{key}"') :]
    row = row[: row.index("</tr>")]
    assert 'value="approve"' in row and 'value="refuse"' not in row
    assert decide(org.tm1a, [key], "refuse", "too low").status_code == 400
    assert decide(org.tm1a, [key]).json() == {"decided": 1}
    target.refresh_from_db()
    assert (target.status, target.approved_by) == (TargetStatus.APPROVED, org.tm1a)
    assert keys(org.tm1a) == []


def test_a_team_target_drafted_by_its_manager_awaits_the_regional_manager(org):
    target = target_create(
        user=org.tm1a.user, owner_kind="team", team=org.t1a, metric="sales_amount", period="2026", value="90000"
    )
    key = f"target:{target.pk}"
    assert keys(org.rm1) == [key]
    for person in (org.tm1a, org.tm1b, org.rm2):
        assert key not in keys(person), person.name
        assert decide(person, [key]).status_code == 404, person.name
    assert decide(org.rm1, [key]).json() == {"decided": 1}
    target.refresh_from_db()
    assert (target.status, target.approved_by) == (TargetStatus.APPROVED, org.rm1)


def test_the_targets_source_runs_a_fixed_number_of_queries(org):
    from targets.inbox import target_items

    rep_target(org)
    with CaptureQueriesContext(connection) as one:
        assert len(target_items(org.tm1a.user)) == 1
    rep_target(org, rep=org.rep1a2)
    target_create(
        user=org.rep1a1.user, owner_kind="rep", person=org.rep1a1, metric="visits", period="2026", value="120"
    )
    with CaptureQueriesContext(connection) as three:
        assert len(target_items(org.tm1a.user)) == 3
    assert len(three) == len(one)


def test_bulk_across_payments_and_targets_is_all_or_nothing(org, confirming):
    payment = entered_payment(org)
    target = rep_target(org)
    other_team = rep_target(org, rep=org.rep1b1)  # tm1b's, not tm1a's
    items = [f"payment:{payment.pk}", f"target:{target.pk}", f"target:{other_team.pk}"]
    assert decide(org.tm1a, items).status_code == 404
    payment.refresh_from_db()
    target.refresh_from_db()
    assert (payment.awaiting_confirmation, target.status) == (True, TargetStatus.DRAFT)  # none decided
    assert decide(org.tm1a, items[:2]).json() == {"decided": 2}
    payment.refresh_from_db()
    target.refresh_from_db()
    assert (payment.awaiting_confirmation, target.status) == (False, TargetStatus.APPROVED)


# --- scorecards ------------------------------------------------------------------------------


@pytest.fixture
def cards(org):
    """February's scorecards of team T1A (its reps), opened by tm1a; tm1a scores and submits them."""
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=date(2026, 3, 2))
    return {card.person_id: card for card in Scorecard.objects.filter(appraisal_period=appraisal)}


def submit(card, by) -> Scorecard:
    scorecard_review_update(scorecard=card, by=by, data={"manager_comment": "ok", "root_cause": "late"})
    return scorecard_submit(scorecard=card, by=by)


def test_a_submitted_scorecard_awaits_the_regional_manager_and_is_approved(org, cards):
    card = submit(cards[org.rep1a1.pk], org.tm1a)
    key = f"scorecard:{card.pk}"
    assert keys(org.rm1) == [key]
    # The scorer (tm1a), the rep appraised, another team's manager, another region's: 404.
    for person in (org.tm1a, org.rep1a1, org.tm1b, org.tm2a, org.rm2):
        assert key not in keys(person), person.name
        assert decide(person, [key]).status_code == 404, person.name
    card.refresh_from_db()
    assert card.status == ScorecardStatus.SUBMITTED
    assert decide(org.rm1, [key]).json() == {"decided": 1}
    card.refresh_from_db()
    assert (card.status, card.approved_by) == (ScorecardStatus.APPROVED, org.rm1)


def test_a_refused_scorecard_goes_back_to_draft_with_the_reason(org, cards):
    card = submit(cards[org.rep1a1.pk], org.tm1a)
    assert decide(org.rm1, [f"scorecard:{card.pk}"], "refuse", "score the visits again").json() == {"decided": 1}
    card.refresh_from_db()
    assert card.status == ScorecardStatus.DRAFT and "score the visits again" in card.manager_comment


def test_the_scorecards_source_runs_a_fixed_number_of_queries(org, cards):
    from appraisal.inbox import scorecard_items

    submit(cards[org.rep1a1.pk], org.tm1a)
    with CaptureQueriesContext(connection) as one:
        assert len(scorecard_items(org.rm1.user)) == 1
    submit(cards[org.rep1a2.pk], org.tm1a)
    with CaptureQueriesContext(connection) as two:
        assert len(scorecard_items(org.rm1.user)) == 2
    assert len(two) == len(one)


def test_bulk_across_scorecards_and_targets_is_all_or_nothing(org, cards):
    card = submit(cards[org.rep1a1.pk], org.tm1a)
    # A team target drafted by tm1a: rm1 approves it; one of T1B drafted by tm1b too.
    team_target = target_create(
        user=org.tm1a.user, owner_kind="team", team=org.t1a, metric="visits", period="2026", value="500"
    )
    own = rep_target(org, rep=org.rm1)  # rm1's own commitment is never in rm1's inbox
    items = [f"scorecard:{card.pk}", f"target:{team_target.pk}", f"target:{own.pk}"]
    assert decide(org.rm1, items).status_code == 404
    card.refresh_from_db()
    team_target.refresh_from_db()
    assert (card.status, team_target.status) == (ScorecardStatus.SUBMITTED, TargetStatus.DRAFT)
    assert decide(org.rm1, items[:2]).json() == {"decided": 2}
    card.refresh_from_db()
    team_target.refresh_from_db()
    assert (card.status, team_target.status) == (ScorecardStatus.APPROVED, TargetStatus.APPROVED)


def test_an_entered_payment_notifies_its_confirmer(org, confirming):
    payment = entered_payment(org)
    # tm1a is the first manager above rep1a1 whose unit holds the order: only tm1a is notified.
    note = Notification.objects.get(kind=NotificationKind.APPROVAL)
    assert note.recipient == org.tm1a and payment.order.number in note.title
