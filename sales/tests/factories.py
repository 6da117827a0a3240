"""Factories for products, orders (through the service, so totals and splits are real), pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from customers.tests.factories import CustomerFactory  # noqa: F401 - re-exported for the sales tests
from sales.models import Product
from sales.services import orders as services


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
