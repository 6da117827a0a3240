"""Progressive targets: next year's drafts from this year's actuals, for the owners one may set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from salesorg.periods import YEAR
from staff import authority
from targets.models import Achievement, Metric, Target, TargetSource, TargetStatus


@transaction.atomic
def targets_propose_next_year(
    *,
    user: Any,
    year: int,
    growth: Decimal,
    metrics: Sequence[str] | None = None,
    growth_by_owner: Mapping[tuple[str, int], Decimal] | None = None,
) -> int:
    """Draft targets for `year + 1` = this year's actual x (1 + growth) per owner (progressive).

    Only for the owners the proposer may set targets of (rule targets.set). A proposal never
    deletes a target and overwrites only the drafts an earlier proposal of the same proposer made;
    any other target of that owner, metric and year (approved, entered, or drafted by someone
    else) is left alone. An owner-specific growth overrides the default. Returns the number of
    drafts written.
    """
    actor = authority.actor_of(user)
    proposer = actor.history_user()
    metrics = list(metrics or [m.value for m in Metric])
    growth_by_owner = growth_by_owner or {}
    next_year = str(year + 1)
    actuals = [
        row
        for row in Achievement.objects.filter(period=str(year), metric__in=metrics).values(
            "owner_kind", "owner_key", "region_id", "team_id", "person_id", "metric", "actual"
        )
        if authority.allowed(
            actor,
            "targets.set",
            owner_kind=row["owner_kind"],
            region_id=row["region_id"],
            team_id=row["team_id"],
            person_id=row["person_id"],
        )
    ]
    existing = {
        (t.owner_kind, t.owner_key, t.metric): t
        for t in Target.objects.select_for_update(of=("self",)).filter(period=next_year, metric__in=metrics)
    }
    created, updated = [], []
    for row in actuals:
        rate = Decimal(growth_by_owner.get((row["owner_kind"], row["owner_key"]), growth))
        value = max((Decimal(row["actual"]) * (1 + rate)).quantize(Decimal("0.01")), Decimal("0.00"))
        note = f"proposal: {year} actual x (1 + {rate})"
        current = existing.get((row["owner_kind"], row["owner_key"], row["metric"]))
        if current is None:
            created.append(
                Target(
                    owner_kind=row["owner_kind"],
                    owner_key=row["owner_key"],
                    region_id=row["region_id"],
                    team_id=row["team_id"],
                    person_id=row["person_id"],
                    metric=row["metric"],
                    period=next_year,
                    period_kind=YEAR,
                    value=value,
                    note=note,
                    drafted_by=proposer,
                    source=TargetSource.PROPOSAL,
                )
            )
        elif _made_by_this_proposer(current, proposer) and (current.value, current.note) != (value, note):
            current.value, current.note = value, note
            current.version += 1
            updated.append(current)
    history = {"default_user": proposer, "default_change_reason": "proposal"}
    bulk_create_with_history(created, Target, **history)
    bulk_update_with_history(updated, Target, ["value", "note", "version"], **history)
    return len(created) + len(updated)


def _made_by_this_proposer(target: Target, proposer: Any) -> bool:
    """A draft an earlier proposal of the same proposer made (the only kind a proposal rewrites)."""
    return (
        target.status == TargetStatus.DRAFT
        and target.source == TargetSource.PROPOSAL
        and proposer is not None
        and target.drafted_by_id == proposer.pk
    )
