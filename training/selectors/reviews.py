"""Reads of the review meeting (复盘): the meetings a user may see, and the agenda read from the
numbers of the apps that own them, each through that app's selector and the data-scope rule.

The agenda runs a fixed number of queries, whatever the size of the unit: achievements (1), lost
deals (1), stale pipeline (1), scorecards with their lines (2), overdue action items (1), the
questions (1), the last meeting (1) with its action items (1) and outcomes (1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from appraisal.models import Outcome, ScorecardLine
from appraisal.selectors import scorecard_list
from sales.selectors import lost_deals_by_reason, stale_opportunities
from targets.models import BUDGET_METRICS, OwnerKind
from targets.selectors import achievement_list
from training.models import ActionItem, ActionItemStatus, ReviewMeeting, ReviewQuestion


def review_meeting_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[ReviewMeeting]:
    filters = filters or {}
    qs = ReviewMeeting.objects.visible_to(user).select_related("team", "region", "held_by")
    for key in ("period", "team", "region"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs


def review_meeting_detail(*, user: Any, pk: int) -> ReviewMeeting:
    return get_object_or_404(review_meeting_list(user=user), pk=pk)


@dataclass
class MemberLine:
    """Target against actual and time progress of one owner (a rep, or the unit itself)."""

    owner: str
    owner_kind: str
    metric: str
    metric_label: str
    target: Decimal | None
    actual: Decimal
    rate: Decimal | None
    time_progress: Decimal
    is_behind: bool
    is_budget: bool
    as_of: date


@dataclass
class Agenda:
    meeting: ReviewMeeting
    as_of: date
    targets: list[MemberLine] = field(default_factory=list)
    lost_deals: list[dict[str, Any]] = field(default_factory=list)
    stale_pipeline: list[Any] = field(default_factory=list)
    scorecards: list[Any] = field(default_factory=list)
    overdue_actions: list[ActionItem] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    previous: ReviewMeeting | None = None
    previous_actions: list[ActionItem] = field(default_factory=list)
    previous_outcomes: list[Outcome] = field(default_factory=list)

    @property
    def previous_done(self) -> int:
        return sum(1 for item in self.previous_actions if item.status == ActionItemStatus.DONE)

    @property
    def previous_open(self) -> int:
        return sum(1 for item in self.previous_actions if item.status == ActionItemStatus.OPEN)


def _member_lines(*, user: Any, meeting: ReviewMeeting) -> list[MemberLine]:
    """The engine's results of the quarter that carry a target: each member's and the unit's own.
    A team's members are its reps; a region's its teams."""
    if meeting.team_id is not None:
        members = Q(owner_kind=OwnerKind.REP, team_id=meeting.team_id)
        unit = Q(owner_kind=OwnerKind.TEAM, owner_key=meeting.team_id)
    else:
        members = Q(owner_kind=OwnerKind.TEAM, region_id=meeting.region_id)
        unit = Q(owner_kind=OwnerKind.REGION, owner_key=meeting.region_id)
    rows = achievement_list(user=user, period=meeting.period).filter(members | unit).filter(target__isnull=False)
    unit_kind = OwnerKind.TEAM if meeting.team_id is not None else OwnerKind.REGION
    lines = [
        MemberLine(
            owner=row.owner_label,
            owner_kind=row.owner_kind,
            metric=row.metric,
            metric_label=row.get_metric_display(),
            target=row.target,
            actual=row.actual,
            rate=row.rate,
            time_progress=row.time_progress,
            is_behind=row.is_behind,
            is_budget=row.metric in BUDGET_METRICS,
            as_of=row.as_of,
        )
        for row in rows
    ]
    # Members by name, the unit's own line last, per metric.
    return sorted(lines, key=lambda line: (line.metric, line.owner_kind == unit_kind, line.owner))


def review_agenda(*, user: Any, meeting: ReviewMeeting, today: date) -> Agenda:
    """The meeting's agenda from the numbers, as the user may see them (a rep sees their own lines).

    Stale pipeline and overdue action items are judged on the meeting day, or today while the
    meeting is still ahead. Lost deals are those closed in the quarter under review.
    """
    as_of = min(meeting.date, today)
    agenda = Agenda(meeting=meeting, as_of=as_of)
    agenda.targets = _member_lines(user=user, meeting=meeting)
    agenda.lost_deals = lost_deals_by_reason(
        user=user, start=meeting.start, end=meeting.end, unit=meeting.unit_filter()
    )
    agenda.stale_pipeline = list(
        stale_opportunities(user=user, as_of=as_of, idle_days=meeting.stale_days, unit=meeting.unit_filter())
    )
    agenda.scorecards = list(
        scorecard_list(user=user)
        .filter(meeting.unit_filter(), appraisal_period__period=meeting.period)
        .prefetch_related(Prefetch("lines", ScorecardLine.objects.select_related("kpi", "scheme_kpi")))
        .order_by("-total_score", "person__name")
    )
    agenda.overdue_actions = list(
        ActionItem.objects.visible_to(user)
        .overdue(as_of)
        .filter(meeting.unit_filter())
        .select_related("owner", "coach", "review_meeting")
        .order_by("due_on", "pk")
    )
    agenda.questions = [
        {"id": question.pk, "label": question.label, "answer": meeting.answers.get(str(question.pk), "")}
        for question in ReviewQuestion.objects.filter(is_active=True)
    ]
    agenda.previous = previous_meeting(meeting)
    if agenda.previous is not None:
        agenda.previous_actions = list(
            ActionItem.objects.visible_to(user).filter(review_meeting=agenda.previous).select_related("owner")
        )
        agenda.previous_outcomes = list(
            Outcome.objects.visible_to(user)
            .filter(pk__in=agenda.previous.outcomes.values("pk"))
            .select_related("person", "decided_by")
        )
    return agenda


def previous_meeting(meeting: ReviewMeeting) -> ReviewMeeting | None:
    """The same unit's last meeting before this one (the caller already sees this unit)."""
    same_unit = ReviewMeeting.objects.filter(team_id=meeting.team_id, region_id=meeting.region_id)
    return same_unit.filter(start__lt=meeting.start).order_by("-start").first()


def decisions_of(*, user: Any, meeting: ReviewMeeting) -> tuple[list[ActionItem], list[Outcome]]:
    """What this meeting decided: its action items and its outcomes (two queries)."""
    actions = list(ActionItem.objects.visible_to(user).filter(review_meeting=meeting).select_related("owner", "coach"))
    outcomes = list(
        Outcome.objects.visible_to(user)
        .filter(pk__in=meeting.outcomes.values("pk"))
        .select_related("person", "decided_by", "course")
    )
    return actions, outcomes
