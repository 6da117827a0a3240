"""The rules on people: coaching, appraisal and outcomes, commission and payroll, unit management
(periods, contests), org changes, recruitment, and the generic manager / admin / own checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from staff.authority.core import Actor, is_above, manages_unit, person_rank, rule
from staff.models import Person, Position


@rule("people.coach")
def _coach(actor: Actor, person: Any, **_kwargs: Any) -> str | None:
    """Coach, review joint visits, close action items: the person's manager line."""
    if is_above(actor, person):
        return None
    return _("Only %(person)s's manager line does this.") % {"person": getattr(person, "name", "")}


@rule("coaching.record")
def _record_coaching(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Open the coaching forms: a manager (whom they coach is "people.coach", per person)."""
    if actor.is_manager:
        return None
    return _("Only a manager records coaching sessions.")


@rule("people.appraise")
def _appraise(actor: Actor, person: Any, **_kwargs: Any) -> str | None:
    """Score and decide outcomes: the manager line of the person appraised."""
    if is_above(actor, person):
        return None
    return _("Only %(person)s's manager line appraises them.") % {"person": getattr(person, "name", "")}


@rule("people.confirm_outcome")
def _confirm_outcome(actor: Actor, person: Any, *, decided_by: Person | None = None) -> str | None:
    """Promotion and dismissal are confirmed one level above the manager who decided them."""
    if decided_by is not None and actor.is_person(decided_by):
        return _("A promotion or dismissal is confirmed by a second person, one level above.")
    if not is_above(actor, person):
        return _("Only %(person)s's manager line confirms this.") % {"person": getattr(person, "name", "")}
    if decided_by is not None and not actor.is_admin and actor.rank <= person_rank(decided_by):
        return _("A promotion or dismissal is confirmed one level above the manager who decided it.")
    return None


@rule("people.approve_appraisal")
def _approve_appraisal(actor: Actor, scorecard: Any, **_kwargs: Any) -> str | None:
    """Approve (or send back) a submitted scorecard: a second person of the person's manager line,
    above the one who scored (submitted) it."""
    person, scorer = scorecard.person, getattr(scorecard, "submitted_by", None)
    if actor.is_person(person):
        return _("Approval is by a second person: this is your own scorecard.")
    if scorer is not None and actor.is_person(scorer):
        return _("Approval is by a second person: you scored this scorecard.")
    if not is_above(actor, person):
        return _("Only %(person)s's manager line approves this scorecard.") % {"person": person.name}
    if scorer is not None and not is_above(actor, scorer):
        return _("Only a manager above %(scorer)s, who scored this scorecard, approves it.") % {"scorer": scorer.name}
    return None


@rule("people.acknowledge_appraisal")
def _acknowledge_appraisal(actor: Actor, scorecard: Any, **_kwargs: Any) -> str | None:
    """Acknowledge an approved scorecard: the person appraised, nobody else (not their manager
    line, not an admin: it records that the person has read it)."""
    if actor.is_person(scorecard.person_id):
        return None
    return _("Only %(person)s acknowledges their own scorecard.") % {"person": scorecard.person.name}


@rule("commission.approve")
def _approve_commission(actor: Actor, statement: Any, **_kwargs: Any) -> str | None:
    """Approve a commission statement: a manager of the statement's unit, a second person (not the
    one who computed it, never the statement's own rep)."""
    if actor.is_person(statement.person_id):
        return _("Approval is by a second person: this is your own statement.")
    if statement.computed_by_id is not None and actor.is_person(statement.computed_by_id):
        return _("Approval is by a second person: you computed this statement.")
    if manages_unit(actor, team_id=statement.team_id, region_id=statement.region_id):
        return None
    return _("Only a manager of the statement's unit approves it.")


@rule("commission.manage")
def _manage_commission(actor: Actor, statement: Any, **_kwargs: Any) -> str | None:
    """Build a rep's statement from the plan version in force and issue it to them: a manager of
    the statement's unit (its rep's team and region), never for their own statement."""
    if actor.is_person(statement.person_id):
        return _("A manager of your unit builds and issues your statement, not you.")
    if manages_unit(actor, team_id=statement.team_id, region_id=statement.region_id):
        return None
    return _("Only a manager of the statement's unit does this.")


@rule("commission.acknowledge")
def _acknowledge_commission(actor: Actor, statement: Any, **_kwargs: Any) -> str | None:
    """Acknowledge an issued statement or dispute one of its lines: the statement's rep, nobody
    else (it records that the rep has read it)."""
    if actor.is_person(statement.person_id):
        return None
    return _("Only %(person)s acknowledges or disputes their own statement.") % {"person": statement.person.name}


@rule("commission.resolve")
def _resolve_commission(actor: Actor, dispute: Any, **_kwargs: Any) -> str | None:
    """Resolve a rep's dispute of a statement line: a manager of the statement's unit, a second
    person (never the rep who raised it)."""
    statement = dispute.statement
    if actor.is_person(statement.person_id) or actor.is_person(dispute.raised_by_id):
        return _("A dispute is resolved by a second person: a manager of the statement's unit.")
    if manages_unit(actor, team_id=statement.team_id, region_id=statement.region_id):
        return None
    return _("Only a manager of the statement's unit resolves its disputes.")


@rule("units.manage")
def _manage_unit(
    actor: Actor, obj: Any = None, *, team_id: int | None = None, region_id: int | None = None
) -> str | None:
    """Open appraisal periods, compute and approve commission, create, publish, finish contests:
    managers for their unit (obj: anything with team_id / region_id, or keywords)."""
    if obj is not None:
        team_id, region_id = getattr(obj, "team_id", None), getattr(obj, "region_id", None)
    if manages_unit(actor, team_id=team_id, region_id=region_id):
        return None
    if team_id is None and region_id is None:
        return _("Only a director or an admin does this for the whole company.")
    return _("Only a manager of this unit does this.")


@rule("payroll.export")
def _payroll(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    if actor.is_admin or actor.is_director:
        return None
    return _("Only a director or an admin exports payroll.")


@rule("org.change")
def _org_change(actor: Actor, obj: Any = None, *, region_id: int | None = None, **_kwargs: Any) -> str | None:
    """Hire, transfer, promote, warn, dismiss, pass probation, units: director and admin; a regional
    manager within their region (obj: a person or unit with region_id, or the keyword)."""
    if obj is not None:
        region_id = getattr(obj, "region_id", None) if not hasattr(obj, "teams") else obj.pk
    if actor.is_admin or actor.is_director:
        return None
    if actor.position == Position.REGIONAL_MANAGER and region_id is not None and region_id == actor.region_id:
        if isinstance(obj, Person) and (actor.is_person(obj) or person_rank(obj) >= actor.rank):
            return _("Only a director or an admin changes a regional manager's employment.")
        return None
    return _("Only a director or an admin (a regional manager within their region) changes the organization.")


@rule("recruit")
def _recruit(actor: Actor, obj: Any = None, *, team_id: int | None = None, region_id: int | None = None) -> str | None:
    """Openings and candidates of a team: its managers and those above."""
    if obj is not None:
        team_id, region_id = getattr(obj, "team_id", None), getattr(obj, "region_id", None)
        if region_id is None and getattr(obj, "team", None) is not None:
            region_id = obj.team.region_id
    if manages_unit(actor, team_id=team_id, region_id=region_id):
        return None
    return _("Only the team's manager or a manager above it recruits for this team.")


@rule("manager")
def _manager(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """The managers' own pages (proposals, imports, recompute runs): any manager or an admin."""
    return None if actor.is_admin or actor.is_manager else _("Only a manager or an admin does this.")


@rule("admin")
def _admin(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Change a data scope, deactivate a login."""
    return None if actor.is_admin else _("Only an admin does this.")


@rule("own")
def _own(actor: Actor, obj: Any = None, *, person_id: int | None = None) -> str | None:
    """Write one's own record (a work report, a visit one filed): the author only."""
    if person_id is not None and actor.is_person(person_id):
        return None
    return _("Only the author changes this.")
