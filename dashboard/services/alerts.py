"""What the dashboard sends on its own: target milestones, the weekly digest, follow-up discipline.

Each is one service run by a Celery task (dashboard/tasks.py). All are idempotent: every message
carries a key (what it is about), and a key already sent to a recipient is not sent again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dashboard.models import FlagStage, FollowUpFlag, FollowUpRule
from dashboard.templatetags.dashboard_format import grouped
from notifications.models import NotificationKind
from notifications.services import Draft, notify, notify_channels
from salesorg.periods import Period
from staff.models import Person, PersonStatus, Position
from targets.models import BUDGET_METRICS, COUNT_METRICS, Achievement, Metric, OwnerKind

MILESTONES = (Decimal("1.00"), Decimal("0.90"), Decimal("0.50"))


def _lang(person: Person) -> str:
    return person.language or settings.LANGUAGE_CODE


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

    Only the highest milestone passed is announced, once per (owner, metric, period, milestone).
    """
    rows = Achievement.objects.filter(rate__gte=MILESTONES[-1], target__isnull=False).exclude(metric__in=BUDGET_METRICS)
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
            with translation.override(_lang(person)):
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
        with translation.override(_lang(person)):
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


# --- follow-up discipline --------------------------------------------------------------------------


def follow_up_discipline_run(*, today: date) -> dict[str, int]:
    """Find customers not contacted for too long; remind the rep, copy the manager, flag them.

    Per classification (FollowUpRule): after `days` without a visit the owner is reminded; after
    `days + escalate_after` their manager is copied; after `days + flag_after` the customer is
    flagged on the dashboard. The flags are replaced by every run. Also reminds reps of the
    next-contact dates they set on their visits. A fixed number of queries.
    """
    from customers.models import Customer, CustomerStatus
    from fieldwork.models import Visit

    rules = {r.classification: r for r in FollowUpRule.objects.filter(is_active=True)}
    customers = (
        Customer.objects.filter(owner__isnull=False, classification__in=list(rules))
        .filter(status=CustomerStatus.ACTIVE)
        .annotate(last_visit=Max("visits__date"))
        .select_related("owner", "owner__manager")
    )
    flags: list[FollowUpFlag] = []
    drafts: list[Draft] = []
    for c in customers:
        rule = rules[c.classification]
        since = c.last_visit or c.owner_since or c.created_at.date()
        idle = (today - since).days
        if idle < rule.days:
            continue
        stage = FlagStage.REMINDED
        if idle >= rule.days + rule.flag_after:
            stage = FlagStage.FLAGGED
        elif idle >= rule.days + rule.escalate_after:
            stage = FlagStage.ESCALATED
        rep = c.owner
        flags.append(
            FollowUpFlag(
                customer=c,
                person=rep,
                team_id=c.team_id or rep.team_id,
                region_id=c.region_id or rep.region_id,
                stage=stage,
                last_contact=c.last_visit,
                days_without_contact=idle,
                found_on=today,
            )
        )
        cycle = since.isoformat()
        url = reverse("customers:customer-detail", args=[c.pk])
        with translation.override(_lang(rep)):
            drafts.append(
                Draft(
                    recipient_id=rep.pk,
                    kind=NotificationKind.FOLLOW_UP,
                    title=str(_("%(customer)s: no contact for %(days)s days") % {"customer": c.name, "days": idle}),
                    body=str(
                        _("Plan a visit or a call: the rule for this classification is %(days)s days.")
                        % {"days": rule.days}
                    ),
                    dedupe_key=f"follow_up:{c.pk}:{cycle}:1",
                    url=url,
                    email=rep.email,
                )
            )
        if stage >= FlagStage.ESCALATED and rep.manager is not None:
            manager = rep.manager
            with translation.override(_lang(manager)):
                drafts.append(
                    Draft(
                        recipient_id=manager.pk,
                        kind=NotificationKind.FOLLOW_UP,
                        title=str(
                            _("%(rep)s has not contacted %(customer)s for %(days)s days")
                            % {"rep": rep.name, "customer": c.name, "days": idle}
                        ),
                        body=str(_("Copied to you as the rep's manager.")),
                        dedupe_key=f"follow_up:{c.pk}:{cycle}:2",
                        url=url,
                        email=manager.email,
                    )
                )
    # Next-contact dates set on visits: due today or in the last week, with no visit since.
    later = Visit.objects.filter(customer=OuterRef("customer"), date__gt=OuterRef("date"))
    due = (
        Visit.objects.filter(next_step_date__lte=today, next_step_date__gte=today - timedelta(days=7))
        .exclude(Exists(later))
        .select_related("customer", "author")
    )
    for v in due:
        with translation.override(_lang(v.author)):
            drafts.append(
                Draft(
                    recipient_id=v.author_id,
                    kind=NotificationKind.NEXT_CONTACT,
                    title=str(
                        _("Next contact with %(customer)s is due (%(date)s)")
                        % {"customer": v.customer.name, "date": v.next_step_date.isoformat()}
                    ),
                    body=v.next_step,
                    dedupe_key=f"next_contact:{v.pk}",
                    url=reverse("fieldwork:visit-create") + f"?customer={v.customer_id}",
                    email=v.author.email,
                )
            )
    with transaction.atomic():
        FollowUpFlag.objects.all().delete()
        FollowUpFlag.objects.bulk_create(flags)
    created = notify(drafts=drafts)
    flagged = [f for f in flags if f.stage == FlagStage.FLAGGED]
    new_flag_keys = {n.dedupe_key for n in created if n.dedupe_key.endswith(":2")}
    if flagged and new_flag_keys:
        by_region: dict[int | None, list[str]] = defaultdict(list)
        for f in flagged:
            by_region[f.region_id].append(f"{f.customer.name} · {f.person.name} · {f.days_without_contact}")
        notify_channels(event="follow_up", title=_("Customers not contacted"), lines_by_region=by_region)
    return {
        "reminded": sum(1 for f in flags if f.stage == FlagStage.REMINDED),
        "escalated": sum(1 for f in flags if f.stage == FlagStage.ESCALATED),
        "flagged": len(flagged),
        "sent": len(created),
    }
