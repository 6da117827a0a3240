"""Scoped reads for the appraisal pages and API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils.translation import pgettext_lazy

from appraisal.models import (
    AppraisalPeriod,
    AppraisalScheme,
    CommissionDispute,
    CommissionStatement,
    Contest,
    DisputeStatus,
    Outcome,
    Scorecard,
    ScorecardLine,
    StatementStatus,
)
from salesorg.paging import prefetched
from staff import authority
from staff.models import Person, Position
from staff.scope import viewer_for


def period_list(*, user: Any) -> QuerySet[AppraisalPeriod]:
    return AppraisalPeriod.objects.visible_to(user).select_related("team", "region", "opened_by")


def scorecard_list(*, user: Any, appraisal: AppraisalPeriod | None = None) -> QuerySet[Scorecard]:
    cards = Scorecard.objects.visible_to(user).select_related("person", "team", "region", "appraisal_period", "scheme")
    if appraisal is not None:
        cards = cards.filter(appraisal_period=appraisal)
    return cards.order_by("appraisal_period", "position", "rank_company", "person__name")


def scorecard_detail_queryset(*, user: Any) -> QuerySet[Scorecard]:
    return (
        Scorecard.objects.visible_to(user)
        .select_related(
            "person", "team", "region", "appraisal_period", "scheme", "submitted_by", "approved_by", "acknowledged_by"
        )
        .prefetch_related(
            Prefetch("lines", queryset=ScorecardLine.objects.select_related("kpi", "scheme_kpi")),
            "actions__owner",
            Prefetch(
                "outcomes", queryset=Outcome.objects.select_related("course", "person", "decided_by", "confirmed_by")
            ),
        )
    )


def scorecard_api_queryset(*, user: Any) -> QuerySet[Scorecard]:
    """Scorecards in scope as the API shows them: the person's name, the period and the lines with
    their KPI as a list on each row (`prefetched_lines`); the other parties by id only."""
    return (
        Scorecard.objects.visible_to(user)
        .select_related("person", "appraisal_period")
        .prefetch_related(prefetched("lines", ScorecardLine.objects.select_related("kpi", "scheme_kpi")))
    )


def can_see_rankings(*, user: Any, appraisal: AppraisalPeriod) -> bool:
    """Whoever sees others' records (the data scope) sees the ranking tables of their scope; one
    who sees only their own sees the tables once a manager published them."""
    return appraisal.rankings_published or not viewer_for(user).sees_only_own


def ranking(*, user: Any, appraisal: AppraisalPeriod, level: str) -> QuerySet[Scorecard]:
    """Scorecards ranked within team, region or company (each position apart: group them with
    `ranking_groups`). A rep (own scope) sees the whole published table of their own
    team/region/company; a manager the cards in their scope."""
    order = {"team": ("team__name", "rank_team"), "region": ("region__name", "rank_region")}.get(
        level, ("position", "rank_company")
    )
    viewer = viewer_for(user)
    cards = Scorecard.objects.filter(appraisal_period=appraisal)
    if viewer.sees_only_own:
        if not appraisal.rankings_published:
            return cards.filter(person_id=viewer.person_id).select_related("person", "team", "region")
        if level == "team":
            cards = cards.filter(team_id=viewer.team_id)
        elif level == "region":
            cards = cards.filter(region_id=viewer.region_id)
    else:
        cards = cards.visible_to(user)
    return cards.select_related("person", "team", "region").order_by(*order, "person__name")


# The ranking tables' order: reps first, then each manager level up.
POSITION_ORDER = (Position.REP, Position.TEAM_MANAGER, Position.REGIONAL_MANAGER, Position.DIRECTOR)


def ranking_groups(cards: Iterable[Scorecard], *, level: str = "company") -> list[tuple[str, list[Scorecard]]]:
    """Ranked cards by position, one group per position (reps first): each position is ranked
    apart (`periods.rank`), so the pages show each group as its own table. A card with no rank at
    the level (a regional manager has no team) is not listed at it. No query."""
    attr = {"team": "rank_team", "region": "rank_region"}.get(level, "rank_company")
    by_position: dict[str, list[Scorecard]] = {}
    for card in cards:
        if getattr(card, attr) is not None:
            by_position.setdefault(card.position, []).append(card)
    order = {position: i for i, position in enumerate(POSITION_ORDER)}
    return [
        (str(Position(position).label) if position in Position.values else position, members)
        for position, members in sorted(by_position.items(), key=lambda item: order.get(item[0], len(order)))
    ]


def person_history(*, user: Any, person: Person) -> dict[str, Any]:
    return {
        "scorecards": Scorecard.objects.visible_to(user)
        .filter(person=person)
        .select_related("appraisal_period", "scheme")
        .order_by("-appraisal_period__end"),
        "outcomes": Outcome.objects.visible_to(user)
        .filter(person=person)
        .select_related("course", "person", "decided_by", "confirmed_by"),
        "statements": CommissionStatement.objects.visible_to(user).filter(person=person).select_related("plan"),
    }


def scheme_list() -> QuerySet[AppraisalScheme]:
    return AppraisalScheme.objects.prefetch_related("lines__kpi", "lines__bands")


def contest_list(*, user: Any) -> QuerySet[Contest]:
    """The contests the user takes part in or whose unit the user's scope covers."""
    return Contest.objects.visible_to(user).select_related("created_by", "team", "region")


