"""A registry of actions a visit page offers, filled by the apps above customers.

Customers knows nothing of the apps built on it (DESIGN.md, "Dependencies point one way"). An app
that lets a user act on a visit report (training: "review this joint visit") registers a function
from its `AppConfig.ready()`:

    register_visit_action(fn)   # fn(user, visit) -> VisitAction | None

and the visit page shows `visit_actions(user, visit)`: every action whose function answered one.
A function answers None when the user may not take that action on this visit; the rule it applies
is its own app's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fieldwork.models import Visit


@dataclass(frozen=True)
class VisitAction:
    """A link the visit page shows: its label (already translated) and where it leads."""

    label: str
    url: str


VisitActionFn = Callable[[Any, Visit], VisitAction | None]
_ACTIONS: list[VisitActionFn] = []


def register_visit_action(fn: VisitActionFn) -> VisitActionFn:
    """Offer `fn`'s action on visit pages (idempotent: registering twice offers it once)."""
    if fn not in _ACTIONS:
        _ACTIONS.append(fn)
    return fn


def unregister_visit_action(fn: VisitActionFn) -> None:
    if fn in _ACTIONS:
        _ACTIONS.remove(fn)


def visit_actions(user: Any, visit: Visit) -> list[VisitAction]:
    """The actions `user` may take on `visit`, in registration order."""
    actions = (fn(user, visit) for fn in list(_ACTIONS))
    return [action for action in actions if action is not None]
