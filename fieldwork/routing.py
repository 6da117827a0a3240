"""Pure helpers of visit plans: when a customer falls due, which day of the week it is planned on,
and the order of a day's stops (nearest neighbour from the start point, great-circle distances:
no map service, so it runs on a closed network). No database access."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from customers.domain import haversine_m

Point = tuple[Decimal | float, Decimal | float]


def week_of(day: date) -> date:
    """The Monday of the week that contains `day`."""
    return day - timedelta(days=day.weekday())


def next_due(last_visit: date | None, every_days: int) -> date | None:
    """The day a customer falls due: its last visit plus the frequency (None: never visited, due now)."""
    return None if last_visit is None else last_visit + timedelta(days=every_days)


def is_due_in_week(due: date | None, week_start: date) -> bool:
    """Due by the end of the week (Sunday): overdue, due this week, or never visited."""
    return due is None or due <= week_start + timedelta(days=6)


@dataclass(frozen=True)
class Due:
    key: Hashable
    due: date | None


def assign_days(dues: Sequence[Due], *, work_days: Sequence[date], day_max: int) -> dict[Hashable, date]:
    """The day of the week each due customer is planned on.

    The most urgent first (never visited, then by due date, then by the order given): each goes on
    the first working day on or after its due date (overdue: the first working day), or on the
    week's last working day when it falls due after it; a day already holding `day_max` visits
    passes the customer to the next working day with room, else to the least loaded day."""
    if not work_days:
        return {}
    days = sorted(work_days)
    load = dict.fromkeys(days, 0)
    ordered = sorted(enumerate(dues), key=lambda pair: (pair[1].due is not None, pair[1].due or date.min, pair[0]))
    planned: dict[Hashable, date] = {}
    for _index, item in ordered:
        wanted = next((d for d in days if item.due is None or d >= item.due), days[-1])
        candidates = [d for d in days if d >= wanted and load[d] < day_max]
        day = candidates[0] if candidates else min(days, key=lambda d: (load[d], d))
        load[day] += 1
        planned[item.key] = day
    return planned


@dataclass(frozen=True)
class Stop:
    key: Hashable
    latitude: Decimal | float | None
    longitude: Decimal | float | None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def nearest_neighbour_route(start: Point | None, stops: Sequence[Stop]) -> list[tuple[Hashable, int | None]]:
    """The stops in visiting order with the distance (m) from the stop before each.

    From the start point (or, without one, from the first located stop) always to the nearest
    stop not yet visited; a tie goes to the stop given first. Stops without a location come last,
    in the order given, with no distance."""
    located = [s for s in stops if s.located]
    unlocated = [s for s in stops if not s.located]
    route: list[tuple[Hashable, int | None]] = []
    if start is None and located:
        first = located.pop(0)
        route.append((first.key, None))
        here: Point | None = (first.latitude, first.longitude)
    else:
        here = start
    while located:
        distances = [haversine_m(here[0], here[1], s.latitude, s.longitude) for s in located]
        best = min(range(len(located)), key=lambda i: (distances[i], i))
        stop = located.pop(best)
        route.append((stop.key, distances[best]))
        here = (stop.latitude, stop.longitude)
    route.extend((s.key, None) for s in unlocated)
    return route


def route_length(start: Point | None, points: Sequence[Point]) -> int:
    """Metres along the points in the order given, from the start point when there is one."""
    path = ([start] if start is not None else []) + list(points)
    return sum(haversine_m(a[0], a[1], b[0], b[1]) for a, b in zip(path, path[1:], strict=False))
