"""Numbers as each language writes them: rates as percentages, money with grouping."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(rate: Decimal | None, places: int = 1) -> str:
    """0.4567 -> "45.7%" (empty rate -> "–")."""
    if rate is None or rate == "":
        return "–"
    return f"{number_format(Decimal(rate) * 100, places)}%"


@register.filter
def amount(value: Decimal | None, metric: str = "") -> str:
    """Money with two places, counts (visits, new customers) without; grouped per language."""
    if value is None or value == "":
        return "–"
    places = 0 if metric in ("visits", "new_customers") else 2
    return number_format(Decimal(value), places, force_grouping=True)


@register.filter
def pct_width(rate: Decimal | None) -> int:
    """Width of a progress bar for a rate (0..100)."""
    if rate is None:
        return 0
    return max(0, min(100, int(Decimal(rate) * 100)))


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
