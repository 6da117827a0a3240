"""The budget beside an expense claim being approved (issue #18): the rep's `expenses` target for
the period, else the team's, what approved claims used and what remains after the claim."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fieldwork.budget import claim_budgets
from fieldwork.models import ExpensePolicy
from salesorg.periods import Period
from targets.models import TargetStatus
from targets.tests.factories import expense, target

pytestmark = pytest.mark.django_db


def test_the_rep_budget_of_the_month_and_what_remains(org):
    ExpensePolicy.objects.all().delete()
    today = timezone.localdate()
    month = str(Period.month_of(today))
    target(org.rep1a1, metric="expenses", period=month, value="1000.00", status=TargetStatus.APPROVED)
    expense(org.rep1a1, today.replace(day=1), "300.00")  # approved: used
    expense(org.rep1a1, today.replace(day=1), "999.00", status="refused")  # refused: not used
    waiting = expense(org.rep1a1, today, "200.00", status="submitted")
    budget = claim_budgets([waiting])[waiting.pk]
    # 1,000.00 - 300.00 used - 200.00 this claim = 500.00.
    assert (budget.owner_kind, budget.period, budget.target, budget.used, budget.remaining) == (
        "rep",
        month,
        Decimal("1000.00"),
        Decimal("300.00"),
        Decimal("500.00"),
    )
    # The approver's list shows it.
    browser = Client()
    browser.force_login(org.tm1a.user)
    page = browser.get(reverse("fieldwork:expense-list")).content.decode()
    assert 'data-testid="budget"' in page and "500.00" in page


def test_without_a_rep_target_the_team_budget_counts_the_team(org):
    today = timezone.localdate()
    year = str(Period.month_of(today).year)
    target(org.t1a, metric="expenses", period=year, value="5000.00", status=TargetStatus.APPROVED)
    target(org.rep1a2, metric="expenses", period=year, value="9.00")  # a draft sets no budget
    expense(org.rep1a1, today, "1200.00")
    expense(org.rep1a2, today, "800.00")
    expense(org.rep1b1, today, "700.00")  # another team
    waiting = expense(org.rep1a2, today, "250.00", status="submitted")
    budget = claim_budgets([waiting])[waiting.pk]
    # Team T1A this year: 1,200.00 + 800.00 = 2,000.00 used; 5,000.00 - 2,000.00 - 250.00 = 2,750.00.
    assert (budget.owner_kind, budget.used, budget.remaining) == ("team", Decimal("2000.00"), Decimal("2750.00"))


def test_no_target_no_budget(org):
    waiting = expense(org.rep2a1, timezone.localdate(), "10.00", status="submitted")
    assert claim_budgets([waiting]) == {}
