"""Customer pages: scope, forms, query counts of every list page at two sizes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Competitor, CustomerMove, FollowUp, FollowUpKind, MoveKind
from customers.tests.factories import (
    ComplaintFactory,
    CustomerFactory,
    EvaluationFactory,
    ExpenseClaimFactory,
    StakeholderFactory,
    VisitFactory,
)
from fieldwork.models import ExpenseClaim, IntelNote, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos and receipts go to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = str(tmp_path)


def login(client, person):
    client.force_login(person.user)
    return client


def test_rep_sees_own_customers_only_and_other_customer_page_is_404(client, org):
    mine = CustomerFactory(owner=org.rep1a1, name="东方机械有限公司")
    theirs = CustomerFactory(owner=org.rep1a2, name="南方电气有限公司")
    login(client, org.rep1a1)

    page = client.get(reverse("customers:customer-list")).content.decode()

    assert mine.name in page and theirs.name not in page
    assert client.get(reverse("customers:customer-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("customers:customer-detail", args=[mine.pk])).status_code == 200


def test_customer_page_shows_days_left_evaluations_and_referrals(client, org):
    referrer = CustomerFactory(owner=org.rep1a1)
    customer = CustomerFactory(
        owner=org.rep1a1, referred_by=referrer, pool_due_date=timezone.localdate() + timedelta(days=5)
    )
    EvaluationFactory(customer=customer, period="2026-Q1", grade="B", reason="回款慢")
    login(client, org.rep1a1)

    page = client.get(reverse("customers:customer-detail", args=[customer.pk])).content.decode()
    referrer_page = client.get(reverse("customers:customer-detail", args=[referrer.pk])).content.decode()

    assert "5 days" in page
    assert "2026-Q1" in page and "回款慢" in page
    assert referrer.name in page
    # The referral shows on both customers.
    assert customer.name in referrer_page


def test_customer_create_form_refuses_bad_coordinates(client, org):
    login(client, org.rep1a1)

    response = client.post(
        reverse("customers:customer-create"),
        {
            "code": "C-NEW",
            "name": "新客户",
            "kind": "end",
            "status": "active",
            "credit_limit": "0",
            "potential_amount": "0",
            "latitude": "95",
            "longitude": "120",
        },
    )

    assert response.status_code == 400
    assert "latitude" in response.content.decode()
    assert not CustomerMove.objects.exists()


def test_customer_create_form_makes_the_rep_owner(client, org):
    login(client, org.rep1a1)

    response = client.post(
        reverse("customers:customer-create"),
        {
            "code": "C-NEW",
            "name": "新客户",
            "kind": "end",
            "status": "active",
            "credit_limit": "0",
            "potential_amount": "0",
        },
    )

    assert response.status_code == 302
    move = CustomerMove.objects.get()
    assert move.customer.owner == org.rep1a1 and move.kind == MoveKind.CREATED
    assert move.customer.team == org.t1a


def test_visit_form_offers_only_own_customers_and_files_a_report(client, org):
    mine = CustomerFactory(owner=org.rep1a1, name="东方机械有限公司")
    theirs = CustomerFactory(owner=org.rep1a2, name="南方电气有限公司")
    login(client, org.rep1a1)

    form_page = client.get(reverse("fieldwork:visit-create")).content.decode()
    assert mine.name in form_page and theirs.name not in form_page

    today = timezone.localdate()
    response = client.post(
        reverse("fieldwork:visit-create"),
        {
            "customer": mine.pk,
            "date": today.isoformat(),
            "kind": "visit",
            "purpose": "拜访",
            "latitude": "31.230416",
            "longitude": "121.473701",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    # Checked in exactly at the customer's coordinates: 0 m.
    assert visit.distance_m == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"date": "2026-02-30"}, "date"),
        ({"latitude": "-91", "longitude": "10"}, "latitude"),
    ],
)
def test_visit_form_bad_input_is_400(client, org, payload, field):
    mine = CustomerFactory(owner=org.rep1a1)
    login(client, org.rep1a1)
    data = {"customer": mine.pk, "date": timezone.localdate().isoformat(), "kind": "visit", **payload}

    response = client.post(reverse("fieldwork:visit-create"), data)

    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode() or "Must be between" in response.content.decode()
    assert Visit.objects.count() == 0


def test_visit_form_for_customer_outside_scope_is_400_naming_customer(client, org):
    theirs = CustomerFactory(owner=org.rep1a2)
    login(client, org.rep1a1)

    response = client.post(
        reverse("fieldwork:visit-create"),
        {"customer": theirs.pk, "date": timezone.localdate().isoformat(), "kind": "visit"},
    )

    assert response.status_code == 400
    assert 'data-field-error="customer"' in response.content.decode()
    assert Visit.objects.count() == 0


def test_manager_list_flags_far_check_ins(client, org):
    customer = CustomerFactory(owner=org.rep1a1)
    VisitFactory(customer=customer, latitude=Decimal("31.3"), longitude=Decimal("121.4"), distance_m=9800)
    login(client, org.tm1a)

    page = client.get(reverse("fieldwork:visit-list") + "?far=on").content.decode()

    assert "9800 m" in page and "table-warning" in page


def test_expense_approved_by_the_reps_manager_only(client, org):
    claim = ExpenseClaimFactory(person=org.rep1a1)
    login(client, org.tm1b)
    # Another team's manager does not see it.
    assert client.post(reverse("fieldwork:expense-decide", args=[claim.pk]), {"decision": "approve"}).status_code == 404
    login(client, org.tm1a)

    client.post(reverse("fieldwork:expense-decide", args=[claim.pk]), {"decision": "approve"})

    claim.refresh_from_db()
    assert claim.status == "approved" and claim.decided_by == org.tm1a


def test_expense_form_refuses_negative_amount(client, org):
    login(client, org.rep1a1)

    response = client.post(
        reverse("fieldwork:expense-create"), {"date": "2026-03-01", "kind": "travel", "amount": "-5"}
    )

    assert response.status_code == 400
    assert ExpenseClaim.objects.count() == 0


def test_pool_page_claim(client, org):
    pooled = CustomerFactory(owner=None, name="公海客户有限公司")
    login(client, org.rep1a2)

    assert pooled.name in client.get(reverse("customers:pool")).content.decode()
    client.post(reverse("customers:pool-claim", args=[pooled.pk]))

    pooled.refresh_from_db()
    assert pooled.owner == org.rep1a2


def _fill(org, rows: int) -> None:
    customers = CustomerFactory.create_batch(rows, owner=org.rep1a1, referred_by=None)
    CustomerFactory.create_batch(rows, owner=None)
    competitor = Competitor.objects.create(name=f"竞品{rows}")
    for customer in customers:
        stakeholder = StakeholderFactory(customer=customer)
        visit = VisitFactory(customer=customer, distance_m=50)
        visit.stakeholders.add(stakeholder)
        ExpenseClaimFactory(person=org.rep1a1, customer=customer, visit=visit)
        ComplaintFactory(customer=customer)
        FollowUp.objects.create(
            person=org.rep1a1, customer=customer, kind=FollowUpKind.OTHER, message="跟进", created_on=date(2026, 3, 1)
        )
        IntelNote.objects.create(
            competitor=competitor,
            customer=customer,
            author=org.rep1a1,
            team=org.t1a,
            region=org.r1,
            date=date(2026, 3, 1),
            note="降价",
        )


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    "url_name",
    [
        "customers:customer-list",
        "fieldwork:visit-list",
        "fieldwork:expense-list",
        "customers:pool",
        "customers:follow-up-list",
        "customers:complaint-list",
        "customers:competitor-list",
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(client, org, rows, url_name, django_assert_max_num_queries):
    _fill(org, rows)
    login(client, org.tm1a)

    with django_assert_max_num_queries(16):
        response = client.get(reverse(url_name))

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_customer_detail_query_count(client, org, rows, django_assert_max_num_queries):
    customer = CustomerFactory(owner=org.rep1a1)
    for _ in range(rows):
        VisitFactory(customer=customer).stakeholders.add(StakeholderFactory(customer=customer))
        ComplaintFactory(customer=customer)
    login(client, org.rep1a1)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("customers:customer-detail", args=[customer.pk]))

    assert response.status_code == 200
