"""What the dashboard sends on its own: target milestones and the weekly digest.

Each is one service run by a Celery task (dashboard/tasks.py). All are idempotent: every message
carries a key (what it is about), and a key already sent to a recipient is not sent again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dashboard.templatetags.dashboard_format import grouped
from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify, notify_channels
from salesorg.periods import Period
from staff.models import Person, PersonStatus, Position
from targets.models import BUDGET_METRICS, COUNT_METRICS, Achievement, Metric, OwnerKind

MILESTONES = (Decimal("1.00"), Decimal("0.90"), Decimal("0.50"))


def _percent(rate: Decimal | None) -> str:
    if rate is None:
        return "-"
    return f"{number_format(rate * 100, 1)}%"


def _amount(metric: str, value: Decimal | None) -> str:
    if value is None:
        return "-"
    places = 0 if metric in COUNT_METRICS else 2
    return grouped(value, places)


def _recipients_by_owner(achievements: list[Achievement]) -> dict[tuple[str, int], list[Person]]:
    """Who hears about an owner's target: the rep, or the managers of the team, region or company.

    One query for the managers, whatever the number of rows.
    """
    team_ids = {a.team_id for a in achievements if a.owner_kind == OwnerKind.TEAM}
    region_ids = {a.region_id for a in achievements if a.owner_kind == OwnerKind.REGION}
    wants_company = any(a.owner_kind == OwnerKind.COMPANY for a in achievements)
    managers = Person.objects.exclude(status=PersonStatus.LEFT).filter(
        Q(position=Position.TEAM_MANAGER, team_id__in=team_ids)
        | Q(position=Position.REGIONAL_MANAGER, region_id__in=region_ids)
        | (Q(position=Position.DIRECTOR) if wants_company else Q(pk__in=[]))
    )
    out: dict[tuple[str, int], list[Person]] = defaultdict(list)
    for m in managers:
        if m.position == Position.TEAM_MANAGER:
            out[(OwnerKind.TEAM, m.team_id)].append(m)
        elif m.position == Position.REGIONAL_MANAGER:
            out[(OwnerKind.REGION, m.region_id)].append(m)
        else:
            out[(OwnerKind.COMPANY, 0)].append(m)
    return out


def milestones_notify(*, as_of: date | None = None) -> int:
    """Tell each owner (or their managers) when a target passes 50, 90 or 100 %. Returns messages sent.

    Only the highest milestone passed is announced, once per (owner, metric, period, milestone),
    and only for the periods running on `as_of` (default today): never a backlog of past months.
    """
    # The current month, quarter and year only (of `as_of`, else today): a first run (or one after
    # a pause) announces no milestone of a past period, however many rows the engine holds.
    day = as_of or timezone.localdate()
    month = Period.month_of(day)
    current = [str(month), str(month.parent), str(Period(month.year))]
    rows = Achievement.objects.filter(rate__gte=MILESTONES[-1], target__isnull=False, period__in=current).exclude(
        metric__in=BUDGET_METRICS
    )
    if as_of is not None:
        rows = rows.filter(as_of=as_of)
    rows = list(rows.select_related("person", "team", "region"))
    if not rows:
        return 0
    managers = _recipients_by_owner(rows)
    drafts: list[Draft] = []
    by_region: dict[int | None, list[str]] = defaultdict(list)
    url = reverse("dashboard:index")
    for a in rows:
        passed = next(m for m in MILESTONES if a.rate >= m)
        key = f"milestone:{a.owner_kind}:{a.owner_key}:{a.metric}:{a.period}:{int(passed * 100)}"
        people = (
            [a.person] if a.owner_kind == OwnerKind.REP and a.person else managers.get((a.owner_kind, a.owner_key), [])
        )
        for person in people:
            with translation.override(language_of(person)):
                title = _("%(owner)s passed %(milestone)s of the %(metric)s target for %(period)s") % {
                    "owner": a.owner_label,
                    "milestone": f"{int(passed * 100)}%",
                    "metric": Metric(a.metric).label,
                    "period": a.period,
                }
                body = _("Actual %(actual)s of target %(target)s: %(rate)s (time progress %(progress)s).") % {
                    "actual": _amount(a.metric, a.actual),
                    "target": _amount(a.metric, a.target),
                    "rate": _percent(a.rate),
                    "progress": _percent(a.time_progress),
                }
            drafts.append(
                Draft(
                    recipient_id=person.pk,
                    kind=NotificationKind.MILESTONE,
                    title=str(title),
                    body=str(body),
                    dedupe_key=key,
                    url=url,
                    email=person.email,
                )
            )
    created = notify(drafts=drafts)
    created_keys = {n.dedupe_key for n in created}
    if created_keys:
        for a in rows:
            passed = next(m for m in MILESTONES if a.rate >= m)
            key = f"milestone:{a.owner_kind}:{a.owner_key}:{a.metric}:{a.period}:{int(passed * 100)}"
            if key in created_keys:
                by_region[a.region_id].append(
                    f"{a.owner_label} · {Metric(a.metric).label} · {a.period}: {_percent(a.rate)}"
                )
        notify_channels(event="milestone", title=_("Target milestones"), lines_by_region=by_region)
    return len(created)


def _own_row_key(person: Person) -> tuple[str, int] | None:
    if person.position == Position.REP:
        return OwnerKind.REP, person.pk
    if person.position == Position.TEAM_MANAGER and person.team_id:
        return OwnerKind.TEAM, person.team_id
    if person.position == Position.REGIONAL_MANAGER and person.region_id:
        return OwnerKind.REGION, person.region_id
    if person.position == Position.DIRECTOR:
        return OwnerKind.COMPANY, 0
    return None


def weekly_digest_send(*, today: date) -> int:
    """Each rep and manager gets their month, quarter and year progress (in-app and e-mail).

    Three queries whatever the size: the people, their achievement rows, the keys already sent.
    """
    month = Period.month_of(today)
    periods = [str(month), str(month.parent), str(Period(month.year))]
    people = list(Person.objects.exclude(status=PersonStatus.LEFT).filter(user__isnull=False))
    rows: dict[tuple[str, int], list[Achievement]] = defaultdict(list)
    for a in Achievement.objects.filter(period__in=periods, target__isnull=False).order_by("metric", "period"):
        rows[(a.owner_kind, a.owner_key)].append(a)
    year, week, _day = today.isocalendar()
    key = f"digest:{year}-W{week:02d}"
    url = reverse("home")
    drafts = []
    for person in people:
        own = _own_row_key(person)
        mine = rows.get(own, []) if own else []
        if not mine:
            continue
        with translation.override(language_of(person)):
            title = _("Your progress, week %(week)s") % {"week": f"{year}-W{week:02d}"}
            lines = [
                _("%(metric)s %(period)s: %(actual)s / %(target)s = %(rate)s, time progress %(progress)s%(behind)s")
                % {
                    "metric": Metric(a.metric).label,
                    "period": a.period,
                    "actual": _amount(a.metric, a.actual),
                    "target": _amount(a.metric, a.target),
                    "rate": _percent(a.rate),
                    "progress": _percent(a.time_progress),
                    "behind": " · " + _("behind pace") if a.is_behind else "",
                }
                for a in mine
            ]
        drafts.append(
            Draft(
                recipient_id=person.pk,
                kind=NotificationKind.DIGEST,
                title=str(title),
                body="\n".join(str(line) for line in lines),
                dedupe_key=key,
                url=url,
                email=person.email,
            )
        )
    created = notify(drafts=drafts)
    if created:
        by_region: dict[int | None, list[str]] = defaultdict(list)
        for (kind, _owner_key), achievements in rows.items():
            if kind not in (OwnerKind.REGION, OwnerKind.COMPANY):
                continue
            for a in achievements:
                if a.metric == Metric.SALES_AMOUNT:
                    by_region[a.region_id].append(
                        f"{a.owner_label} · {a.period}: {_percent(a.rate)} / {_percent(a.time_progress)}"
                    )
        notify_channels(event="digest", title=_("Weekly progress"), lines_by_region=by_region)
    return len(created)
