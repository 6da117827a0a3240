"""Setting, approving and revising targets (with optimistic locking and history)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority
from staff.authority import Actor
from staff.models import Person, Region, Team
from targets.models import Metric, OwnerKind, Target, TargetSource, TargetStatus


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError) as exc:
        raise ApplicationError(_("Enter a number."), fields={field: [_("Enter a number.")]}) from exc
    if not amount.is_finite() or amount < 0:
        raise ApplicationError(_("Enter a number of 0 or more."), fields={field: [_("Enter a number of 0 or more.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(_("At most 2 decimal places."), fields={field: [_("At most 2 decimal places.")]})
    return amount


def parse_period(text: str, field: str = "period") -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise ApplicationError(
            _("Write the period as 2026, 2026-Q1 or 2026-03."),
            fields={field: [_("Write the period as 2026, 2026-Q1 or 2026-03.")]},
        ) from exc


def require_set(user: Any, owner: dict) -> Actor:
    """The rule targets.set for an owner given as `owner_fields` columns (before a Target exists)."""
    return authority.require(
        user,
        "targets.set",
        owner_kind=owner["owner_kind"],
        region_id=getattr(owner.get("region"), "pk", None),
        team_id=getattr(owner.get("team"), "pk", None),
        person_id=getattr(owner.get("person"), "pk", None),
    )


def require_revise_or_set(user: Any, target: Target) -> Actor:
    """A draft: who may set the owner's targets; an approved target: who may revise (approve) it."""
    rule = "targets.approve" if target.status == TargetStatus.APPROVED else "targets.set"
    return authority.require(user, rule, target)


