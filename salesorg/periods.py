"""Periods (year, quarter, month), the fiscal calendar, time progress and working days.

A period is written `2026`, `2026-Q1` or `2026-03`. With a fiscal year that starts in month M,
year Y runs from M/Y to the day before M/Y+1 (M=1: the calendar year), its quarters and months
counted from that start.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")

YEAR, QUARTER, MONTH = "year", "quarter", "month"


def _fiscal_start_month() -> int:
    return int(getattr(settings, "FISCAL_YEAR_START_MONTH", 1))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True, order=True)
class Period:
    """A fiscal year, quarter or month. `number` is the quarter (1-4) or month (1-12) of the year."""

    year: int
    kind: str = YEAR
    number: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(str(text).strip())
        if not match:
            raise ValueError(f"'{text}' is not a period: write 2026, 2026-Q1 or 2026-03")
        year = int(match["year"])
        if match["quarter"]:
            return cls(year, QUARTER, int(match["quarter"]))
        if match["month"]:
            return cls(year, MONTH, int(match["month"]))
        return cls(year)

    @classmethod
    def month_of(cls, day: date) -> Period:
        """The fiscal month containing a day."""
        start = _fiscal_start_month()
        offset = (day.month - start) % 12
        fiscal_year = day.year if day.month >= start else day.year - 1
        return cls(fiscal_year, MONTH, offset + 1)

    def __str__(self) -> str:
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def start(self) -> date:
        first_month = _fiscal_start_month()
        offset = {YEAR: 0, QUARTER: (self.number - 1) * 3, MONTH: self.number - 1}[self.kind]
        year, month = _add_months(self.year, first_month, offset)
        return date(year, month, 1)

    @property
    def months(self) -> int:
        return {YEAR: 12, QUARTER: 3, MONTH: 1}[self.kind]

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        year, month = _add_months(self.start.year, self.start.month, self.months - 1)
        return date(year, month, calendar.monthrange(year, month)[1])

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def parent(self) -> Period | None:
        if self.kind == MONTH:
            return Period(self.year, QUARTER, (self.number - 1) // 3 + 1)
        if self.kind == QUARTER:
            return Period(self.year)
        return None

    def children(self) -> list[Period]:
        """Quarters of a year, months of a quarter, nothing for a month."""
        if self.kind == YEAR:
            return [Period(self.year, QUARTER, q) for q in range(1, 5)]
        if self.kind == QUARTER:
            first = (self.number - 1) * 3 + 1
            return [Period(self.year, MONTH, m) for m in range(first, first + 3)]
        return []

    def month_periods(self) -> list[Period]:
        first = {YEAR: 1, QUARTER: (self.number - 1) * 3 + 1, MONTH: self.number}[self.kind]
        return [Period(self.year, MONTH, m) for m in range(first, first + self.months)]

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.number)

    def time_progress(self, as_of: date) -> Decimal:
        """(as-of - start + 1 day) / days in the period, clamped to 0..1 (DESIGN.md, glossary)."""
        elapsed = (as_of - self.start).days + 1
        ratio = Decimal(elapsed) / Decimal(self.days)
        return min(Decimal(1), max(Decimal(0), ratio))


def periods_containing(day: date) -> list[Period]:
    """The month, quarter and year that contain a day."""
    month = Period.month_of(day)
    quarter = month.parent
    assert quarter is not None
    return [month, quarter, Period(month.year)]


def daterange(start: date, end: date) -> Iterator[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def working_days(
    start: date,
    end: date,
    *,
    holidays: Iterable[date] = (),
    makeup_workdays: Iterable[date] = (),
) -> int:
    """Working days from start to end inclusive: Monday-Friday, less holidays, plus make-up days.

    China moves weekends around public holidays (调休): a holiday on a weekday is off, a make-up
    workday on a Saturday or Sunday is on.
    """
    off = set(holidays)
    on = set(makeup_workdays)
    count = 0
    for day in daterange(start, end):
        if day in on or day.weekday() < 5 and day not in off:
            count += 1
    return count
