"""The `expenses` targets field work shows beside a claim being approved (fieldwork.budget's
registry, filled from `TargetsConfig.ready()`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Q

from fieldwork.budget import BudgetTarget
from salesorg.periods import Period, periods_containing
from targets.models import Metric, OwnerKind, Target, TargetStatus


def expense_budget_targets(
    keys: Sequence[tuple[int, int | None, date]],
) -> dict[tuple[int, int | None, date], BudgetTarget]:
    """For each (rep, team, claim date): the rep's approved `expenses` target of the month, else
    the quarter, else the year containing the date; without one, the team's the same way. One query."""
    periods = {str(p) for _person, _team, day in keys for p in periods_containing(day)}
    people = {person for person, _team, _day in keys}
    teams = {team for _person, team, _day in keys if team is not None}
    rows = Target.objects.filter(metric=Metric.EXPENSES, status=TargetStatus.APPROVED, period__in=periods).filter(
        Q(owner_kind=OwnerKind.REP, person_id__in=people) | Q(owner_kind=OwnerKind.TEAM, team_id__in=teams)
    )
    by_owner = {}
    for target in rows.values("owner_kind", "person_id", "team_id", "period", "value"):
        if target["owner_kind"] == OwnerKind.REP:
            by_owner[("rep", target["person_id"], target["period"])] = target["value"]
        else:
            by_owner[("team", target["team_id"], target["period"])] = target["value"]
    found = {}
    for person, team, day in keys:
        for kind, owner in (("rep", person), ("team", team)):
            match = next(
                (p for p in periods_containing(day) if (kind, owner, str(p)) in by_owner),
                None,
            )
            if owner is not None and match is not None:
                found[(person, team, day)] = BudgetTarget(
                    kind, owner, Period.parse(str(match)), by_owner[(kind, owner, str(match))]
                )
                break
    return found
