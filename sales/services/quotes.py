"""Writes of quotations: made (from an opportunity or not), edited while a draft, submitted through
the approval matrix's discount rules, approved or rejected step by step, accepted or declined by
the customer, converted into an order.

Who may act (staff/authority.py):
- make, edit, submit, send, accept, decline a quote: the rules of an order before it counts: the
  customer's owner or a manager of its unit makes one (sales.create_record); its owner, the one who
  made it or a manager of its unit changes it (sales.edit_record);
- a step of its approval: sales.approve_step, as for an order's step: a manager of the quote's unit
  above the one who made it, holding the step's level, never its owner or maker;
- converting it makes the order through `order_create` (its own checks), passing the discount the
  quote had approved so that the order does not ask for it again.

The arithmetic: a line's unit price is its list price less the discount, rounded half up to the
cent; its amount is quantity x unit price, to the cent; the quote's total is the sum of the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from customers.models import Customer
from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from sales.domain import HUNDRED, ZERO, LineInput, ShareInput, to_decimal
from sales.models import (
    ApprovalLevel,
    Opportunity,
    Order,
    Product,
    Quotation,
    QuotationApprovalStep,
    QuotationLine,
    QuotationSequence,
    QuotationStatus,
    StepStatus,
    level_above,
)
from sales.services import approvals
from sales.services.access import require_visible_customer
from sales.services.orders import order_create
from salesorg.exceptions import ApplicationError
from salesorg.money import to_money
from staff import authority
from staff.attribution import units_on
from staff.models import Person

# How long a new quotation is valid when nobody says otherwise.
DEFAULT_VALID_DAYS = 30
EDITABLE = (QuotationStatus.DRAFT, QuotationStatus.REJECTED)
ACCEPTABLE = (QuotationStatus.APPROVED, QuotationStatus.SENT)


@dataclass
class QuoteLineInput:
    product: Product
    quantity: Decimal
    discount_percent: Decimal = ZERO


# --- numbers and lines ----------------------------------------------------------------------------


def _next_number(on: date) -> str:
    """Q + year + month + a four-digit sequence of the month (Q202612-0001): the month's counter
    row is locked for update, so quotes made at once never share a number."""
    period = f"{on:%Y-%m}"
    counter = QuotationSequence.objects.select_for_update().filter(period=period).first()
    if counter is None:
        QuotationSequence.objects.bulk_create([QuotationSequence(period=period, last=0)], ignore_conflicts=True)
        counter = QuotationSequence.objects.select_for_update().get(period=period)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"Q{on:%Y%m}-{counter.last:04d}"


def line_price(list_price: Decimal, discount_percent: Decimal) -> Decimal:
    """The unit price after the discount, rounded half up to the cent."""
    return to_money(list_price * (HUNDRED - discount_percent) / HUNDRED)


def _write_lines(quotation: Quotation, lines: Sequence[QuoteLineInput]) -> None:
    if not lines:
        raise ApplicationError(_("A quotation needs at least one line."), fields={"lines": [_("Add a line.")]})
    rows = []
    for line in lines:
        quantity = to_decimal(line.quantity, "lines")
        discount = to_decimal(line.discount_percent if line.discount_percent is not None else ZERO, "lines")
        if quantity <= 0:
            raise ApplicationError(_("The quantity must be positive."), fields={"quantity": [_("Must be above 0.")]})
        if not ZERO <= discount <= HUNDRED:
            raise ApplicationError(
                _("A discount is between 0 and 100 %."), fields={"discount_percent": [_("Between 0 and 100.")]}
            )
        if not line.product.is_active:
            raise ApplicationError(_("This product is not sold any more."), fields={"product": [_("Inactive.")]})
        unit_price = line_price(line.product.list_price, discount)
        rows.append(
            QuotationLine(
                quotation=quotation,
                product=line.product,
                quantity=quantity,
                list_price=line.product.list_price,
                discount_percent=discount,
                unit_price=unit_price,
                amount=to_money(quantity * unit_price),
            )
        )
    quotation.lines.all().delete()
    bulk_create_with_history(rows, QuotationLine)
    quotation.total_amount = sum((row.amount for row in rows), ZERO)
    quotation.save(update_fields=["total_amount", "updated_at"])


def max_discount(quotation: Quotation) -> tuple[Decimal, str]:
    """The largest discount of a line below its list price, in percent, as the matrix reads an
    order's (list price - unit price) / list price, and the product's code."""
    top, code = ZERO, ""
    for line in quotation.lines.select_related("product"):
        if line.list_price > 0:
            discount = (line.list_price - line.unit_price) * HUNDRED / line.list_price
            if discount > top:
                top, code = discount, line.product.code
    return top, code


def discount_plan(quotation: Quotation) -> approvals.ApprovalPlan:
    """The approval matrix's discount rules (those that set a discount limit) the quote matches:
    amount and credit rules are the order's business when the quote becomes one."""
    top, code = max_discount(quotation)
    facts = approvals.OrderFacts(
        amount=quotation.total_amount,
        max_discount=top,
        discount_code=code,
        credit=approvals.credit_position(quotation.customer, quotation.total_amount),
        classification=quotation.customer.classification,
    )
    rules = [rule for rule in approvals.active_rules() if rule.min_discount_percent is not None]
    return approvals.plan_approval(facts, rules)


