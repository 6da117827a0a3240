"""Two payments posted at the same moment cannot together exceed the order's balance (PostgreSQL)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from sales import services
from sales.models import Payment
from sales.tests.factories import CustomerFactory, ProductFactory, make_order
from salesorg.exceptions import ApplicationError


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_payments_cannot_overdraw_the_balance():
    from staff.tests.factories import PersonFactory

    rep = PersonFactory()
    customer = CustomerFactory(owner=rep)
    order = make_order(customer=customer, lines=[(ProductFactory(), "1", "100.00")])  # balance 100
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay() -> None:
        try:
            barrier.wait(timeout=10)
            services.payment_create(order=order, date=date(2026, 4, 1), amount=Decimal("60.00"))
            outcomes.append("paid")
        except ApplicationError as exc:
            outcomes.append("refused:" + ",".join(exc.fields))
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # 60 + 60 > 100: exactly one succeeds, the other is refused on the amount.
    assert sorted(outcomes) == ["paid", "refused:amount"]
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("60.00")]
    assert order.instalments.get().paid_amount == Decimal("60.00")
