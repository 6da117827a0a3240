"""The targets' source of the approval inbox (notifications.inbox): draft targets awaiting approval
(rule targets.approve: a second person, a manager above the drafter whose unit contains the owner),
listed for the first manager rank that may approve them, decided through `target_approve`.

A yearly target is approved with its draft breakdown in one action, so only drafts whose parent is
not itself a draft are listed. Targets have no refusal: a draft stays a draft until it is approved
or rewritten, so these items offer approve only.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.inbox import InboxItem, Source, register
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Person
from targets.models import Target, TargetStatus
from targets.services.targets import target_approve


def _drafter(target: Target) -> Person | None:
    if target.drafted_by is None:
        return None
    try:
        return target.drafted_by.person
    except (Person.DoesNotExist, AttributeError):
        return None


def _first_approver_rank(target: Target) -> int:
    """The lowest rank the rule lets approve it: above the drafter, and above the unit it belongs to."""
    rank = max(authority.person_rank(_drafter(target)), authority.OWNER_RANK.get(target.owner_kind, 0)) + 1
    if target.owner_kind == "company":
        rank = authority.RANK["director"]
    return min(rank, authority.RANK["director"])


def _awaiting(user: Any) -> list[Target]:
    """One query at any size (the drafts with their owners and drafters)."""
    actor = authority.actor_of(user)
    if actor.person is None and not actor.is_admin:
        return []
    drafts = (
        Target.objects.visible_to(user)
        .filter(status=TargetStatus.DRAFT)
        .exclude(parent__status=TargetStatus.DRAFT)
        .select_related("person", "team", "region", "drafted_by__person")
        .order_by("updated_at", "id")
    )
    return [
        target
        for target in drafts
        if (actor.is_admin or actor.rank == _first_approver_rank(target))
        and authority.allowed(actor, "targets.approve", target)
    ]


def target_items(user: Any) -> list[InboxItem]:
    items = []
    for target in _awaiting(user):
        drafter = _drafter(target)
        items.append(
            InboxItem(
                source="target",
                id=target.pk,
                kind_label=_("Target"),
                title=f"{target.owner_label} · {target.get_metric_display()} · {target.period}",
                summary=_("Target %(value)s, stretch %(stretch)s")
                % {"value": target.value, "stretch": target.stretch_value if target.stretch_value is not None else "-"},
                reason=target.note,
                amount=None,
                submitted_by=drafter.name if drafter else "",
                waiting_since=target.updated_at,
                url=reverse("targets:detail", args=[target.pk]),
                refusable=False,
            )
        )
    return items


def decide_target(user: Any, target_id: int, approve: bool, reason: str) -> None:
    """Only a draft awaiting this user's approval: any other id answers 404 like a missing one."""
    target = next((t for t in _awaiting(user) if t.pk == target_id), None)
    if target is None:
        raise Http404
    if not approve:
        message = _("A draft target is not refused: rewrite it, or leave it a draft.")
        raise ApplicationError(message, fields={"decision": [message]})
    target_approve(user=user, target=target)


def register_source() -> None:
    register(Source(key="target", items=target_items, decide=decide_target))
