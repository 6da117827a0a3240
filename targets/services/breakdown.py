"""Breakdown (year -> quarters -> months), allocation to members, and progressive proposals.

Cents add up exactly: the year is split into quarters by the quarters' weights, then each quarter
into its months by the months' weights, each split giving its rounding remainder to the last
child (`salesorg.money.split_evenly`). So months sum to their quarter and quarters to the year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from salesorg.exceptions import ApplicationError
from salesorg.money import split_evenly
from salesorg.periods import MONTH, QUARTER, YEAR, Period
from staff.models import Person, PersonStatus, Position, Team
from targets.models import Achievement, DistributionTemplate, Metric, OwnerKind, Target, TargetStatus
from targets.services.targets import _history_user, _money, can_set_targets_of, owner_fields

EQUAL, TEMPLATE, LAST_YEAR, WEIGHTS = "equal", "template", "last_year", "weights"
BREAKDOWN_METHODS = (EQUAL, TEMPLATE, LAST_YEAR)
ALLOCATION_METHODS = (EQUAL, WEIGHTS, LAST_YEAR)


def split_year(amount: Decimal, month_weights: Sequence[Decimal]) -> tuple[list[Decimal], list[Decimal]]:
    """(4 quarter values, 12 month values) of a yearly amount, exact to the cent."""
    weights = [Decimal(w) for w in month_weights]
    if len(weights) != 12 or any(w < 0 for w in weights):
        raise ApplicationError(_("Give 12 weights of 0 or more."), fields={"weights": [_("Give 12 weights.")]})
    if sum(weights) == 0:
        weights = [Decimal(1)] * 12
    quarter_weights = [sum(weights[q * 3 : q * 3 + 3]) for q in range(4)]
    quarters = split_evenly(amount, quarter_weights)
    months: list[Decimal] = []
    for q in range(4):
        months.extend(split_evenly(quarters[q], weights[q * 3 : q * 3 + 3]))
    return quarters, months


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


@transaction.atomic
def target_breakdown(
    *, user, target: Target, method: str = EQUAL, template: DistributionTemplate | None = None
) -> list[Target]:
    """Break a yearly target into 4 quarters and 12 months (replacing any earlier breakdown)."""
    if target.period_kind != YEAR:
        raise ApplicationError(_("Only a yearly target is broken down."), fields={"period": [_("Not a year.")]})
    if not can_set_targets_of(
        user, owner_kind=target.owner_kind, region=target.region, team=target.team, person=target.person
    ):
        raise ApplicationError(_("You may not change this target."), fields={"method": [_("Not yours to change.")]})
    weights = month_weights_for(target=target, method=method, template=template)
    year = Period.parse(target.period)
    quarters, months = split_year(target.value, weights)
    stretch_quarters, stretch_months = (
        split_year(target.stretch_value, weights) if target.stretch_value is not None else ([None] * 4, [None] * 12)
    )
    child_periods = [str(p) for p in year.children()] + [str(p) for p in year.month_periods()]
    # Replace: the owner's quarter and month targets of this metric and year go, then the new ones.
    Target.objects.filter(
        owner_kind=target.owner_kind, owner_key=target.owner_key, metric=target.metric, period__in=child_periods
    ).delete()
    owner = {
        "owner_kind": target.owner_kind,
        "owner_key": target.owner_key,
        "region_id": target.region_id,
        "team_id": target.team_id,
        "person_id": target.person_id,
        "metric": target.metric,
    }
    quarter_rows = [
        Target(
            **owner,
            period=str(p),
            period_kind=QUARTER,
            value=quarters[i],
            stretch_value=stretch_quarters[i],
            parent=target,
        )
        for i, p in enumerate(year.children())
    ]
    bulk_create_with_history(
        quarter_rows, Target, default_user=_history_user(user), default_change_reason=f"breakdown: {method}"
    )
    saved_quarters = {
        t.period: t for t in Target.objects.filter(parent=target, period__in=[str(p) for p in year.children()])
    }
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
    bulk_create_with_history(
        month_rows, Target, default_user=_history_user(user), default_change_reason=f"breakdown: {method}"
    )
    return list(Target.objects.filter(pk__in=[t.pk for t in saved_quarters.values()]).order_by("period")) + list(
        Target.objects.filter(parent__in=saved_quarters.values()).order_by("period")
    )


def allocation_members(target: Target) -> list:
    """Who a team's or region's target is allocated to: the team's reps, the region's teams."""
    if target.owner_kind == OwnerKind.TEAM:
        return list(
            Person.objects.filter(team_id=target.team_id, position=Position.REP)
            .exclude(status=PersonStatus.LEFT)
            .select_related("team")
            .order_by("employee_no")
        )
    if target.owner_kind == OwnerKind.REGION:
        return list(Team.objects.filter(region_id=target.region_id, is_active=True).order_by("code"))
    raise ApplicationError(
        _("Only a team's or a region's target is allocated."), fields={"owner_kind": [_("Not a team or region.")]}
    )


def _member_owner(target: Target, member) -> dict:
    if target.owner_kind == OwnerKind.TEAM:
        return owner_fields(owner_kind=OwnerKind.REP, person=member)
    return owner_fields(owner_kind=OwnerKind.TEAM, team=member)


@transaction.atomic
def target_allocate(
    *, user, target: Target, method: str = EQUAL, weights: Mapping[int, object] | None = None
) -> list[Target]:
    """Allocate a team's (region's) target to its reps (teams). Members' existing targets for the
    same metric and period are replaced by their share."""
    # Allocating writes the members' targets: who may set those may allocate.
    member_kind = OwnerKind.REP if target.owner_kind == OwnerKind.TEAM else OwnerKind.TEAM
    if not can_set_targets_of(user, owner_kind=member_kind, region=target.region, team=target.team):
        raise ApplicationError(_("You may not change this target."), fields={"method": [_("Not yours to change.")]})
    members = allocation_members(target)
    if not members:
        raise ApplicationError(_("There is nobody to allocate to."), fields={"method": [_("No members.")]})
    child_kind = OwnerKind.REP if target.owner_kind == OwnerKind.TEAM else OwnerKind.TEAM
    if method == EQUAL:
        member_weights = [Decimal(1)] * len(members)
    elif method == WEIGHTS:
        weights = weights or {}
        member_weights = []
        for member in members:
            raw = weights.get(member.pk, weights.get(str(member.pk), 0))
            member_weights.append(_money(raw, f"weights.{member.pk}"))
        if sum(member_weights) == 0:
            raise ApplicationError(_("Give at least one weight above 0."), fields={"weights": [_("All zero.")]})
    elif method == LAST_YEAR:
        last_year = str(Period.parse(target.period).previous_year())
        actuals = dict(
            Achievement.objects.filter(
                owner_kind=child_kind, owner_key__in=[m.pk for m in members], metric=target.metric, period=last_year
            ).values_list("owner_key", "actual")
        )
        member_weights = [Decimal(actuals.get(m.pk, 0)) for m in members]
        if sum(member_weights) == 0:
            member_weights = [Decimal(1)] * len(members)
    else:
        raise ApplicationError(_("Unknown allocation method."), fields={"method": [_("Unknown method.")]})
    values = split_evenly(target.value, member_weights)
    stretches = split_evenly(target.stretch_value, member_weights) if target.stretch_value is not None else None
    Target.objects.filter(
        owner_kind=child_kind, owner_key__in=[m.pk for m in members], metric=target.metric, period=target.period
    ).delete()
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
    bulk_create_with_history(
        rows, Target, default_user=_history_user(user), default_change_reason=f"allocation: {method}"
    )
    return list(Target.objects.filter(parent=target, owner_kind=child_kind).order_by("owner_key"))


def allocation_gap(target: Target) -> Decimal:
    """Parent value minus the sum of its members' targets (shown, never hidden)."""
    child_kind = {OwnerKind.TEAM: OwnerKind.REP, OwnerKind.REGION: OwnerKind.TEAM}.get(target.owner_kind)
    if child_kind is None:
        return Decimal("0.00")
    total = Target.objects.filter(parent=target, owner_kind=child_kind).aggregate(total=Sum("value"))["total"]
    return target.value - (total or Decimal("0.00"))


