"""The approval inbox: everything awaiting a person's decision, from every app, in one list.

`notifications` knows no domain rule, so the apps fill this registry (DESIGN.md: a lower app
exposes a registry that the higher ones fill): each registers a `Source` that lists the items
awaiting the given user's decision and decides one through its own service, which asks the
authority rule (a second person; an item outside the user's scope, or not awaiting them, is
`Http404` like a missing one). `inbox_decide` decides many items in one transaction: all or none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError


@dataclass(frozen=True)
class InboxItem:
    source: str
    id: int
    kind_label: str
    title: str
    summary: str
    reason: str
    amount: Decimal | None
    submitted_by: str
    waiting_since: datetime | None
    url: str
    # False when the app has no refusal for this kind (a draft target stays a draft until approved).
    refusable: bool = True

    @property
    def key(self) -> str:
        return f"{self.source}:{self.id}"


@dataclass(frozen=True)
class Source:
    """One kind of item: `items(user)` lists what awaits the user (a fixed number of queries);
    `decide(user, id, approve, reason)` decides one through the app's service, raising `Http404`
    when the id is not among the user's items, `NotAllowed` or `ApplicationError` as the service
    does."""

    key: str
    items: Callable[[Any], list[InboxItem]]
    decide: Callable[[Any, int, bool, str], None]


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    SOURCES[source.key] = source


def inbox_items(*, user: Any) -> list[InboxItem]:
    """What awaits the user's decision, the longest waiting first."""
    items = [item for source in SOURCES.values() for item in source.items(user)]
    return sorted(items, key=lambda item: (item.waiting_since is None, item.waiting_since or 0, item.key))


def inbox_count(*, user: Any) -> int:
    return len(inbox_items(user=user))


@dataclass(frozen=True)
class Decision:
    source: str
    id: int


def parse_keys(keys: Sequence[str]) -> list[Decision]:
    """ "order:12" -> Decision("order", 12); a malformed key or an unknown source is a 400 naming it."""
    decisions = []
    for index, key in enumerate(keys):
        source, _sep, raw_id = str(key).partition(":")
        if source not in SOURCES or not raw_id.isdigit():
            raise ApplicationError(_("Unknown item."), fields={f"items.{index}": [_("Unknown item: %s") % key]})
        decisions.append(Decision(source=source, id=int(raw_id)))
    return decisions


@transaction.atomic
def inbox_decide(*, user: Any, decisions: Sequence[Decision], approve: bool, reason: str = "") -> int:
    """Approve (or refuse, with a reason) every item; one refused by its service undoes them all.
    An item not awaiting the user (outside scope, missing, already decided) answers 404."""
    if not decisions:
        raise ApplicationError(_("Choose at least one item."), fields={"items": [_("This field is required.")]})
    if not approve and not reason.strip():
        raise ApplicationError(_("Say why it is refused."), fields={"reason": [_("This field is required.")]})
    if len({(d.source, d.id) for d in decisions}) != len(decisions):
        raise ApplicationError(_("An item appears twice."), fields={"items": [_("An item appears twice.")]})
    for index, decision in enumerate(decisions):
        source = SOURCES.get(decision.source)
        if source is None:
            raise Http404
        try:
            source.decide(user, decision.id, approve, reason)
        except ApplicationError as exc:
            # The row that failed, named, and nothing written (the transaction is undone).
            messages = [str(exc.message)] + [str(m) for ms in exc.fields.values() for m in ms]
            raise ApplicationError(exc.message, fields={f"items.{index}": messages}) from exc
    return len(decisions)