# --- who may act ----------------------------------------------------------------------------------


def require_visible_quotation(quotation: Quotation, user: Any) -> None:
    if user is not None and not Quotation.objects.visible_to(user).filter(pk=quotation.pk).exists():
        raise ApplicationError(_("This quotation is outside your scope."), fields={"quotation": [_("Not found.")]})


def require_quotation_edit(quotation: Quotation, user: Any) -> None:
    """Edit, submit, send, accept, decline, convert: its owner, its maker or a manager of its unit."""
    if user is not None:
        authority.require(
            user, "sales.edit_record", quotation, people=quotation.people_ids, units=quotation.credit_units
        )


def _step_kwargs(quotation: Quotation, step: QuotationApprovalStep | None) -> dict[str, Any]:
    steps = list(quotation.approval_steps.all())
    return {
        "filer": quotation.created_by,
        "credited": quotation.credited_ids,
        "units": quotation.credit_units,
        "earlier_deciders": approvals.earlier_deciders(steps, step),
    }


def require_step_decider(quotation: Quotation, step: QuotationApprovalStep | None, user: Any) -> authority.Actor:
    level = step.level if step is not None else None
    return authority.require(user, "sales.approve_step", quotation, level=level, **_step_kwargs(quotation, step))


def _locked(quotation: Quotation, user: Any) -> Quotation:
    # Only the quotation's row is locked (PostgreSQL refuses to lock the nullable side of a join).
    quotation = (
        Quotation.objects.select_for_update(of=("self",)).select_related("customer", "created_by").get(pk=quotation.pk)
    )
    require_visible_quotation(quotation, user)
    return quotation


def _refuse_status(message: str) -> None:
    raise ApplicationError(message, fields={"status": [message]})


# --- approval steps -------------------------------------------------------------------------------


def _notify(
    quotation: Quotation, step: QuotationApprovalStep, people: Sequence[Person], *, escalated: bool = False
) -> None:
    url = reverse("approval-inbox")
    drafts = []
    for person in people:
        with translation.override(language_of(person)):
            if escalated:
                title = _("Quotation %(number)s waited too long: it now awaits your approval") % {
                    "number": quotation.number
                }
            else:
                title = _("Quotation %(number)s awaits your approval") % {"number": quotation.number}
            body = _("%(customer)s · %(amount)s · %(reason)s") % {
                "customer": quotation.customer.name,
                "amount": quotation.total_amount,
                "reason": step.why,
            }
        drafts.append(
            Draft(
                recipient_id=person.pk,
                kind=NotificationKind.APPROVAL,
                title=str(title),
                body=str(body),
                dedupe_key=f"approval:quotation:{quotation.pk}:step:{step.pk}:{step.level}",
                url=url,
                email=person.email,
            )
        )
    notify(drafts=drafts)


