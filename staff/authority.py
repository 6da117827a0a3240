"""The authority rule: who may change what (DESIGN.md, "The authority rule").

One module answers "may this person do this to this object". Services call `require(...)` (or a
named `require_*` helper) before they write; views, serializers, admin actions, templates and
tasks never decide it themselves. Templates ask through the `{% may %}` tag (`staff_authority`),
which reads the same rules.

Definitions used by every rule:
- the **actor** is the person behind a login (`actor_of`), the only way to get the acting person;
  an admin is a superuser (with or without a person);
- a **manager** is a person whose *position* manages a unit: director (the company), regional
  manager (their region and its teams), team manager (their team). A data scope widens what one
  sees, never what one may change, so nothing here reads `data_scope`;
- a manager's unit **contains** a record when the record's team (or region) lies in it;
- one person is **above** another when their position ranks higher and their unit contains the
  other's (the manager line); a person's direct manager is always above them.

Refusals: an object outside the actor's data scope is the caller's 404 (selectors look it up
with `visible_to`); in scope but not allowed raises `NotAllowed`, a 403 whose message says who may.
Approval is always by a second person: nobody approves what they drafted, filed or are credited on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from salesorg.exceptions import NotAllowed
from staff.models import MANAGER_POSITIONS, Person, Position

__all__ = ["NotAllowed", "Actor", "actor_of", "allowed", "check", "require", "is_manager"]

# How high a position stands in the manager line; an admin stands above everyone.
RANK = {Position.REP: 0, Position.TEAM_MANAGER: 1, Position.REGIONAL_MANAGER: 2, Position.DIRECTOR: 3}
ADMIN_RANK = 4
# The rank of whoever answers for a unit's target: a team's is its team manager, a region's its
# regional manager (a rep's target is ranked by the rep's own position).
OWNER_RANK = {"team": RANK[Position.TEAM_MANAGER], "region": RANK[Position.REGIONAL_MANAGER]}


@dataclass(frozen=True)
class Actor:
    """The acting person behind a login (or a person acting without one, e.g. in a command)."""

    user: Any
    person: Person | None
    is_admin: bool = False

    @property
    def person_id(self) -> int | None:
        return self.person.pk if self.person is not None else None

    @property
    def position(self) -> str | None:
        return self.person.position if self.person is not None else None

    @property
    def team_id(self) -> int | None:
        return self.person.team_id if self.person is not None else None

    @property
    def region_id(self) -> int | None:
        return self.person.region_id if self.person is not None else None

    @property
    def is_manager(self) -> bool:
        return is_manager(self.person)

    @property
    def is_director(self) -> bool:
        return self.position == Position.DIRECTOR

    @property
    def rank(self) -> int:
        if self.is_admin:
            return ADMIN_RANK
        return RANK.get(self.position, -1) if self.person is not None else -1

    def is_person(self, person_or_id: Any) -> bool:
        pid = getattr(person_or_id, "pk", person_or_id)
        return pid is not None and pid == self.person_id

    def history_user(self) -> Any:
        """The login to record in history (None for a person acting without one)."""
        user = self.user
        return user if user is not None and getattr(user, "is_authenticated", False) else None


NOBODY = Actor(user=None, person=None)


def is_manager(person: Person | None) -> bool:
    """The one definition of a manager: a person whose position manages a unit."""
    return person is not None and person.position in MANAGER_POSITIONS and person.status != "left"


def actor_of(who: Any) -> Actor:
    """The acting person behind a login, or a Person acting directly. The one way to get it."""
    if isinstance(who, Actor):
        return who
    if isinstance(who, Person):
        return Actor(user=who.user if who.user_id else None, person=who)
    if who is None or not getattr(who, "is_authenticated", False) or not getattr(who, "is_active", False):
        return NOBODY
    try:
        person = who.person
    except (Person.DoesNotExist, AttributeError):
        person = None
    if person is not None and person.status == "left":
        person = None
    return Actor(user=who, person=person, is_admin=bool(who.is_superuser))


def require_person(who: Any) -> Person:
    """The actor's person; a login without one may not write records that need an author."""
    actor = actor_of(who)
    if actor.person is None:
        raise NotAllowed(_("Your login is not linked to a person in the organization."))
    return actor.person


# --- units and the manager line ------------------------------------------------------------


def contains(actor: Actor, *, team_id: int | None = None, region_id: int | None = None) -> bool:
    """Whether the actor's unit contains a record on this team / region (company when both empty).

    A record on a team must name its region too (every record keeps both).
    """
    if actor.is_admin or actor.is_director:
        return True
    if actor.position == Position.REGIONAL_MANAGER:
        return region_id is not None and region_id == actor.region_id
    if actor.position == Position.TEAM_MANAGER:
        return team_id is not None and team_id == actor.team_id
    return False


