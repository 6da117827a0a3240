"""What the apps above customers tell it, filled from their `AppConfig.ready()`.

Customers knows nothing of visits, orders or opportunities (DESIGN.md, "Dependencies point one
way"), yet three of its rules need them:

- **last activity** of a customer (the one definition of last contact): the latest of the day its
  owner got it and of every registered activity source (fieldwork registers visit dates, sales
  order dates and opportunity stage changes). Both parts of the one idle-customer rule
  (`customers.models.IdleCustomerRule`) count from it: the pool (customers/services/pool.py,
  `last_activity` + `idle_days`) and the follow-up discipline (customers/services/follow_up.py,
  `last_activity` + `follow_up_days`, with `last_contact` shown on its flags). Annotate with
  `with_last_activity(queryset)` once, then read `last_activity(customer)` per row: no query;
- **open business** that keeps a customer out of the pool (sales: open orders and opportunities);
- **sales of a customer over a period**, for the classification rule (sales: confirmed orders).

And the customer and competitor pages show panels and buttons that higher apps offer (fieldwork:
"File a visit", recent visits, market intelligence). Each registration is idempotent by its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Expression, QuerySet, Subquery
from django.utils import timezone

# name -> a function returning a Subquery of one date (or datetime) for OuterRef("pk") = customer.
_ACTIVITY: dict[str, Callable[[], Subquery]] = {}
# name -> a function returning an Exists for OuterRef("pk") = customer.
_OPEN_BUSINESS: dict[str, Callable[[], Exists]] = {}
# the one provider of a customer's sales over a period (start exclusive, end inclusive).
_SALES: list[Callable[[Any, date, date], Decimal]] = []


def register_activity(name: str, subquery: Callable[[], Subquery]) -> None:
    """A kind of contact with a customer: `subquery()` gives its latest date for OuterRef("pk")."""
    _ACTIVITY[name] = subquery


def register_open_business(name: str, exists: Callable[[], Exists]) -> None:
    """Business in progress that keeps a customer with its owner (the pool exempts it)."""
    _OPEN_BUSINESS[name] = exists


def register_sales(provider: Callable[[Any, date, date], Decimal]) -> None:
    """`provider(customer, after, until)`: the customer's sales dated after `after`, up to `until`."""
    _SALES[:] = [provider]


def activity_annotations() -> dict[str, Expression]:
    """`last_<name>` for every activity source, to annotate a Customer queryset with."""
    return {f"last_{name}": factory() for name, factory in _ACTIVITY.items()}


def with_last_activity(queryset: QuerySet) -> QuerySet:
    """The customers annotated with each activity source and `has_open_business`."""
    annotations: dict[str, Expression] = activity_annotations()
    for name, factory in _OPEN_BUSINESS.items():
        annotations[f"open_{name}"] = factory()
    return queryset.annotate(**annotations)


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def last_activity(customer: Any) -> date:
    """The one definition of a customer's last contact: the latest of the day its owner got it (or
    it was created) and every registered activity, on a customer from `with_last_activity`."""
    start = customer.owner_since or timezone.localdate(customer.created_at)
    dates = [_as_date(getattr(customer, f"last_{name}", None)) for name in _ACTIVITY]
    return max([start, *(d for d in dates if d)])


def last_contact(customer: Any) -> date | None:
    """The latest registered activity itself, without the owner's start (None when there has been
    none): what the follow-up flags show as "last contact"."""
    dates = [_as_date(getattr(customer, f"last_{name}", None)) for name in _ACTIVITY]
    found = [d for d in dates if d]
    return max(found) if found else None


def has_open_business(customer: Any) -> bool:
    return any(getattr(customer, f"open_{name}", False) for name in _OPEN_BUSINESS)


def customer_sales(customer: Any, *, after: date, until: date) -> Decimal:
    """The customer's sales in (after, until], from the registered provider (0 without one)."""
    if not _SALES:
        return Decimal("0.00")
    return _SALES[0](customer, after, until)


# --- the customer page ------------------------------------------------------------------------


@dataclass(frozen=True)
class PageAction:
    """A button on the customer page: its label (already translated) and where it leads."""

    label: str
    url: str
    icon: str = ""


@dataclass(frozen=True)
class PagePanel:
    """A card on the customer page: a template and its context."""

    template: str
    context: dict[str, Any]


# (page, name) -> fn(user, obj); pages: "customer" (obj: the customer), "competitors" (obj: None).
_ACTIONS: dict[tuple[str, str], Callable[[Any, Any], PageAction | None]] = {}
_PANELS: dict[tuple[str, str], Callable[[Any, Any], PagePanel | None]] = {}


def register_page_action(page: str, name: str, fn: Callable[[Any, Any], PageAction | None]) -> None:
    """`fn(user, obj)` answers the button, or None when the user may not take it."""
    _ACTIONS[(page, name)] = fn


def register_page_panel(page: str, name: str, fn: Callable[[Any, Any], PagePanel | None]) -> None:
    """`fn(user, obj)` answers a panel (each fetched in a fixed number of queries), or None."""
    _PANELS[(page, name)] = fn


def page_actions(page: str, user: Any, obj: Any = None) -> list[PageAction]:
    found = (fn(user, obj) for (on, _name), fn in list(_ACTIONS.items()) if on == page)
    return [action for action in found if action is not None]


def page_panels(page: str, user: Any, obj: Any = None) -> list[PagePanel]:
    found = (fn(user, obj) for (on, _name), fn in list(_PANELS.items()) if on == page)
    return [panel for panel in found if panel is not None]
