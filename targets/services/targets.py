"""Setting, approving and revising targets (with optimistic locking and history)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority
from staff.authority import Actor
from staff.models import Person, Region, Team
from targets.models import COUNT_METRICS, Metric, OwnerKind, PeriodKind, Target, TargetSource, TargetStatus


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


def check_values(metric: str, value: Decimal, stretch: Decimal | None) -> None:
    """A count's target is a whole number; the stretch value is at least the realistic value."""
    if metric in COUNT_METRICS:
        for field, amount in (("value", value), ("stretch_value", stretch)):
            if amount is not None and amount != amount.to_integral_value():
                message = _("A count is a whole number.")
                raise ApplicationError(message, fields={field: [message]})
    if stretch is not None and stretch < value:
        message = _("The stretch target is at least the realistic target.")
        raise ApplicationError(message, fields={"stretch_value": [message]})


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
    check_values(metric, amount, stretch)
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
    check_values(locked.metric, new_value, new_stretch)
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


def _breakdown_rows(target: Target) -> list[Target]:
    """A yearly target's quarters and months (the same owner and metric), locked."""
    if target.period_kind != PeriodKind.YEAR:
        return []
    year = Period.parse(target.period)
    periods = [str(p) for p in year.children()] + [str(p) for p in year.month_periods()]
    return list(
        Target.objects.select_for_update(of=("self",))
        .select_related("drafted_by__person")
        .filter(owner_kind=target.owner_kind, owner_key=target.owner_key, metric=target.metric, period__in=periods)
        .order_by("period")
    )


def _mark_approved(actor: Actor, rows: list[Target]) -> None:
    now = timezone.now()
    for row in rows:
        row.status = TargetStatus.APPROVED
        row.approved_by = actor.person
        row.approved_at = now
        row.updated_at = now
        row.version += 1
    bulk_update_with_history(
        rows,
        Target,
        ["status", "approved_by", "approved_at", "version", "updated_at"],
        default_user=actor.history_user(),
        default_change_reason="approved",
    )


@transaction.atomic
def target_approve(*, user: Any, target: Target) -> Target:
    """Approve a draft: a manager above its drafter whose unit contains the owner (never the drafter).

    A yearly target is approved with its breakdown (its draft quarters and months) in one action:
    all of them or none, each by the same rule (whoever drafted a quarter does not approve it)."""
    locked = lock_target(target)
    if locked.status == TargetStatus.APPROVED:
        raise ApplicationError(_("This target is already approved."), fields={"status": [_("Already approved.")]})
    actor = authority.require(user, "targets.approve", locked)
    drafts = [row for row in _breakdown_rows(locked) if row.status == TargetStatus.DRAFT]
    for row in drafts:
        authority.require(actor, "targets.approve", row)
    _mark_approved(actor, [locked, *drafts])
    return lock_target(locked)


def unit_owner_filter(*, region: Region | None = None, team: Team | None = None) -> Q:
    """The targets of a unit and everyone in it: a team's own and its reps'; a region's own, its
    teams' and their reps'; with no unit, the whole company's."""
    if team is not None:
        return Q(team=team, owner_kind__in=[OwnerKind.TEAM, OwnerKind.REP])
    if region is not None:
        return Q(region=region) & ~Q(owner_kind=OwnerKind.COMPANY)
    return Q()


@transaction.atomic
def targets_approve_bulk(
    *,
    user: Any,
    targets: Any,
    year: int,
    metric: str | None = None,
    region: Region | None = None,
    team: Team | None = None,
) -> dict[str, int]:
    """Approve, in one action, every draft of a year (its yearly targets, quarters and months) of a
    unit and everyone in it that the user may approve. `targets` is the user's scoped queryset.
    Drafts the user may not approve (their own, a drafter at or above them) stay drafts and are
    counted as left. Refused (403) when there are drafts but none the user may approve."""
    if metric and metric not in Metric.values:
        raise ApplicationError(_("Unknown metric."), fields={"metric": [_("Unknown metric.")]})
    actor = authority.actor_of(user)
    drafts = targets.filter(unit_owner_filter(region=region, team=team), status=TargetStatus.DRAFT).filter(
        Q(period=str(year)) | Q(period__startswith=f"{year}-")
    )
    if metric:
        drafts = drafts.filter(metric=metric)
    rows = list(
        Target.objects.select_for_update(of=("self",))
        .select_related("drafted_by__person")
        .filter(pk__in=drafts.values("pk"))
        .order_by("pk")
    )
    if not rows:
        message = _("There is no draft to approve for this year and unit.")
        raise ApplicationError(message, fields={"year": [message]})
    allowed, refusals = [], []
    for row in rows:
        message = authority.check(actor, "targets.approve", row)
        if message is None:
            allowed.append(row)
        else:
            refusals.append(message)
    if not allowed:
        raise authority.NotAllowed(refusals[0])
    _mark_approved(actor, allowed)
    return {"approved": len(allowed), "left": len(refusals)}


@transaction.atomic
def target_acknowledge(*, user: Any, target: Target) -> Target:
    """The owner acknowledges an approved target (and each revision of it): the version they read.
    A yearly target is acknowledged with its approved quarters and months."""
    locked = lock_target(target)
    actor = authority.require(user, "targets.acknowledge", locked)
    if locked.status != TargetStatus.APPROVED:
        message = _("This target is a draft: it is acknowledged once it is approved.")
        raise ApplicationError(message, fields={"status": [message]})
    rows = [row for row in [locked, *_breakdown_rows(locked)] if row.needs_acknowledgement]
    if locked not in rows:
        message = _("You acknowledged this version of the target already.")
        raise ApplicationError(message, fields={"acknowledged_version": [message]})
    now = timezone.now()
    for row in rows:
        row.acknowledged_version = row.version
        row.acknowledged_by = actor.person
        row.acknowledged_at = now
        row.updated_at = now
    bulk_update_with_history(
        rows,
        Target,
        ["acknowledged_version", "acknowledged_by", "acknowledged_at", "updated_at"],
        default_user=actor.history_user(),
        default_change_reason="acknowledged",
    )
    return lock_target(locked)


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