@transaction.atomic
def targets_propose_next_year(
    *,
    user,
    year: int,
    growth: Decimal,
    metrics: Sequence[str] | None = None,
    growth_by_owner: Mapping[tuple[str, int], Decimal] | None = None,
) -> int:
    """Draft targets for `year + 1` = this year's actual x (1 + growth) per owner (progressive).

    Reads the engine's yearly results for `year`; an owner-specific growth overrides the default.
    Existing drafts are replaced; approved targets are left alone. Returns the number of drafts.
    """
    metrics = list(metrics or [m.value for m in Metric])
    growth_by_owner = growth_by_owner or {}
    next_year = str(year + 1)
    actuals = list(
        Achievement.objects.filter(period=str(year), metric__in=metrics).values(
            "owner_kind", "owner_key", "region_id", "team_id", "person_id", "metric", "actual"
        )
    )
    approved = set(
        Target.objects.filter(period=next_year, metric__in=metrics, status=TargetStatus.APPROVED).values_list(
            "owner_kind", "owner_key", "metric"
        )
    )
    Target.objects.filter(period=next_year, metric__in=metrics, status=TargetStatus.DRAFT).delete()
    rows = []
    for row in actuals:
        key = (row["owner_kind"], row["owner_key"], row["metric"])
        if key in approved:
            continue
        rate = Decimal(growth_by_owner.get((row["owner_kind"], row["owner_key"]), growth))
        value = (Decimal(row["actual"]) * (1 + rate)).quantize(Decimal("0.01"))
        rows.append(
            Target(
                owner_kind=row["owner_kind"],
                owner_key=row["owner_key"],
                region_id=row["region_id"],
                team_id=row["team_id"],
                person_id=row["person_id"],
                metric=row["metric"],
                period=next_year,
                period_kind=YEAR,
                value=max(value, Decimal("0.00")),
                note=f"proposal: {year} actual x (1 + {rate})",
            )
        )
    bulk_create_with_history(rows, Target, default_user=_history_user(user), default_change_reason="proposal")
    return len(rows)