def _activate(quotation: Quotation, step: QuotationApprovalStep, now: Any) -> None:
    """The step waits from now, at the lowest level somebody may hold on this quote."""
    earlier = approvals.earlier_deciders(list(quotation.approval_steps.all()), step)
    step.level, people = approvals._level_with_approvers(quotation, step.level, earlier, approvals._managers())
    step.waiting_since = now
    step.save(update_fields=["level", "waiting_since"])
    _notify(quotation, step, people)


def _withdraw_steps(quotation: Quotation) -> None:
    steps = list(quotation.approval_steps.filter(status=StepStatus.WAITING))
    for step in steps:
        step.status = StepStatus.WITHDRAWN
    bulk_update_with_history(steps, QuotationApprovalStep, ["status"], default_change_reason="withdrawn")


def quotes_escalate(*, now: Any = None, hours: int | None = None) -> int:
    """Discount steps waiting longer than `APPROVAL_ESCALATION_HOURS` move one level up (until the
    director's), as an order's do (`approvals.approval_escalate`): at the lowest level above that
    somebody may hold on the quote, whose people are notified; the step waits anew from now.
    Returns how many moved."""
    now = now or timezone.now()
    hours = settings.APPROVAL_ESCALATION_HOURS if hours is None else hours
    stale = list(
        QuotationApprovalStep.objects.filter(
            status=StepStatus.WAITING,
            waiting_since__lt=now - timedelta(hours=hours),
            quotation__status=QuotationStatus.PENDING,
        )
        .exclude(level=ApprovalLevel.DIRECTOR)
        .select_related("quotation__customer", "quotation__created_by")
        .prefetch_related(Prefetch("quotation__approval_steps", to_attr="all_steps"))
    )
    if not stale:
        return 0
    managers = approvals._managers()
    moved = []
    for step in stale:
        quotation = step.quotation
        earlier = approvals.earlier_deciders(quotation.all_steps, step)
        above = level_above(step.level)
        assert above is not None  # the director's steps are not stale
        step.level, people = approvals._level_with_approvers(quotation, above, earlier, managers)
        step.waiting_since = now
        step.escalated_at = now
        moved.append((step, people))
    bulk_update_with_history(
        [step for step, _people in moved],
        QuotationApprovalStep,
        ["level", "waiting_since", "escalated_at"],
        default_change_reason="escalated",
    )
    for step, people in moved:
        _notify(step.quotation, step, people, escalated=True)
    return len(moved)


def waiting_step(quotation: Quotation) -> QuotationApprovalStep | None:
    return (
        quotation.approval_steps.filter(status=StepStatus.WAITING, waiting_since__isnull=False)
        .order_by("sequence", "id")
        .first()
    )


# --- the services ---------------------------------------------------------------------------------


@transaction.atomic
def quote_create(
    *,
    customer: Customer,
    lines: Sequence[QuoteLineInput],
    user: Any,
    owner: Person | None = None,
    opportunity: Opportunity | None = None,
    valid_until: date | None = None,
    notes: str = "",
    today: date | None = None,
) -> Quotation:
    """A draft quotation for a customer the user may record work for (sales.create_record). Its
    owner is the opportunity's owner, else the customer's owner, else the user."""
    today = today or timezone.localdate()
    if user is not None:
        require_visible_customer(customer, user, field="customer")
        authority.require(user, "sales.create_record", customer)
    if opportunity is not None and opportunity.customer_id != customer.pk:
        raise ApplicationError(
            _("The opportunity is another customer's."), fields={"opportunity": [_("Another customer's.")]}
        )
    valid_until = valid_until or today + timedelta(days=DEFAULT_VALID_DAYS)
    if not isinstance(valid_until, date) or valid_until < today:
        raise ApplicationError(
            _("A quotation is valid until today or later."), fields={"valid_until": [_("Today or later.")]}
        )
    maker = authority.actor_of(user).person if user is not None else None
    owner = owner or (opportunity.owner if opportunity is not None else None) or customer.owner or maker
    if owner is None:
        raise ApplicationError(_("Name the quotation's owner."), fields={"owner": [_("Required.")]})
    unit = units_on([(owner.pk, today)]).get((owner.pk, today))
    quotation = Quotation.objects.create(
        number=_next_number(today),
        customer=customer,
        opportunity=opportunity,
        owner=owner,
        team_id=unit.team_id if unit else owner.team_id,
        region_id=unit.region_id if unit else owner.region_id,
        created_by=maker,
        date=today,
        valid_until=valid_until,
        notes=notes,
    )
    _write_lines(quotation, lines)
    return quotation


