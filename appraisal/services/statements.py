"""Commission statements built from a plan version: plan versions, a rep's statement per period
with a line per order or payment (their credit-share part) and the clawbacks of paid lines whose
order was cancelled, issue, the rep's acknowledgement, disputes of a line and their resolution,
and the estimator. The arithmetic is `appraisal.domain.commission_earned`, for statements and
estimates alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from appraisal import domain
from appraisal.models import (
    PAID_STATUSES,
    CommissionDispute,
    CommissionPlan,
    CommissionPlanVersion,
    CommissionStatement,
    CommissionStatementLine,
    CommissionTier,
    DisputeStatus,
    LineKind,
    StatementStatus,
    TierMode,
)
from appraisal.services.common import Who
from appraisal.services.schemes import check_bands
from salesorg.exceptions import ApplicationError
from salesorg.money import split_by_shares
from salesorg.periods import Period
from staff import authority
from staff.models import Person
from targets.models import Metric

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# The plan metrics a statement can be built on, and where the credited basis comes from.
BASIS_METRICS = (Metric.SALES_AMOUNT, Metric.GROSS_MARGIN, Metric.COLLECTION)


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, fields={field: [message]})


def _parse_period(period: str) -> Period:
    try:
        return Period.parse(period)
    except ValueError as exc:
        raise _invalid("period", _("Write the period as 2026, 2026-Q1 or 2026-03.")) from exc


def version_tiers(version: CommissionPlanVersion) -> list[domain.Tier]:
    return [(t.lower_percent, t.upper_percent, t.rate_percent) for t in version.tiers.all()]


@transaction.atomic
def commission_plan_version_create(
    *,
    plan: CommissionPlan,
    effective_from: date,
    mode: str,
    tiers: Sequence[tuple[Decimal, Decimal | None, Decimal]],
    by: Who,
    cap: Decimal | None = None,
    floor: Decimal | None = None,
    note: str = "",
) -> CommissionPlanVersion:
    """A new version of a plan from a date on (one per date): tiers from 0 % upward without gap
    or overlap, excess-only or whole-amount, an optional cap and floor. Plans are the company's:
    a director or an admin (rule units.manage on the company)."""
    actor = authority.require(by, "units.manage")
    if plan.metric not in BASIS_METRICS:
        raise _invalid("plan", _("A plan version needs a plan on booked sales, gross margin or collected amount."))
    if mode not in TierMode.values:
        raise _invalid("mode", _("Choose excess only or whole amount."))
    check_bands([(lower, upper) for lower, upper, _rate in tiers], field_name="tiers")
    if any(rate < 0 for _l, _u, rate in tiers):
        raise _invalid("tiers", _("A commission rate cannot be negative."))
    if cap is not None and cap < 0:
        raise _invalid("cap", _("The cap cannot be negative."))
    if floor is not None and floor < 0:
        raise _invalid("floor", _("The floor cannot be negative."))
    if cap is not None and floor is not None and floor > cap:
        raise _invalid("floor", _("The floor cannot be above the cap."))
    if plan.versions.filter(effective_from=effective_from).exists():
        raise _invalid("effective_from", _("The plan already has a version from this date."))
    version = CommissionPlanVersion(
        plan=plan, effective_from=effective_from, mode=mode, cap=cap, floor=floor, note=note, created_by=actor.person
    )
    version._history_user = actor.history_user()
    version.save()
    CommissionTier.objects.bulk_create(
        CommissionTier(plan=plan, version=version, lower_percent=lo, upper_percent=up, rate_percent=rate)
        for lo, up, rate in tiers
    )
    return version


def version_in_force(*, plan: CommissionPlan, day: date) -> CommissionPlanVersion | None:
    """The version of the plan in force on a day: the latest effective on or before it."""
    return plan.versions.filter(effective_from__lte=day).prefetch_related("tiers").order_by("-effective_from").first()


def rep_target(*, person_id: int, metric: str, period: str) -> Decimal | None:
    """The rep's approved target of the metric and period (None when there is none)."""
    from targets.models import OwnerKind, Target, TargetStatus

    return (
        Target.objects.filter(
            owner_kind=OwnerKind.REP, person_id=person_id, metric=metric, period=period, status=TargetStatus.APPROVED
        )
        .order_by("-id")
        .values_list("value", flat=True)
        .first()
    )


