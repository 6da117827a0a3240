"""Sales plans: how an owner means to reach their targets; approved like targets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff import authority
from staff.authority import Actor
from staff.models import Person, Region, Team
from targets.models import OwnerKind, PlanActivity, SalesPlan, Target, TargetStatus
from targets.services.targets import owner_fields, parse_period, require_set


def default_plan_owner(actor: Actor) -> dict[str, Any]:
    """Whose plan one writes when one names no owner: a director's (or admin's) is the company's,
    a manager's their unit's (team, else region), anyone else's their own."""
    if actor.is_admin or actor.is_director:
        return {"owner_kind": OwnerKind.COMPANY}
    person = actor.person
    if actor.is_manager and person is not None and person.team_id:
        return {"owner_kind": OwnerKind.TEAM, "team": person.team}
    if actor.is_manager and person is not None and person.region_id:
        return {"owner_kind": OwnerKind.REGION, "region": person.region}
    return {"owner_kind": OwnerKind.REP, "person": authority.require_person(actor)}


@transaction.atomic
def sales_plan_create(
    *,
    user: Any,
    period: str,
    title: str,
    owner_kind: str | None = None,
    region: Region | None = None,
    team: Team | None = None,
    person: Person | None = None,
    target_market: str = "",
    strategy: str = "",
    channels: str = "",
    resources: str = "",
    targets: Iterable[Target] = (),
) -> SalesPlan:
    """A plan for an owner (the actor's default owner when none is named): rule targets.set on it."""
    actor = authority.actor_of(user)
    chosen = (
        {"owner_kind": owner_kind, "region": region, "team": team, "person": person}
        if owner_kind
        else default_plan_owner(actor)
    )
    owner = owner_fields(**chosen)
    require_set(actor, owner)
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
        drafted_by=actor.history_user(),
    )
    plan._history_user = actor.history_user()
    plan.save()
    plan.targets.set(list(targets))
    return plan


def plan_owner_probe(plan: SalesPlan) -> Target:
    """A plan is set and approved like a target of the same owner, drafted by the plan's writer."""
    return Target(
        owner_kind=plan.owner_kind,
        region_id=plan.region_id,
        team_id=plan.team_id,
        person_id=plan.person_id,
        drafted_by=plan.drafted_by,
    )


@transaction.atomic
def plan_activity_add(
    *,
    user: Any,
    plan: SalesPlan,
    kind: str,
    name: str,
    start_date: date,
    end_date: date,
    planned_count: int = 0,
    done_count: int = 0,
    progress: int = 0,
) -> PlanActivity:
    """Add a planned activity: who may write the plan's owner's targets (the actor owns it)."""
    actor = authority.require(user, "targets.set", plan_owner_probe(plan))
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
        owner=actor.person,
        planned_count=planned_count,
        done_count=done_count,
        progress=progress,
    )


@transaction.atomic
def plan_activity_progress(
    *, user: Any, activity: PlanActivity, done_count: int, progress: int | None = None
) -> PlanActivity:
    authority.require(user, "targets.set", plan_owner_probe(activity.plan))
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
def sales_plan_approve(*, user: Any, plan: SalesPlan) -> SalesPlan:
    """The rule for a target of the same owner (targets.approve): never the plan's own writer or owner."""
    plan = SalesPlan.objects.select_for_update(of=("self",)).select_related("drafted_by").get(pk=plan.pk)
    if plan.status == TargetStatus.APPROVED:
        raise ApplicationError(_("This plan is already approved."), fields={"status": [_("Already approved.")]})
    actor = authority.require(user, "targets.approve", plan_owner_probe(plan))
    plan.status = TargetStatus.APPROVED
    plan.approved_by = actor.person
    plan.approved_at = timezone.now()
    plan._history_user = actor.history_user()
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    return plan
