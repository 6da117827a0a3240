"""Breakdown (year -> quarters -> months) and allocation to members.

Units add up exactly: every split is by the largest remainder (`targets.domain`): each child's
exact share rounded down to the unit (a cent; one for counts), the units left one each to the
largest remainders. Months sum to their quarter and quarters to the year, and every child is
within one unit of its exact share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from salesorg.exceptions import ApplicationError
from salesorg.periods import MONTH, QUARTER, YEAR, Period
from staff import authority
from staff.authority import Actor
from staff.models import Person, PersonStatus, Position, Region, Team
from targets import domain
from targets.models import (
    COUNT_METRICS,
    Achievement,
    DistributionTemplate,
    OwnerKind,
    Target,
    TargetSource,
    TargetStatus,
)
from targets.services.targets import _money, lock_target, owner_fields, require_reason, require_set

EQUAL, TEMPLATE, LAST_YEAR, WEIGHTS = "equal", "template", "last_year", "weights"
BREAKDOWN_METHODS = (EQUAL, TEMPLATE, LAST_YEAR)
ALLOCATION_METHODS = (EQUAL, WEIGHTS, LAST_YEAR)


def unit_of(metric: str) -> Decimal:
    """The smallest step of a metric's targets: one for counts, a cent for money."""
    return domain.ONE if metric in COUNT_METRICS else domain.CENT


def require_whole_units(target: Target) -> None:
    """A count's target (and its stretch) is a whole number before it is split."""
    unit = unit_of(target.metric)
    for field, value in (("value", target.value), ("stretch_value", target.stretch_value)):
        if value is not None and value != value.quantize(unit, rounding=ROUND_DOWN):
            message = _("A count is a whole number.")
            raise ApplicationError(message, fields={field: [message]})


def split_year(
    amount: Decimal, month_weights: Sequence[Decimal], unit: Decimal = domain.CENT
) -> tuple[list[Decimal], list[Decimal]]:
    """(4 quarter values, 12 month values) of a yearly amount, exact to the unit."""
    weights = [Decimal(w) for w in month_weights]
    if len(weights) != 12 or any(w < 0 for w in weights):
        raise ApplicationError(_("Give 12 weights of 0 or more."), fields={"weights": [_("Give 12 weights.")]})
    return domain.split_year(amount, weights, unit)


def last_year_monthly_actuals(target: Target) -> list[Decimal]:
    """The owner's actual per fiscal month last year (from the engine's results), zeros if none."""
    year = Period.parse(target.period).year - 1
    rows = dict(
        Achievement.objects.filter(
            owner_kind=target.owner_kind,
            owner_key=target.owner_key,
            metric=target.metric,
            period_kind=MONTH,
            period__startswith=f"{year}-",
        ).values_list("period", "actual")
    )
    return [Decimal(rows.get(str(Period(year, MONTH, m)), 0)) for m in range(1, 13)]


def month_weights_for(*, target: Target, method: str, template: DistributionTemplate | None) -> list[Decimal]:
    if method == EQUAL:
        return [Decimal(1)] * 12
    if method == TEMPLATE:
        if template is None:
            raise ApplicationError(_("Choose a distribution template."), fields={"template": [_("Choose one.")]})
        return template.weights
    if method == LAST_YEAR:
        weights = last_year_monthly_actuals(target)
        # Equal where there is no history.
        return weights if sum(weights) > 0 else [Decimal(1)] * 12
    raise ApplicationError(_("Unknown breakdown method."), fields={"method": [_("Unknown method.")]})


def _require_rewrite(
    user: Any, parent: Target, replaced: Iterable[Target], reason: str, require_draft: Callable[[], Actor]
) -> tuple[Actor, str]:
    """(actor, reason) for writing a parent's breakdown or allocation.

    While the parent and every row it replaces are drafts, `require_draft` (checking rule
    targets.set) decides. Once any of them is approved the write is a revision: only who may
    revise the parent (rule targets.approve), and only with a reason, which the history keeps.
    """
    if parent.status != TargetStatus.APPROVED and all(t.status != TargetStatus.APPROVED for t in replaced):
        return require_draft(), (reason or "").strip()
    actor = authority.require(user, "targets.approve", parent)
    reason = require_reason(reason, _("An approved target's breakdown changes only as a revision with a reason."))
    return actor, reason


