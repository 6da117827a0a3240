"""The demo: a year of orders with splits, cancellations, overdue instalments, and a full pipeline."""

import random
from datetime import date
from types import SimpleNamespace

import pytest
from django.db.models import Count, Sum

from sales import demo as demo_sales
from sales.models import CreditShare, Instalment, Opportunity, Order, OrderStatus, Payment, PipelineStage


@pytest.fixture(autouse=True)
def _own_stages(db):
    """The tests configure their own pipeline stages (the migration's defaults are removed)."""
    PipelineStage.objects.all().delete()


def test_seed_without_customers_creates_its_own(org):
    for i, (name, order, won, lost) in enumerate(
        [("Lead", 10, False, False), ("Quote", 20, False, False), ("Won", 50, True, False), ("Lost", 60, False, True)]
    ):
        PipelineStage.objects.create(name=name, order=order, probability=i * 25, is_won=won, is_lost=lost)
    reps = [org.rep1a1, org.rep1a2, org.rep1b1, org.rep2a1] * 5
    demo_sales.seed(org=SimpleNamespace(reps=reps), rng=random.Random(7), today=date(2026, 11, 26))
    assert Order.objects.filter(status=OrderStatus.CONFIRMED).exists()
    assert Order.objects.filter(status=OrderStatus.CANCELLED).exists()
    # Split orders: some orders have two shares; every order's shares add up to its total.
    split = Order.objects.annotate(n=Count("shares")).filter(n=2)
    assert split.exists()
    for order in Order.objects.annotate(credited=Sum("shares__amount"))[:50]:
        assert order.credited == order.total_amount
    assert Instalment.objects.filter(status="overdue").exists()
    assert Payment.objects.exists()
    assert CreditShare.objects.filter(is_primary=True).count() == Order.objects.count()
    assert Opportunity.objects.exists()