@transaction.atomic
def quote_from_opportunity(
    *,
    opportunity: Opportunity,
    user: Any,
    lines: Sequence[QuoteLineInput],
    valid_until: date | None = None,
    notes: str = "",
    today: date | None = None,
) -> Quotation:
    """A draft quotation for the opportunity's customer, owned by the opportunity's owner."""
    if user is not None and not Opportunity.objects.visible_to(user).filter(pk=opportunity.pk).exists():
        raise ApplicationError(_("This opportunity is outside your scope."), fields={"opportunity": [_("Not found.")]})
    return quote_create(
        customer=opportunity.customer,
        opportunity=opportunity,
        lines=lines,
        user=user,
        valid_until=valid_until,
        notes=notes or opportunity.name,
        today=today,
    )


@transaction.atomic
def quote_update(
    *,
    quotation: Quotation,
    user: Any,
    lines: Sequence[QuoteLineInput] | None = None,
    valid_until: date | None = None,
    notes: str | None = None,
    today: date | None = None,
) -> Quotation:
    """Change a draft (or a rejected quote, which goes back to draft) before it is submitted again."""
    quotation = _locked(quotation, user)
    require_quotation_edit(quotation, user)
    if quotation.status not in EDITABLE:
        _refuse_status(_("Only a draft quotation changes."))
    fields = ["updated_at"]
    if valid_until is not None:
        if valid_until < (today or timezone.localdate()) or valid_until < quotation.date:
            raise ApplicationError(
                _("A quotation is valid until today or later."), fields={"valid_until": [_("Today or later.")]}
            )
        quotation.valid_until = valid_until
        fields.append("valid_until")
    if notes is not None:
        quotation.notes = notes
        fields.append("notes")
    if quotation.status != QuotationStatus.DRAFT:
        quotation.status = QuotationStatus.DRAFT
        fields.append("status")
    quotation.save(update_fields=fields)
    if lines is not None:
        _write_lines(quotation, lines)
    return quotation


@transaction.atomic
def quote_submit(*, quotation: Quotation, user: Any, now: Any = None) -> Quotation:
    """Draft -> approved; or -> pending approval when a line's discount passes the matrix's
    discount limit: its steps are written and the first step's approvers notified."""
    quotation = _locked(quotation, user)
    require_quotation_edit(quotation, user)
    if quotation.status != QuotationStatus.DRAFT:
        _refuse_status(_("Only a draft quotation can be submitted."))
    if not quotation.lines.exists():
        raise ApplicationError(_("A quotation needs at least one line."), fields={"lines": [_("Add a line.")]})
    plan = discount_plan(quotation)
    quotation.approval_reason = plan.reason
    quotation.status = QuotationStatus.PENDING if plan.steps else QuotationStatus.APPROVED
    quotation.save(update_fields=["status", "approval_reason", "updated_at"])
    _withdraw_steps(quotation)
    if plan.steps:
        bulk_create_with_history(
            [
                QuotationApprovalStep(
                    quotation=quotation, sequence=i + 1, level=planned.level, why="; ".join(planned.reasons)[:500]
                )
                for i, planned in enumerate(plan.steps)
            ],
            QuotationApprovalStep,
            default_change_reason="planned",
        )
        first = quotation.approval_steps.filter(status=StepStatus.WAITING).order_by("sequence", "id").first()
        _activate(quotation, first, now or timezone.now())
    return quotation


