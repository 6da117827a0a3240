"""Commission and bonus plans: tiers of achievement, statements per person and period, payroll export."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from appraisal.models import CommissionPlan, CommissionStatement, CommissionTier, StatementStatus
from appraisal.services.common import Who
from appraisal.services.schemes import check_bands
from salesorg.exceptions import ApplicationError
from salesorg.exports import Cell, Column, Kind, Table, xlsx_file
from salesorg.periods import Period
from staff import authority
from staff.models import Region, Team
from targets.models import COUNT_METRICS

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@transaction.atomic
def commission_plan_create(
    *,
    name: str,
    metric: str,
    position: str,
    tiers: Sequence[tuple[Decimal, Decimal | None, Decimal]],
    by: Who,
) -> CommissionPlan:
    """A plan with tiers (from %, to % or None, rate %) covering 0 % upward without gap or overlap.
    Plans are the company's: a director or an admin (rule units.manage on the company)."""
    actor = authority.require(by, "units.manage")
    if not name or not name.strip():
        raise ApplicationError(_("This field is required."), fields={"name": [_("This field is required.")]})
    check_bands([(lower, upper) for lower, upper, _rate in tiers], field_name="tiers")
    if any(rate < 0 for _l, _u, rate in tiers):
        message = _("A commission rate cannot be negative.")
        raise ApplicationError(message, fields={"tiers": [message]})
    plan = CommissionPlan(name=name.strip(), metric=metric, position=position)
    plan._history_user = actor.history_user()
    plan.save()
    CommissionTier.objects.bulk_create(
        CommissionTier(plan=plan, lower_percent=lo, upper_percent=up, rate_percent=rate) for lo, up, rate in tiers
    )
    return plan


def commission_amount(*, actual: Decimal, target: Decimal | None, tiers: Sequence[CommissionTier]) -> Decimal:
    """Each slice of the actual between a tier's bounds (as % of target) earns that tier's rate:
    with 0-80 % at 1 %, 80-100 % at 2 % and 100 %+ at 4 %, 120 of a 100 target earns
    80 x 1 % + 20 x 2 % + 20 x 4 % = 0.80 + 0.40 + 0.80 = 2.00. No target: no commission."""
    if not target or target <= 0 or actual <= 0:
        return Decimal(0).quantize(CENT)
    total = Decimal(0)
    for tier in sorted(tiers, key=lambda t: t.lower_percent):
        low = target * tier.lower_percent / HUNDRED
        high = actual if tier.upper_percent is None else min(actual, target * tier.upper_percent / HUNDRED)
        if high > low:
            total += (high - low) * tier.rate_percent / HUNDRED
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def _unit_people_filter(actor: authority.Actor, team: Team | None, region: Region | None) -> dict[str, Any]:
    """The engine rows of the people the actor manages in the unit: below the actor's rank (an
    admin: everyone), never the actor."""
    lookups: dict[str, Any] = {}
    if team is not None:
        lookups["person__team_id"] = team.pk
    elif region is not None:
        lookups["person__region_id"] = region.pk
    if not actor.is_admin:
        lookups["person__position__in"] = [p for p, rank in authority.RANK.items() if rank < actor.rank]
    return lookups