def _write_children(
    *,
    actor: Actor,
    rows: list[Target],
    existing: Mapping[Any, Target],
    key: Callable[[Target], Any],
    source: str,
    reason: str,
) -> None:
    """Create the new rows and update the replaced ones in place, both through simple-history, so
    every replaced row keeps its history (the reason is the change reason)."""
    created, updated = [], []
    for row in rows:
        current = existing.get(key(row))
        if current is None:
            row.drafted_by = actor.history_user()
            row.source = source
            created.append(row)
            continue
        current.value, current.stretch_value, current.parent = row.value, row.stretch_value, row.parent
        current.region_id, current.team_id, current.person_id = row.region_id, row.team_id, row.person_id
        current.version += 1
        current.source = source
        if current.status == TargetStatus.DRAFT:
            current.drafted_by = actor.history_user()
        updated.append(current)
    history = {"default_user": actor.history_user(), "default_change_reason": reason}
    bulk_create_with_history(created, Target, **history)
    fields = ["value", "stretch_value", "parent", "region", "team", "person", "version", "source", "drafted_by"]
    bulk_update_with_history(updated, Target, fields, **history)


def _locked_rows(**filters: Any) -> list[Target]:
    return list(Target.objects.select_for_update(of=("self",)).filter(**filters))


@transaction.atomic
def target_breakdown(
    *,
    user: Any,
    target: Target,
    method: str = EQUAL,
    template: DistributionTemplate | None = None,
    reason: str = "",
) -> list[Target]:
    """Break a yearly target into 4 quarters and 12 months (rewriting any earlier breakdown in place).

    An approved target (or an approved quarter or month) is broken down again only as a revision.
    """
    target = lock_target(target)
    if target.period_kind != YEAR:
        raise ApplicationError(_("Only a yearly target is broken down."), fields={"period": [_("Not a year.")]})
    year = Period.parse(target.period)
    child_periods = [str(p) for p in year.children()] + [str(p) for p in year.month_periods()]
    existing = {
        t.period: t
        for t in _locked_rows(
            owner_kind=target.owner_kind, owner_key=target.owner_key, metric=target.metric, period__in=child_periods
        )
    }
    actor, reason = _require_rewrite(
        user, target, existing.values(), reason, lambda: authority.require(user, "targets.set", target)
    )
    require_whole_units(target)
    weights = month_weights_for(target=target, method=method, template=template)
    unit = unit_of(target.metric)
    quarters, months = split_year(target.value, weights, unit)
    stretch_quarters, stretch_months = (
        domain.split_year(target.stretch_value, weights, unit, at_least=(quarters, months))
        if target.stretch_value is not None
        else ([None] * 4, [None] * 12)
    )
    owner = {
        "owner_kind": target.owner_kind,
        "owner_key": target.owner_key,
        "region_id": target.region_id,
        "team_id": target.team_id,
        "person_id": target.person_id,
        "metric": target.metric,
    }
    write = {"actor": actor, "existing": existing, "key": lambda t: t.period, "source": TargetSource.BREAKDOWN}
    write["reason"] = reason or f"breakdown: {method}"
    quarter_rows = [
        Target(**owner, period=str(p), period_kind=QUARTER, value=quarters[i], stretch_value=stretch_quarters[i])
        for i, p in enumerate(year.children())
    ]
    for row in quarter_rows:
        row.parent = target
    _write_children(rows=quarter_rows, **write)
    saved_quarters = {t.period: t for t in Target.objects.filter(parent=target, period__in=child_periods[:4])}
    month_rows = [
        Target(
            **owner,
            period=str(m),
            period_kind=MONTH,
            value=months[i],
            stretch_value=stretch_months[i],
            parent=saved_quarters[str(m.parent)],
        )
        for i, m in enumerate(year.month_periods())
    ]
    _write_children(rows=month_rows, **write)
    return list(Target.objects.filter(pk__in=[t.pk for t in saved_quarters.values()]).order_by("period")) + list(
        Target.objects.filter(parent__in=saved_quarters.values()).order_by("period")
    )


# Who a target is allocated to: the company's regions, a region's teams, a team's reps.
CHILD_KIND = {OwnerKind.COMPANY: OwnerKind.REGION, OwnerKind.REGION: OwnerKind.TEAM, OwnerKind.TEAM: OwnerKind.REP}


def allocation_members(target: Target) -> list:
    """Who a target is allocated to: the company's regions, a region's teams, a team's reps."""
    if target.owner_kind == OwnerKind.TEAM:
        return list(
            Person.objects.filter(team_id=target.team_id, position=Position.REP)
            .exclude(status=PersonStatus.LEFT)
            .select_related("team")
            .order_by("employee_no")
        )
    if target.owner_kind == OwnerKind.REGION:
        return list(Team.objects.filter(region_id=target.region_id, is_active=True).order_by("code"))
    if target.owner_kind == OwnerKind.COMPANY:
        return list(Region.objects.filter(is_active=True).order_by("code"))
    message = _("A rep's target is not allocated further.")
    raise ApplicationError(message, fields={"owner_kind": [message]})


