"""Scoped reads for the appraisal pages and API."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from appraisal.models import (
    AppraisalPeriod,
    AppraisalScheme,
    CommissionStatement,
    Contest,
    Outcome,
    Scorecard,
    ScorecardLine,
)
from staff import authority
from staff.models import Person
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
        .select_related("person", "team", "region", "appraisal_period", "scheme", "submitted_by", "approved_by")
        .prefetch_related(
            Prefetch("lines", queryset=ScorecardLine.objects.select_related("kpi", "scheme_kpi")),
            "actions__owner",
            Prefetch(
                "outcomes", queryset=Outcome.objects.select_related("course", "person", "decided_by", "confirmed_by")
            ),
        )
    )


def can_see_rankings(*, user: Any, appraisal: AppraisalPeriod) -> bool:
    """Whoever sees others' records (the data scope) sees the ranking tables of their scope; one
    who sees only their own sees the tables once a manager published them."""
    return appraisal.rankings_published or not viewer_for(user).sees_only_own


def ranking(*, user: Any, appraisal: AppraisalPeriod, level: str) -> QuerySet[Scorecard]:
    """Scorecards ranked within team, region or company. A rep (own scope) sees the whole published
    table of their own team/region/company; a manager the cards in their scope."""
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
