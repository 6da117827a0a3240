"""`{% load appraisal_format %}`: a KPI's value or target as its unit reads (rates as
percentages, counts whole, the rest with two decimals), through `salesorg.formatting`."""

from __future__ import annotations

from decimal import Decimal

from django import template

from appraisal.domain import COUNT_KPIS
from appraisal.models import Kpi, KpiUnit
from salesorg.formatting import grouped, percent

register = template.Library()


@register.filter
def kpi_value(value: Decimal | None, kpi: Kpi) -> str:
    """0.7750 of a rate KPI -> "77.5%"; 2 customers -> "2"; 0.1579 visits a day -> "0.16"."""
    if value is None or value == "":
        return "–"
    if kpi.unit == KpiUnit.RATE:
        return percent(value)
    return grouped(Decimal(value), 0 if kpi.code in COUNT_KPIS else 2)
