"""The morning digest: what each manager reads at the start of the day (issue 21).

For each manager's unit (a team manager's team, a regional manager's region, the director's
company): yesterday's confirmed orders (count and credited amount), collections and visits; the
reps behind pace this month, by name (an expense overspend is a budget row and is not "behind");
orders waiting for approval; overdue instalments; customers nobody has contacted (the follow-up
discipline's flags, which apply the one idle-customer rule). Each manager gets it in-app (and by
e-mail when they have an address) in their own language; each region's group robot (and the
company-wide ones, for the director's digest) gets its unit's digest in the site's language.

A fixed number of queries whatever the size: each figure is read once for all units and summed
per unit in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from customers.models import FollowUpFlag
from fieldwork.models import Visit
from notifications.models import NotificationKind
from notifications.services import Draft, channel_send, channels_for, language_of, notify
from sales.models import CreditShare, Instalment, InstalmentStatus, Order, OrderStatus, Payment
from salesorg.formatting import money
from salesorg.periods import Period
from staff.models import Person, PersonStatus, Position
from targets.models import BUDGET_METRICS, Achievement, Metric, OwnerKind

# A unit: ("team", id), ("region", id) or ("company", 0).
Unit = tuple[str, int]
COMPANY: Unit = ("company", 0)


@dataclass
class UnitFigures:
    """The digest's figures for one unit (codes and numbers; words come at rendering)."""

    orders: set[int] = field(default_factory=set)
    order_amount: Decimal = Decimal("0.00")
    collected: Decimal = Decimal("0.00")
    visits: int = 0
    # Person name -> metric codes behind pace.
    behind: dict[str, list[str]] = field(default_factory=dict)
    pending_orders: set[int] = field(default_factory=set)
    overdue: dict[int, Decimal] = field(default_factory=dict)
    idle_customers: int = 0


def _units(team_id: int | None, region_id: int | None) -> list[Unit]:
    """The units a row recorded on (team, region) counts in: its team, its region, the company."""
    units = [COMPANY]
    if team_id:
        units.append(("team", team_id))
    if region_id:
        units.append(("region", region_id))
    return units


def morning_figures(*, today: date) -> dict[Unit, UnitFigures]:
    """Every unit's figures for the digest of `today` (yesterday's numbers, this month's pace)."""
    yesterday = today - timedelta(days=1)
    figures: dict[Unit, UnitFigures] = defaultdict(UnitFigures)

    # Yesterday's confirmed orders: the credited amount recorded on each unit's shares.
    for order_id, team_id, region_id, amount in CreditShare.objects.filter(
        order__date=yesterday, order__status=OrderStatus.CONFIRMED
    ).values_list("order_id", "team_id", "region_id", "amount"):
        for unit in _units(team_id, region_id):
            figures[unit].orders.add(order_id)
            figures[unit].order_amount += amount

    # Order -> the units its shares are recorded on (for payments, approvals and instalments).
    pending = set(Order.objects.filter(status=OrderStatus.PENDING).values_list("pk", flat=True))
    payments = list(Payment.objects.filter(date=yesterday).values_list("order_id", "amount"))
    overdue = list(
        Instalment.objects.filter(status=InstalmentStatus.OVERDUE, paid_amount__lt=F("amount")).values_list(
            "pk", "order_id", "amount", "paid_amount"
        )
    )
    wanted = pending | {order_id for order_id, _amount in payments} | {row[1] for row in overdue}
    units_of: dict[int, set[Unit]] = defaultdict(set)
    for order_id, team_id, region_id in CreditShare.objects.filter(order_id__in=wanted).values_list(
        "order_id", "team_id", "region_id"
    ):
        units_of[order_id].update(_units(team_id, region_id))
    for order_id in pending:
        for unit in units_of[order_id]:
            figures[unit].pending_orders.add(order_id)
    # A payment counts in full for every unit the order is credited to (as the unit sees the order).
    for order_id, amount in payments:
        for unit in units_of[order_id]:
            figures[unit].collected += amount
    for pk, order_id, amount, paid in overdue:
        for unit in units_of[order_id]:
            figures[unit].overdue[pk] = amount - paid

    for team_id, region_id in Visit.objects.filter(date=yesterday).values_list("team_id", "region_id"):
        for unit in _units(team_id, region_id):
            figures[unit].visits += 1

    # Behind pace this month: reps' target rows below time progress; budgets (expenses) left out.
    month = str(Period.month_of(today))
    for name, team_id, region_id, metric in (
        Achievement.objects.filter(
            owner_kind=OwnerKind.REP, period=month, is_behind=True, target__isnull=False, person__isnull=False
        )
        .exclude(metric__in=BUDGET_METRICS)
        .order_by("person__name", "metric")
        .values_list("person__name", "team_id", "region_id", "metric")
    ):
        for unit in _units(team_id, region_id):
            figures[unit].behind.setdefault(name, []).append(metric)

    for team_id, region_id in FollowUpFlag.objects.values_list("team_id", "region_id"):
        for unit in _units(team_id, region_id):
            figures[unit].idle_customers += 1
    return figures