def require_reason(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(message, fields={"reason": [_("Give the reason for revising an approved target.")]})
    return reason


def owner_fields(
    *, owner_kind: str, region: Region | None = None, team: Team | None = None, person: Person | None = None
) -> dict[str, Any]:
    """The owner's columns: a team records its region, a rep their team and region (for scoping)."""
    if owner_kind == OwnerKind.REP:
        if person is None:
            raise ApplicationError(_("Choose the rep."), fields={"person": [_("Choose the rep.")]})
        return {"owner_kind": owner_kind, "person": person, "team": person.team, "region": person.region}
    if owner_kind == OwnerKind.TEAM:
        if team is None:
            raise ApplicationError(_("Choose the team."), fields={"team": [_("Choose the team.")]})
        return {"owner_kind": owner_kind, "person": None, "team": team, "region": team.region}
    if owner_kind == OwnerKind.REGION:
        if region is None:
            raise ApplicationError(_("Choose the region."), fields={"region": [_("Choose the region.")]})
        return {"owner_kind": owner_kind, "person": None, "team": None, "region": region}
    if owner_kind == OwnerKind.COMPANY:
        return {"owner_kind": owner_kind, "person": None, "team": None, "region": None}
    raise ApplicationError(_("Unknown owner kind."), fields={"owner_kind": [_("Unknown owner kind.")]})


def _history_user(user: Any) -> Any:
    return authority.actor_of(user).history_user()


def _check_metric(metric: str) -> None:
    if metric not in Metric.values:
        raise ApplicationError(_("Unknown metric."), fields={"metric": [_("Unknown metric.")]})


@transaction.atomic
def target_create(
    *,
    user: Any,
    owner_kind: str,
    metric: str,
    period: str,
    value: Any,
    stretch_value: Any = None,
    region: Region | None = None,
    team: Team | None = None,
    person: Person | None = None,
    parent: Target | None = None,
    note: str = "",
) -> Target:
    _check_metric(metric)
    parsed = parse_period(period)
    owner = owner_fields(owner_kind=owner_kind, region=region, team=team, person=person)
    actor = require_set(user, owner)
    amount = _money(value, "value")
    stretch = _money(stretch_value, "stretch_value") if stretch_value not in (None, "") else None
    target = Target(
        **owner,
        metric=metric,
        period=str(parsed),
        period_kind=parsed.kind,
        value=amount,
        stretch_value=stretch,
        parent=parent,
        note=note,
        drafted_by=actor.history_user(),
        source=TargetSource.MANUAL,
    )
    target.owner_key = target.compute_owner_key()
    if Target.objects.filter(
        owner_kind=target.owner_kind, owner_key=target.owner_key, metric=metric, period=str(parsed)
    ).exists():
        raise ApplicationError(
            _("This owner already has a target for this metric and period."),
            fields={"period": [_("A target exists for this owner, metric and period.")]},
        )
    target._history_user = _history_user(user)
    target.save()
    return target


@transaction.atomic
def target_update(
    *,
    user: Any,
    target: Target,
    version: int,
    value: Any | None = None,
    stretch_value: Any = ...,
    reason: str = "",
) -> Target:
    """Change a target's values. `version` is the one the editor saw: if someone saved in between,
    the change is refused (nothing lost, the editor reloads). An approved target changes only as a
    revision with a reason, by who may approve it; whoever changes a draft becomes its drafter."""
    locked = lock_target(target)
    actor = require_revise_or_set(user, locked)
    if int(version) != locked.version:
        raise ApplicationError(
            _("Someone else changed this target meanwhile. Reload it and apply your change again."),
            fields={"version": [_("This target was changed by someone else (version %(v)s).") % {"v": locked.version}]},
        )
    new_value = _money(value, "value") if value is not None else locked.value
    if stretch_value is ...:
        new_stretch = locked.stretch_value
    else:
        new_stretch = _money(stretch_value, "stretch_value") if stretch_value not in (None, "") else None
    reason = (reason or "").strip()
    if locked.status == TargetStatus.APPROVED:
        reason = require_reason(reason, _("An approved target changes only with a revision reason."))
    if new_value == locked.value and new_stretch == locked.stretch_value:
        return locked
    locked.value = new_value
    locked.stretch_value = new_stretch
    locked.version += 1
    fields = ["value", "stretch_value", "version", "updated_at"]
    if locked.status == TargetStatus.DRAFT:
        locked.drafted_by = actor.history_user()
        fields.append("drafted_by")
    locked._change_reason = reason or None
    locked._history_user = actor.history_user()
    locked.save(update_fields=fields)
    return locked


def lock_target(target: Target) -> Target:
    return (
        Target.objects.select_for_update(of=("self",))
        .select_related("person", "team", "region", "drafted_by")
        .get(pk=target.pk)
    )


@transaction.atomic
def target_approve(*, user: Any, target: Target) -> Target:
    """Approve a draft: a manager above its drafter whose unit contains the owner (never the drafter)."""
    locked = lock_target(target)
    if locked.status == TargetStatus.APPROVED:
        raise ApplicationError(_("This target is already approved."), fields={"status": [_("Already approved.")]})
    actor = authority.require(user, "targets.approve", locked)
    locked.status = TargetStatus.APPROVED
    locked.approved_by = actor.person
    locked.approved_at = timezone.now()
    locked.version += 1
    locked._change_reason = _("Approved")
    locked._history_user = actor.history_user()
    locked.save(update_fields=["status", "approved_by", "approved_at", "version", "updated_at"])
    return locked


def target_history(target: Target) -> list[dict[str, Any]]:
    """Every change of a target: who, when, old value, new value, reason (newest first)."""
    records = list(target.history.select_related("history_user").order_by("-history_date", "-history_id"))
    changes = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes.append(
            {
                "who": record.history_user,
                "when": record.history_date,
                "kind": record.history_type,
                "old_value": previous.value if previous else None,
                "new_value": record.value,
                "old_stretch": previous.stretch_value if previous else None,
                "new_stretch": record.stretch_value,
                "status": record.status,
                "reason": record.history_change_reason or "",
            }
        )
    return changes
