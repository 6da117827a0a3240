"""`{% load number_format %}`: rates as percentages, money and amounts grouped in thousands
(`salesorg.formatting`), for the pages of every app."""

from __future__ import annotations

from django import template

from salesorg import formatting

register = template.Library()

register.filter("pct", formatting.percent)
register.filter("money", formatting.money)
register.filter("amount", formatting.amount)
register.filter("compact", formatting.compact)
