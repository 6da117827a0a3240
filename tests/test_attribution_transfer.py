"""Every record is credited to the unit of its date (DESIGN.md "Attribution"), checked through the
achievement engine's actuals for both teams and both regions of a transfer between regions.

rep1a2 moves from team T1a (region R1, East) to T2a (region R2, South) from 1 July 2026; rep1a1
stays in T1a. The records, each worked out by hand:

| record | date | amount | credited to |
| --- | --- | --- | --- |
| order O1, rep1a2 100 % | 20 June | 1,000.00 | T1a / R1 |
| ERP import row, rep1a2 100 % | 25 June | 500.00 | T1a / R1 |
| order O3, rep1a2 60 % / rep1a1 40 % | 15 June | 1,000.00 | 600.00 + 400.00, both T1a / R1 |
| order O2, rep1a2 100 % | 10 July | 2,000.00 | T2a / R2 |
| payment of O3 | 15 July | 1,000.00 | rep1a2's 600.00 to T2a / R2 (its date), rep1a1's 400.00 to T1a / R1 |
| visit of rep1a2 | 30 June | | T1a / R1 |
| visit of rep1a2 | 2 July | | T2a / R2 |

So, as of 31 July: sales in June T1a 1,000 + 500 + 1,000 = 2,500.00 and T2a 0; in July T1a 0
and T2a 2,000.00; collection in July T1a 400.00 and T2a 600.00; one visit in June for T1a and one
in July for T2a; regions as their one team each. The same holds whether the records are typed
after the transfer or before it, with the transfer recorded late.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from customers.tests.factories import CustomerFactory
from fieldwork.services.visits import visit_create
from sales.services.imports import import_orders
from sales.services.payments import payment_create
from sales.tests.factories import ProductFactory, make_order
from staff.services import person_transfer
from targets.models import Achievement
from targets.services import achievements_recompute

TRANSFER = date(2026, 7, 1)
AS_OF = date(2026, 7, 31)
TODAY = date(2026, 8, 3)


@pytest.fixture(autouse=True)
def _wide_filing_window(settings):
    """The visits here are typed weeks after their dates on purpose (a transfer recorded late):
    the filing window (fieldwork/tests/test_evidence.py) is widened so attribution is what is tested."""
    settings.VISIT_FILING_DAYS = 60


def _record_everything(org) -> None:
    customer = CustomerFactory(code="C-MOVE", owner=org.rep1a2)
    p1000 = ProductFactory(code="P-1000", list_price=Decimal("1000.00"))
    p2000 = ProductFactory(code="P-2000", list_price=Decimal("2000.00"))
    ProductFactory(code="P-500", list_price=Decimal("500.00"))
    make_order(customer=customer, lines=[(p1000, "1", "1000.00")], shares=[(org.rep1a2, "100")], on=date(2026, 6, 20))
    make_order(customer=customer, lines=[(p2000, "1", "2000.00")], shares=[(org.rep1a2, "100")], on=date(2026, 7, 10))
    split = make_order(
        customer=customer,
        lines=[(p1000, "1", "1000.00")],
        shares=[(org.rep1a2, "60"), (org.rep1a1, "40")],
        on=date(2026, 6, 15),
    )
    erp = (
        "erp_no,order_date,customer_code,product_code,quantity,unit_price,shares\n"
        f"ERP-MOVE,2026-06-25,C-MOVE,P-500,1,500.00,{org.rep1a2.employee_no}:100\n"
    )
    assert import_orders(content=erp.encode(), file_name="erp.csv", dry_run=False).created == 1
    payment_create(order=split, date=date(2026, 7, 15), amount=Decimal("1000.00"), today=TODAY)
    for day in (date(2026, 6, 30), date(2026, 7, 2)):
        visit_create(user=org.rep1a2.user, customer=customer, data={"date": day, "kind": "call"}, today=TODAY)


def _transfer(org) -> None:
    person_transfer(person=org.rep1a2, team=org.t2a, on=TRANSFER, reason="支援华南", recorded_by=org.director.user)


def _actuals(org) -> dict[tuple[str, str, str], Decimal]:
    achievements_recompute(as_of=AS_OF)
    units = {
        ("team", org.t1a.pk): "T1a",
        ("team", org.t2a.pk): "T2a",
        ("region", org.r1.pk): "R1",
        ("region", org.r2.pk): "R2",
    }
    rows = Achievement.objects.filter(
        metric__in=["sales_amount", "collection", "visits"], period__in=["2026-06", "2026-07"]
    ).values_list("owner_kind", "owner_key", "metric", "period", "actual")
    return {(units[(k, key)], metric, period): actual for k, key, metric, period, actual in rows if (k, key) in units}


EXPECTED = {
    ("T1a", "sales_amount", "2026-06"): Decimal("2500.00"),
    ("T2a", "sales_amount", "2026-06"): Decimal("0.00"),
    ("T1a", "sales_amount", "2026-07"): Decimal("0.00"),
    ("T2a", "sales_amount", "2026-07"): Decimal("2000.00"),
    ("T1a", "collection", "2026-07"): Decimal("400.00"),
    ("T2a", "collection", "2026-07"): Decimal("600.00"),
    ("T1a", "visits", "2026-06"): Decimal("1"),
    ("T2a", "visits", "2026-06"): Decimal("0"),
    ("T1a", "visits", "2026-07"): Decimal("0"),
    ("T2a", "visits", "2026-07"): Decimal("1"),
}


def _check(actuals) -> None:
    for (unit, metric, period), value in EXPECTED.items():
        assert actuals[(unit, metric, period)] == value, (unit, metric, period)
        region = {"T1a": "R1", "T2a": "R2"}[unit]  # each region holds just that one team's records here
        assert actuals[(region, metric, period)] == value, (region, metric, period)


@pytest.mark.django_db
def test_records_typed_after_a_transfer_go_to_the_unit_of_their_date(org):
    _transfer(org)
    _record_everything(org)
    _check(_actuals(org))


@pytest.mark.django_db
def test_a_transfer_recorded_late_refiles_the_records_from_its_date(org):
    _record_everything(org)
    before = _actuals(org)
    # Before the transfer is known, everything of rep1a2 sits in T1a: 2,000.00 in July too.
    assert before[("T1a", "sales_amount", "2026-07")] == Decimal("2000.00")
    assert before[("T1a", "collection", "2026-07")] == Decimal("1000.00")
    _transfer(org)
    _check(_actuals(org))
