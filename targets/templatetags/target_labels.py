"""`{{ code|metric_label }}`: a metric's name in the reader's language (a stored snapshot keeps the
code, never the writer's words)."""

from __future__ import annotations

from django import template

from targets.models import Metric

register = template.Library()


@register.filter
def metric_label(code: str) -> str:
    try:
        return str(Metric(code).label)
    except ValueError:
        return code
