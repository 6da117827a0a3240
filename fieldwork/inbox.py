"""The expense claims' source of the approval inbox (notifications.inbox): submitted claims the
user may decide (sales.approve_record: a manager of the claim's unit above its filer), listed for
the first manager rank above the filer (a rep's claim: the team manager; a team manager's: the
regional manager; above: the director), decided through `expense_decide`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from fieldwork.models import ExpenseClaim
from fieldwork.models.visits import ExpenseStatus
from fieldwork.services.visits import expense_decide
from notifications.inbox import InboxItem, Source, register
from staff import authority


def _awaiting(user: Any) -> list[ExpenseClaim]:
    actor = authority.actor_of(user)
    if actor.person is None and not actor.is_admin:
        return []
    claims = (
        ExpenseClaim.objects.visible_to(user)
        .filter(status=ExpenseStatus.SUBMITTED)
        .select_related("person")
        .order_by("created_at", "id")
    )
    if not actor.is_admin:
        # Only the claims of the rank below come to this one: the rest is never read (a director
        # read every submitted claim of the company to keep none: 248 ms on the 5,000,000-line
        # data set, on every page, for the inbox's count).
        claims = claims.filter(person__position__in=authority.positions_decided_by(actor.rank))
    return [
        claim
        for claim in claims
        if (actor.is_admin or actor.rank == min(authority.person_rank(claim.person) + 1, authority.RANK["director"]))
        and authority.allowed(actor, "sales.approve_record", claim, filer=claim.person)
    ]


def expense_items(user: Any) -> list[InboxItem]:
    return [
        InboxItem(
            source="expense",
            id=claim.pk,
            kind_label=_("Expense claim"),
            title=f"{claim.person.name} · {claim.get_kind_display()} · {claim.date:%Y-%m-%d}",
            summary=claim.description,
            reason="",
            amount=claim.amount,
            submitted_by=claim.person.name,
            waiting_since=claim.created_at,
            url=reverse("fieldwork:expense-list"),
        )
        for claim in _awaiting(user)
    ]


def decide_expense(user: Any, claim_id: int, approve: bool, reason: str) -> None:
    """Only a claim awaiting this user's decision: any other id answers 404 like a missing one."""
    claim = next((c for c in _awaiting(user) if c.pk == claim_id), None)
    if claim is None:
        raise Http404
    expense_decide(user=user, claim=claim, approve=approve, note=reason)


def register_source() -> None:
    register(Source(key="expense", items=expense_items, decide=decide_expense))
