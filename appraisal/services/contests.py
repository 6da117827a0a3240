"""Contests: a live leaderboard from the engine's results, and the final ranking when finished."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import Contest, ContestResult, ContestStatus, ParticipantKind
from appraisal.services.common import Who
from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority
from staff.models import Person, Region, Team


@dataclass
class LeaderboardRow:
    rank: int
    name: str
    person_id: int | None
    team_id: int | None
    actual: Decimal
    rate: Decimal | None


def _ranked(rows: list[tuple[str, int | None, int | None, Decimal, Decimal | None]]) -> list[LeaderboardRow]:
    rows.sort(key=lambda r: (-r[3], r[0]))
    out, previous, position = [], None, 0
    for index, (name, pid, tid, actual, rate) in enumerate(rows, start=1):
        if actual != previous:
            position, previous = index, actual
        out.append(LeaderboardRow(position, name, pid, tid, actual, rate))
    return out


def contest_leaderboard(*, contest: Contest) -> list[LeaderboardRow]:
    """The standings now (or the frozen final ranking of a finished contest). Two queries."""
    from targets.models import Achievement, OwnerKind

    if contest.status == ContestStatus.FINISHED:
        return [
            LeaderboardRow(r.rank, str(r.person or r.team), r.person_id, r.team_id, r.actual, r.rate)
            for r in contest.results.select_related("person", "team")
        ]
    if contest.participant_kind == ParticipantKind.TEAMS:
        teams = list(contest.teams.all())
        found = {
            a.owner_key: a
            for a in Achievement.objects.filter(
                owner_kind=OwnerKind.TEAM,
                period=contest.period,
                metric=contest.metric,
                owner_key__in=[t.pk for t in teams],
            )
        }
        rows = [
            (
                t.name,
                None,
                t.pk,
                found[t.pk].actual if t.pk in found else Decimal(0),
                found[t.pk].rate if t.pk in found else None,
            )
            for t in teams
        ]
    else:
        people = list(contest.people.all())
        found = {
            a.owner_key: a
            for a in Achievement.objects.filter(
                owner_kind=OwnerKind.REP,
                period=contest.period,
                metric=contest.metric,
                owner_key__in=[p.pk for p in people],
            )
        }
        rows = [
            (
                p.name,
                p.pk,
                None,
                found[p.pk].actual if p.pk in found else Decimal(0),
                found[p.pk].rate if p.pk in found else None,
            )
            for p in people
        ]
    return _ranked(rows)


def _contest_unit(team: Team | None, region: Region | None) -> dict[str, int | None]:
    if team is not None:
        return {"team_id": team.pk, "region_id": team.region_id}
    return {"team_id": None, "region_id": region.pk if region is not None else None}


def _check_participants(unit: dict[str, int | None], people: Sequence[Person], teams: Sequence[Team]) -> None:
    """Participants lie in the contest's unit (any for a company contest)."""
    team_id, region_id = unit["team_id"], unit["region_id"]
    if team_id is None and region_id is None:
        return
    outside = [p.name for p in people if (p.team_id != team_id if team_id is not None else p.region_id != region_id)]
    if outside:
        message = _("%(names)s are not in the contest's unit.") % {"names": ", ".join(outside)}
        raise ApplicationError(message, fields={"people": [message]})
    if teams and (team_id is not None or any(t.region_id != region_id for t in teams)):
        message = _("A contest between teams is run for their region or the company.")
        raise ApplicationError(message, fields={"teams": [message]})


@transaction.atomic
def contest_create(
    *,
    name: str,
    period: str,
    metric: str,
    created_by: Who,
    team: Team | None = None,
    region: Region | None = None,
    people: Sequence[Person] = (),
    teams: Sequence[Team] = (),
    prize: str = "",
) -> Contest:
    """A contest for a unit (a team, a region; neither: the company), made by a manager of that
    unit (rule units.manage); its participants lie in the unit."""
    unit = _contest_unit(team, region)
    actor = authority.require(created_by, "units.manage", **unit)
    if not name or not name.strip():
        raise ApplicationError(_("This field is required."), fields={"name": [_("This field is required.")]})
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        message = _("Write the period as 2026, 2026-Q1 or 2026-03.")
        raise ApplicationError(message, fields={"period": [message]}) from exc
    if not people and not teams:
        message = _("Choose the participants.")
        raise ApplicationError(message, fields={"people": [message]})
    if people and teams:
        message = _("A contest is between people or between teams, not both.")
        raise ApplicationError(message, fields={"teams": [message]})
    _check_participants(unit, people, teams)
    contest = Contest(
        name=name.strip(),
        period=str(parsed),
        metric=metric,
        participant_kind=ParticipantKind.TEAMS if teams else ParticipantKind.PEOPLE,
        created_by=actor.person,
        prize=prize,
        **unit,
    )
    contest._history_user = actor.history_user()
    contest.save()
    contest.people.set(people)
    contest.teams.set(teams)
    return contest


@transaction.atomic
def contest_publish(*, contest: Contest, by: Who, published: bool) -> Contest:
    """Publish (or withdraw) the leaderboard to the participants: a manager of the contest's unit."""
    actor = authority.require(by, "units.manage", contest)
    contest.published = published
    contest._history_user = actor.history_user()
    contest.save(update_fields=["published"])
    return contest


@transaction.atomic
def contest_finish(*, contest: Contest, by: Who) -> Contest:
    """Freeze the final ranking: a manager of the contest's unit."""
    actor = authority.require(by, "units.manage", contest)
    if contest.status == ContestStatus.FINISHED:
        message = _("This contest has already finished.")
        raise ApplicationError(message, fields={"status": [message]})
    board = contest_leaderboard(contest=contest)
    ContestResult.objects.bulk_create(
        ContestResult(
            contest=contest, rank=r.rank, person_id=r.person_id, team_id=r.team_id, actual=r.actual, rate=r.rate
        )
        for r in board
    )
    contest.status = ContestStatus.FINISHED
    contest.finished_at = timezone.now()
    contest._history_user = actor.history_user()
    contest.save(update_fields=["status", "finished_at"])
    return contest