def manages_unit(actor: Actor, *, team_id: int | None = None, region_id: int | None = None) -> bool:
    """The manager of that unit, or any manager above it (an admin too)."""
    return (actor.is_admin or actor.is_manager) and contains(actor, team_id=team_id, region_id=region_id)


def is_above(actor: Actor, person: Person | None) -> bool:
    """Whether the actor stands above `person` in the manager line (never oneself)."""
    if person is None or actor.is_person(person):
        return False
    if actor.is_admin:
        return True
    if not actor.is_manager:
        return False
    if person.manager_id is not None and person.manager_id == actor.person_id:
        return True
    return actor.rank > RANK.get(person.position, 0) and contains(
        actor, team_id=person.team_id, region_id=person.region_id
    )


def _person_rank(person: Person | None) -> int:
    return RANK.get(person.position, 0) if person is not None else -1


# --- the rules ------------------------------------------------------------------------------
# Each rule takes the actor and the object (and keywords) and returns None when allowed, or the
# message that says who may. `require` raises it; `allowed` answers True/False.

Rule = Callable[..., str | None]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        return fn

    return register


def check(who: Any, name: str, obj: Any = None, **kwargs: Any) -> str | None:
    """None when allowed, else the refusal message."""
    return RULES[name](actor_of(who), obj, **kwargs)


def allowed(who: Any, name: str, obj: Any = None, **kwargs: Any) -> bool:
    return check(who, name, obj, **kwargs) is None


def require(who: Any, name: str, obj: Any = None, **kwargs: Any) -> Actor:
    """Raise `NotAllowed` (403) unless the rule allows it; returns the actor for the caller's use."""
    actor = actor_of(who)
    message = RULES[name](actor, obj, **kwargs)
    if message is not None:
        raise NotAllowed(message)
    return actor


def _second_person(
    actor: Actor, *, drafter_ids: Iterable[int | None] = (), user_ids: Iterable[int | None] = ()
) -> bool:
    """Nobody approves what they drafted, filed or are credited on."""
    if actor.person_id is not None and actor.person_id in set(drafter_ids):
        return False
    user_id = getattr(actor.user, "pk", None)
    return not (user_id is not None and user_id in set(user_ids))


# Targets ----------------------------------------------------------------------------------


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
    if not _second_person(actor, user_ids=[drafter_user_id], drafter_ids=[getattr(drafter, "pk", None)]):
        return _("Approval is by a second person: you drafted this target.")
    if target.owner_kind == "company":
        if actor.is_admin or actor.is_director:
            return None
        return _("Only a director who did not draft them, or an admin, approves the company's targets.")
    if actor.is_admin:
        return None
    if not manages_unit(actor, team_id=target.team_id, region_id=target.region_id):
        return _("Only a manager whose unit contains this target's owner approves it.")
    if drafter is not None and actor.rank <= _person_rank(drafter):
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


# Customers and sales records -----------------------------------------------------------------


