"""The working-day calendar read (one implementation for the KPIs and the report reminders)."""

from datetime import date

import pytest

from staff.models import CalendarDay, CalendarDayKind
from staff.selectors import is_working_day, working_days_in


@pytest.fixture
def spring_festival(db):
    # Holidays on Mon 16 and Tue 17 February 2026, a make-up workday on Sat 14 (调休).
    CalendarDay.objects.create(date=date(2026, 2, 16), kind=CalendarDayKind.HOLIDAY)
    CalendarDay.objects.create(date=date(2026, 2, 17), kind=CalendarDayKind.HOLIDAY)
    CalendarDay.objects.create(date=date(2026, 2, 14), kind=CalendarDayKind.MAKEUP_WORKDAY)


def test_working_days_follow_the_calendar(spring_festival, django_assert_num_queries):
    # February 2026 has 20 weekdays; less the 2 holidays, plus the make-up Saturday: 19.
    with django_assert_num_queries(1):
        assert working_days_in(date(2026, 2, 1), date(2026, 2, 28)) == 19
    # The week of 16-22 February: Wed 18, Thu 19, Fri 20 only.
    assert working_days_in(date(2026, 2, 16), date(2026, 2, 22)) == 3


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        (date(2026, 2, 14), True),  # make-up Saturday
        (date(2026, 2, 15), False),  # Sunday
        (date(2026, 2, 16), False),  # holiday on a Monday
        (date(2026, 2, 18), True),  # plain Wednesday
    ],
)
def test_is_working_day(spring_festival, day, worked):
    assert is_working_day(day) is worked
