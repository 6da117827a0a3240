"""Checks of what a person types into an order, shared by the order and payment writes."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError


def order_date_window(today: date) -> tuple[date, date]:
    """The first and last order date a person may enter today (ORDER_DATE_PAST_DAYS back,
    ORDER_DATE_FUTURE_DAYS ahead)."""
    past = int(getattr(settings, "ORDER_DATE_PAST_DAYS", 400))
    future = int(getattr(settings, "ORDER_DATE_FUTURE_DAYS", 31))
    return today - timedelta(days=past), today + timedelta(days=future)


def check_order_date(on: date, *, today: date, field: str = "date") -> None:
    """Refuse an order date outside the window (a year 1900 or 2999 typo), naming the field."""
    earliest, latest = order_date_window(today)
    if not earliest <= on <= latest:
        message = _("The order date must be between %(earliest)s and %(latest)s.") % {
            "earliest": earliest.isoformat(),
            "latest": latest.isoformat(),
        }
        raise ApplicationError(message, fields={field: [message]})
