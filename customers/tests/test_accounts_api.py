"""Customers, stakeholders, evaluations, expenses, competitors, complaints through the API."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import (
    ClassificationChange,
    Complaint,
    Customer,
    CustomerEvaluation,
    CustomerMove,
    CustomerReward,
    FollowUp,
    FollowUpKind,
    MoveKind,
    Stakeholder,
    StakeholderChange,
)
from customers.tests.factories import (
    ComplaintFactory,
    CustomerFactory,
    EvaluationFactory,
    ExpenseClaimFactory,
    StakeholderFactory,
    VisitFactory,
)
from fieldwork.models import ExpenseClaim
from fieldwork.tests.test_api import client_for, png
from sales.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos and receipts go to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = str(tmp_path)


def test_rep_creates_own_customer_and_cannot_give_it_to_another(org):
    client = client_for(org.rep1a1)

    created = client.post("/api/v1/customers/", {"code": "C-1", "name": "华东机械有限公司"}, format="json")
    refused = client.post("/api/v1/customers/", {"code": "C-2", "name": "x", "owner": org.rep1a2.pk}, format="json")

    assert created.status_code == 201
    assert created.json()["owner"] == org.rep1a1.pk
    assert refused.status_code == 400 and "owner" in refused.json()
    assert list(Customer.objects.values_list("code", flat=True)) == ["C-1"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "", "name": "x"}, "code"),
        ({"code": "C-9", "name": ""}, "name"),
        ({"code": "C-9", "name": "x", "credit_limit": "-1"}, "credit_limit"),
        ({"code": "C-9", "name": "x", "latitude": "12", "longitude": "200"}, "longitude"),
        ({"code": "C-9", "name": "x", "credit_rating": "ZZ"}, "credit_rating"),
    ],
)
def test_bad_customer_input_is_400_naming_the_field(org, payload, field):
    response = client_for(org.rep1a1).post("/api/v1/customers/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Customer.objects.count() == 0


def test_transfer_keeps_history_and_is_for_managers(org):
    customer = CustomerFactory(owner=org.rep1a1)
    url = f"/api/v1/customers/{customer.pk}/transfer/"

    assert client_for(org.rep1a1).post(url, {"to_owner": org.rep1a2.pk, "reason": "x"}).status_code == 403
    no_reason = client_for(org.tm1a).post(url, {"to_owner": org.rep1a2.pk, "reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    # A rep of another region is outside the team manager's scope.
    outside = client_for(org.tm1a).post(url, {"to_owner": org.rep2a1.pk, "reason": "调整"})
    assert outside.status_code == 400 and "to_owner" in outside.json()

    response = client_for(org.tm1a).post(url, {"to_owner": org.rep1a2.pk, "reason": "区域调整"})

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.owner == org.rep1a2
    move = CustomerMove.objects.get(customer=customer)
    assert (move.kind, move.from_owner, move.to_owner, move.reason) == (
        MoveKind.TRANSFERRED,
        org.rep1a1,
        org.rep1a2,
        "区域调整",
    )
    assert customer.history.count() >= 2


def test_classification_rule_and_override_with_reason(org):
    customer = CustomerFactory(owner=org.rep1a1, classification="potential", potential_amount=Decimal("0"))
    today = timezone.localdate()
    # 1,200,000 of confirmed orders in the last 12 months >= the 1,000,000 key threshold; a draft does not count.
    Order.objects.create(
        number="SO-1", customer=customer, date=today, status=OrderStatus.CONFIRMED, total_amount=Decimal("1200000")
    )
    Order.objects.create(
        number="SO-2", customer=customer, date=today, status=OrderStatus.DRAFT, total_amount=Decimal("9000000")
    )
    url = f"/api/v1/customers/{customer.pk}/classify/"
    client = client_for(org.tm1a)

    no_reason = client.post(url, {"classification": "general"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert client.post(url, {"classification": "key"}).status_code == 200
    customer.refresh_from_db()
    assert customer.classification == "key" and not customer.classification_overridden

    assert client.post(url, {"classification": "general", "reason": "集团统一采购"}).status_code == 200
    customer.refresh_from_db()
    assert customer.classification == "general" and customer.classification_overridden
    change = ClassificationChange.objects.filter(customer=customer).first()
    assert (change.proposed, change.reason) == ("key", "集团统一采购")


def test_evaluation_grade_and_a_drop_needs_reason_and_plan(org):
    customer = CustomerFactory(owner=org.rep1a1)
    url = f"/api/v1/customers/{customer.pk}/evaluations/"
    client = client_for(org.rep1a1)
    scores = {"credit_score": 5, "payment_score": 4, "volume_score": 5, "cooperation_score": 4, "satisfaction_score": 5}

    first = client.post(url, {"period": "2026-Q1", **scores}, format="json")
    # (5 + 4 + 5 + 4 + 5) / 5 = 4.60 -> A (>= 4.5).
    assert first.status_code == 201
    assert (first.json()["overall_score"], first.json()["grade"]) == ("4.60", "A")

    lower = {"credit_score": 3, "payment_score": 2, "volume_score": 4, "cooperation_score": 3, "satisfaction_score": 3}
    # (3 + 2 + 4 + 3 + 3) / 5 = 3.00 -> C: a drop from A.
    refused = client.post(url, {"period": "2026-Q2", **lower}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json() and "response_plan" in refused.json()
    assert CustomerEvaluation.objects.count() == 1

    accepted = client.post(
        url, {"period": "2026-Q2", **lower, "reason": "回款延迟", "response_plan": "每周跟进回款"}, format="json"
    )
    assert accepted.status_code == 201
    assert (accepted.json()["grade"], accepted.json()["previous_grade"]) == ("C", "A")

    bad = client.post(url, {"period": "2026-Q9", **scores, "credit_score": 7}, format="json")
    assert bad.status_code == 400 and {"period", "credit_score"} <= set(bad.json())


def test_stakeholder_replaced_creates_follow_up_for_owner(org):
    customer = CustomerFactory(owner=org.rep1a1)
    boss = StakeholderFactory(customer=customer, name="王总")

    response = client_for(org.tm1a).post(
        f"/api/v1/stakeholders/{boss.pk}/change/",
        {"kind": "replaced", "note": "调任集团", "replacement": {"name": "李总"}},
        format="json",
    )

    assert response.status_code == 201
    boss.refresh_from_db()
    assert boss.status == "replaced"
    change = StakeholderChange.objects.get()
    assert change.replacement.name == "李总" and change.replacement.role == boss.role
    follow_up = FollowUp.objects.get(kind=FollowUpKind.STAKEHOLDER_CHANGE)
    assert follow_up.person == org.rep1a1 and "李总" in follow_up.message


def test_stakeholder_for_customer_outside_scope_answers_as_a_missing_one(org):
    theirs = CustomerFactory(owner=org.rep2a1)
    missing = theirs.pk + 1000
    client = client_for(org.rep1a1)

    hidden = client.post("/api/v1/stakeholders/", {"customer": theirs.pk, "name": "x", "role": "user"}, format="json")
    absent = client.post("/api/v1/stakeholders/", {"customer": missing, "name": "x", "role": "user"}, format="json")

    # The id named in the body is looked up in the rep's scope: the same 400, word for word.
    assert hidden.status_code == absent.status_code == 400
    assert hidden.content.decode().replace(str(theirs.pk), "ID") == absent.content.decode().replace(str(missing), "ID")
    assert Stakeholder.objects.count() == 0


def test_expense_claim_with_receipt_and_decision(org):
    customer = CustomerFactory(owner=org.rep1a1)
    rep = client_for(org.rep1a1)

    created = rep.post(
        "/api/v1/expenses/",
        {
            "date": timezone.localdate().isoformat(),
            "kind": "entertainment",
            "amount": "356.80",
            "customer": customer.pk,
            "receipt": png("r.png"),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    claim_id = created.json()["id"]
    assert created.json()["amount"] == "356.80"

    # A manager of the claim's unit above the filer decides: never the rep who filed it; another
    # region's manager does not even see it.
    assert rep.post(f"/api/v1/expenses/{claim_id}/approve/").status_code == 403
    assert client_for(org.rm2).post(f"/api/v1/expenses/{claim_id}/approve/").status_code == 404
    refused = client_for(org.tm1a).post(f"/api/v1/expenses/{claim_id}/refuse/", {"note": ""})
    assert refused.status_code == 400 and "note" in refused.json()
    assert client_for(org.tm1a).post(f"/api/v1/expenses/{claim_id}/approve/").status_code == 200
    assert ExpenseClaim.objects.get().status == "approved"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"date": "2026-03-02", "kind": "travel", "amount": "-10"}, "amount"),
        ({"date": "2026-03-02", "kind": "travel", "amount": "0"}, "amount"),
        ({"date": "03/02/2026", "kind": "travel", "amount": "10"}, "date"),
        ({"date": "2026-03-02", "kind": "yacht", "amount": "10"}, "kind"),
    ],
)
def test_bad_expense_is_400(org, payload, field):
    response = client_for(org.rep1a1).post("/api/v1/expenses/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert ExpenseClaim.objects.count() == 0


def test_complaint_closing_needs_resolution(org):
    customer = CustomerFactory(owner=org.rep1a1)
    client = client_for(org.rep1a1)

    created = client.post("/api/v1/complaints/", {"customer": customer.pk, "subject": "包装破损"}, format="json")
    assert created.status_code == 201
    url = f"/api/v1/complaints/{created.json()['id']}/"
    no_resolution = client.patch(url, {"status": "closed"}, format="json")
    assert no_resolution.status_code == 400 and "resolution" in no_resolution.json()

    closed = client.patch(url, {"status": "closed", "resolution": "补发并赔偿运费"}, format="json")
    assert closed.status_code == 200 and closed.json()["closed_on"] == timezone.localdate().isoformat()
    bad_date = client.post(
        "/api/v1/complaints/", {"customer": customer.pk, "subject": "x", "received_on": "2026-99-01"}, format="json"
    )
    assert bad_date.status_code == 400 and "received_on" in bad_date.json()
    assert Complaint.objects.count() == 1


def test_referral_reward_visible_on_both_customers(org):
    referrer = CustomerFactory(owner=org.rep1a1)
    newcomer = CustomerFactory(owner=org.rep1a1, referred_by=referrer)

    negative = client_for(org.tm1a).post(
        f"/api/v1/customers/{referrer.pk}/rewards/",
        {"kind": "referral", "amount": "-1", "reason": "x", "referral": newcomer.pk},
    )
    assert negative.status_code == 400 and "amount" in negative.json()
    response = client_for(org.tm1a).post(
        f"/api/v1/customers/{referrer.pk}/rewards/",
        {"kind": "referral", "amount": "2000.00", "reason": "推荐新客户", "referral": newcomer.pk},
    )

    assert response.status_code == 201
    reward = CustomerReward.objects.get()
    assert reward.referral == newcomer and reward.amount == Decimal("2000.00")
    assert client_for(org.rep1a1).get(f"/api/v1/customers/{newcomer.pk}/").json()["referred_by"] == referrer.pk


def test_competitor_and_intel_note(org):
    # Managers keep the competitor records; reps add intelligence notes.
    competitor = client_for(org.tm1a).post(
        "/api/v1/competitors/", {"name": "远航科技", "products": "同类设备"}, format="json"
    )
    assert competitor.status_code == 201
    assert client_for(org.tm1a).post("/api/v1/competitors/", {"name": ""}, format="json").status_code == 400
    client = client_for(org.rep1a1)
    visit = VisitFactory(customer=CustomerFactory(owner=org.rep1a1))

    note = client.post(
        "/api/v1/intel-notes/",
        {"competitor": competitor.json()["id"], "visit": visit.pk, "note": "对手降价10%"},
        format="json",
    )

    assert note.status_code == 201
    assert note.json()["customer"] == visit.customer_id


def _fill(org, rows: int) -> None:
    from customers.models import Competitor
    from fieldwork.models import IntelNote

    for i in range(rows):
        customer = CustomerFactory(owner=org.rep1a1, referred_by=None)
        CustomerFactory(owner=None)
        StakeholderFactory(customer=customer)
        EvaluationFactory(customer=customer)
        ComplaintFactory(customer=customer)
        ExpenseClaimFactory(person=org.rep1a1, customer=customer)
        FollowUp.objects.create(
            person=org.rep1a1, customer=customer, kind=FollowUpKind.OTHER, message="跟进", created_on=date(2026, 3, 1)
        )
        competitor = Competitor.objects.create(name=f"竞品{rows}-{i}")
        IntelNote.objects.create(
            competitor=competitor,
            customer=customer,
            author=org.rep1a1,
            team=org.t1a,
            region=org.r1,
            date=date(2026, 3, 1),
            note="x",
        )
        CustomerReward.objects.create(
            customer=customer, kind="gift", date=date(2026, 3, 1), amount=Decimal("10"), reason="x"
        )


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/customers/",
        "/api/v1/customer-pool/",
        "/api/v1/stakeholders/",
        "/api/v1/expenses/",
        "/api/v1/competitors/",
        "/api/v1/intel-notes/",
        "/api/v1/complaints/",
        "/api/v1/customer-evaluations/",
        "/api/v1/customer-rewards/",
        "/api/v1/follow-ups/",
    ],
)
def test_list_endpoints_run_a_fixed_number_of_queries(org, rows, url, django_assert_max_num_queries):
    _fill(org, rows)
    client = client_for(org.tm1a)

    with django_assert_max_num_queries(8):
        response = client.get(url + "?page_size=100")

    assert response.status_code == 200
    assert response.json()["count"] >= rows
