"""The working-day calendar filled with the official holidays and make-up workdays of
`WORKING_CALENDAR` ("CN": China's, from the `chinesecalendar` package; "none": nothing).

Each row records where it came from. A refresh writes the official days (`source=official`) of
the years asked for, corrects those the official calendar changed and removes those it no longer
lists; a day an admin created or edited (`source=admin`) is never changed or removed by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from salesorg.holidays import NONE, official_days, official_years, working_calendar
from staff.models import CalendarDay, CalendarDayKind, CalendarDaySource

# The change reason on the history rows a refresh writes (a code, not a sentence).
REFRESH_REASON = "official_calendar"


@dataclass(frozen=True)
class CalendarRefresh:
    """What a refresh did, in the years it covered."""

    years: list[int] = field(default_factory=list)
    added: int = 0  # official days written
    updated: int = 0  # official days whose kind or name the official calendar changed
    removed: int = 0  # official days the official calendar no longer lists
    unchanged: int = 0  # official days already as listed
    admin_kept: int = 0  # admins' days, kept as they set them


def calendar_fill(
    *, day_model: Any, history_model: Any | None, calendar: str, years: Iterable[int] | None = None
) -> CalendarRefresh:
    """Bring the official days of `years` (default: every year the calendar knows) in line with
    `calendar`, set-based: one read, then at most one delete, one update, one insert of days and
    one insert of history rows (the database may split an insert into batches).

    Takes the model classes so that migration 0004 runs this same code on its historical models:
    it reads and writes only the fields `date`, `kind`, `name`, `source` (and the history table's).
    """
    code = working_calendar(calendar)
    if code == NONE:
        return CalendarRefresh()
    known = official_years(code)
    asked = sorted(set(known if years is None else years))
    unknown = [year for year in asked if year not in known]
    if unknown:
        raise ApplicationError(
            _("The official calendar has no schedule for %(years)s: it knows %(first)s to %(last)s.")
            % {"years": ", ".join(map(str, unknown)), "first": known[0], "last": known[-1]},
            fields={"years": [_("Pick years from %(first)s to %(last)s.") % {"first": known[0], "last": known[-1]}]},
        )
    if not asked:
        return CalendarRefresh()

    official = CalendarDaySource.OFFICIAL
    wanted = {
        day.date: (CalendarDayKind.HOLIDAY if day.day_off else CalendarDayKind.MAKEUP_WORKDAY, day.name)
        for day in official_days(code, asked)
    }
    unchanged = admin_kept = 0
    to_update, to_remove = [], []
    with transaction.atomic():
        # Locked, so an admin's save in between waits rather than being overwritten.
        for row in day_model.objects.select_for_update().filter(_in_years(asked)).order_by("date"):
            listed = wanted.pop(row.date, None)
            if row.source != official:
                admin_kept += 1
            elif listed is None:
                to_remove.append(row)
            elif (row.kind, row.name) != listed:
                row.kind, row.name = listed
                to_update.append(row)
            else:
                unchanged += 1
        to_add = [
            day_model(date=day, kind=kind, name=name, source=official) for day, (kind, name) in sorted(wanted.items())
        ]
        if to_remove:
            # Not `.delete()`: with history on the model Django would send a signal, and the
            # history library write a row, for each day (nothing points at a calendar day, so
            # there is nothing to cascade to). Their history rows are written below, in one insert.
            day_model.objects.filter(pk__in=[row.pk for row in to_remove], source=official)._raw_delete(
                day_model.objects.db
            )
        if to_update:
            day_model.objects.bulk_update(to_update, ["kind", "name"])
        if to_add:
            day_model.objects.bulk_create(to_add)
            if any(row.pk is None for row in to_add):  # a database that does not return ids on insert
                ids = dict(day_model.objects.filter(date__in=[row.date for row in to_add]).values_list("date", "pk"))
                for row in to_add:
                    row.pk = ids[row.date]
        if history_model is not None:
            now = timezone.now()
            history_model.objects.bulk_create(
                [
                    history_model(
                        id=row.pk,
                        date=row.date,
                        kind=row.kind,
                        name=row.name,
                        source=row.source,
                        history_date=now,
                        history_type=history_type,
                        history_change_reason=REFRESH_REASON,
                    )
                    for rows, history_type in ((to_add, "+"), (to_update, "~"), (to_remove, "-"))
                    for row in rows
                ]
            )
    return CalendarRefresh(
        years=asked,
        added=len(to_add),
        updated=len(to_update),
        removed=len(to_remove),
        unchanged=unchanged,
        admin_kept=admin_kept,
    )


def calendar_refresh(*, years: Iterable[int] | None = None) -> CalendarRefresh:
    """Write the official days of `WORKING_CALENDAR` for `years` (default: every year it knows);
    with "none" nothing is written. Run by `manage.py refresh_calendar` and the yearly beat task;
    migration 0004 runs the same `calendar_fill` on its own models."""
    return calendar_fill(
        day_model=CalendarDay, history_model=CalendarDay.history.model, calendar=settings.WORKING_CALENDAR, years=years
    )


def calendar_day_save(*, day: CalendarDay) -> CalendarDay:
    """An admin's day (created or edited in the admin): it becomes theirs, and refreshes keep it.
    Its history row (with the admin as the user) is written by the history library."""
    day.source = CalendarDaySource.ADMIN
    day.save()
    return day


def _in_years(years: list[int]) -> Q:
    """The dates of the given years, as one range per run of consecutive years (index-friendly)."""
    ranges: list[list[int]] = []
    for year in years:
        if ranges and ranges[-1][1] == year - 1:
            ranges[-1][1] = year
        else:
            ranges.append([year, year])
    condition = Q()
    for first, last in ranges:
        condition |= Q(date__range=(date(first, 1, 1), date(last, 12, 31)))
    return condition