def _decide(quotation: Quotation, user: Any, *, approve: bool, reason: str = "") -> Quotation:
    step = waiting_step(quotation)
    if quotation.status != QuotationStatus.PENDING or step is None:
        require_step_decider(quotation, None, user)
        _refuse_status(_("The quotation is not waiting for approval."))
    actor = require_step_decider(quotation, step, user)
    if not approve and not reason.strip():
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Required.")]})
    now = timezone.now()
    step.status = StepStatus.APPROVED if approve else StepStatus.REFUSED
    step.decided_by = actor.person
    step.decided_at = now
    step.reason = reason.strip()[:300]
    step.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if not approve:
        _withdraw_steps(quotation)
        quotation.status = QuotationStatus.REJECTED
        quotation.save(update_fields=["status", "updated_at"])
        return quotation
    following = quotation.approval_steps.filter(status=StepStatus.WAITING).order_by("sequence", "id").first()
    if following is not None:
        _activate(quotation, following, now)
        return quotation
    quotation.status = QuotationStatus.APPROVED
    quotation.save(update_fields=["status", "updated_at"])
    return quotation


@transaction.atomic
def quote_approve(*, quotation: Quotation, user: Any) -> Quotation:
    """Approve the step the quote waits for (sales.approve_step: never its owner or maker); the last
    step approved approves the quote."""
    return _decide(_locked(quotation, user), user, approve=True)


@transaction.atomic
def quote_reject(*, quotation: Quotation, user: Any, reason: str) -> Quotation:
    """Refuse the step the quote waits for, with a reason: the quote is rejected (its owner may
    change it, which makes it a draft again)."""
    return _decide(_locked(quotation, user), user, approve=False, reason=reason)


@transaction.atomic
def quote_send(*, quotation: Quotation, user: Any) -> Quotation:
    """An approved quote was sent to the customer."""
    quotation = _locked(quotation, user)
    require_quotation_edit(quotation, user)
    if quotation.status != QuotationStatus.APPROVED:
        _refuse_status(_("Only an approved quotation is sent."))
    quotation.status = QuotationStatus.SENT
    quotation.save(update_fields=["status", "updated_at"])
    return quotation


@transaction.atomic
def quote_accept(*, quotation: Quotation, user: Any, today: date | None = None) -> Quotation:
    """The customer accepted an approved or sent quote, while it is valid."""
    quotation = _locked(quotation, user)
    require_quotation_edit(quotation, user)
    if quotation.status not in ACCEPTABLE:
        _refuse_status(_("Only an approved or sent quotation can be accepted."))
    if (today or timezone.localdate()) > quotation.valid_until:
        message = _("The quotation expired on %(day)s.") % {"day": quotation.valid_until.isoformat()}
        raise ApplicationError(message, fields={"valid_until": [message]})
    quotation.status = QuotationStatus.ACCEPTED
    quotation.save(update_fields=["status", "updated_at"])
    return quotation


# Out with the customer or awaiting approval: these lapse after their last valid day.
LAPSING = (QuotationStatus.PENDING, QuotationStatus.APPROVED, QuotationStatus.SENT)


@transaction.atomic
def quotes_expire(*, today: date | None = None) -> int:
    """The night's sweep (task `sales.tasks.expire_quotations`): a quotation pending approval,
    approved or sent whose last valid day (`valid_until`, inclusive) is before `today` becomes
    expired, and its waiting approval steps are withdrawn (they leave the approval inbox). Drafts
    and rejected quotes stay with their rep, who may give them a new date. A system action: no
    user, history rows with the reason "expired". Returns how many expired; a fixed number of
    queries at any size."""
    today = today or timezone.localdate()
    stale = list(Quotation.objects.select_for_update().filter(status__in=LAPSING, valid_until__lt=today))
    if not stale:
        return 0
    steps = list(QuotationApprovalStep.objects.filter(quotation__in=stale, status=StepStatus.WAITING))
    for step in steps:
        step.status = StepStatus.WITHDRAWN
    bulk_update_with_history(steps, QuotationApprovalStep, ["status"], default_change_reason="expired")
    now = timezone.now()
    for quotation in stale:
        quotation.status = QuotationStatus.EXPIRED
        quotation.updated_at = now
    bulk_update_with_history(stale, Quotation, ["status", "updated_at"], default_change_reason="expired")
    return len(stale)