def _member_owner(target: Target, member) -> dict:
    if target.owner_kind == OwnerKind.TEAM:
        return owner_fields(owner_kind=OwnerKind.REP, person=member)
    if target.owner_kind == OwnerKind.COMPANY:
        return owner_fields(owner_kind=OwnerKind.REGION, region=member)
    return owner_fields(owner_kind=OwnerKind.TEAM, team=member)


def _member_weights(target: Target, members: list, method: str, weights: Mapping[Any, Any] | None) -> list[Decimal]:
    child_kind = CHILD_KIND[target.owner_kind]
    if method == EQUAL:
        return [Decimal(1)] * len(members)
    if method == WEIGHTS:
        weights = weights or {}
        member_weights = [_money(weights.get(m.pk, weights.get(str(m.pk), 0)), f"weights.{m.pk}") for m in members]
        if sum(member_weights) == 0:
            raise ApplicationError(_("Give at least one weight above 0."), fields={"weights": [_("All zero.")]})
        return member_weights
    if method == LAST_YEAR:
        last_year = str(Period.parse(target.period).previous_year())
        actuals = dict(
            Achievement.objects.filter(
                owner_kind=child_kind, owner_key__in=[m.pk for m in members], metric=target.metric, period=last_year
            ).values_list("owner_key", "actual")
        )
        member_weights = [Decimal(actuals.get(m.pk, 0)) for m in members]
        return member_weights if sum(member_weights) > 0 else [Decimal(1)] * len(members)
    raise ApplicationError(_("Unknown allocation method."), fields={"method": [_("Unknown method.")]})


def _require_set_members(user: Any, target: Target, members: list) -> Actor:
    """Allocating writes the members' targets: who may set each of those may allocate."""
    actor = authority.actor_of(user)
    for member in members:
        owner = _member_owner(target, member)
        require_set(actor, owner)
    return actor


@transaction.atomic
def target_allocate(
    *,
    user: Any,
    target: Target,
    method: str = EQUAL,
    weights: Mapping[Any, Any] | None = None,
    reason: str = "",
) -> list[Target]:
    """Allocate the company's (a region's, a team's) target to its regions (teams, reps). Members'
    existing targets for the same metric and period take their share in place (with history);
    once the parent or one of them is approved, only as a revision with a reason."""
    target = lock_target(target)
    members = allocation_members(target)
    if not members:
        raise ApplicationError(_("There is nobody to allocate to."), fields={"method": [_("No members.")]})
    child_kind = CHILD_KIND[target.owner_kind]
    existing = {
        t.owner_key: t
        for t in _locked_rows(
            owner_kind=child_kind, owner_key__in=[m.pk for m in members], metric=target.metric, period=target.period
        )
    }
    actor, reason = _require_rewrite(
        user, target, existing.values(), reason, lambda: _require_set_members(user, target, members)
    )
    require_whole_units(target)
    member_weights = _member_weights(target, members, method, weights)
    values, stretches = domain.split_pair(target.value, target.stretch_value, member_weights, unit_of(target.metric))
    rows = []
    for index, member in enumerate(members):
        row = Target(
            **_member_owner(target, member),
            metric=target.metric,
            period=target.period,
            period_kind=target.period_kind,
            value=values[index],
            stretch_value=stretches[index] if stretches else None,
            parent=target,
        )
        row.owner_key = row.compute_owner_key()
        rows.append(row)
    _write_children(
        actor=actor,
        rows=rows,
        existing=existing,
        key=lambda t: t.owner_key,
        source=TargetSource.ALLOCATION,
        reason=reason or f"allocation: {method}",
    )
    return list(Target.objects.filter(parent=target, owner_kind=child_kind).order_by("owner_key"))


def children_filter(target: Target) -> Q | None:
    """The targets held below a parent, however they were made (allocation, entry, import,
    proposal): the company's regions', a region's teams', a team's reps' (the unit recorded on
    them) of the same metric and period."""
    child_kind = CHILD_KIND.get(target.owner_kind)
    if child_kind is None:
        return None
    unit = {OwnerKind.COMPANY: Q(), OwnerKind.REGION: Q(region_id=target.region_id)}.get(
        target.owner_kind, Q(team_id=target.team_id)
    )
    return unit & Q(owner_kind=child_kind, metric=target.metric, period=target.period)


def children_total(target: Target) -> Decimal | None:
    """The sum of the targets held below a parent (None for a rep's target, which has none)."""
    q = children_filter(target)
    if q is None:
        return None
    return Target.objects.filter(q).aggregate(total=Sum("value"))["total"] or Decimal("0.00")


def allocation_gap(target: Target) -> Decimal:
    """Parent value minus the sum of ALL the targets held below it (shown, never hidden): not only
    the ones an allocation made."""
    total = children_total(target)
    if total is None:
        return Decimal("0.00")
    return target.value - total
