"""The expense policy (issue #18): limits per claim and per month by category and position, a
receipt above an amount, a date window, duplicates flagged. Amounts worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from fieldwork.models import ExpenseClaim, ExpensePolicy, ExpenseStatus
from fieldwork.services.visits import expense_create
from salesorg.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


def receipt() -> SimpleUploadedFile:
    return SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def policy(db):
    ExpensePolicy.objects.all().delete()
    # Travel, every position: 1,000.00 a claim, 1,500.00 a month, a receipt above 200.00, 10 days back.
    return ExpensePolicy.objects.create(
        kind="travel",
        position="",
        per_claim_limit=Decimal("1000"),
        monthly_limit=Decimal("1500"),
        receipt_above=Decimal("200"),
        days_back=10,
    )


def claim(person, amount: str, *, day=None, with_receipt: bool = False, kind: str = "travel") -> ExpenseClaim:
    return expense_create(
        user=person.user,
        date_=day or timezone.localdate().replace(day=1),
        kind=kind,
        amount=amount,
        receipt=receipt() if with_receipt else None,
    )


def refused_fields(person, amount: str, **kwargs) -> set[str]:
    with pytest.raises(ApplicationError) as refused:
        claim(person, amount, **kwargs)
    return set(refused.value.fields)


def test_limits_per_claim_and_per_month_and_the_receipt(org, policy):
    rep = org.rep1a1
    claim(rep, "150.00")  # at most 200.00: no receipt needed
    assert refused_fields(rep, "1000.01", with_receipt=True) == {"amount"}  # above 1,000.00 a claim
    assert refused_fields(rep, "900.00") == {"receipt"}  # above 200.00 without a receipt
    claim(rep, "900.00", with_receipt=True)  # 150 + 900 = 1,050.00 this month
    # 1,050.00 + 450.01 = 1,500.01 > 1,500.00; 1,050.00 + 450.00 = 1,500.00 is the limit itself.
    assert refused_fields(rep, "450.01", with_receipt=True) == {"amount"}
    claim(rep, "450.00", with_receipt=True)
    assert ExpenseClaim.objects.filter(person=rep).count() == 3


def test_a_refused_claim_does_not_use_the_month(org, policy):
    rep = org.rep1a1
    first = claim(rep, "1000.00", with_receipt=True)
    ExpenseClaim.objects.filter(pk=first.pk).update(status=ExpenseStatus.REFUSED)
    # 1,000.00 refused: the month holds 0.00, so 1,000.00 more (<= 1,500.00) is fine.
    claim(rep, "1000.00", with_receipt=True)


def test_a_position_rule_wins_over_the_rule_for_every_position(org, policy):
    ExpensePolicy.objects.create(kind="travel", position="rep", per_claim_limit=Decimal("100"))
    assert refused_fields(org.rep1a1, "150.00") == {"amount"}  # the reps' rule: 100.00 a claim
    claim(org.tm1a, "150.00")  # a team manager: the rule for every position (1,000.00)
    # The reps' rule sets no monthly limit nor receipt: 100.00 twice is fine.
    claim(org.rep1a1, "100.00")
    claim(org.rep1a1, "100.00")


def test_the_date_window(org, policy):
    today = timezone.localdate()
    claim(org.rep1a1, "10.00", day=today - timedelta(days=10))  # 10 days back: the last day allowed
    assert refused_fields(org.rep1a1, "10.00", day=today - timedelta(days=11)) == {"date"}


def test_a_duplicate_is_flagged_not_refused(org, policy):
    day = timezone.localdate() - timedelta(days=1)
    first = claim(org.rep1a1, "50.00", day=day)
    second = claim(org.rep1a1, "50.00", day=day)
    other_amount = claim(org.rep1a1, "50.01", day=day)
    other_kind = claim(org.rep1a1, "50.00", day=day, kind="other")
    assert first.duplicate_of is None and second.duplicate_of == first
    assert other_amount.duplicate_of is None and other_kind.duplicate_of is None
    # Shown through the API and on the list.
    client = APIClient()
    client.force_authenticate(org.tm1a.user)
    rows = {row["id"]: row for row in client.get("/api/v1/expenses/").json()["results"]}
    assert rows[second.pk]["duplicate_of"] == first.pk
    from django.test import Client
    from django.urls import reverse

    browser = Client()
    browser.force_login(org.tm1a.user)
    assert browser.get(reverse("fieldwork:expense-list")).content.count(b'data-testid="duplicate"') == 1


def test_violations_through_the_api_name_the_field(org, policy):
    client = APIClient()
    client.force_authenticate(org.rep1a1.user)
    body = {"date": timezone.localdate().isoformat(), "kind": "travel", "amount": "1200.00"}
    response = client.post("/api/v1/expenses/", body, format="json")
    # 1,200.00: above the 1,000.00 limit and above 200.00 without a receipt.
    assert response.status_code == 400 and {"amount", "receipt"} <= set(response.json())
    assert ExpenseClaim.objects.count() == 0
