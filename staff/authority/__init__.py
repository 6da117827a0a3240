"""The authority rule: who may change what (DESIGN.md, "The authority rule").

One package answers "may this person do this to this object". Services call `require(...)` (or a
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

Layout: `core` holds the actor, the manager line and the rule registry (`check`, `allowed`,
`require`); the named rules register themselves by area in `targets` (targets and recomputes),
`commercial` (customers and sales records, catalogues) and `people` (coaching, appraisal,
commission, units, org changes, recruitment, the generic manager / admin / own checks). Everything
is re-exported here: callers write `from staff import authority` and `authority.require(...)`.
"""

# Importing the rule modules registers their rules in RULES.
from staff.authority import commercial, people, targets  # noqa: F401
from staff.authority.core import (
    ADMIN_RANK,
    NOBODY,
    OWNER_RANK,
    RANK,
    RULES,
    Actor,
    NotAllowed,
    Rule,
    actor_of,
    allowed,
    check,
    contains,
    is_above,
    is_manager,
    manages_unit,
    person_rank,
    positions_decided_by,
    require,
    require_person,
    rule,
    second_person,
)

__all__ = [
    "ADMIN_RANK",
    "NOBODY",
    "OWNER_RANK",
    "RANK",
    "RULES",
    "Actor",
    "NotAllowed",
    "Rule",
    "actor_of",
    "allowed",
    "check",
    "contains",
    "is_above",
    "is_manager",
    "manages_unit",
    "person_rank",
    "positions_decided_by",
    "require",
    "require_person",
    "rule",
    "second_person",
]