@dataclass(frozen=True)
class BasisItem:
    """One order or payment credited (in part) to the rep: what a commission line is on."""

    day: date
    order_id: int
    order_number: str
    payment_id: int | None
    amount: Decimal


def basis_items(*, person_id: int, metric: str, start: date, end: date) -> list[BasisItem]:
    """The rep's credited basis from `start` to `end`, in date order, from the credit-share splits
    (DESIGN glossary): booked sales and gross margin are the rep's share of each confirmed order
    dated in the period (the stored split), collected amount is the rep's part of each payment
    dated in the period on a confirmed order, split between all the order's shares. Two queries."""
    from sales.models import CreditShare, OrderStatus, Payment

    if metric in (Metric.SALES_AMOUNT, Metric.GROSS_MARGIN):
        field = "amount" if metric == Metric.SALES_AMOUNT else "margin"
        rows = (
            CreditShare.objects.filter(
                rep_id=person_id, order__status=OrderStatus.CONFIRMED, order__date__gte=start, order__date__lte=end
            )
            .order_by("order__date", "order_id")
            .values_list("order__date", "order_id", "order__number", field)
        )
        return [BasisItem(day, oid, number, None, amount) for day, oid, number, amount in rows]
    payments = list(
        Payment.objects.counted()
        .filter(
            order__shares__rep_id=person_id,
            order__status=OrderStatus.CONFIRMED,
            date__gte=start,
            date__lte=end,
        )
        .order_by("date", "id")
        .values_list("date", "order_id", "order__number", "id", "amount")
    )
    shares: dict[int, list[tuple[int, Decimal]]] = {}
    for order_id, rep_id, percent in (
        CreditShare.objects.filter(order_id__in={p[1] for p in payments})
        .order_by("order_id", "id")
        .values_list("order_id", "rep_id", "percent")
    ):
        shares.setdefault(order_id, []).append((rep_id, percent))
    items = []
    for day, order_id, number, payment_id, amount in payments:
        order_shares = shares[order_id]
        parts = split_by_shares(amount, [percent for _rep, percent in order_shares])
        mine = sum((part for (rep, _p), part in zip(order_shares, parts, strict=True) if rep == person_id), Decimal(0))
        items.append(BasisItem(day, order_id, number, payment_id, mine))
    return items


def _clawback_lines(*, plan: CommissionPlan, person_id: int, statement: CommissionStatement) -> list:
    """The rep's paid commission lines of this plan whose order has been cancelled since and that
    no other statement has clawed back yet. One query."""
    from django.db.models import Exists, OuterRef

    from sales.models import OrderStatus

    taken = CommissionStatementLine.objects.filter(clawback_of=OuterRef("pk")).exclude(statement_id=statement.pk)
    return list(
        CommissionStatementLine.objects.filter(
            statement__plan=plan,
            statement__person_id=person_id,
            statement__status__in=PAID_STATUSES,
            kind=LineKind.COMMISSION,
            order__status=OrderStatus.CANCELLED,
        )
        .exclude(statement_id=statement.pk)
        .exclude(Exists(taken))
        .select_related("order", "statement")
        .order_by("date", "pk")
    )


