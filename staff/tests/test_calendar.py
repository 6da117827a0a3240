"""The working-day calendar filled with China's official holidays (WORKING_CALENDAR=CN, the default).

China's 2026 schedule (国务院办公厅, as chinesecalendar 1.11.0 carries it), the days that differ
from a Monday-Friday week:
- holidays on weekdays: 元旦 Thu 1 and Fri 2 January; 春节 Mon 16 to Fri 20 and Mon 23 February;
  清明 Mon 6 April; 劳动节 Fri 1, Mon 4 and Tue 5 May; 端午 Fri 19 June; 中秋 Fri 25 September;
  国庆节 Thu 1, Fri 2, Mon 5, Tue 6 and Wed 7 October: 2 + 6 + 1 + 3 + 1 + 1 + 5 = 19;
- make-up workdays on weekends: Sun 4 January, Sat 14 and Sat 28 February, Sat 9 May, Sun 20
  September, Sat 10 October: 6.
25 official days in 2026.

February 2026 starts on a Sunday and has 28 days: 4 full weeks, 20 weekdays; less the 6 holidays,
plus the 2 make-up Saturdays: 16 working days. October 2026 starts on a Thursday: Thu 1, Fri 2 and
four full weeks from Mon 5, 22 weekdays; less the 5 holidays, plus Sat 10: 18.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff.models import CalendarDay, CalendarDayKind, CalendarDaySource
from staff.selectors import working_days_in
from staff.services import calendar_refresh
from staff.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFICIAL, ADMIN = CalendarDaySource.OFFICIAL, CalendarDaySource.ADMIN
HOLIDAY, MAKEUP = CalendarDayKind.HOLIDAY, CalendarDayKind.MAKEUP_WORKDAY
DAYS_2026 = 25  # see the module docstring


def february(year: int = 2026) -> int:
    return working_days_in(date(year, 2, 1), date(year, 2, 28))


def october(year: int = 2026) -> int:
    return working_days_in(date(year, 10, 1), date(year, 10, 31))


def test_a_fresh_database_has_the_official_calendar():
    # The migration filled it: February 16 working days and October 18, not the 20 and 22 weekdays.
    assert (february(), october()) == (16, 18)
    spring_festival = CalendarDay.objects.get(date=date(2026, 2, 16))
    assert (spring_festival.kind, spring_festival.name, spring_festival.source) == (HOLIDAY, "春节", OFFICIAL)
    assert CalendarDay.objects.get(date=date(2026, 2, 28)).kind == MAKEUP
    # A weekend holiday (Sun 15 February) is off anyway: not an exception to the week.
    assert not CalendarDay.objects.filter(date=date(2026, 2, 15)).exists()
    assert CalendarDay.objects.filter(date__year=2026, source=OFFICIAL).count() == DAYS_2026
    assert not CalendarDay.objects.filter(source=ADMIN).exists()
    # Each row's history starts with its creation by the fill.
    assert list(spring_festival.history.values_list("history_type", "history_change_reason")) == [
        ("+", "official_calendar")
    ]
    # A refresh then finds nothing to do.
    done = calendar_refresh(years=[2026])
    assert (done.added, done.updated, done.removed, done.unchanged, done.admin_kept) == (0, 0, 0, DAYS_2026, 0)


@pytest.fixture
def admin_client() -> tuple[Client, object]:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client, user


def test_an_admins_edit_in_the_admin_survives_a_refresh(admin_client):
    client, user = admin_client
    # Given the company works on Wednesday 7 October (an official 国庆节 holiday): the admin makes
    # it a worked day.
    day = CalendarDay.objects.get(date=date(2026, 10, 7))
    change = reverse("admin:staff_calendarday_change", args=[day.pk])
    page = client.get(change)
    assert "source" not in page.context["adminform"].form.fields  # read-only: the save decides it
    response = client.post(change, {"date": "2026-10-07", "kind": MAKEUP, "name": "国庆值班"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    day.refresh_from_db()
    assert (day.kind, day.name, day.source) == (MAKEUP, "国庆值班", ADMIN)
    assert (day.history.first().history_type, day.history.first().history_user) == ("~", user)

    # When the official calendar is refreshed
    call_command("refresh_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then the admin's day is kept as they set it: October 22 weekdays - 4 holidays + Sat 10 = 19.
    day.refresh_from_db()
    assert (day.kind, day.name, day.source) == (MAKEUP, "国庆值班", ADMIN)
    assert october() == 19


def test_the_admin_list_shows_and_filters_by_source_in_chinese(admin_client):
    client, _user = admin_client
    CalendarDay.objects.create(date=date(2026, 3, 11), kind=HOLIDAY, name="公司年会")
    changelist = reverse("admin:staff_calendarday_changelist")
    mine = client.get(changelist, {"source__exact": ADMIN}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert [day.name for day in mine.context["cl"].result_list] == ["公司年会"]
    page = client.get(changelist, {"source__exact": OFFICIAL, "date__year": "2026"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.context["cl"].result_count == DAYS_2026
    html = page.content.decode()
    for label in ("来源", "官方节假日安排", "管理员设置", "星期", "春节", "调休上班日"):
        assert label in html, label


def test_an_official_day_is_not_deleted_in_the_admin_while_an_admins_day_is(admin_client, settings):
    client, _user = admin_client
    official = CalendarDay.objects.get(date=date(2026, 10, 7))
    mine = CalendarDay.objects.create(date=date(2026, 3, 11), kind=HOLIDAY, name="公司年会")
    # The next refresh would bring an official day back: no delete, on its page or in bulk.
    assert client.get(reverse("admin:staff_calendarday_delete", args=[official.pk])).status_code == 403
    bulk = client.post(
        reverse("admin:staff_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [official.pk, mine.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert CalendarDay.objects.filter(pk__in=[official.pk, mine.pk]).count() == 2
    response = client.post(reverse("admin:staff_calendarday_delete", args=[mine.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=mine.pk).exists()
    # With no official calendar nothing brings it back: an admin may delete it.
    settings.WORKING_CALENDAR = "none"
    response = client.post(reverse("admin:staff_calendarday_delete", args=[official.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=official.pk).exists()


def test_a_refresh_brings_the_official_days_in_line_and_keeps_the_admins():
    # Given an official day the package does not list (Tue 10 March), an admin's day (Wed 11 March),
    # an official day missing (Mon 23 February) and one written differently (Mon 16 February).
    stale = CalendarDay.objects.create(date=date(2026, 3, 10), kind=HOLIDAY, name="旧", source=OFFICIAL)
    mine = CalendarDay.objects.create(date=date(2026, 3, 11), kind=HOLIDAY, name="公司年会", source=ADMIN)
    CalendarDay.objects.filter(date=date(2026, 2, 23)).delete()
    CalendarDay.objects.filter(date=date(2026, 2, 16)).update(kind=MAKEUP, name="")
    assert february() == 20 - 4 + 2  # only Tue 17 to Fri 20 off; Sat 14 and 28 worked

    done = calendar_refresh(years=[2026])

    # 25 official days: 23 as listed, Mon 23 added, Mon 16 corrected; the stale one removed.
    assert (done.years, done.added, done.updated, done.removed, done.unchanged, done.admin_kept) == (
        [2026],
        1,
        1,
        1,
        DAYS_2026 - 2,
        1,
    )
    assert not CalendarDay.objects.filter(pk=stale.pk).exists()
    assert stale.history.model.objects.filter(id=stale.pk).first().history_type == "-"
    assert CalendarDay.objects.get(pk=mine.pk).name == "公司年会"
    assert CalendarDay.objects.get(date=date(2026, 2, 16)).name == "春节"
    assert (february(), working_days_in(date(2026, 3, 1), date(2026, 3, 31))) == (16, 22 - 1)  # Wed 11 off


def test_with_no_official_calendar_the_refresh_writes_nothing(settings):
    settings.WORKING_CALENDAR = "none"
    CalendarDay.objects.filter(date=date(2026, 2, 23)).delete()
    stale = CalendarDay.objects.create(date=date(2026, 3, 10), kind=HOLIDAY, source=OFFICIAL)
    rows = CalendarDay.objects.count()
    with CaptureQueriesContext(connection) as queries:
        done = calendar_refresh()
    assert (len(queries), done.years, done.added, done.removed) == (0, [], 0, 0)
    assert CalendarDay.objects.count() == rows
    assert CalendarDay.objects.filter(pk=stale.pk).exists()
    assert not CalendarDay.objects.filter(date=date(2026, 2, 23)).exists()


@pytest.mark.parametrize("years", [[2026], [2024, 2025, 2026]])
def test_a_refresh_runs_the_same_queries_for_one_year_and_for_three(years):
    # In each year: one official day missing, one written differently, one the package does not list.
    for year in years:
        CalendarDay.objects.filter(date=date(year, 10, 1)).delete()
        CalendarDay.objects.filter(date=date(year, 10, 2)).update(name="")
        CalendarDay.objects.create(date=date(year, 3, 10), kind=HOLIDAY, source=OFFICIAL)
    with CaptureQueriesContext(connection) as queries:
        done = calendar_refresh(years=years)
    assert (done.added, done.updated, done.removed) == (len(years), len(years), len(years))
    # The savepoint, one read (locked), one delete, one update, one insert of days, one of their
    # history rows, the savepoint's release: 7 whatever the number of years.
    assert len(queries) == 7, [q["sql"][:80] for q in queries]


def test_the_command_refreshes_the_years_asked_and_refuses_unknown_ones(capsys):
    CalendarDay.objects.filter(date=date(2025, 10, 1)).delete()
    CalendarDay.objects.filter(date=date(2026, 10, 1)).delete()
    call_command("refresh_calendar", "--year", "2026")
    out = capsys.readouterr().out
    assert "Official calendar 2026: 1 added, 0 updated, 0 removed, 24 unchanged" in out
    assert not CalendarDay.objects.filter(date=date(2025, 10, 1)).exists()  # 2025 was not asked
    with pytest.raises(CommandError, match="no schedule for 2099"):
        call_command("refresh_calendar", "--year", "2099")


def test_the_yearly_task_is_registered_under_its_beat_name_and_refreshes():
    from django.conf import settings

    from salesorg.celery import app
    from staff.tasks import refresh_calendar

    name = settings.CELERY_BEAT_SCHEDULE["staff-refresh-calendar"]["task"]
    assert name == "staff.tasks.refresh_calendar" and name in app.tasks
    assert refresh_calendar.acks_late is True  # the house delivery policy (RELIABLE_TASK)
    CalendarDay.objects.filter(date=date(2026, 2, 23)).delete()
    assert refresh_calendar.delay().get() == {"added": 1, "updated": 0, "removed": 0, "admin_kept": 0}