@transaction.atomic
def quote_decline(*, quotation: Quotation, user: Any, reason: str = "") -> Quotation:
    """The customer declined a quote that was not converted yet."""
    quotation = _locked(quotation, user)
    require_quotation_edit(quotation, user)
    if quotation.status in (QuotationStatus.CONVERTED, QuotationStatus.DECLINED):
        _refuse_status(_("This quotation can no longer be declined."))
    _withdraw_steps(quotation)
    quotation.status = QuotationStatus.DECLINED
    fields = ["status", "updated_at"]
    if reason.strip():
        quotation.notes = (quotation.notes + "\n" if quotation.notes else "") + _("Declined: %(reason)s") % {
            "reason": reason.strip()
        }
        fields.append("notes")
    quotation.save(update_fields=fields)
    return quotation


@transaction.atomic
def quote_convert(*, quotation: Quotation, user: Any, today: date | None = None) -> Order:
    """An accepted quote becomes an order dated today, with the quote's lines at their prices,
    credited 100 % to the quote's owner and submitted at once. The discount the quote had approved
    is not asked again (`approved_discount`); other rules of the matrix (amount, credit) still are."""
    quotation = _locked(quotation, user)
    require_quotation_edit(quotation, user)
    if quotation.status != QuotationStatus.ACCEPTED:
        _refuse_status(_("Only an accepted quotation becomes an order."))
    lines = list(quotation.lines.select_related("product"))
    approved, _code = max_discount(quotation)
    order = order_create(
        customer=quotation.customer,
        date=today or timezone.localdate(),
        lines=[LineInput(product=line.product, quantity=line.quantity, unit_price=line.unit_price) for line in lines],
        shares=[ShareInput(rep=quotation.owner, percent=HUNDRED)],
        note=_("From quotation %(number)s") % {"number": quotation.number},
        created_by=user,
        submit=True,
        today=today,
        approved_discount=approved,
    )
    order.refresh_from_db()  # submitted inside order_create: read its status
    quotation.order = order
    quotation.status = QuotationStatus.CONVERTED
    quotation.save(update_fields=["order", "status", "updated_at"])
    return order


# --- the inbox's reads ----------------------------------------------------------------------------


def quotations_awaiting(user: Any) -> list[QuotationApprovalStep]:
    """The waiting steps the user may decide now: at their position's level (an admin: any), on
    quotes in their scope, passing sales.approve_step. A fixed number of queries."""
    actor = authority.actor_of(user)
    if actor.person is None and not actor.is_admin:
        return []
    steps = QuotationApprovalStep.objects.filter(
        status=StepStatus.WAITING,
        waiting_since__isnull=False,
        quotation__status=QuotationStatus.PENDING,
        quotation__in=Quotation.objects.visible_to(user).values("pk"),
    )
    if not actor.is_admin:
        steps = steps.filter(level=actor.position)
    steps = steps.select_related("quotation__customer", "quotation__created_by", "quotation__owner").prefetch_related(
        Prefetch("quotation__approval_steps", to_attr="all_steps")
    )
    return [
        step
        for step in steps.order_by("waiting_since", "id")
        if step.level in ApprovalLevel.values
        and authority.allowed(
            actor,
            "sales.approve_step",
            step.quotation,
            level=step.level,
            filer=step.quotation.created_by,
            credited=step.quotation.credited_ids,
            units=step.quotation.credit_units,
            earlier_deciders=approvals.earlier_deciders(step.quotation.all_steps, step),
        )
    ]
