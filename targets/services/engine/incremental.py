"""The incremental night: what to recompute after the last run, from the outbox of changes.

The full rebuild keeps its monthly base (`AchievementBase`: one row per person, team and region
recorded on the records, metric and fiscal month). Database triggers note every change to a record
the engine reads (`AchievementChange`, see targets/migrations/0009_change_triggers.py). A night
then recomputes only:

- the records dated after the last run's day and up to this run's, counted for the first time and
  added to their month's kept rows (a night reads one day of records);
- the base rows of the months where a record already counted changed, source by source (a visit
  filed late for last month: that month's visits; a corrected payment: its month's collection);
- the results of the periods that contain such a month, of the periods whose time progress moved
  (those that meet the days between the two runs), and of the periods whose targets changed (every
  period when people, teams or regions changed); the year is always among them when anything is,
  so that every owner with a record is seen.

The results it writes are the rows a full rebuild writes, except that the rows of periods it did
not rewrite keep the as-of day and computed time of the run that last wrote them (their numbers
are the same). A full rebuild runs instead when there is no kept base for this fiscal year (no
full run yet, or the year has turned, or a base kept in an older shape: `BASE_VERSION`) or when
the day goes back before the last run's. The product lines' base (`AchievementLineBase`) is a
source of its own in the plan (`LINES`): a `sales` note (an order's date or status, a share's
rep, unit or percent) names both, an order line's or a product's (`lines`) the product lines
alone, a share's stored amounts (`share_amounts`) sales alone (targets/migrations/0013).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max

from salesorg.periods import MONTH, Period
from targets.models import BASE_VERSION, AchievementChange, RecomputeRun, RunMode, RunStatus
from targets.services.engine.statements import SOURCE_METRICS

# The product lines' base: a source of the plan beside the base's (`SOURCE_METRICS`).
LINES = "lines"
PLAN_SOURCES = (*SOURCE_METRICS, LINES)
# The plan's sources a note names, where they are not the note's own source.
NOTED = {"sales": ("sales", LINES), "share_amounts": ("sales",)}


@dataclass
class Plan:
    """What an incremental run recomputes, by source (`PLAN_SOURCES`):

    - `months`: fiscal months (1-12) recomputed from their records (a change to a record already
      counted);
    - `added`: date ranges (first, last day; each within one month) whose records are counted for
      the first time (the days after the last run's, up to this run's), added to the kept month;
    - `periods`: the result periods rewritten.
    """

    months: dict[str, list[int]] = field(default_factory=dict)
    added: dict[str, list[tuple[date, date]]] = field(default_factory=dict)
    periods: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not self.periods

    def kept_months(self, source: str) -> list[int]:
        """The months whose kept rows are carried over and added to (their `added` ranges)."""
        return sorted({Period.month_of(first).number for first, _ in self.added.get(source, [])})

    def rewritten_months(self) -> dict[str, list[int]]:
        """By source, every month whose kept rows this run replaces."""
        sources = set(self.months) | set(self.added)
        return {s: sorted(set(self.months.get(s, [])) | set(self.kept_months(s))) for s in sorted(sources)}


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
    if (
        last is None
        or last.base_version != BASE_VERSION
        or Period(Period.month_of(last.as_of).year) != year
        or as_of < last.as_of
    ):
        return None
    changes = (
        list(AchievementChange.objects.filter(id__lte=upto).values_list("source", "day", "period").distinct())
        if upto is not None
        else []
    )
    return plan_from_changes(as_of=as_of, year=year, last_as_of=last.as_of, changes=changes)


def plan_from_changes(
    *, as_of: date, year: Period, last_as_of: date, changes: list[tuple[str, date | None, str]]
) -> Plan:
    """The plan from the noted changes (pure: no database access)."""
    year_periods = [year, *year.children(), *year.month_periods()]
    every_month = set(range(1, 13))
    months: dict[str, set[int]] = {source: set() for source in PLAN_SOURCES}
    periods: set[str] = set()
    for noted, day, period in changes:
        if noted == "results":
            if not period:
                periods.update(str(p) for p in year_periods)
            elif period in {str(p) for p in year_periods}:
                periods.add(period)
            continue
        for source in NOTED.get(noted, (noted,)):
            if source not in months:
                continue
            if day is None:
                months[source] |= every_month
            elif day <= last_as_of and year.contains(day):
                # A record the last run counted (or should have): its month is recomputed. A
                # record dated after the last run's day is read with the days added below.
                months[source].add(Period.month_of(day).number)
    added: dict[str, list[tuple[date, date]]] = {}
    if as_of > last_as_of:
        # The days after the last run's and up to this one: their records are counted for the
        # first time, month by month, unless their month is recomputed anyway.
        day = last_as_of + timedelta(days=1)
        while day <= as_of:
            month = Period.month_of(day)
            last_day = min(month.end, as_of)
            for source in months:
                if month.number not in months[source]:
                    added.setdefault(source, []).append((day, last_day))
            day = last_day + timedelta(days=1)
        # The time progress of every period that meets those days moved.
        periods.update(str(p) for p in year_periods if p.start <= as_of and p.end >= last_as_of)
    touched = {n for m in months.values() for n in m} | {
        Period.month_of(first).number for ranges in added.values() for first, _ in ranges
    }
    for number in touched:
        month = Period(year.year, MONTH, number)
        periods.update({str(month), str(month.parent)})
    if periods:
        periods.add(str(year))
    return Plan(months={s: sorted(m) for s, m in months.items() if m}, added=added, periods=periods)


def month_ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of fiscal months: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    ranges: list[tuple[int, int]] = []
    for number in sorted(numbers):
        if ranges and ranges[-1][1] == number - 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges
