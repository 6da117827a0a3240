"""Factories and builders for the targets tests: records written straight with the ORM.

Credit shares carry their stored split (`amount`, `margin`) as the test works it out by hand, so
these tests do not depend on the order services.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import factory

from customers.models import Customer
from fieldwork.models import ExpenseClaim, Visit
from sales.models import CreditShare, Order, OrderLine, Payment, Product
from targets.models import DistributionTemplate, OwnerKind, PeriodKind, Target

_numbers = itertools.count(1)


class DistributionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistributionTemplate

    name = factory.Sequence(lambda n: f"Curve {n}")


def target(owner=None, *, metric="sales_amount", period="2026", value="1000.00", stretch=None, **kwargs) -> Target:
    """A target for a person, team, region (by model) or the company (owner None)."""
    from staff.models import Person, Region, Team

    fields: dict = {"owner_kind": OwnerKind.COMPANY}
    if isinstance(owner, Person):
        fields = {"owner_kind": OwnerKind.REP, "person": owner, "team": owner.team, "region": owner.region}
    elif isinstance(owner, Team):
        fields = {"owner_kind": OwnerKind.TEAM, "team": owner, "region": owner.region}
    elif isinstance(owner, Region):
        fields = {"owner_kind": OwnerKind.REGION, "region": owner}
    kind = PeriodKind.MONTH if len(period) == 7 and "Q" not in period else PeriodKind.YEAR
    if "Q" in period:
        kind = PeriodKind.QUARTER
    return Target.objects.create(
        metric=metric,
        period=period,
        period_kind=kind,
        value=Decimal(value),
        stretch_value=Decimal(stretch) if stretch is not None else None,
        **fields,
        **kwargs,
    )


def product() -> Product:
    n = next(_numbers)
    return Product.objects.create(
        code=f"P{n}", name=f"Product {n}", product_line="line", list_price=Decimal(1), unit_cost=Decimal(1)
    )


def customer(owner, code: str | None = None) -> Customer:
    n = next(_numbers)
    return Customer.objects.create(
        code=code or f"C{n}", name=f"Customer {n}", owner=owner, team=owner.team, region=owner.region
    )


def order(
    cust: Customer,
    day: date,
    *,
    lines: list[tuple[str, str]],
    shares: list[tuple],
    status: str = "confirmed",
) -> Order:
    """lines: (amount, cost); shares: (rep, team, region, percent, amount, margin, is_primary)."""
    n = next(_numbers)
    prod = product()
    total = sum(Decimal(a) for a, _ in lines)
    cost = sum(Decimal(c) for _, c in lines)
    o = Order.objects.create(
        number=f"SO{n}", customer=cust, date=day, status=status, total_amount=total, total_cost=cost
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=o,
            product=prod,
            quantity=Decimal(1),
            unit_price=Decimal(a),
            unit_cost=Decimal(c),
            amount=Decimal(a),
            cost=Decimal(c),
        )
        for a, c in lines
    )
    CreditShare.objects.bulk_create(
        CreditShare(
            order=o,
            rep=rep,
            team=team,
            region=region,
            percent=Decimal(pct),
            amount=Decimal(amt),
            margin=Decimal(mrg),
            is_primary=primary,
        )
        for rep, team, region, pct, amt, mrg, primary in shares
    )
    return o


def payment(o: Order, day: date, amount: str) -> Payment:
    return Payment.objects.create(order=o, date=day, amount=Decimal(amount))


def visit(author, day: date, *, team=None, region=None, cust: Customer | None = None) -> Visit:
    team = team or author.team
    return Visit.objects.create(
        customer=cust or customer(author), author=author, team=team, region=region or team.region, date=day
    )


def expense(person, day: date, amount: str, *, status: str = "approved") -> ExpenseClaim:
    return ExpenseClaim.objects.create(
        person=person, team=person.team, region=person.region, date=day, amount=Decimal(amount), status=status
    )
