"""Numbers as each language writes them: rates as percentages, money with grouping (the helpers
are `salesorg.formatting`'s, shared with every app's pages)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from salesorg.formatting import amount, grouped, percent

register = template.Library()

__all__ = ["grouped"]

register.filter("pct", percent)
register.filter("amount", amount)


@register.filter
def pct_width(rate: Decimal | None) -> int:
    """Width of a progress bar for a rate (0..100)."""
    if rate is None:
        return 0
    return max(0, min(100, int(Decimal(rate) * 100)))


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
