"""A year of the demo organization's history (issue #16): who stood where, and when it changed.

`org_history` runs in `seed_org`, before the other apps seed their records: everyone gets their
dated membership and their employment events (hired, probation passed), and a few people changed
in the last year: two transfers (one between regions; none that would leave a team with fewer
than two reps, so a small world has none), a rep promoted to lead their team, whose
reps reported to the regional manager until then. The other apps' seeders then file each record to
the unit of its date (`staff.attribution`), so a transferred rep's visits before the transfer stay
with the old team.

`leavers` runs last, after the other apps, through the same services a director uses: a warning,
and a rep who leaves today, their customers, open opportunities and action items handed over to a
teammate, who is notified. Without enough reps (a small test world) a step is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from simple_history.utils import bulk_create_with_history

from staff.models import EmploymentEvent, EventKind, Membership, Person, PersonStatus, Position, Team

PROBATION_DAYS = 90
TRANSFERS = (  # days before today, reason, between regions?
    (150, "区域业务调整，支援新市场开拓", True),
    (75, "团队人员调配，平衡各组客户负荷", False),
)
PROMOTED_DAYS_AGO = 240
PROMOTION_REASON = "业绩连续四个季度排名区域第一，晋升为本组主管"
WARNING = (40, "连续两个月拜访量低于标准，且多次未按时提交拜访报告")
DISMISSAL_REASON = "连续三个季度未完成目标，经考核解除劳动合同"


@dataclass
class Stint:
    start: date
    position: str
    team: Team | None
    manager: Person | None


def org_history(org: Any, *, today: date, login_reps: int) -> None:
    """Memberships and events for everyone; the year's transfers and promotion (see module)."""
    stints: dict[int, list[Stint]] = {
        p.pk: [Stint(p.hire_date, p.position, p.team, p.manager)] for p in [org.director, *org.managers, *org.reps]
    }
    events: list[EmploymentEvent] = []
    changed: list[Person] = []
    team_managers = {m.team_id: m for m in org.managers if m.position == Position.TEAM_MANAGER}
    movable = list(org.reps[login_reps:])
    for days_ago, reason, between_regions in TRANSFERS:
        on = today - timedelta(days=days_ago)
        rep, team = _transfer_pick(org, movable, on=on, between_regions=between_regions)
        if rep is None:
            continue
        movable.remove(rep)
        manager = team_managers[team.pk]
        events.append(_event(rep, EventKind.TRANSFERRED, on, reason, to_team=team, to_manager=manager))
        rep.team, rep.region, rep.manager = team, team.region, manager
        stints[rep.pk].append(Stint(on, rep.position, team, manager))
        changed.append(rep)
    _promotion(org, stints, events, today=today)
    Person.objects.bulk_update(changed, ["team", "region", "manager"])
    people = {p.pk: p for p in [org.director, *org.managers, *org.reps]}
    first = {pk: rows[0] for pk, rows in stints.items()}
    events += [
        EmploymentEvent(
            person=p, kind=EventKind.HIRED, date=p.hire_date, reason="入职",
            to_position=first[pk].position, to_team=first[pk].team, to_manager=first[pk].manager,
        )
        for pk, p in people.items()
    ]  # fmt: skip
    events += [
        _event(p, EventKind.PROBATION_PASSED, p.hire_date + timedelta(days=PROBATION_DAYS), "试用期考核合格，转正")
        for p in people.values()
        if p.status == PersonStatus.ACTIVE and p.hire_date + timedelta(days=PROBATION_DAYS) <= today
    ]
    EmploymentEvent.objects.bulk_create(events, batch_size=1000)
    bulk_create_with_history(_memberships(people, stints), Membership, batch_size=1000)


def _event(person: Person, kind: str, on: date, reason: str, **after: Any) -> EmploymentEvent:
    return EmploymentEvent(
        person=person, kind=kind, date=on, reason=reason,
        from_position=person.position, to_position=after.pop("to_position", person.position),
        from_team=person.team, from_manager=person.manager, **after,
    )  # fmt: skip


