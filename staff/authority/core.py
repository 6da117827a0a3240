"""The core of the authority rule: the actor, the manager line, and the registry of named rules
that `check`, `allowed` and `require` answer from (the rules themselves are in the sibling
modules)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from salesorg.exceptions import NotAllowed
from staff.models import MANAGER_POSITIONS, Person, Position

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


def person_rank(person: Person | None) -> int:
    return RANK.get(person.position, 0) if person is not None else -1


def positions_decided_by(rank: int) -> list[str]:
    """The positions whose records wait for a decider of `rank` when a record goes to the first
    manager rank above its filer (`min(person_rank(filer) + 1, the director's rank) == rank`): the
    approval inbox's filter in SQL, before the rule itself is asked of each record left."""
    return [p for p in Position.values if min(RANK.get(p, 0) + 1, RANK[Position.DIRECTOR]) == rank]


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


def second_person(actor: Actor, *, drafter_ids: Iterable[int | None] = (), user_ids: Iterable[int | None] = ()) -> bool:
    """Nobody approves what they drafted, filed or are credited on."""
    if actor.person_id is not None and actor.person_id in set(drafter_ids):
        return False
    user_id = getattr(actor.user, "pk", None)
    return not (user_id is not None and user_id in set(user_ids))
