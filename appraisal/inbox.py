"""The scorecards' source of the approval inbox (notifications.inbox): submitted scorecards awaiting
approval (rule people.approve_appraisal: a second person of the person's manager line, above the
one who scored it), listed for the first manager rank above the scorer, approved through
`scorecard_approve` or sent back to draft with the reason through `scorecard_return`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.models import Scorecard, ScorecardStatus
from appraisal.services.scorecards import scorecard_approve, scorecard_return
from notifications.inbox import InboxItem, Source, register
from staff import authority


def _awaiting(user: Any) -> list[Scorecard]:
    """One query at any size (the cards with their people, scorers and periods)."""
    actor = authority.actor_of(user)
    if actor.person is None and not actor.is_admin:
        return []
    cards = (
        Scorecard.objects.visible_to(user)
        .filter(status=ScorecardStatus.SUBMITTED)
        .select_related("person", "submitted_by", "appraisal_period")
        .order_by("submitted_at", "id")
    )
    return [
        card
        for card in cards
        if (
            actor.is_admin
            or actor.rank == min(authority.person_rank(card.submitted_by) + 1, authority.RANK["director"])
        )
        and authority.allowed(actor, "people.approve_appraisal", card)
    ]


def scorecard_items(user: Any) -> list[InboxItem]:
    return [
        InboxItem(
            source="scorecard",
            id=card.pk,
            kind_label=_("Scorecard"),
            title=f"{card.person.name} · {card.appraisal_period.period}",
            summary=_("Score %(score)s, grade %(grade)s") % {"score": card.total_score, "grade": card.grade or "-"},
            reason="",
            amount=None,
            submitted_by=card.submitted_by.name if card.submitted_by else "",
            waiting_since=card.submitted_at,
            url=reverse("appraisal:scorecard-detail", args=[card.pk]),
        )
        for card in _awaiting(user)
    ]


def decide_scorecard(user: Any, card_id: int, approve: bool, reason: str) -> None:
    """Only a card awaiting this user's approval: any other id answers 404 like a missing one."""
    card = next((c for c in _awaiting(user) if c.pk == card_id), None)
    if card is None:
        raise Http404
    if approve:
        scorecard_approve(scorecard=card, by=user)
    else:
        scorecard_return(scorecard=card, by=user, reason=reason)


def register_source() -> None:
    register(Source(key="scorecard", items=scorecard_items, decide=decide_scorecard))
