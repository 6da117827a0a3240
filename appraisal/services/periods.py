"""Opening an appraisal period (a scorecard for everyone in scope), refreshing drafts, ranking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from appraisal.domain import CENT, share_out_weights
from appraisal.models import (
    AppraisalPeriod,
    AppraisalScheme,
    PeriodStatus,
    SchemeKpi,
    Scorecard,
    ScorecardLine,
    ScorecardStatus,
)
from appraisal.services.common import Who
from appraisal.services.kpis import engine_as_of, kpi_values, manager_units
from appraisal.services.schemes import grade_bands, grade_for, scheme_for, score_line
from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority
from staff.models import Person, Region, Team


def _parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        message = _("Write the period as 2026, 2026-Q1 or 2026-03.")
        raise ApplicationError(message, fields={"period": [message]}) from exc


def _load_schemes(on: date) -> list[AppraisalScheme]:
    # Two queries: schemes, and their lines with bands.
    return list(
        AppraisalScheme.objects.filter(is_active=True, valid_from__lte=on).prefetch_related(
            "lines__kpi", "lines__bands"
        )
    )


def _score_card(card: Scorecard, lines: Sequence[ScorecardLine], scheme_lines: dict[int, SchemeKpi]) -> None:
    """Score a card's lines and total (no query: scheme lines come with their bands).

    A line with no value is left out and its weight shared out among the others
    (`appraisal.domain.share_out_weights`), unless the scheme marks its KPI required: then it stays
    in, scores 0, and blocks the approval (`scorecard_approve`).

    Rounding (the glossary fixes it for money and breakdowns, not for scores): each line's points
    are worked out from its effective weight and rounded half-up to 2 decimals (`score_line`);
    the total is the sum of the lines' points, rounded half-up to 2 decimals, so the lines shown
    on the card add up to its total.
    """
    counted = [line.value is not None or scheme_lines[line.scheme_kpi_id].required for line in lines]
    weights = share_out_weights([line.weight for line in lines], counted)
    total = Decimal(0)
    for line, is_counted, weight in zip(lines, counted, weights, strict=True):
        sk = scheme_lines[line.scheme_kpi_id]
        line.left_out = not is_counted
        line.effective_weight = weight
        line.score = score_line(
            value=line.value,
            weight=weight,
            target=line.target,
            rule=sk.rule,
            cap_percent=sk.cap_percent,
            bands=[(b.lower_percent, b.upper_percent, b.score_percent) for b in sk.bands.all()],
        )
        total += line.score
    card.total_score = total.quantize(CENT, rounding=ROUND_HALF_UP)


def rank(cards: Iterable[Scorecard]) -> None:
    """Competition ranking (1, 2, 2, 4) by total within team, region and company, among people of
    the same position: reps with reps, a team manager with team managers, never a manager among
    the reps they lead. Cards without a team (or region) get no rank in it."""
    cards = list(cards)
    for attr, key in (
        ("rank_team", lambda c: (c.position, c.team_id)),
        ("rank_region", lambda c: (c.position, c.region_id)),
        ("rank_company", lambda c: (c.position,)),
    ):
        groups: dict[tuple, list[Scorecard]] = defaultdict(list)
        for card in cards:
            if attr != "rank_company" and key(card)[1] is None:
                setattr(card, attr, None)
                continue
            groups[key(card)].append(card)
        for members in groups.values():
            members.sort(key=lambda c: c.total_score, reverse=True)
            previous = None
            position = 0
            for index, card in enumerate(members, start=1):
                if card.total_score != previous:
                    position = index
                    previous = card.total_score
                setattr(card, attr, position)


def people_in_scope(*, region: Region | None, team: Team | None):
    people = Person.objects.current()
    if team is not None:
        return people.filter(team=team)
    if region is not None:
        return people.filter(region=region)
    return people


def _check_openable(period: str, *, region: Region | None, team: Team | None, today: date) -> Period:
    parsed = _parse_period(period)
    if parsed.end >= today:
        message = _("%(period)s ends on %(end)s: it can be appraised from %(next)s on.") % {
            "period": parsed,
            "end": parsed.end.isoformat(),
            "next": (parsed.end + timedelta(days=1)).isoformat(),
        }
        raise ApplicationError(message, fields={"period": [message]})
    if AppraisalPeriod.objects.filter(period=str(parsed), region=region, team=team).exists():
        message = _("%(period)s is already open for this unit.") % {"period": parsed}
        raise ApplicationError(message, fields={"period": [message]})
    as_of = engine_as_of(period=parsed)
    if as_of is None or as_of < parsed.end:
        message = _(
            "The achievement engine has not computed %(period)s up to its end (%(end)s) yet; "
            "recompute achievements as of that day or later first."
        ) % {"period": parsed, "end": parsed.end.isoformat()}
        raise ApplicationError(message, fields={"period": [message]})
    return parsed


def _build_cards(
    appraisal: AppraisalPeriod,
    people: list[tuple[int, str, int | None, int | None]],
    scheme_of: dict[int, AppraisalScheme],
    values: dict[int, dict[str, Decimal | None]],
) -> tuple[list[Scorecard], dict[int, list[ScorecardLine]]]:
    """One unsaved scorecard with its scored lines per person (no query: schemes are preloaded)."""
    now = timezone.now()
    cards: list[Scorecard] = []
    lines_of: dict[int, list[ScorecardLine]] = {}
    scheme_lines: dict[int, SchemeKpi] = {}
    for pid, position, team_id, region_id in people:
        scheme = scheme_of[pid]
        card = Scorecard(
            appraisal_period=appraisal,
            person_id=pid,
            team_id=team_id,
            region_id=region_id,
            position=position,
            scheme=scheme,
            values_as_of=appraisal.end,
            computed_at=now,
        )
        lines = []
        for sk in scheme.lines.all():
            scheme_lines[sk.pk] = sk
            lines.append(
                ScorecardLine(
                    kpi_id=sk.kpi_id,
                    scheme_kpi=sk,
                    weight=sk.weight,
                    target=sk.target,
                    value=values[pid].get(sk.kpi.code),
                    sort_order=sk.sort_order,
                )
            )
        _score_card(card, lines, scheme_lines)
        cards.append(card)
        lines_of[pid] = lines
    return cards, lines_of


@transaction.atomic
def appraisal_period_open(
    *,
    period: str,
    opened_by: Who,
    region: Region | None = None,
    team: Team | None = None,
    today: date | None = None,
) -> AppraisalPeriod:
    """Open an appraisal: one scorecard per current person in the unit, with the quantitative lines
    read from the engine as of the period end. A fixed number of queries, whatever the headcount.

    Only a manager of the unit or one above it (rule units.manage; the company: a director or an
    admin). Refused (nothing saved) when the period has not ended, is already open for the unit,
    or the engine has not computed the period up to its end.
    """
    if team is not None:
        region = team.region
    actor = authority.require(
        opened_by,
        "units.manage",
        team_id=team.pk if team else None,
        region_id=region.pk if region else None,
    )
    parsed = _check_openable(period, region=region, team=team, today=today or timezone.localdate())
    schemes = _load_schemes(parsed.end)
    people = list(people_in_scope(region=region, team=team).values_list("id", "position", "team_id", "region_id"))
    scheme_of = {pid: scheme_for(position=pos, on=parsed.end, schemes=schemes) for pid, pos, _t, _r in people}
    people = [p for p in people if scheme_of[p[0]] is not None]
    if not people:
        message = _("Nobody in this unit has an appraisal scheme for their position.")
        raise ApplicationError(message, fields={"period": [message]})

    appraisal = AppraisalPeriod(
        period=str(parsed),
        period_kind=parsed.kind,
        start=parsed.start,
        end=parsed.end,
        region=region,
        team=team,
        values_as_of=parsed.end,
        opened_by=actor.person,
    )
    appraisal._history_user = actor.history_user()
    appraisal.save()
    person_ids = [p[0] for p in people]
    values = kpi_values(
        person_ids=person_ids,
        period=parsed,
        focus_lines_by_person={pid: scheme_of[pid].focus_lines for pid in person_ids},
        unit_of=manager_units(people),
    )
    cards, lines_of = _build_cards(appraisal, people, scheme_of, values)
    bands = grade_bands()
    for card in cards:
        card.grade = grade_for(card.total_score, bands)
    rank(cards)
    cards = bulk_create_with_history(
        cards, Scorecard, default_user=actor.history_user(), default_change_reason="opened"
    )
    all_lines = []
    for card in cards:
        for line in lines_of[card.person_id]:
            line.scorecard = card
            all_lines.append(line)
    ScorecardLine.objects.bulk_create(all_lines)
    return appraisal


@transaction.atomic
def appraisal_period_refresh(*, appraisal: AppraisalPeriod, by: Who) -> int:
    """Re-read the numbers of the period's draft scorecards (approved ones stay frozen) and re-rank,
    on a manager's request: a manager of the period's unit (rule units.manage). Returns the number
    of scorecards refreshed."""
    actor = authority.require(by, "units.manage", appraisal)
    return _refresh(appraisal, history_user=actor.history_user())


@transaction.atomic
def appraisal_period_refresh_after_recompute(*, appraisal: AppraisalPeriod) -> int:
    """The nightly job's refresh after the engine's recompute: it re-reads the numbers of draft
    cards and decides nothing (no review, no status), so it has no acting person."""
    return _refresh(appraisal, history_user=None)


def _refresh(appraisal: AppraisalPeriod, *, history_user: Any) -> int:
    if appraisal.status == PeriodStatus.CLOSED:
        message = _("This appraisal is closed.")
        raise ApplicationError(message, fields={"status": [message]})
    parsed = Period.parse(appraisal.period)
    cards = list(
        Scorecard.objects.filter(appraisal_period=appraisal)
        .select_related("scheme")
        .prefetch_related("lines", "scheme__lines__kpi", "scheme__lines__bands")
    )
    drafts = [c for c in cards if c.status == ScorecardStatus.DRAFT]
    if not drafts:
        return 0
    ids = [c.person_id for c in drafts]
    values = kpi_values(
        person_ids=ids,
        period=parsed,
        focus_lines_by_person={c.person_id: c.scheme.focus_lines for c in drafts},
        unit_of=manager_units((c.person_id, c.position, c.team_id, c.region_id) for c in drafts),
    )
    scheme_lines = {sk.pk: sk for c in drafts for sk in c.scheme.lines.all()}
    code_of = {sk.pk: sk.kpi.code for sk in scheme_lines.values()}
    now = timezone.now()
    changed_lines = []
    for card in drafts:
        lines = list(card.lines.all())
        for line in lines:
            line.value = values[card.person_id].get(code_of[line.scheme_kpi_id])
        _score_card(card, lines, scheme_lines)
        card.computed_at = now
        changed_lines.extend(lines)
    bands = grade_bands()
    for card in drafts:
        card.grade = grade_for(card.total_score, bands)
    # Ranks of drafts move with their new totals; frozen cards keep theirs.
    ranked = list(cards)
    frozen_ranks = {c.pk: (c.rank_team, c.rank_region, c.rank_company) for c in cards if c.status != "draft"}
    rank(ranked)
    for card in cards:
        if card.pk in frozen_ranks:
            card.rank_team, card.rank_region, card.rank_company = frozen_ranks[card.pk]
    ScorecardLine.objects.bulk_update(changed_lines, ["value", "effective_weight", "left_out", "score"])
    bulk_update_with_history(
        drafts,
        Scorecard,
        ["total_score", "grade", "rank_team", "rank_region", "rank_company", "computed_at"],
        default_user=history_user,
        default_change_reason="refreshed",
    )
    appraisal.refreshed_at = now
    appraisal._history_user = history_user
    appraisal.save(update_fields=["refreshed_at"])
    return len(drafts)


@transaction.atomic
def appraisal_period_update_meeting(
    *,
    appraisal: AppraisalPeriod,
    by: Who,
    meeting_date: date | None,
    participants: Iterable[Person] = (),
    notes: str = "",
) -> AppraisalPeriod:
    """The review meeting of the period: a manager of the period's unit (rule units.manage)."""
    actor = authority.require(by, "units.manage", appraisal)
    appraisal.meeting_date = meeting_date
    appraisal.meeting_notes = notes
    appraisal._history_user = actor.history_user()
    appraisal.save(update_fields=["meeting_date", "meeting_notes"])
    appraisal.meeting_participants.set(list(participants))
    return appraisal