def can_see_leaderboard(*, user: Any, contest: Contest) -> bool:
    """Of a contest the user sees: its managers always, its participants once it is published."""
    return contest.published or authority.allowed(user, "units.manage", contest)


def statement_list(*, user: Any) -> QuerySet[CommissionStatement]:
    return CommissionStatement.objects.visible_to(user).select_related("person", "team", "plan", "approved_by")


def statement_detail_queryset(*, user: Any) -> QuerySet[CommissionStatement]:
    """Statements in scope with their lines and disputes, for the statement page and the API."""
    return (
        statement_list(user=user)
        .select_related("region", "version", "issued_by")
        .prefetch_related("lines__order", "disputes__raised_by", "disputes__resolved_by", "disputes__line__order")
    )


def dispute_list(*, user: Any) -> QuerySet[CommissionDispute]:
    """Disputes of the statements in scope (a rep: their own; a manager: their unit's), open first."""
    return (
        CommissionDispute.objects.visible_to(user)
        .select_related("statement__person", "statement__plan", "line__order", "raised_by", "resolved_by")
        .annotate(is_closed=Case(When(status="open", then=Value(0)), default=Value(1)))
        .order_by("is_closed", "-created_at", "-id")
    )


# The steps a statement's history records (history_change_reason), as the pages show them.
HISTORY_STEPS = {
    "built": pgettext_lazy("commission step", "built"),
    "issued": pgettext_lazy("commission step", "issued"),
    "disputed": pgettext_lazy("commission step", "disputed"),
    "accepted": pgettext_lazy("commission step", "accepted"),
    "rejected": pgettext_lazy("commission step", "rejected"),
    "dispute accepted": pgettext_lazy("commission step", "dispute accepted"),
    "acknowledged": pgettext_lazy("commission step", "acknowledged"),
    "recomputed": pgettext_lazy("commission step", "recomputed"),
    "computed": pgettext_lazy("commission step", "computed"),
}


def statement_history(statement: CommissionStatement) -> list[dict[str, Any]]:
    """Each step of a statement, oldest first: built, issued, acknowledged, each dispute raised
    and resolved (from the history of the statement and of its disputes), with the step's and the
    status's labels for the pages. Two queries."""
    statuses = {**dict(StatementStatus.choices), **dict(DisputeStatus.choices)}

    def event(h: Any) -> dict[str, Any]:
        step = h.history_change_reason or ""
        return {
            "at": h.history_date,
            "by": h.history_user,
            "step": step,
            "step_label": HISTORY_STEPS.get(step, step),
            "status": h.status,
            "status_label": statuses.get(h.status, h.status),
        }

    events = [event(h) for h in statement.history.select_related("history_user").order_by("history_date", "history_id")]
    events += [
        event(h)
        for h in CommissionDispute.history.filter(statement_id=statement.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ]
    return sorted(events, key=lambda e: e["at"])
