"""The rules on targets: set, approve and revise, acknowledge, recompute, the catalogue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from staff.authority.core import OWNER_RANK, RANK, Actor, manages_unit, person_rank, rule, second_person
from staff.models import Person, Position


@rule("targets.set")
def _set_target(
    actor: Actor,
    obj: Any = None,
    *,
    owner_kind: str | None = None,
    region_id: int | None = None,
    team_id: int | None = None,
    person_id: int | None = None,
) -> str | None:
    """Draft, break down, allocate or propose a target for an owner (obj: a Target, or keywords)."""
    if obj is not None:
        owner_kind, region_id, team_id, person_id = obj.owner_kind, obj.region_id, obj.team_id, obj.person_id
    if owner_kind == "company":
        if actor.is_admin or actor.is_director:
            return None
        return _("Only a director or an admin sets the company's targets.")
    if owner_kind == "rep" and person_id is not None and actor.is_person(person_id):
        return None  # a rep drafts their own commitment
    if manages_unit(actor, team_id=team_id, region_id=region_id):
        return None
    if owner_kind == "region":
        return _("Only the region's manager or a director sets this region's targets.")
    if owner_kind == "team":
        return _("Only the team's manager or a manager above it sets this team's targets.")
    return _("Only the rep's team manager or a manager above it sets this rep's targets (a rep drafts only their own).")


@rule("targets.approve")
def _approve_target(actor: Actor, target: Any, **_kwargs: Any) -> str | None:
    """Approve a target, or revise an approved one: a manager above the drafter whose unit contains
    the owner; company targets a director who did not draft them, or an admin."""
    drafter_user_id = getattr(target, "drafted_by_id", None)
    drafter = _drafter_person(target)
    if not second_person(actor, user_ids=[drafter_user_id], drafter_ids=[getattr(drafter, "pk", None)]):
        return _("Approval is by a second person: you drafted this target.")
    if target.owner_kind == "company":
        if actor.is_admin or actor.is_director:
            return None
        return _("Only a director who did not draft them, or an admin, approves the company's targets.")
    if actor.is_admin:
        return None
    if not manages_unit(actor, team_id=target.team_id, region_id=target.region_id):
        return _("Only a manager whose unit contains this target's owner approves it.")
    if drafter is not None and person_rank(drafter) == RANK[Position.DIRECTOR] and actor.is_director:
        # Nobody stands above a director: another director approves a director's draft (the
        # regions' targets a director allocated), as for the company's own targets.
        return None
    if drafter is not None and actor.rank <= person_rank(drafter):
        return _("Only a manager above the one who drafted this target approves it.")
    if target.owner_kind == "rep" and target.person_id and actor.is_person(target.person_id):
        return _("Approval is by a second person: this is your own target.")
    if actor.rank <= OWNER_RANK.get(target.owner_kind, -1):
        # A unit's manager answers for the unit's target: the approver stands above the unit.
        return _("Approval is by a second person: a manager above your unit approves its target.")
    return None


def _drafter_person(target: Any) -> Person | None:
    user = getattr(target, "drafted_by", None)
    if user is None:
        return None
    try:
        return user.person
    except (Person.DoesNotExist, AttributeError):
        return None


@rule("targets.acknowledge")
def _acknowledge_target(actor: Actor, target: Any, **_kwargs: Any) -> str | None:
    if target.owner_kind == "rep" and actor.is_person(target.person_id):
        return None
    if target.owner_kind != "rep" and actor.is_manager and actor.rank >= 1:
        # A unit's target is acknowledged by the unit's own manager.
        own = (target.owner_kind == "team" and actor.team_id == target.team_id and actor.rank == 1) or (
            target.owner_kind == "region" and actor.region_id == target.region_id and actor.rank == 2
        )
        if own or (target.owner_kind == "company" and actor.is_director):
            return None
    return _("Only the target's owner acknowledges it.")


@rule("targets.recompute")
def _recompute(actor: Actor, obj: Any = None, *, as_of: date | None = None, standard: date | None = None) -> str | None:
    """Any manager for the standard as-of date (yesterday); director and admin for another."""
    if not (actor.is_admin or actor.is_manager):
        return _("Only a manager starts a recompute.")
    if as_of is not None and standard is not None and as_of != standard and not (actor.is_admin or actor.is_director):
        return _("Only a director or an admin recomputes for another as-of date than yesterday.")
    return None


@rule("targets.catalogue")
def _target_catalogue(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Distribution templates are a company catalogue."""
    if actor.is_admin or actor.is_director:
        return None
    return _("Only a director or an admin edits the distribution templates.")


@rule("targets.adjust_forecast")
def _adjust_forecast(
    actor: Actor,
    obj: Any = None,
    *,
    owner_kind: str | None = None,
    region_id: int | None = None,
    team_id: int | None = None,
    person_id: int | None = None,
) -> str | None:
    """Adjust a unit's (or a rep's) forecast: the unit's manager or a manager above it; never the
    rep themselves (obj: a ForecastAdjustment, or keywords)."""
    if obj is not None:
        owner_kind, region_id, team_id, person_id = obj.owner_kind, obj.region_id, obj.team_id, obj.person_id
    if owner_kind == "company":
        if actor.is_admin or actor.is_director:
            return None
        return _("Only a director or an admin adjusts the company's forecast.")
    if owner_kind == "rep" and person_id is not None and actor.is_person(person_id) and not actor.is_admin:
        return _("A forecast is adjusted by a manager above its owner, not by the owner.")
    if manages_unit(actor, team_id=team_id if owner_kind != "region" else None, region_id=region_id):
        return None
    if owner_kind == "region":
        return _("Only the region's manager or a director adjusts this region's forecast.")
    if owner_kind == "team":
        return _("Only the team's manager or a manager above it adjusts this team's forecast.")
    return _("Only the rep's team manager or a manager above it adjusts this rep's forecast.")