@transaction.atomic
def appraisal_period_publish_rankings(*, appraisal: AppraisalPeriod, by: Who, published: bool) -> AppraisalPeriod:
    """Show (or hide) the ranking tables to the reps: a manager of the period's unit."""
    actor = authority.require(by, "units.manage", appraisal)
    appraisal.rankings_published = published
    appraisal._history_user = actor.history_user()
    appraisal.save(update_fields=["rankings_published"])
    return appraisal


@transaction.atomic
def appraisal_period_close(*, appraisal: AppraisalPeriod, by: Who) -> AppraisalPeriod:
    """Close the period: every approved scorecard is closed; drafts and submitted ones block it.
    A manager of the period's unit (rule units.manage)."""
    actor = authority.require(by, "units.manage", appraisal)
    pending = appraisal.scorecards.exclude(status__in=[ScorecardStatus.APPROVED, ScorecardStatus.CLOSED]).count()
    if pending:
        message = _("%(n)s scorecards are not approved yet.") % {"n": pending}
        raise ApplicationError(message, fields={"status": [message]})
    cards = list(appraisal.scorecards.filter(status=ScorecardStatus.APPROVED))
    now = timezone.now()
    for card in cards:
        card.status = ScorecardStatus.CLOSED
        card.closed_at = now
    bulk_update_with_history(
        cards, Scorecard, ["status", "closed_at"], default_user=actor.history_user(), default_change_reason="closed"
    )
    appraisal.status = PeriodStatus.CLOSED
    appraisal._history_user = actor.history_user()
    appraisal.save(update_fields=["status"])
    return appraisal
