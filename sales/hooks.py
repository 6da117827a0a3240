"""What sales tells the apps below it (registered from `SalesConfig.ready()`).

Customers' last-activity rule counts order dates and opportunity changes; its pool exempts
customers with open orders or opportunities; its classification rule reads a customer's sales.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Subquery, Sum

from customers import hooks
from sales.models import Opportunity, Order, OrderStatus

OPEN_ORDER_STATUSES = (OrderStatus.DRAFT, OrderStatus.PENDING)


def last_order() -> Subquery:
    return Subquery(Order.objects.filter(customer=OuterRef("pk")).order_by("-date").values("date")[:1])


def last_opportunity_change() -> Subquery:
    return Subquery(
        Opportunity.objects.filter(customer=OuterRef("pk")).order_by("-stage_entered_at").values("stage_entered_at")[:1]
    )


def open_orders() -> Exists:
    return Exists(Order.objects.filter(customer=OuterRef("pk"), status__in=OPEN_ORDER_STATUSES))


def open_opportunities() -> Exists:
    return Exists(Opportunity.objects.filter(customer=OuterRef("pk")).open())


def confirmed_sales(customer: Any, after: date, until: date) -> Decimal:
    """The customer's confirmed orders' totals dated in (after, until]."""
    total = Order.objects.filter(
        customer=customer, status=OrderStatus.CONFIRMED, date__gt=after, date__lte=until
    ).aggregate(total=Sum("total_amount"))["total"]
    return total or Decimal("0.00")


def register() -> None:
    hooks.register_activity("order", last_order)
    hooks.register_activity("opportunity", last_opportunity_change)
    hooks.register_open_business("order", open_orders)
    hooks.register_open_business("opportunity", open_opportunities)
    hooks.register_sales(confirmed_sales)