@rule("sales.create_record")
def _create_record(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Create an order, opportunity, visit or expense claim for a customer."""
    if customer is None:
        return None if actor.person is not None else _("Your login is not linked to a person in the organization.")
    if customer.owner_id is not None and actor.is_person(customer.owner_id):
        return None
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only the customer's owner or a manager of the customer's unit records work for this customer.")


@rule("sales.credit")
def _credit(actor: Actor, obj: Any = None, *, people: Iterable[Person] = ()) -> str | None:
    """Credit shares only to reps of the creator's unit (a manager: their unit)."""
    for person in people:
        if actor.is_person(person):
            continue
        if actor.is_admin or actor.is_director:
            continue
        if actor.is_manager and contains(actor, team_id=person.team_id, region_id=person.region_id):
            continue
        if not actor.is_manager and actor.team_id is not None and person.team_id == actor.team_id:
            continue
        return _(
            "%(person)s is not in your unit: shares go only to reps of your unit unless a manager"
            " of both units approves."
        ) % {"person": person.name}
    return None


@rule("sales.approve_record")
def _approve_record(
    actor: Actor,
    record: Any,
    *,
    filer: Person | None = None,
    credited: Iterable[int] = (),
    team_id: int | None = None,
    region_id: int | None = None,
    units: Iterable[tuple[int | None, int | None]] = (),
) -> str | None:
    """Approve an order or expense claim, confirm a payment: a manager of the record's unit above
    the one who filed it; never the filer or a credited rep. `units`: every (team, region) the
    record is recorded on (an order's credit shares); the approver manages each of them."""
    if filer is not None and actor.is_person(filer):
        return _("Approval is by a second person: you filed this.")
    if actor.person_id is not None and actor.person_id in set(credited):
        return _("Approval is by a second person: you are credited on this.")
    if team_id is None and region_id is None and record is not None:
        team_id, region_id = getattr(record, "team_id", None), getattr(record, "region_id", None)
    if actor.is_admin:
        return None
    if not all(manages_unit(actor, team_id=t, region_id=r) for t, r in list(units) or [(team_id, region_id)]):
        return _("Only a manager of the record's unit approves it.")
    if filer is not None and actor.rank <= _person_rank(filer):
        return _("Only a manager above the one who filed it approves it.")
    return None


@rule("sales.edit_record")
def _edit_record(
    actor: Actor,
    record: Any = None,
    *,
    people: Iterable[int | None] = (),
    units: Iterable[tuple[int | None, int | None]] = (),
) -> str | None:
    """Change an opportunity, or an order before it counts (submit, edit, cancel a draft): one of
    its people (owner, credited reps, filer), or a manager of every unit it is recorded on."""
    if actor.person_id is not None and actor.person_id in set(people):
        return None
    unit_list = list(units)
    if unit_list and all(manages_unit(actor, team_id=t, region_id=r) for t, r in unit_list):
        return None
    if actor.is_admin:
        return None
    return _("Only its owner, a credited rep, the one who filed it or a manager of its unit changes this.")


@rule("sales.import")
def _import_sales(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Upload an ERP export of orders or payments: company-wide records that arrive confirmed, so a
    director or an admin (DESIGN is silent; an ERP file is not one unit's)."""
    if actor.is_admin or actor.is_director:
        return None
    return _("Only a director or an admin imports orders and payments from the ERP.")


@rule("customers.manage")
def _manage_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Classify, set credit rating or limit, move a customer's location, change status."""
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only a manager of the customer's unit does this.")


@rule("customers.edit")
def _edit_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Edit a customer's details, stakeholders, evaluations, complaints: its owner or a manager of its unit."""
    if customer.owner_id is not None and actor.is_person(customer.owner_id):
        return None
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only the customer's owner or a manager of the customer's unit changes this customer.")


@rule("customers.transfer")
def _transfer_customer(actor: Actor, customer: Any, *, to_person: Person | None = None) -> str | None:
    """Managers transfer within their unit (both the customer and the new owner)."""
    if not manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return _("Only a manager of the customer's unit transfers it.")
    if to_person is not None and not manages_unit(actor, team_id=to_person.team_id, region_id=to_person.region_id):
        return _("The new owner must be in your unit.")
    return None


@rule("customers.release")
def _release_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """The owner releases to the pool (the pool rules); managers within their unit."""
    if customer.owner_id is not None and actor.is_person(customer.owner_id):
        return None
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only the customer's owner or a manager of its unit releases it to the pool.")


@rule("customers.claim")
def _claim_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Claim from the pool: a rep (the pool rules apply in the service); managers within their unit."""
    if actor.person is None:
        return _("Your login is not linked to a person in the organization.")
    if (
        actor.is_manager
        and customer.region_id is not None
        and not contains(actor, team_id=customer.team_id, region_id=customer.region_id)
    ):
        return _("Managers take pool customers only within their unit.")
    return None


@rule("customers.import")
def _import_customers(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Import customers (master data): managers and admins; each imported row must then lie in the
    importer's unit (`customers.manage` on the row)."""
    if actor.is_admin or actor.is_manager:
        return None
    return _("Only a manager or an admin imports customers.")


@rule("catalogue.manage")
def _catalogue(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Competitors and pipeline stages: managers (reps add intelligence notes)."""
    if actor.is_admin or actor.is_manager:
        return None
    return _("Only a manager edits competitors and pipeline stages; reps add intelligence notes.")


@rule("catalogue.products")
def _products(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """The product catalogue is the company's: a director or an admin."""
    if actor.is_admin or actor.is_director:
        return None
    return _("Only a director or an admin edits the product catalogue.")


# People: coaching, appraisal, incentives, org changes ------------------------------------------


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
    if decided_by is not None and not actor.is_admin and actor.rank <= _person_rank(decided_by):
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
        if isinstance(obj, Person) and (actor.is_person(obj) or _person_rank(obj) >= actor.rank):
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
