"""Numbers as each language writes them (DESIGN.md: numbers with thousands separators, rates as
percentages): the one implementation behind the template filters of every app."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat, translation
from django.utils.formats import get_format, number_format

# Metrics counted in whole things (DESIGN.md glossary): shown without decimals.
COUNT_METRICS = ("visits", "new_customers")


def rounded(value: Decimal, places: int) -> Decimal:
    """Half up to `places` decimals (Django's number formatting cuts the digits off instead)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def grouped(value: Decimal, places: int) -> str:
    """A number with the language's separators, always grouped in thousands, rounded half up.

    Django's zh-hans format has no thousand separator (grouping 4 with ""): Chinese sales
    reports write 1,234,567.00, so a language without a separator gets "," by threes.
    """
    value = rounded(value, places)
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


def percent(rate: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage, rounded half up: 0.4567 -> "45.7%", 1.2346 -> "123.5%" (empty
    rate -> "–")."""
    if rate is None or rate == "":
        return "–"
    return f"{number_format(rounded(Decimal(rate) * 100, places), places)}%"


def money(value: Decimal | None) -> str:
    """Money: two places, grouped in thousands (empty -> "–")."""
    if value is None or value == "":
        return "–"
    return grouped(Decimal(value), 2)


def amount(value: Decimal | None, metric: str = "") -> str:
    """A metric's amount: money with two places, counts (visits, new customers) without."""
    if value is None or value == "":
        return "–"
    return grouped(Decimal(value), 0 if metric in COUNT_METRICS else 2)


# Chinese reads large numbers in 万 (10^4) and 亿 (10^8), not in thousands.
WAN, YI = Decimal(10_000), Decimal(100_000_000)


def compact(value: Decimal | None, metric: str = "") -> str:
    """An amount to read at a glance. In Chinese: 20,826,446.28 -> "2,082.64万", 420,000,000.00 ->
    "4.20亿" (below 10,000 the amount as `amount` writes it); in other languages the full amount
    grouped in thousands, as `amount`. Empty -> "–"."""
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    if (translation.get_language() or "").lower().startswith("zh"):
        for size, unit in ((YI, "亿"), (WAN, "万")):
            if abs(value) >= size:
                return f"{grouped(value / size, 2)}{unit}"
    return amount(value, metric)