@transaction.atomic
def commission_statement_build(*, plan: CommissionPlan, person: Person, period: str, by: Who) -> CommissionStatement:
    """(Re)build the draft statement of one rep, plan and period from the plan version in force on
    the period's first day: a commission line per order or payment credited to the rep (what each
    adds, `domain.commission_by_line`), a clawback line (negative, with the reason) for each paid
    line of an earlier statement whose order was cancelled since, and a top-up line when the floor
    lifts the commission earned. Rule commission.manage (a manager of the rep's unit). An issued
    statement is not rebuilt. History on the statement and every line."""
    parsed = _parse_period(period)
    unit = CommissionStatement(plan=plan, person=person, team_id=person.team_id, region_id=person.region_id)
    actor = authority.require(by, "commission.manage", unit)
    if person.position != plan.position:
        raise _invalid("person", _("This plan is for another position."))
    version = version_in_force(plan=plan, day=parsed.start)
    if version is None:
        raise _invalid("period", _("No version of this plan is in force on %(day)s.") % {"day": parsed.start})
    statement = (
        CommissionStatement.objects.select_for_update().filter(plan=plan, person=person, period=str(parsed)).first()
    )
    if statement is not None and statement.status != StatementStatus.DRAFT:
        raise _invalid("status", _("This statement has been issued; it is not rebuilt."))
    statement = statement or CommissionStatement(plan=plan, person=person, period=str(parsed))
    tiers = version_tiers(version)
    target = rep_target(person_id=person.pk, metric=plan.metric, period=str(parsed))
    items = basis_items(person_id=person.pk, metric=plan.metric, start=parsed.start, end=parsed.end)
    basis = sum((item.amount for item in items), Decimal(0))
    parts = domain.commission_by_line([i.amount for i in items], target, tiers, version.mode, version.cap)
    earned = domain.commission_earned(basis, target, tiers, version.mode, version.cap, version.floor)
    lines = [
        CommissionStatementLine(
            kind=LineKind.COMMISSION,
            order_id=item.order_id,
            payment_id=item.payment_id,
            date=item.day,
            description=(_("Payment on order %(number)s") if item.payment_id else _("Order %(number)s"))
            % {"number": item.order_number},
            basis_amount=item.amount,
            amount=part,
        )
        for item, part in zip(items, parts, strict=True)
    ]
    if earned > sum(parts, Decimal(0)):
        lines.append(
            CommissionStatementLine(
                kind=LineKind.ADJUSTMENT,
                date=parsed.end,
                description=_("Minimum commission (the plan's floor)"),
                amount=earned - sum(parts, Decimal(0)),
            )
        )
    for paid in _clawback_lines(plan=plan, person_id=person.pk, statement=statement):
        reason = _("Order %(number)s was cancelled after its commission was paid (%(period)s).") % {
            "number": paid.order.number,
            "period": paid.statement.period,
        }
        if paid.order.cancel_reason:
            reason = f"{reason} {paid.order.cancel_reason}"
        lines.append(
            CommissionStatementLine(
                kind=LineKind.CLAWBACK,
                order_id=paid.order_id,
                payment_id=paid.payment_id,
                date=parsed.start,
                description=_("Clawback: %(line)s") % {"line": paid.description},
                basis_amount=-paid.basis_amount,
                amount=-paid.amount,
                clawback_of=paid,
                reason=reason,
            )
        )
    statement.team_id, statement.region_id, statement.version = person.team_id, person.region_id, version
    statement.actual, statement.target = basis, target
    statement.achievement_rate = (basis / target).quantize(Decimal("0.0001")) if target else None
    statement.amount = sum((line.amount for line in lines), Decimal(0))
    statement.computed_at, statement.computed_by = timezone.now(), actor.person
    statement._history_user = actor.history_user()
    statement._change_reason = "built"
    statement.save()
    statement.lines.all().delete()
    for line in lines:
        line.statement = statement
    bulk_create_with_history(
        lines, CommissionStatementLine, default_user=actor.history_user(), default_change_reason="built"
    )
    return statement


def _save(statement: Any, actor: authority.Actor, reason: str, fields: list[str]) -> None:
    statement._history_user = actor.history_user()
    statement._change_reason = reason
    statement.save(update_fields=fields)