@transaction.atomic
def commission_statements_compute(
    *, plan: CommissionPlan, period: str, by: Who, team: Team | None = None, region: Region | None = None
) -> int:
    """(Re)compute the draft statements of a plan for a period from the engine's rep rows, for the
    people the actor manages in one unit (a team, a region; neither: the company), rule
    units.manage. Approved and exported statements, and other units', stay as they are. Returns
    the number of draft statements written. A fixed number of queries, with history."""
    from targets.models import Achievement, OwnerKind

    if team is not None:
        region = None
    actor = authority.require(
        by,
        "units.manage",
        team_id=team.pk if team else None,
        region_id=team.region_id if team else (region.pk if region else None),
    )
    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        message = _("Write the period as 2026, 2026-Q1 or 2026-03.")
        raise ApplicationError(message, fields={"period": [message]}) from exc
    people = _unit_people_filter(actor, team, region)
    tiers = list(plan.tiers.all())
    existing = {
        s.person_id: s
        for s in CommissionStatement.objects.filter(plan=plan, period=str(parsed), **people).exclude(
            person_id=actor.person_id
        )
    }
    rows = (
        Achievement.objects.filter(
            owner_kind=OwnerKind.REP, period=str(parsed), metric=plan.metric, person__position=plan.position, **people
        )
        .exclude(person_id=actor.person_id)
        .values_list("person_id", "person__team_id", "person__region_id", "actual", "target", "rate")
    )
    now = timezone.now()
    new, changed, seen = [], [], set()
    for pid, team_id, region_id, actual, target, rate in rows:
        seen.add(pid)
        statement = existing.get(pid) or CommissionStatement(plan=plan, person_id=pid, period=str(parsed))
        if statement.pk is not None and statement.status != StatementStatus.DRAFT:
            continue
        statement.team_id, statement.region_id = team_id, region_id
        statement.actual, statement.target, statement.achievement_rate = actual, target, rate
        statement.amount = commission_amount(actual=actual, target=target, tiers=tiers)
        statement.computed_at, statement.computed_by = now, actor.person
        (changed if statement.pk is not None else new).append(statement)
    gone = [s.pk for pid, s in existing.items() if pid not in seen and s.status == StatementStatus.DRAFT]
    CommissionStatement.objects.filter(pk__in=gone).delete()
    history_user = actor.history_user()
    bulk_create_with_history(new, CommissionStatement, default_user=history_user, default_change_reason="computed")
    fields = ["team", "region", "actual", "target", "achievement_rate", "amount", "computed_at", "computed_by"]
    bulk_update_with_history(
        changed, CommissionStatement, fields, default_user=history_user, default_change_reason="recomputed"
    )
    return len(new) + len(changed)


@transaction.atomic
def commission_approve(*, statement: CommissionStatement, by: Who) -> CommissionStatement:
    """Approve a draft statement computed from the engine's results, or one built from a plan
    version once its rep has acknowledged it: a manager of its unit, a second person (rule
    commission.approve)."""
    actor = authority.require(by, "commission.approve", statement)
    ready = StatementStatus.ACKNOWLEDGED if statement.version_id else StatementStatus.DRAFT
    if statement.status != ready:
        message = _("Only a draft statement can be approved.")
        raise ApplicationError(message, fields={"status": [message]})
    statement.status = StatementStatus.APPROVED
    statement.approved_by = actor.person
    statement.approved_at = timezone.now()
    statement._history_user = actor.history_user()
    statement.save(update_fields=["status", "approved_by", "approved_at"])
    return statement


def payroll_table(statements: Sequence[CommissionStatement]) -> Table:
    """The payroll sheet: one row per statement; actual and target are money, or counts for a
    plan on a count metric (visits, new customers)."""
    columns = [
        Column(_("Employee number")),
        Column(pgettext("person", "Name")),
        Column(_("Team")),
        Column(_("Plan")),
        Column(_("Period")),
        Column(_("Actual"), Kind.MONEY),
        Column(_("Target"), Kind.MONEY),
        Column(_("Achievement rate"), Kind.RATIO),
        Column(_("Commission"), Kind.MONEY),
    ]
    rows = []
    for s in statements:
        kind = Kind.COUNT if s.plan.metric in COUNT_METRICS else Kind.MONEY
        team = s.team.name if s.team else None
        rows.append(
            [s.person.employee_no, s.person.name, team, s.plan.name, s.period]
            + [Cell(s.actual, kind), Cell(s.target, kind), s.achievement_rate, s.amount]
        )
    return Table(columns=columns, rows=rows, title="payroll")


@transaction.atomic
def commission_export_payroll(*, statements: QuerySet[CommissionStatement], by: Who) -> IO[bytes]:
    """The approved (and already exported) statements among `statements` as an Excel sheet for
    payroll: a director or an admin (rule payroll.export). The approved ones are marked exported,
    with history. Never called on a GET. Returns the workbook as a rewound temporary file, written
    inside the transaction (a sheet that cannot be written marks nothing); the caller streams and
    closes it (`salesorg.exports.xlsx_file_response`)."""
    actor = authority.require(by, "payroll.export")
    rows = list(
        statements.filter(status__in=[StatementStatus.APPROVED, StatementStatus.EXPORTED]).select_related(
            "person", "plan", "team"
        )
    )
    now = timezone.now()
    exported = [s for s in rows if s.status == StatementStatus.APPROVED]
    for s in exported:
        s.status, s.exported_at = StatementStatus.EXPORTED, now
    bulk_update_with_history(
        exported,
        CommissionStatement,
        ["status", "exported_at"],
        default_user=actor.history_user(),
        default_change_reason="exported to payroll",
    )
    return xlsx_file(payroll_table(rows))
