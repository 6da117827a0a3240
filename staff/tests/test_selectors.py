"""The working-day calendar read (one implementation for the KPIs and the report reminders), on the
official calendar the migration wrote (WORKING_CALENDAR=CN): Spring Festival 2026 is off from Sun
15 to Mon 23 February, with make-up workdays on Sat 14 and Sat 28 February (调休)."""

from datetime import date

import pytest

from staff.models import CalendarDay, CalendarDayKind
from staff.selectors import is_working_day, working_days_in

pytestmark = pytest.mark.django_db


def test_working_days_follow_the_calendar(django_assert_num_queries):
    # February 2026 has 20 weekdays; less the 6 holidays (Mon 16 to Fri 20, Mon 23), plus the two
    # make-up Saturdays: 16.
    with django_assert_num_queries(1):
        assert working_days_in(date(2026, 2, 1), date(2026, 2, 28)) == 16
    # The week of 16-22 February is all holiday; the next one has Tue 24 to Fri 27 and Sat 28.
    assert working_days_in(date(2026, 2, 16), date(2026, 2, 22)) == 0
    assert working_days_in(date(2026, 2, 23), date(2026, 3, 1)) == 5
    # A day an admin adds counts too: Wed 25 February off.
    CalendarDay.objects.create(date=date(2026, 2, 25), kind=CalendarDayKind.HOLIDAY, name="公司年会")
    assert working_days_in(date(2026, 2, 23), date(2026, 3, 1)) == 4


@pytest.mark.parametrize(
    ("day", "worked"),
    [
        (date(2026, 2, 14), True),  # make-up Saturday
        (date(2026, 2, 15), False),  # Sunday
        (date(2026, 2, 16), False),  # holiday on a Monday
        (date(2026, 2, 18), False),  # holiday on a Wednesday
        (date(2026, 2, 25), True),  # plain Wednesday
    ],
)
def test_is_working_day(day, worked):
    assert is_working_day(day) is worked
