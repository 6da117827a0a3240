"""The money reads of sales, worked out by hand: paid amount, weighted pipeline, credited line sales."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from sales import selectors, services
from sales.models import CreditShare, Opportunity, Order, PipelineStage
from sales.services import pipeline as pipeline_services
from sales.tests.factories import CustomerFactory, ProductFactory, make_order, make_split_order
from salesorg.periods import Period

MARCH = Period.parse("2026-03")


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


@pytest.fixture
def split_order(org):
    """make_split_order (Sensors 100.01 and Service 50.00, 33.33 / 66.67 %), and orders that count
    whole or not at all."""
    order = make_split_order(org)
    customer = order.customer
    # rep1a1 alone: 10.00 of Sensors (10 x 1.00), counted whole.
    gauge = ProductFactory(product_line="Sensors", list_price=Decimal("1.00"))
    make_order(customer=customer, lines=[(gauge, "10", "1.00")], on=date(2026, 3, 31))
    # Not counted: a draft in March, a confirmed order in April.
    make_order(customer=customer, lines=[(gauge, "70", "1.00")], on=date(2026, 3, 12), confirm=False)
    make_order(customer=customer, lines=[(gauge, "90", "1.00")], on=date(2026, 4, 1))
    return order


def test_credited_line_sales_split_each_line_by_the_glossary_rule(org, split_order, django_assert_num_queries):
    # Sensors 100.01: rep1a1 floor(100.01 x 33.33 %) = floor(33.333333) = 33.33; rep1a2, the
    # largest share, takes the rest 100.01 - 33.33 = 66.68. Service 50.00: rep1a1
    # floor(16.665) = 16.66; rep1a2 50.00 - 16.66 = 33.34. rep1a1's whole order adds 10.00 of
    # Sensors: 33.33 + 10.00 = 43.33.
    shares = CreditShare.objects.filter(rep__in=[org.rep1a1, org.rep1a2])
    with django_assert_num_queries(3):
        credited = selectors.credited_line_sales(shares=shares, start=MARCH.start, end=MARCH.end)
    assert credited == {
        (org.rep1a1.pk, "Sensors"): Decimal("43.33"),
        (org.rep1a1.pk, "Service"): Decimal("16.66"),
        (org.rep1a2.pk, "Sensors"): Decimal("66.68"),
        (org.rep1a2.pk, "Service"): Decimal("33.34"),
    }
    # The reps' amounts add up exactly to the lines: Sensors 100.01 + 10.00 = 43.33 + 66.68 = 110.01;
    # Service 16.66 + 33.34 = 50.00.
    sensors = credited[(org.rep1a1.pk, "Sensors")] + credited[(org.rep1a2.pk, "Sensors")]
    service = credited[(org.rep1a1.pk, "Service")] + credited[(org.rep1a2.pk, "Service")]
    assert (sensors, service) == (Decimal("110.01"), Decimal("50.00"))


def test_credited_line_sales_of_some_shares_and_lines(org, split_order):
    # rep1a2's shares alone are still split against rep1a1's: 66.68 and 33.34, not 66.67 and 33.33.
    rep1a2 = CreditShare.objects.filter(rep=org.rep1a2)
    assert selectors.credited_line_sales(shares=rep1a2, start=MARCH.start, end=MARCH.end) == {
        (org.rep1a2.pk, "Sensors"): Decimal("66.68"),
        (org.rep1a2.pk, "Service"): Decimal("33.34"),
    }
    everyone = CreditShare.objects.all()
    assert selectors.credited_line_sales(
        shares=everyone, start=MARCH.start, end=MARCH.end, product_lines=["Service"]
    ) == {(org.rep1a1.pk, "Service"): Decimal("16.66"), (org.rep1a2.pk, "Service"): Decimal("33.34")}


def test_each_line_is_split_on_its_own(org):
    # Two lines of one product line, 100.01 and 50.00, credited 33.33 / 66.67 %: rep1a1 gets
    # 33.33 + 16.66 = 49.99 (each line rounded down), not floor(150.01 x 33.33 %) = 50.00; rep1a2
    # 66.68 + 33.34 = 100.02. 49.99 + 100.02 = 150.01.
    make_split_order(org, product_lines=("Sensors", "Sensors"))
    assert selectors.credited_line_sales(shares=CreditShare.objects.all(), start=MARCH.start, end=MARCH.end) == {
        (org.rep1a1.pk, "Sensors"): Decimal("49.99"),
        (org.rep1a2.pk, "Sensors"): Decimal("100.02"),
    }


def test_credited_payments_split_each_payment(org):
    # Payments of 100.01 (10 March) and 50.00 (20 March) on the 33.33 / 66.67 % order: rep1a1
    # collected 33.33 + 16.66 = 49.99, rep1a2 66.68 + 33.34 = 100.02. A payment in April does not
    # count in March.
    order = make_split_order(org)
    services.payment_create(order=order, date=date(2026, 3, 10), amount=Decimal("100.01"))
    services.payment_create(order=order, date=date(2026, 3, 20), amount=Decimal("50.00"))
    later = make_order(customer=order.customer, lines=[(ProductFactory(), "1", "100.00")])
    services.payment_create(order=later, date=date(2026, 4, 1), amount=Decimal("100.00"))
    credited = selectors.credited_payments(shares=CreditShare.objects.all(), start=MARCH.start, end=MARCH.end)
    assert credited == {org.rep1a1.pk: Decimal("49.99"), org.rep1a2.pk: Decimal("100.02")}
