"""Commission and bonus plans: tiers of achievement, statements per person and period, payroll export."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import CommissionPlan, CommissionStatement, CommissionTier, StatementStatus
from appraisal.services.common import require_manager_of
from appraisal.services.schemes import check_bands
from salesorg.exceptions import ApplicationError
from salesorg.exports import safe_cell
from salesorg.periods import Period
from staff.models import Person

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@transaction.atomic
def commission_plan_create(
    *, name: str, metric: str, position: str, tiers: Sequence[tuple[Decimal, Decimal | None, Decimal]]
) -> CommissionPlan:
    """A plan with tiers (from %, to % or None, rate %) covering 0 % upward without gap or overlap."""
    if not name or not name.strip():
        raise ApplicationError(_("This field is required."), fields={"name": [_("This field is required.")]})
    check_bands([(lower, upper) for lower, upper, _rate in tiers], field_name="tiers")
    if any(rate < 0 for _l, _u, rate in tiers):
        message = _("A commission rate cannot be negative.")
        raise ApplicationError(message, fields={"tiers": [message]})
    plan = CommissionPlan.objects.create(name=name.strip(), metric=metric, position=position)
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


@transaction.atomic
def commission_statements_compute(*, plan: CommissionPlan, period: str) -> int:
    """(Re)compute the draft statements of a plan for a period from the engine's rep rows
    (approved and exported statements stay as they are). A fixed number of queries."""
    from targets.models import Achievement, OwnerKind

    try:
        parsed = Period.parse(period)
    except ValueError as exc:
        message = _("Write the period as 2026, 2026-Q1 or 2026-03.")
        raise ApplicationError(message, fields={"period": [message]}) from exc
    tiers = list(plan.tiers.all())
    kept = set(
        CommissionStatement.objects.filter(plan=plan, period=str(parsed))
        .exclude(status=StatementStatus.DRAFT)
        .values_list("person_id", flat=True)
    )
    CommissionStatement.objects.filter(plan=plan, period=str(parsed), status=StatementStatus.DRAFT).delete()
    rows = Achievement.objects.filter(
        owner_kind=OwnerKind.REP, period=str(parsed), metric=plan.metric, person__position=plan.position
    ).values_list("person_id", "person__team_id", "person__region_id", "actual", "target", "rate")
    now = timezone.now()
    statements = [
        CommissionStatement(
            plan=plan,
            person_id=pid,
            team_id=team_id,
            region_id=region_id,
            period=str(parsed),
            actual=actual,
            target=target,
            achievement_rate=rate,
            amount=commission_amount(actual=actual, target=target, tiers=tiers),
            computed_at=now,
        )
        for pid, team_id, region_id, actual, target, rate in rows
        if pid not in kept
    ]
    CommissionStatement.objects.bulk_create(statements)
    return len(statements)


def commission_approve(*, statement: CommissionStatement, by: Person) -> CommissionStatement:
    if statement.status != StatementStatus.DRAFT:
        message = _("Only a draft statement can be approved.")
        raise ApplicationError(message, fields={"status": [message]})
    require_manager_of(by, statement.person, field="status")
    statement.status = StatementStatus.APPROVED
    statement.approved_by = by
    statement.approved_at = timezone.now()
    statement.save(update_fields=["status", "approved_by", "approved_at"])
    return statement


def safe_row(values: list) -> list:
    return [safe_cell(v) for v in values]


@transaction.atomic
def commission_export_payroll(*, statements) -> bytes:
    """The approved statements as an Excel sheet for payroll; they are marked exported."""
    from openpyxl import Workbook

    rows = list(
        statements.filter(status__in=[StatementStatus.APPROVED, StatementStatus.EXPORTED]).select_related(
            "person", "plan", "team"
        )
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "payroll"
    sheet.append(
        [
            _("Employee number"),
            _("Name"),
            _("Team"),
            _("Plan"),
            _("Period"),
            _("Actual"),
            _("Target"),
            _("Achievement rate"),
            _("Commission"),
        ]
    )
    for s in rows:
        sheet.append(
            safe_row(
                [
                    s.person.employee_no,
                    s.person.name,
                    s.team.name if s.team else "",
                    s.plan.name,
                    s.period,
                    s.actual,
                    s.target,
                    s.achievement_rate,
                    s.amount,
                ]
            )
        )
    now = timezone.now()
    CommissionStatement.objects.filter(pk__in=[s.pk for s in rows], status=StatementStatus.APPROVED).update(
        status=StatementStatus.EXPORTED, exported_at=now
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
