"""Factories for products, orders (through the service, so totals and splits are real), pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from customers.tests.factories import CustomerFactory  # noqa: F401 - re-exported for the sales tests
from sales import services
from sales.domain import approval_amount, approval_discount_percent
from sales.models import ApprovalRule, Product, default_matrix


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"产品{n}")
    product_line = "标准线"
    list_price = Decimal("100.00")
    unit_cost = Decimal("60.00")


def make_order(
    *,
    customer: Any,
    lines: list[tuple[Product, str, str]] | None = None,
    shares: list[tuple[Any, str]] | None = None,
    on: date = date(2026, 3, 10),
    confirm: bool = True,
    **kwargs: Any,
):
    """An order through the service. lines: (product, quantity, unit price); shares: (rep, percent)."""
    if lines is None:
        lines = [(ProductFactory(), "1", "100.00")]
    order = services.order_create(
        customer=customer,
        date=on,
        lines=[services.LineInput(product=p, quantity=Decimal(q), unit_price=Decimal(u)) for p, q, u in lines],
        shares=[services.ShareInput(rep=r, percent=Decimal(p)) for r, p in shares] if shares else None,
        **kwargs,
    )
    if confirm:
        order = services.order_submit(order=order, user=None)
    return order


def make_split_order(
    org: Any, *, product_lines: tuple[str, str] = ("Sensors", "Service"), on: date = date(2026, 3, 10)
):
    """A confirmed order credited 33.33 % to rep1a1 and 66.67 % to rep1a2 (the largest share), with
    a line of 100.01 on the first product line and a line of 50.00 on the second. Split line by
    line: 100.01 -> rep1a1 floor(33.333333) = 33.33, rep1a2 the rest 66.68; 50.00 -> rep1a1
    floor(16.665) = 16.66, rep1a2 33.34."""
    big = ProductFactory(product_line=product_lines[0], list_price=Decimal("100.01"))
    small = ProductFactory(product_line=product_lines[1], list_price=Decimal("50.00"))
    return make_order(
        customer=CustomerFactory(owner=org.rep1a1),
        lines=[(big, "1", "100.01"), (small, "1", "50.00")],
        shares=[(org.rep1a1, "33.33"), (org.rep1a2, "66.67")],
        on=on,
    )


def set_approval_limits(*, amount: Any = None, discount: Any = None) -> None:
    """The default approval matrix with these limits (an order above `amount`, or a line discounted
    more than `discount` percent, needs the team manager); the settings' limits otherwise."""
    ApprovalRule.objects.all().delete()
    limits = (
        Decimal(str(amount)) if amount is not None else approval_amount(),
        Decimal(str(discount)) if discount is not None else approval_discount_percent(),
    )
    for rule in default_matrix(*limits):
        rule.save()
