"""The product-mix chart reads sales' credited line sales: the credit-share splits of each line."""

from collections import defaultdict
from decimal import Decimal

from dashboard.selectors import COMPANY, REP, TEAM, Node, product_mix
from sales.models import CreditShare
from sales.selectors import credited_line_sales
from sales.tests.factories import make_split_order
from salesorg.periods import Period

MARCH = Period.parse("2026-03")


def test_product_mix_uses_the_per_line_splits(org):
    # One order of two "Sensors" lines, 100.01 and 50.00, credited 33.33 % to rep1a1 and 66.67 % to
    # rep1a2. Line by line: rep1a1 33.33 + 16.66 = 49.99; rep1a2 66.68 + 33.34 = 100.02. (Percent
    # x line amount summed would give 50.00 and 100.01.) The team and the company get the whole
    # 150.01.
    make_split_order(org, product_lines=("Sensors", "Sensors"))
    director = org.director.user

    def mix(level, obj):
        return product_mix(user=director, node=Node(level=level, obj=obj), period=MARCH)

    assert mix(REP, org.rep1a1) == [{"name": "Sensors", "value": "49.99"}]
    assert mix(REP, org.rep1a2) == [{"name": "Sensors", "value": "100.02"}]
    assert mix(TEAM, org.t1a) == [{"name": "Sensors", "value": "150.01"}]
    assert mix(COMPANY, None) == [{"name": "Sensors", "value": "150.01"}]


def test_product_mix_agrees_with_credited_line_sales(org):
    # Sensors 100.01 and Service 50.00: rep1a1 33.33 and 16.66, largest first.
    make_split_order(org)
    node = Node(level=REP, obj=org.rep1a1)
    chart = product_mix(user=org.director.user, node=node, period=MARCH)
    assert chart == [{"name": "Sensors", "value": "33.33"}, {"name": "Service", "value": "16.66"}]
    credited = credited_line_sales(shares=CreditShare.objects.filter(rep=org.rep1a1), start=MARCH.start, end=MARCH.end)
    per_line: dict[str, Decimal] = defaultdict(Decimal)
    for (_rep, line), amount in credited.items():
        per_line[line] += amount
    assert {row["name"]: Decimal(row["value"]) for row in chart} == per_line