@transaction.atomic
def commission_statement_issue(*, statement: CommissionStatement, by: Who) -> CommissionStatement:
    """Issue a draft statement built from a plan version to its rep: a manager of its unit (rule
    commission.manage). From then on its lines count as paid (a cancellation claws them back)."""
    actor = authority.require(by, "commission.manage", statement)
    if statement.status != StatementStatus.DRAFT:
        raise _invalid("status", _("Only a draft statement is issued."))
    if statement.version_id is None:
        raise _invalid("status", _("Only a statement built from a plan version is issued to the rep."))
    statement.status, statement.issued_by, statement.issued_at = StatementStatus.ISSUED, actor.person, timezone.now()
    _save(statement, actor, "issued", ["status", "issued_by", "issued_at"])
    _notify(
        recipient=statement.person,
        title=gettext_noop("Your commission statement for %(period)s is ready"),
        params={"period": statement.period},
        key=f"commission:issued:{statement.pk}",
        statement=statement,
    )
    return statement


@transaction.atomic
def commission_statement_acknowledge(
    *, statement: CommissionStatement, by: Who, comment: str = ""
) -> CommissionStatement:
    """The rep acknowledges their issued statement, once, with an optional comment (rule
    commission.acknowledge: the rep themself). Not while a line's dispute is open."""
    actor = authority.require(by, "commission.acknowledge", statement)
    if statement.status != StatementStatus.ISSUED:
        raise _invalid("status", _("Only an issued statement is acknowledged, once."))
    if statement.disputes.filter(status=DisputeStatus.OPEN).exists():
        raise _invalid("status", _("A line of this statement is disputed: wait for the manager's resolution."))
    statement.status, statement.acknowledged_at = StatementStatus.ACKNOWLEDGED, timezone.now()
    statement.acknowledge_comment = (comment or "").strip()
    _save(statement, actor, "acknowledged", ["status", "acknowledged_at", "acknowledge_comment"])
    return statement


def _notify(
    *,
    recipient: Person | None,
    title: str,
    params: dict[str, Any],
    key: str,
    statement: CommissionStatement,
    body: str | Callable[[], str] = "",
) -> None:
    """A notice worded in the recipient's language (their choice, else the site's), whoever acts:
    `title` is the message id, its parameters may be lazy labels; a `body` that words itself is
    called in that language too."""
    from notifications.models import NotificationKind
    from notifications.services import Draft, language_of, notify

    if recipient is None:
        return
    with translation.override(language_of(recipient)):
        title = gettext(title) % {name: str(value) for name, value in params.items()}
        body = body() if callable(body) else body
    url = reverse("appraisal:statement-detail", args=[statement.pk])
    notify(
        drafts=[
            Draft(
                recipient_id=recipient.pk,
                kind=NotificationKind.COMMISSION,
                title=str(title),
                body=body,
                dedupe_key=key,
                url=url,
                email=recipient.email or "",
            )
        ]
    )


@transaction.atomic
def commission_line_dispute(*, line: CommissionStatementLine, by: Who, reason: str) -> CommissionDispute:
    """The rep disputes one line of their issued statement, with a reason; the dispute goes to the
    rep's manager (a notification). Rule commission.acknowledge (the rep themself); one open
    dispute per line."""
    statement = line.statement
    actor = authority.require(by, "commission.acknowledge", statement)
    if not (reason or "").strip():
        raise _invalid("reason", _("Say why the line is wrong."))
    if statement.status != StatementStatus.ISSUED:
        raise _invalid("line", _("Only a line of an issued statement, not yet acknowledged, is disputed."))
    if line.disputes.filter(status=DisputeStatus.OPEN).exists():
        raise _invalid("line", _("This line is already disputed."))
    dispute = CommissionDispute(statement=statement, line=line, raised_by=actor.person, reason=reason.strip())
    dispute._history_user = actor.history_user()
    dispute._change_reason = "disputed"
    dispute.save()
    manager = Person.objects.filter(pk=statement.person.manager_id).first()
    _notify(
        recipient=manager,
        title=gettext_noop("%(person)s disputes a line of their commission statement for %(period)s"),
        params={"person": statement.person.name, "period": statement.period},
        body=lambda: f"{line.label}: {dispute.reason}",
        key=f"commission:dispute:{dispute.pk}",
        statement=statement,
    )
    return dispute


