"""Numbers as each language writes them: rates as percentages, money with grouping."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import numberformat
from django.utils.formats import get_format, number_format

register = template.Library()


def grouped(value: Decimal, places: int) -> str:
    """A number with the language's separators, always grouped in thousands.

    Django's zh-hans format has no thousand separator (grouping 4 with ""): Chinese sales
    reports write 1,234,567.00, so a language without a separator gets "," by threes.
    """
    separator = get_format("THOUSAND_SEPARATOR")
    grouping = get_format("NUMBER_GROUPING") if separator else 3
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=grouping,
        thousand_sep=separator or ",",
        force_grouping=True,
    )


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
    return grouped(Decimal(value), places)


@register.filter
def pct_width(rate: Decimal | None) -> int:
    """Width of a progress bar for a rate (0..100)."""
    if rate is None:
        return 0
    return max(0, min(100, int(Decimal(rate) * 100)))


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
