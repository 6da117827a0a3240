"""Newly overdue instalments: the credited rep and their manager are told once per instalment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from notifications.models import Notification, NotificationKind
from sales.models import InstalmentStatus
from sales.services.instalments import instalments_flag_overdue_and_notify
from sales.tests.factories import CustomerFactory, ProductFactory, make_order


@pytest.fixture
def product(db):
    return ProductFactory(list_price=Decimal("100.00"), unit_cost=Decimal("10.00"))


def test_a_newly_overdue_instalment_tells_the_rep_and_their_manager_once(org, product):
    org.rep1a1.language = "zh-hans"
    org.rep1a1.save(update_fields=["language"])
    customer = CustomerFactory(owner=org.rep1a1, name="逾期客户")
    late = make_order(customer=customer, on=date(2026, 1, 1), payment_terms_days=30, today=date(2026, 1, 1))
    # An instalment flagged overdue before (an old one): not announced again as new.
    old = make_order(customer=customer, on=date(2025, 10, 1), payment_terms_days=30, today=date(2025, 10, 1))
    old.instalments.update(status=InstalmentStatus.OVERDUE)
    make_order(customer=customer, on=date(2026, 3, 1), payment_terms_days=30, today=date(2026, 1, 1))  # due 31 Mar

    # 25 March: the instalment due 31 January fell overdue -> rep1a1 and their manager tm1a.
    assert instalments_flag_overdue_and_notify(today=date(2026, 3, 25)) == 2
    instalment = late.instalments.get()
    assert instalment.status == InstalmentStatus.OVERDUE
    rows = {n.recipient.name: n for n in Notification.objects.select_related("recipient")}
    assert set(rows) == {"rep1a1", "tm1a"}
    assert {n.dedupe_key for n in rows.values()} == {f"overdue_instalment:{instalment.pk}"}
    assert {n.kind for n in rows.values()} == {NotificationKind.OVERDUE_INSTALMENT}
    # Each in their own language.
    assert rows["rep1a1"].title == f"分期逾期：逾期客户，订单 {late.number}"
    assert rows["tm1a"].title == f"Instalment overdue: 逾期客户, order {late.number}"
    # The next day: nothing new.
    assert instalments_flag_overdue_and_notify(today=date(2026, 3, 26)) == 0
    assert Notification.objects.count() == 2