def _parse_adjustment(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _invalid("adjustment", _("Enter the adjustment as an amount, e.g. 120.00 or -50.00.")) from exc
    if not amount.is_finite() or amount == 0 or abs(amount) >= Decimal("1e12"):
        raise _invalid("adjustment", _("An accepted dispute adjusts the statement by an amount other than 0."))
    return amount


@transaction.atomic
def commission_dispute_resolve(
    *, dispute: CommissionDispute, by: Who, accept: bool, resolution: str, adjustment: Any = None
) -> CommissionDispute:
    """The manager resolves an open dispute, with the reason: accepted with an adjustment (a line
    added to the statement, which changes its amount) or rejected. Rule commission.resolve (a
    manager of the statement's unit, a second person)."""
    actor = authority.require(by, "commission.resolve", dispute)
    if dispute.status != DisputeStatus.OPEN:
        raise _invalid("status", _("This dispute has been resolved."))
    if not (resolution or "").strip():
        raise _invalid("resolution", _("Say why the dispute is accepted or rejected."))
    statement = CommissionStatement.objects.select_for_update().get(pk=dispute.statement_id)
    if accept:
        amount = _parse_adjustment(adjustment)
        line = CommissionStatementLine(
            statement=statement,
            kind=LineKind.ADJUSTMENT,
            order_id=dispute.line.order_id,
            payment_id=dispute.line.payment_id,
            date=timezone.localdate(),
            description=_("Adjustment: %(line)s") % {"line": dispute.line.description},
            amount=amount,
            reason=resolution.strip(),
        )
        line._history_user = actor.history_user()
        line._change_reason = "dispute accepted"
        line.save()
        statement.amount += amount
        _save(statement, actor, "dispute accepted", ["amount"])
        dispute.adjustment, dispute.adjustment_line = amount, line
    dispute.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
    dispute.resolution, dispute.resolved_by, dispute.resolved_at = resolution.strip(), actor.person, timezone.now()
    dispute._history_user = actor.history_user()
    dispute._change_reason = "accepted" if accept else "rejected"
    dispute.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "adjustment", "adjustment_line"])
    _notify(
        recipient=statement.person,
        title=gettext_noop("Your dispute of a commission line was %(outcome)s"),
        params={"outcome": dispute.get_status_display()},
        body=dispute.resolution,
        key=f"commission:resolved:{dispute.pk}",
        statement=statement,
    )
    return dispute


@dataclass(frozen=True)
class Estimate:
    period: str
    target: Decimal | None
    basis_so_far: Decimal
    earned_so_far: Decimal
    adds: Decimal
    to_next_tier: Decimal | None
    next_tier_rate: Decimal | None


def commission_estimate(*, plan: CommissionPlan, person: Person, period: str, amount: Any) -> Estimate:
    """What an order of `amount` would add to the rep's commission of the period ("this order adds
    about X; N to the next tier"): the same `commission_earned` as the statement, on the rep's
    credited basis so far with and without the amount. Reads only."""
    parsed = _parse_period(period)
    try:
        value = Decimal(str(amount)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _invalid("amount", _("Enter the order's amount, e.g. 20000.00.")) from exc
    if not value.is_finite() or value <= 0 or value >= Decimal("1e12"):
        raise _invalid("amount", _("Enter the order's amount, e.g. 20000.00."))
    version = version_in_force(plan=plan, day=parsed.start)
    if version is None:
        raise _invalid("period", _("No version of this plan is in force on %(day)s.") % {"day": parsed.start})
    tiers = version_tiers(version)
    target = rep_target(person_id=person.pk, metric=plan.metric, period=str(parsed))
    items = basis_items(person_id=person.pk, metric=plan.metric, start=parsed.start, end=parsed.end)
    so_far = sum((item.amount for item in items), Decimal(0))
    earned = domain.commission_earned(so_far, target, tiers, version.mode, version.cap, version.floor)
    after = domain.commission_earned(so_far + value, target, tiers, version.mode, version.cap, version.floor)
    gap, rate = domain.next_tier_gap(so_far, target, tiers)
    return Estimate(str(parsed), target, so_far, earned, after - earned, gap, rate)
