"""Builders for the appraisal tests: commercial records written straight with the ORM (shares carry
their stored split as the test works it out), so these tests do not depend on other apps' services."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from appraisal.models import ScoringRule
from appraisal.services import BandInput, LineInput, scheme_create
from customers.models import Customer, CustomerEvaluation
from fieldwork.models import Visit
from sales.models import CreditShare, Instalment, Order, OrderLine, Payment, Product
from staff import authority
from targets.models import OwnerKind, PeriodKind, Target

# The set-up of a test acts as an admin without a login (catalogues: schemes, commission plans).
ADMIN = authority.Actor(user=None, person=None, is_admin=True)

_numbers = itertools.count(1)


def product(line: str) -> Product:
    n = next(_numbers)
    return Product.objects.create(
        code=f"AP{n}", name=f"Product {n}", product_line=line, list_price=Decimal(1), unit_cost=Decimal(1)
    )


def customer(owner, *, industry: str = "") -> Customer:
    n = next(_numbers)
    return Customer.objects.create(
        code=f"AC{n}", name=f"Customer {n}", owner=owner, team=owner.team, region=owner.region, industry=industry
    )


def order(
    cust: Customer, day: date, *, lines: list[tuple[Product, str, str]], shares: list[tuple], status: str = "confirmed"
) -> Order:
    """lines: (product, amount, cost); shares: (rep, percent, amount, margin, is_primary)."""
    n = next(_numbers)
    o = Order.objects.create(
        number=f"ASO{n}",
        customer=cust,
        date=day,
        status=status,
        total_amount=sum(Decimal(a) for _, a, _ in lines),
        total_cost=sum(Decimal(c) for _, _, c in lines),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=o,
            product=p,
            quantity=Decimal(1),
            unit_price=Decimal(a),
            unit_cost=Decimal(c),
            amount=Decimal(a),
            cost=Decimal(c),
        )
        for p, a, c in lines
    )
    CreditShare.objects.bulk_create(
        CreditShare(
            order=o,
            rep=rep,
            team=rep.team,
            region=rep.region,
            percent=Decimal(pct),
            amount=Decimal(amt),
            margin=Decimal(mrg),
            is_primary=primary,
        )
        for rep, pct, amt, mrg, primary in shares
    )
    return o


def instalment(o: Order, due: date, amount: str) -> Instalment:
    return Instalment.objects.create(order=o, due_date=due, amount=Decimal(amount))


def payment(o: Order, day: date, amount: str) -> Payment:
    return Payment.objects.create(order=o, date=day, amount=Decimal(amount))


def visit(author, cust: Customer, day: date, *, kind: str = "visit") -> Visit:
    return Visit.objects.create(
        customer=cust, author=author, team=author.team, region=author.region, date=day, kind=kind
    )


def evaluation(cust: Customer, day: date, satisfaction: int, period: str) -> CustomerEvaluation:
    return CustomerEvaluation.objects.create(
        customer=cust,
        period=period,
        date=day,
        credit_score=3,
        payment_score=3,
        volume_score=3,
        cooperation_score=3,
        satisfaction_score=satisfaction,
        overall_score=Decimal("3.00"),
        grade="B",
    )


def target(person, metric: str, period: str, value: str) -> Target:
    kind = (
        PeriodKind.MONTH
        if len(period) == 7 and "Q" not in period
        else (PeriodKind.QUARTER if "Q" in period else PeriodKind.YEAR)
    )
    return Target.objects.create(
        owner_kind=OwnerKind.REP,
        person=person,
        team=person.team,
        region=person.region,
        metric=metric,
        period=period,
        period_kind=kind,
        value=Decimal(value),
        # Only an approved target sets a rate (DESIGN, glossary).
        status="approved",
    )


def rep_scheme(*, valid_from: date = date(2025, 1, 1), focus: str = "Focus", position: str = "rep"):
    """All nine KPIs; weights 30+15+15+10+5+5+10+5+5 = 100."""
    collection_bands = [
        BandInput(Decimal(0), Decimal(50), Decimal(0)),
        BandInput(Decimal(50), Decimal(80), Decimal(60)),
        BandInput(Decimal(80), Decimal(100), Decimal(80)),
        BandInput(Decimal(100), None, Decimal(100)),
    ]
    lines = [
        LineInput("target_achievement_rate", Decimal(30), Decimal("1.0"), ScoringRule.LINEAR_CAP, Decimal(120)),
        LineInput("gross_margin_rate", Decimal(15), Decimal("1.0")),
        LineInput("collection_rate", Decimal(15), Decimal("0.9"), ScoringRule.BANDS, bands=collection_bands),
        LineInput("average_daily_visits", Decimal(10), Decimal("0.5")),
        LineInput("customer_count", Decimal(5), Decimal(2), ScoringRule.PASS_FAIL),
        LineInput("customer_breadth", Decimal(5), Decimal(2), ScoringRule.PASS_FAIL),
        LineInput("product_mix", Decimal(10), Decimal("0.5")),
        LineInput("customer_satisfaction", Decimal(5), Decimal(4)),
        LineInput("new_customers", Decimal(5), Decimal(2)),
    ]
    return scheme_create(
        name="Rep scheme", position=position, valid_from=valid_from, lines=lines, focus_product_lines=focus, by=ADMIN
    )
