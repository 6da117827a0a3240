"""The official working calendar of a country: the days that differ from a Monday-Friday week.

China moves weekends around its public holidays (调休): a holiday on a weekday is off, a make-up
workday on a Saturday or Sunday is worked. The State Council publishes next year's schedule in
the autumn; the `chinesecalendar` package carries it, one release per year, so a year the package
does not know yet has no official days (a newer release brings them: `refresh_calendar`).

Pure: no database. `staff.services.calendar` writes these days into the working-day calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import chinese_calendar
from django.core.exceptions import ImproperlyConfigured

CHINA = "CN"
NONE = "none"  # a plain Monday-Friday week: no official days
WORKING_CALENDARS = (CHINA, NONE)


@dataclass(frozen=True)
class OfficialDay:
    """A day the official calendar moves: off on a weekday (`day_off`) or worked on a weekend."""

    date: date
    day_off: bool
    name: str  # the holiday's name as the country writes it (春节), empty when not known


def working_calendar(code: str) -> str:
    """The calendar a `WORKING_CALENDAR` setting names ("CN", "none"; any case), or a clear error."""
    normalised = (code or "").strip()
    for known in WORKING_CALENDARS:
        if normalised.lower() == known.lower():
            return known
    raise ImproperlyConfigured(f"WORKING_CALENDAR={code!r}: expected one of {', '.join(WORKING_CALENDARS)}")


def official_years(code: str) -> list[int]:
    """The years the calendar knows, oldest first (none for "none")."""
    if working_calendar(code) == NONE:
        return []
    return sorted({day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays})


def official_days(code: str, years: Iterable[int] | None = None) -> list[OfficialDay]:
    """The official holidays on Monday-Friday and make-up workdays on weekends of the given years
    (default: every year the calendar knows), by date. A holiday on a weekend is off anyway and a
    make-up day on a weekday is worked anyway: neither is listed."""
    if working_calendar(code) == NONE:
        return []
    wanted = set(official_years(code) if years is None else years)
    days = [
        OfficialDay(day, True, _chinese_name(english))
        for day, english in chinese_calendar.holidays.items()
        if day.year in wanted and day.weekday() < 5
    ] + [
        OfficialDay(day, False, _chinese_name(english))
        for day, english in chinese_calendar.workdays.items()
        if day.year in wanted and day.weekday() >= 5
    ]
    return sorted(days, key=lambda official: official.date)


def _chinese_name(english: str | None) -> str:
    # The package keys its days by the English name of the `Holiday` member, which carries the Chinese.
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english or ""