def unit_of(person: Person) -> Unit | None:
    """The unit a manager reads the digest of (None for a rep)."""
    if person.position == Position.TEAM_MANAGER and person.team_id:
        return ("team", person.team_id)
    if person.position == Position.REGIONAL_MANAGER and person.region_id:
        return ("region", person.region_id)
    if person.position == Position.DIRECTOR:
        return COMPANY
    return None


def render_digest(*, unit_name: str, today: date, figures: UnitFigures) -> tuple[str, list[str]]:
    """The title and lines of a unit's digest, in the active language."""
    yesterday = today - timedelta(days=1)
    title = _("Morning digest for %(unit)s, %(date)s") % {"unit": unit_name, "date": today.isoformat()}
    if figures.behind:
        behind = _("; ").join(
            _("%(name)s (%(metrics)s)") % {"name": name, "metrics": _(", ").join(str(Metric(m).label) for m in metrics)}
            for name, metrics in figures.behind.items()
        )
    else:
        behind = _("nobody")
    lines = [
        _("Yesterday (%(date)s): %(orders)s orders worth %(amount)s, %(collected)s collected, %(visits)s visits.")
        % {
            "date": yesterday.isoformat(),
            "orders": len(figures.orders),
            "amount": money(figures.order_amount),
            "collected": money(figures.collected),
            "visits": figures.visits,
        },
        _("Behind pace this month: %(people)s.") % {"people": behind},
        _("Orders waiting for approval: %(count)s.") % {"count": len(figures.pending_orders)},
        _("Overdue instalments: %(count)s, %(amount)s outstanding.")
        % {"count": len(figures.overdue), "amount": money(sum(figures.overdue.values(), Decimal("0.00")))},
        _("Customers nobody has contacted: %(count)s.") % {"count": figures.idle_customers},
    ]
    return str(title), [str(line) for line in lines]


def _unit_names(people: list[Person]) -> dict[Unit, str]:
    names: dict[Unit, str] = {}
    for p in people:
        if p.team_id:
            names[("team", p.team_id)] = p.team.name
        if p.region_id:
            names[("region", p.region_id)] = p.region.name
    return names


def morning_digest_send(*, today: date) -> int:
    """Send each manager their unit's morning digest (once a day) and each unit's robot its digest.

    Returns the number of managers' digests written.
    """
    figures = morning_figures(today=today)
    managers = list(
        Person.objects.exclude(status=PersonStatus.LEFT)
        .filter(position__in=[Position.TEAM_MANAGER, Position.REGIONAL_MANAGER, Position.DIRECTOR])
        .select_related("team", "region")
    )
    names = _unit_names(managers)
    url = reverse("dashboard:index")
    key = f"morning_digest:{today.isoformat()}"
    drafts = []
    for person in managers:
        unit = unit_of(person)
        if unit is None:
            continue
        with translation.override(language_of(person)):
            unit_name = names.get(unit) or _("the company")
            title, lines = render_digest(unit_name=unit_name, today=today, figures=figures[unit])
        drafts.append(
            Draft(
                recipient_id=person.pk,
                kind=NotificationKind.MORNING_DIGEST,
                title=title,
                body="\n".join(lines),
                dedupe_key=key,
                url=url,
                email=person.email,
            )
        )
    created = notify(drafts=drafts)
    if created:
        # The robots: a region's robot its region's digest, a company-wide robot the company's; in
        # the site's language (a group has no one reader). Only on the day's first run.
        with translation.override(settings.LANGUAGE_CODE):
            for channel in channels_for(event="digest"):
                unit = ("region", channel.region_id) if channel.region_id else COMPANY
                unit_name = (channel.region.name if channel.region_id else "") or _("the company")
                title, lines = render_digest(unit_name=unit_name, today=today, figures=figures[unit])
                channel_send(channel=channel, title=title, text="\n".join(lines))
    return len(created)
