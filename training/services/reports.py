"""Work reports: the period of a report, its pre-filled numbers, submitting, comments, reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldwork.models import Visit, VisitKind
from sales.models import CreditShare, Order, OrderStatus
from sales.models.pipeline import OpportunityStageChange
from sales.selectors import credited_payments
from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority
from staff.models import Person, PersonStatus, Position
from staff.selectors import is_working_day
from targets.models import Achievement, OwnerKind
from training.models import ReportComment, ReportKind, WorkReport, WorkReportRule
from training.services.common import require_text

CENT = Decimal("0.01")


def report_period(kind: str, day: date) -> tuple[date, date]:
    """The day, the Monday-Sunday week, or the fiscal month that contains `day`."""
    if kind == ReportKind.DAILY:
        return day, day
    if kind == ReportKind.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if kind == ReportKind.MONTHLY:
        month = Period.month_of(day)
        return month.start, month.end
    raise ApplicationError(_("Unknown kind of report."), fields={"kind": [_("Unknown kind of report.")]})


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(CENT))


def work_report_numbers(*, person: Person, start: date, end: date) -> dict[str, Any]:
    """The period's own numbers for a rep, as recorded (money as strings): a fixed number of queries."""
    visits = Visit.objects.filter(author=person, date__range=(start, end)).aggregate(
        visits=Count("id"), joint_visits=Count("id", filter=Q(kind=VisitKind.JOINT))
    )
    shares = CreditShare.objects.filter(
        rep=person, order__status=OrderStatus.CONFIRMED, order__date__range=(start, end)
    ).aggregate(orders=Count("order", distinct=True), amount=Sum("amount"))
    # New customers: first confirmed order in the period, credited once to its primary share.
    earlier = Order.objects.filter(status=OrderStatus.CONFIRMED, date__lt=start).values("customer_id")
    new_customers = (
        CreditShare.objects.filter(
            rep=person, is_primary=True, order__status=OrderStatus.CONFIRMED, order__date__range=(start, end)
        )
        .exclude(order__customer_id__in=earlier)
        .values("order__customer_id")
        .distinct()
        .count()
    )
    # Each payment counts for the rep by their split of it (the credit-share rule).
    collected = credited_payments(shares=CreditShare.objects.filter(rep=person), start=start, end=end)
    moved = OpportunityStageChange.objects.filter(
        opportunity__owner=person, entered_at__date__range=(start, end)
    ).count()
    month = str(Period.month_of(end))
    achievements = [
        {
            "metric": row.metric,
            "period": row.period,
            "actual": _money(row.actual),
            "target": None if row.target is None else _money(row.target),
            "rate": None if row.rate is None else str(row.rate),
            "time_progress": str(row.time_progress),
            "is_behind": row.is_behind,
        }
        for row in Achievement.objects.filter(owner_kind=OwnerKind.REP, person=person, period=month).order_by("metric")
    ]
    return {
        "visits": visits["visits"],
        "joint_visits": visits["joint_visits"],
        "new_customers": new_customers,
        "orders": shares["orders"],
        "order_amount": _money(shares["amount"]),
        "collections": _money(collected.get(person.pk)),
        "opportunities_moved": moved,
        "achievements": achievements,
    }


def report_due_at(*, rule: WorkReportRule | None, period_end: date) -> datetime:
    due_day = period_end + timedelta(days=rule.due_days_after if rule else 0)
    due_time = rule.due_time if rule else datetime.max.time()
    return timezone.make_aware(datetime.combine(due_day, due_time))


@transaction.atomic
def work_report_submit(
    *,
    person: Person,
    kind: str,
    day: date,
    summary: str,
    problems: str = "",
    next_plan: str = "",
    now: datetime,
    by: Any = None,
) -> WorkReport:
    """Submit the report of the period containing `day`, with the period's numbers frozen in it.

    A report is written by its author only (`by`, a login or a person; the person by default)."""
    authority.require(person if by is None else by, "own", person_id=person.pk)
    start, end = report_period(kind, day)
    summary = require_text(summary, field="summary")
    if start > timezone.localdate(now):
        raise ApplicationError(_("This period has not begun."), fields={"day": [_("This period has not begun.")]})
    if WorkReport.objects.filter(person=person, kind=kind, period_start=start).exists():
        raise ApplicationError(
            _("The report for this period is already submitted."), fields={"day": [_("Already submitted.")]}
        )
    rule = WorkReportRule.objects.filter(team_id=person.team_id, kind=kind, is_active=True).first()
    return WorkReport.objects.create(
        person=person,
        team_id=person.team_id,
        region_id=person.region_id,
        kind=kind,
        period_start=start,
        period_end=end,
        numbers=work_report_numbers(person=person, start=start, end=end),
        summary=summary,
        problems=problems.strip(),
        next_plan=next_plan.strip(),
        is_late=now > report_due_at(rule=rule, period_end=end),
    )


@transaction.atomic
def report_comment_add(*, report: WorkReport, author: Person, text: str) -> ReportComment:
    """A manager's comment on a report: the author's manager line ("people.coach")."""
    authority.require(author, "people.coach", report.person)
    text = require_text(text, field="text")
    return ReportComment.objects.create(report=report, author=author, text=text)


def missing_reporters(*, kind: str, day: date, people=None, due_before: date | None = None):
    """Reps who owe the report of the period containing `day` (their team's rule asks for it) and have none.

    `people` narrows the check (e.g. `Person.objects.visible_to(user)`); with `due_before`, only
    teams whose rule made the report due before that day. One query.
    """
    start, end = report_period(kind, day)
    people = Person.objects.all() if people is None else people
    rule_filter = {}
    if due_before is not None:
        rule_filter["team__report_rules__due_days_after__lt"] = (due_before - end).days
    return (
        people.filter(
            position=Position.REP,
            team__report_rules__kind=kind,
            team__report_rules__is_active=True,
            hire_date__lte=end,
            **rule_filter,
        )
        .exclude(status=PersonStatus.LEFT)
        .exclude(pk__in=WorkReport.objects.filter(kind=kind, period_start=start).values("person_id"))
        .select_related("team", "manager")
        .order_by("team__code", "employee_no")
    )


def work_reports_remind_missing(*, kind: str, day: date, due_before: date | None = None) -> int:
    """E-mail every rep whose report for the period containing `day` is missing; returns how many."""
    start, end = report_period(kind, day)
    label = ReportKind(kind).label
    messages = [
        (
            _("Reminder: your %(report)s is missing") % {"report": label},
            _("Please submit your %(report)s for %(start)s – %(end)s.") % {"report": label, "start": start, "end": end},
            None,
            [person.email],
        )
        for person in missing_reporters(kind=kind, day=day, due_before=due_before)
        if person.email
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def work_reports_remind_overdue(*, today: date) -> dict[str, int]:
    """Remind the reps whose last daily, weekly or monthly report is past its team's due day.

    Run every morning: the previous period of each kind is checked, so a missing weekly report is
    reminded each day until it arrives.
    """
    sent = {}
    for kind in ReportKind.values:
        current_start, _ = report_period(kind, today)
        previous_day = current_start - timedelta(days=1)
        if kind == ReportKind.DAILY and not is_working_day(previous_day):
            sent[kind] = 0
            continue
        sent[kind] = work_reports_remind_missing(kind=kind, day=previous_day, due_before=today)
    return sent
