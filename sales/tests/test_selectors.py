"""The money reads of sales, worked out by hand: paid amount, weighted pipeline, credited line sales."""

from datetime import date
from decimal import Decimal

from sales import selectors
from sales.models import Order
from sales.services import orders as services
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
