"""Attribution: the unit on a record is its rep's unit on the record's date (DESIGN.md).

`units_on(pairs)` answers, for many (person, date) pairs at once, the position, team, region and
manager each person had on each date, from the dated membership, in one query. A date before a
person's first membership takes the first one (a record dated before the hire date, e.g. an ERP
import); a date after the last closed one takes the last one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from simple_history.utils import bulk_update_with_history

from staff.models import Membership


@dataclass(frozen=True)
class Unit:
    person_id: int
    position: str
    team_id: int | None
    region_id: int | None
    manager_id: int | None


def _pick(memberships: list[Membership], day: date) -> Membership | None:
    chosen = None
    for m in memberships:  # ordered by start
        if m.start <= day:
            chosen = m
        elif chosen is None:
            return m  # before the first membership: the first one
    return chosen


def unit_finder(person_ids: Iterable[int]) -> Callable[[int, date], Unit | None]:
    """`find(person_id, day)`: the unit of any of `person_ids` on any date, from one query; for a
    caller that learns its dates one by one (the demo's seeders)."""
    by_person: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(person_id__in=set(person_ids)).order_by("person_id", "start"):
        by_person.setdefault(m.person_id, []).append(m)

    def find(person_id: int, day: date) -> Unit | None:
        m = _pick(by_person.get(person_id, []), day)
        return None if m is None else Unit(person_id, m.position, m.team_id, m.region_id, m.manager_id)

    return find


def units_on(pairs: Iterable[tuple[int, date]]) -> dict[tuple[int, date], Unit]:
    """The unit of each (person id, date) pair; pairs of a person without membership are absent."""
    wanted = {(person_id, day) for person_id, day in pairs if person_id is not None and day is not None}
    if not wanted:
        return {}
    find = unit_finder(person_id for person_id, _day in wanted)
    found = {pair: find(*pair) for pair in wanted}
    return {pair: unit for pair, unit in found.items() if unit is not None}


def unit_on(person_id: int, day: date) -> Unit | None:
    return units_on([(person_id, day)]).get((person_id, day))


def unit_fields(person: Any, day: date) -> dict[str, int | None]:
    """`team_id` and `region_id` to put on a record of `person` dated `day`."""
    unit = unit_on(person.pk, day)
    if unit is None:
        return {"team_id": person.team_id, "region_id": person.region_id}
    return {"team_id": unit.team_id, "region_id": unit.region_id}


def refile(queryset: QuerySet, *, person_field: str, date_field: str, reason: str) -> int:
    """Put on each record of `queryset` the unit its person had on its date (set-based: one read,
    one query for the units, one bulk write with history). Returns how many records moved."""
    rows = list(queryset)
    units = units_on((getattr(r, f"{person_field}_id"), getattr(r, date_field)) for r in rows)
    changed = []
    for row in rows:
        unit = units.get((getattr(row, f"{person_field}_id"), getattr(row, date_field)))
        if unit is not None and (row.team_id, row.region_id) != (unit.team_id, unit.region_id):
            row.team_id, row.region_id = unit.team_id, unit.region_id
            changed.append(row)
    if changed:
        model = queryset.model
        if hasattr(model, "history"):
            bulk_update_with_history(changed, model, ["team", "region"], default_change_reason=reason)
        else:
            model._default_manager.bulk_update(changed, ["team", "region"], batch_size=1000)
    return len(changed)
