"""Sales plans: how an owner means to reach their targets; approved like targets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from targets.models import PlanActivity, SalesPlan, Target, TargetStatus
from targets.services.targets import (
    _history_user,
    actor_person,
    can_approve,
    can_set_targets_of,
    owner_fields,
    parse_period,
)


@transaction.atomic
def sales_plan_create(
    *,
    user,
    owner_kind: str,
    period: str,
    title: str,
    region=None,
    team=None,
    person=None,
    target_market: str = "",
    strategy: str = "",
    channels: str = "",
    resources: str = "",
    targets: Iterable[Target] = (),
) -> SalesPlan:
    owner = owner_fields(owner_kind=owner_kind, region=region, team=team, person=person)
    me = actor_person(user)
    # A rep writes their own plan; managers write their units' plans.
    own_unit = me is not None and (
        (person is not None and person.pk == me.pk)
        or (owner_kind == "team" and team is not None and me.position == "team_manager" and me.team_id == team.pk)
        or (
            owner_kind == "region"
            and region is not None
            and me.position == "regional_manager"
            and me.region_id == region.pk
        )
    )
    if not own_unit and not can_set_targets_of(user, **owner):
        raise ApplicationError(_("You may not write a plan for this owner."), fields={"owner_kind": [_("Not yours.")]})
    if not title.strip():
        raise ApplicationError(_("Give the plan a title."), fields={"title": [_("This field is required.")]})
    plan = SalesPlan(
        **owner,
        period=str(parse_period(period)),
        title=title.strip(),
        target_market=target_market,
        strategy=strategy,
        channels=channels,
        resources=resources,
    )
    plan._history_user = _history_user(user)
    plan.save()
    plan.targets.set(list(targets))
    return plan


@transaction.atomic
def plan_activity_add(
    *,
    plan: SalesPlan,
    kind: str,
    name: str,
    start_date: date,
    end_date: date,
    owner=None,
    planned_count: int = 0,
    done_count: int = 0,
    progress: int = 0,
) -> PlanActivity:
    if end_date < start_date:
        raise ApplicationError(_("The end is before the start."), fields={"end_date": [_("Before the start date.")]})
    if not 0 <= progress <= 100:
        raise ApplicationError(_("Progress is 0 to 100."), fields={"progress": [_("Progress is 0 to 100.")]})
    return PlanActivity.objects.create(
        plan=plan,
        kind=kind,
        name=name,
        start_date=start_date,
        end_date=end_date,
        owner=owner,
        planned_count=planned_count,
        done_count=done_count,
        progress=progress,
    )


@transaction.atomic
def plan_activity_progress(*, activity: PlanActivity, done_count: int, progress: int | None = None) -> PlanActivity:
    if done_count < 0:
        raise ApplicationError(_("Enter 0 or more."), fields={"done_count": [_("Enter 0 or more.")]})
    if progress is None:
        progress = min(100, done_count * 100 // activity.planned_count) if activity.planned_count else 0
    if not 0 <= progress <= 100:
        raise ApplicationError(_("Progress is 0 to 100."), fields={"progress": [_("Progress is 0 to 100.")]})
    activity.done_count = done_count
    activity.progress = progress
    activity.save(update_fields=["done_count", "progress"])
    return activity


@transaction.atomic
def sales_plan_approve(*, user, plan: SalesPlan) -> SalesPlan:
    if plan.status == TargetStatus.APPROVED:
        raise ApplicationError(_("This plan is already approved."), fields={"status": [_("Already approved.")]})
    # The same rule as for a target of the same owner.
    probe = Target(owner_kind=plan.owner_kind, region=plan.region, team=plan.team, person=plan.person)
    if not can_approve(user, probe):
        raise ApplicationError(
            _("Only the owner's manager or a director approves this plan."), fields={"status": [_("Not yours.")]}
        )
    plan.status = TargetStatus.APPROVED
    plan.approved_by = actor_person(user)
    plan.approved_at = timezone.now()
    plan._history_user = _history_user(user)
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    return plan
