"""The money reads of sales, worked out by hand: paid amount, weighted pipeline, credited line sales."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from sales import selectors
from sales.models import Opportunity, Order, PipelineStage
from sales.services import orders as services
from sales.services import pipeline as pipeline_services
from sales.tests.factories import CustomerFactory, ProductFactory, make_order


def test_paid_amount_sums_the_payments_of_each_order(org):
    customer = CustomerFactory(owner=org.rep1a1)
    paid = make_order(customer=customer, lines=[(ProductFactory(), "1", "1000.00")], on=date(2026, 1, 10))
    unpaid = make_order(customer=customer, lines=[(ProductFactory(), "1", "80.00")], on=date(2026, 1, 10))
    services.payment_create(order=paid, date=date(2026, 1, 20), amount=Decimal("300.00"))
    services.payment_create(order=paid, date=date(2026, 2, 5), amount=Decimal("250.50"))
    # 300.00 + 250.50 = 550.50; the other order has no payment: 0.00, not empty.
    amounts = dict(Order.objects.with_paid().values_list("pk", "paid_amount"))
    assert amounts == {paid.pk: Decimal("550.50"), unpaid.pk: Decimal("0.00")}
    # Paid before 1 February: the January payment only.
    before = dict(Order.objects.with_paid(before=date(2026, 2, 1)).values_list("pk", "paid_amount"))
    assert before[paid.pk] == Decimal("300.00")
    # One order: its paid amount and its balance, 1000.00 - 550.50 = 449.50.
    assert selectors.order_paid(paid) == Decimal("550.50")
    assert selectors.order_balance(paid) == Decimal("449.50")
    assert selectors.order_balance(unpaid) == Decimal("80.00")


def test_weighted_pipeline_is_expected_amount_times_stage_probability(org):
    PipelineStage.objects.all().delete()
    lead = PipelineStage.objects.create(name="Lead", order=10, probability=10)
    quote = PipelineStage.objects.create(name="Quote", order=20, probability=35)
    won = PipelineStage.objects.create(name="Won", order=50, probability=100, is_won=True)
    customer = CustomerFactory(owner=org.rep1a1)
    made = [
        pipeline_services.opportunity_create(
            name=f"{stage.name} {amount}",
            customer=customer,
            owner=org.rep1a1,
            expected_amount=Decimal(amount),
            expected_close_date=date(2026, 6, 1),
            stage=stage,
        )
        for amount, stage in (("1000.00", lead), ("250.50", lead), ("999.99", quote), ("5000.00", quote))
    ]
    pipeline_services.opportunity_move(opportunity=made[-1], stage=won)
    # Lead: (1000.00 + 250.50) x 10 % = 125.05; Quote: 999.99 x 35 % = 349.9965 (rounded only
    # when shown); the won deal is not pipeline.
    rows = selectors.pipeline_by_stage(Opportunity.objects.open())
    assert [(r["stage_name"], r["count"], r["expected"], r["weighted"]) for r in rows] == [
        ("Lead", 2, Decimal("1250.50"), Decimal("125.05")),
        ("Quote", 1, Decimal("999.99"), Decimal("349.9965")),
    ]
    total = Opportunity.objects.open().with_weighted_amount().aggregate(total=Sum("weighted_amount"))["total"]
    assert total == Decimal("475.0465")