def _transfer_pick(org: Any, reps: list[Person], *, on: date, between_regions: bool) -> tuple[Any, Any]:
    """The first rep hired at least two months before `on` whose team keeps two reps or more
    without them, and the team with the fewest reps of another region (or of the same one)."""
    size: dict[int, int] = {}
    for rep in org.reps:
        size[rep.team_id] = size.get(rep.team_id, 0) + 1
    for rep in reps:
        if rep.hire_date > on - timedelta(days=60) or size[rep.team_id] < 3:
            continue
        teams = [t for t in org.teams if t.pk != rep.team_id and (t.region_id != rep.region_id) == between_regions]
        if teams:
            return rep, min(teams, key=lambda t: size.get(t.pk, 0))
    return None, None


def _promotion(org: Any, stints: dict[int, list[Stint]], events: list[EmploymentEvent], *, today: date) -> None:
    """The last team's manager was a rep of that team, promoted `PROMOTED_DAYS_AGO`; until then its
    reps reported to the regional manager."""
    on = today - timedelta(days=PROMOTED_DAYS_AGO)
    team = org.teams[-1] if org.teams else None
    lead = next((m for m in org.managers if team is not None and m.team_id == team.pk), None)
    if lead is None or lead.hire_date > on - timedelta(days=365):
        return
    regional = lead.manager
    stints[lead.pk] = [Stint(lead.hire_date, Position.REP, team, regional), Stint(on, lead.position, team, regional)]
    events.append(
        EmploymentEvent(
            person=lead, kind=EventKind.PROMOTED, date=on, reason=PROMOTION_REASON,
            from_position=Position.REP, to_position=lead.position, from_team=team, to_team=team,
            from_manager=regional, to_manager=regional,
        )
    )  # fmt: skip
    for rep in org.reps:
        if rep.team_id == team.pk and rep.hire_date < on and len(stints[rep.pk]) == 1:
            stints[rep.pk] = [Stint(rep.hire_date, rep.position, team, regional), Stint(on, rep.position, team, lead)]
            events.append(
                EmploymentEvent(
                    person=rep, kind=EventKind.MANAGER_CHANGED, date=on, reason="本组新任主管到岗",
                    from_manager=regional, to_manager=lead,
                )
            )  # fmt: skip


def _memberships(people: dict[int, Person], stints: dict[int, list[Stint]]) -> list[Membership]:
    rows = []
    for pk, person_stints in stints.items():
        for i, s in enumerate(person_stints):
            following = person_stints[i + 1].start if i + 1 < len(person_stints) else None
            rows.append(
                Membership(
                    person=people[pk], start=s.start, end=following - timedelta(days=1) if following else None,
                    position=s.position, team=s.team, region=s.team.region if s.team else people[pk].region,
                    manager=s.manager,
                )
            )  # fmt: skip
    return rows


def leavers(*, org: Any, rng: Any, today: date) -> None:
    """A warning and a dismissal with handover, through the services, recorded by the director
    (a seeder like the apps' `demo.seed`, run after them all)."""
    from staff.services import person_dismiss, person_handover, person_warn

    by = org.director.user
    login_reps = min(len(org.teams), 10)
    current = list(Person.objects.current().filter(pk__in=[r.pk for r in org.reps[login_reps:]]).order_by("pk"))
    moved = set(EmploymentEvent.objects.filter(kind=EventKind.TRANSFERRED).values_list("person_id", flat=True))
    settled = [r for r in current if r.pk not in moved and r.status == PersonStatus.ACTIVE]
    if settled:
        days_ago, reason = WARNING
        person_warn(person=settled[0], on=today - timedelta(days=days_ago), reason=reason, recorded_by=by)
    for rep in reversed(settled[1:]):
        successor = next((r for r in current if r.team_id == rep.team_id and r.pk != rep.pk), None)
        if successor is not None:
            person_handover(person=rep, successor=successor, on=today, recorded_by=by)
            person_dismiss(person=rep, on=today, reason=DISMISSAL_REASON, recorded_by=by)
            return
