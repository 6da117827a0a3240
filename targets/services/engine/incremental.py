"""The incremental night: what to recompute after the last run, from the outbox of changes.

The full rebuild keeps its monthly base (`AchievementBase`: one row per person, team and region
recorded on the records, metric and fiscal month). Database triggers note every change to a record
the engine reads (`AchievementChange`, see targets/migrations/0009_change_triggers.py). A night
then recomputes only:

- the base rows of the months that changed, source by source (a new visit: that month's visits;
  a back-dated payment: that month's collection), plus every month from the last run's day to this
  run's (the records dated in between were not counted yet);
- the results of the periods that contain such a month, of the periods whose time progress moved
  (those that meet the days between the two runs), and of the periods whose targets changed (every
  period when people, teams or regions changed); the year is always among them when anything is,
  so that every owner with a record is seen.

The results it writes are the rows a full rebuild writes, except that the rows of periods it did
not rewrite keep the as-of day and computed time of the run that last wrote them (their numbers
are the same). A full rebuild runs instead when there is no kept base for this fiscal year (no
full run yet, or the year has turned) or when the day goes back before the last run's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max

from salesorg.periods import MONTH, Period
from targets.models import AchievementChange, RecomputeRun, RunMode, RunStatus
from targets.services.engine.statements import SOURCE_METRICS


@dataclass
class Plan:
    """What an incremental run recomputes: fiscal months (1-12) by source, and result periods."""

    months: dict[str, list[int]] = field(default_factory=dict)
    periods: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.periods


def changes_upto() -> int | None:
    """The last change noted so far: a run takes the changes up to it, later ones wait for the next run."""
    return AchievementChange.objects.aggregate(last=Max("id"))["last"]


def last_base_run() -> RecomputeRun | None:
    """The last run that left the kept base and consumed the changes: a whole-company run that
    succeeded, full or incremental (runs never overlap, so the last to finish)."""
    return (
        RecomputeRun.objects.filter(
            status=RunStatus.SUCCEEDED, region_ids="", mode__in=[RunMode.FULL, RunMode.INCREMENTAL]
        )
        .order_by("-finished_at", "-id")
        .first()
    )


def plan_for(*, as_of: date, year: Period, upto: int | None) -> Plan | None:
    """The plan of an incremental run as of `as_of`, or None when a full rebuild is needed."""
    last = last_base_run()
    if last is None or Period(Period.month_of(last.as_of).year) != year or as_of < last.as_of:
        return None
    changes = (
        AchievementChange.objects.filter(id__lte=upto).values_list("source", "month_index", "period").distinct()
        if upto is not None
        else []
    )
    return plan_from_changes(as_of=as_of, year=year, last_as_of=last.as_of, changes=changes)


def plan_from_changes(
    *, as_of: date, year: Period, last_as_of: date, changes: list[tuple[str, int | None, str]]
) -> Plan:
    """The plan from the noted changes (pure: no database access)."""
    year_periods = [year, *year.children(), *year.month_periods()]
    first_index = year.start.year * 12 + year.start.month - 1
    every_month = set(range(1, 13))
    months: dict[str, set[int]] = {source: set() for source in SOURCE_METRICS}
    periods: set[str] = set()
    for source, month_index, period in changes:
        if source == "results":
            if not period:
                periods.update(str(p) for p in year_periods)
            elif period in {str(p) for p in year_periods}:
                periods.add(period)
        elif source in months:
            if month_index is None:
                months[source] |= every_month
            elif first_index <= month_index < first_index + 12:
                months[source].add(month_index - first_index + 1)
    if as_of > last_as_of:
        # The records dated after the last run's day and up to this one were not counted yet,
        # and the time progress of every period that meets those days moved.
        since = Period.month_of(last_as_of).number
        for source in months:
            months[source] |= set(range(since, Period.month_of(as_of).number + 1))
        periods.update(str(p) for p in year_periods if p.start <= as_of and p.end >= last_as_of)
    for month_set in months.values():
        for number in month_set:
            month = Period(year.year, MONTH, number)
            periods.update({str(month), str(month.parent)})
    if periods or any(months.values()):
        periods.add(str(year))
    return Plan(months={source: sorted(m) for source, m in months.items() if m}, periods=periods)


def month_ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of fiscal months: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    ranges: list[tuple[int, int]] = []
    for number in sorted(numbers):
        if ranges and ranges[-1][1] == number - 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges
