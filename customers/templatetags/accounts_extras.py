"""Template filters of the customer pages."""

from datetime import date

from django import template

register = template.Library()


@register.filter
def days_until(day: date | None, today: date) -> int | None:
    """Whole days from `today` to `day` (negative when past)."""
    if day is None or today is None:
        return None
    return (day - today).days
