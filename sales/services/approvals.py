"""The approval matrix applied to orders: which steps an order needs, who decides each, escalation.

- `order_facts` reads what the rules test: the order's amount, its largest line discount, the
  customer's credit state (open receivables + this order against the credit limit), rating and
  classification.
- `plan_approval` matches the active `ApprovalRule` rows: one step per level, ordered by the
  rules' step number then by rank; the reasons of the matched rules are the order's reason.
- `approval_start` writes the steps and makes the first one wait (notifying its approvers);
  `approval_decide` approves or refuses the waiting step (rule sales.approve_step); the order
  confirms when no step waits any more. `approval_escalate` moves a step that waited too long one
  level up.

A step's level is the matrix's, moved up at once when nobody may hold it on this order (no team
manager over all its shares, the manager filed it or is credited on it); at the director's level
it stays (an admin decides). The services in `orders.py` call these; nothing here changes the
order's status by itself except through `orders.py`'s callers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import ExpressionWrapper, F, Prefetch, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from sales.domain import HUNDRED, ZERO, approval_amount, approval_discount_percent
from sales.models import (
    ApprovalLevel,
    ApprovalRule,
    CreditShare,
    CreditState,
    Instalment,
    Order,
    OrderApprovalStep,
    OrderStatus,
    StepStatus,
    default_matrix,
    level_above,
)
from salesorg.money import to_money
from staff import authority
from staff.models import Person

MONEY = Decimal("0.01")


@dataclass(frozen=True)
class CreditPosition:
    """The customer's credit against a new order: open receivables (confirmed orders' unpaid
    instalments, this order excluded) + this order against the limit (0 = no limit)."""

    state: str
    open_amount: Decimal
    order_amount: Decimal
    limit: Decimal
    rating: str

    @property
    def reason(self) -> str:
        if self.state != CreditState.OVER:
            return ""
        return _("over credit limit: open %(open)s + this %(amount)s > limit %(limit)s") % {
            "open": self.open_amount,
            "amount": self.order_amount,
            "limit": self.limit,
        }


@dataclass(frozen=True)
class OrderFacts:
    amount: Decimal
    # The largest discount of a line below its product's list price, in percent, and its product.
    max_discount: Decimal
    discount_code: str
    credit: CreditPosition
    classification: str


@dataclass
class PlannedStep:
    level: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class ApprovalPlan:
    steps: list[PlannedStep]
    hold: bool

    @property
    def reason(self) -> str:
        seen: list[str] = []
        for step in self.steps:
            seen += [r for r in step.reasons if r not in seen]
        text = "; ".join(seen)
        return (_("Held: %(reasons)s") % {"reasons": text} if self.hold else text)[:500]


# --- reading the facts ------------------------------------------------------------------------


def customer_open_receivables(customer_id: int, *, exclude_order_id: int | None = None) -> Decimal:
    """What the customer still owes on confirmed orders: their instalments' unpaid amounts (the
    receivables' definition, sales.selectors.receivables_ageing), whatever the reader's scope."""
    rows = Instalment.objects.filter(order__customer_id=customer_id, order__status=OrderStatus.CONFIRMED)
    if exclude_order_id is not None:
        rows = rows.exclude(order_id=exclude_order_id)
    total = rows.aggregate(
        open=Sum(ExpressionWrapper(F("amount") - F("paid_amount"), output_field=Instalment._meta.get_field("amount")))
    )["open"]
    return to_money(total or ZERO)


def credit_position(customer: Any, amount: Decimal, *, exclude_order_id: int | None = None) -> CreditPosition:
    open_amount = customer_open_receivables(customer.pk, exclude_order_id=exclude_order_id)
    limit = to_money(customer.credit_limit or ZERO)
    if limit <= 0:
        state = CreditState.NO_LIMIT
    elif open_amount + amount > limit:
        state = CreditState.OVER
    else:
        state = CreditState.WITHIN
    return CreditPosition(
        state=state, open_amount=open_amount, order_amount=to_money(amount), limit=limit, rating=customer.credit_rating
    )


def order_facts(order: Order) -> OrderFacts:
    max_discount, code = ZERO, ""
    for line in order.lines.select_related("product"):
        list_price = line.product.list_price
        if list_price > 0:
            discount = (list_price - line.unit_price) * HUNDRED / list_price
            if discount > max_discount:
                max_discount, code = discount, line.product.code
    customer = order.customer
    return OrderFacts(
        amount=order.total_amount,
        max_discount=max_discount,
        discount_code=code,
        credit=credit_position(customer, order.total_amount, exclude_order_id=order.pk),
        classification=customer.classification,
    )


# --- the matrix ---------------------------------------------------------------------------------


def rule_reasons(rule: ApprovalRule, facts: OrderFacts) -> list[str] | None:
    """The reasons a rule matches the order (every condition it sets holds), or None."""
    reasons = []
    if rule.min_amount is not None:
        if facts.amount < rule.min_amount:
            return None
        reasons.append(_("amount %(amount)s ≥ %(limit)s") % {"amount": facts.amount, "limit": rule.min_amount})
    if rule.min_discount_percent is not None:
        if facts.max_discount <= 0 or facts.max_discount < rule.min_discount_percent:
            return None
        reasons.append(
            _("%(code)s discounted %(discount)s%% (limit %(limit)s%%)")
            % {
                "code": facts.discount_code,
                "discount": facts.max_discount.quantize(Decimal("0.1")),
                "limit": rule.min_discount_percent,
            }
        )
    if rule.credit_state:
        if facts.credit.state != rule.credit_state:
            return None
        if rule.credit_state == CreditState.OVER:
            reasons.append(facts.credit.reason)
        else:
            reasons.append(str(CreditState(rule.credit_state).label))
    if rule.rating_codes:
        if facts.credit.rating not in rule.rating_codes:
            return None
        reasons.append(_("credit rating %(rating)s") % {"rating": facts.credit.rating})
    if rule.classification_codes:
        if facts.classification not in rule.classification_codes:
            return None
        reasons.append(_("customer classification %(code)s") % {"code": facts.classification})
    return reasons or [rule.name]


def active_rules() -> list[ApprovalRule]:
    """The matrix's active rules; while the table is empty (never seeded, or emptied), the default
    matrix from the settings."""
    rules = list(ApprovalRule.objects.order_by("step", "id"))
    if not rules:
        return default_matrix(approval_amount(), approval_discount_percent())
    return [rule for rule in rules if rule.is_active]


def plan_approval(facts: OrderFacts, rules: Iterable[ApprovalRule] | None = None) -> ApprovalPlan:
    """One step per level of the matching rules, by the rules' smallest step number then rank."""
    if rules is None:
        rules = active_rules()
    by_level: dict[str, tuple[int, PlannedStep]] = {}
    hold = False
    for rule in rules:
        reasons = rule_reasons(rule, facts)
        if reasons is None:
            continue
        hold = hold or rule.hold
        step_no, planned = by_level.get(rule.level, (rule.step, PlannedStep(level=rule.level)))
        planned.reasons += [r for r in reasons if r not in planned.reasons]
        by_level[rule.level] = (min(step_no, rule.step), planned)
    rank = {level: i for i, level in enumerate(ApprovalLevel.values)}
    ordered = sorted(by_level.values(), key=lambda pair: (pair[0], rank[pair[1].level]))
    return ApprovalPlan(steps=[planned for _n, planned in ordered], hold=hold)


def plan_for(order: Order, *, approved_discount: Decimal | None = None) -> ApprovalPlan:
    """The order's plan. `approved_discount`: a discount (percent) already approved for these
    prices (the quotation the order comes from): lines discounted up to it match no discount rule,
    so the same discount is not approved twice; a larger one still is."""
    facts = order_facts(order)
    if approved_discount is not None and facts.max_discount <= approved_discount:
        facts = replace(facts, max_discount=ZERO, discount_code="")
    return plan_approval(facts)


# --- who decides a step -------------------------------------------------------------------------


def earlier_deciders(steps: Sequence[OrderApprovalStep], current: OrderApprovalStep | None) -> list[int | None]:
    """Who approved an earlier step of the current round (the steps after the last refused or
    withdrawn one): they may not decide a later step of it."""
    if current is None:
        return []
    closed = [s.pk for s in steps if s.status in (StepStatus.REFUSED, StepStatus.WITHDRAWN)]
    start = max(closed, default=0)
    return [s.decided_by_id for s in steps if start < s.pk < current.pk and s.status == StepStatus.APPROVED]


def _rule_kwargs(order: Order, step: OrderApprovalStep | None, steps: Sequence[OrderApprovalStep]) -> dict[str, Any]:
    return {
        "filer": order.created_by,
        "credited": order.credited_ids,
        "units": order.credit_units,
        "earlier_deciders": earlier_deciders(steps, step),
    }


def _approvers(
    order: Order, level: str, earlier_deciders: Sequence[int | None], managers: Sequence[Person]
) -> list[Person]:
    """The people holding `level` who may decide a step of this order."""
    kwargs = {"filer": order.created_by, "credited": order.credited_ids, "units": order.credit_units}
    return [
        person
        for person in managers
        if person.position == level
        and authority.allowed(
            person, "sales.approve_step", order, level=level, earlier_deciders=earlier_deciders, **kwargs
        )
    ]


def _managers() -> list[Person]:
    """Every manager in post (a small set), read once per call of a service."""
    return list(Person.objects.filter(position__in=ApprovalLevel.values).exclude(status="left").select_related("user"))


def _level_with_approvers(
    order: Order, level: str, earlier: Sequence[int | None], managers: Sequence[Person]
) -> tuple[str, list[Person]]:
    """The step's level, moved up while nobody may hold it on this order (kept at the director)."""
    current: str | None = level
    while current is not None:
        people = _approvers(order, current, earlier, managers)
        if people or level_above(current) is None:
            return current, people
        current = level_above(current)
    return level, []  # pragma: no cover - the loop returns at the director


def _notify(order: Order, step: OrderApprovalStep, people: Sequence[Person], *, escalated: bool = False) -> None:
    drafts = []
    url = reverse("approval-inbox")
    for person in people:
        with translation.override(language_of(person)):
            if escalated:
                title = _("Order %(number)s waited too long: it now awaits your approval") % {"number": order.number}
            else:
                title = _("Order %(number)s awaits your approval") % {"number": order.number}
            body = _("%(customer)s · %(amount)s · %(reason)s") % {
                "customer": order.customer.name,
                "amount": order.total_amount,
                "reason": step.why,
            }
        drafts.append(
            Draft(
                recipient_id=person.pk,
                kind=NotificationKind.APPROVAL,
                title=str(title),
                body=str(body),
                dedupe_key=f"approval:order:{order.pk}:step:{step.pk}:{step.level}",
                url=url,
                email=person.email,
            )
        )
    notify(drafts=drafts)


def _activate(order: Order, step: OrderApprovalStep, managers: Sequence[Person], now: datetime) -> None:
    earlier = earlier_deciders(list(order.approval_steps.all()), step)
    step.level, people = _level_with_approvers(order, step.level, earlier, managers)
    step.waiting_since = now
    step.save(update_fields=["level", "waiting_since"])
    _notify(order, step, people)


# --- the services -------------------------------------------------------------------------------


def approval_withdraw(*, order: Order) -> None:
    """The waiting steps of an order that changed, was refused or cancelled stop waiting."""
    steps = list(order.approval_steps.filter(status=StepStatus.WAITING))
    for step in steps:
        step.status = StepStatus.WITHDRAWN
    bulk_update_with_history(steps, OrderApprovalStep, ["status"], default_change_reason="withdrawn")


def approval_start(*, order: Order, plan: ApprovalPlan, now: datetime | None = None) -> list[OrderApprovalStep]:
    """Write the plan's steps for a pending order and make the first one wait (its approvers are
    notified). Earlier waiting steps are withdrawn first."""
    now = now or timezone.now()
    approval_withdraw(order=order)
    steps = [
        OrderApprovalStep(
            order=order,
            sequence=i + 1,
            level=planned.level,
            planned_level=planned.level,
            why="; ".join(planned.reasons)[:500],
        )
        for i, planned in enumerate(plan.steps)
    ]
    steps = bulk_create_with_history(steps, OrderApprovalStep, default_change_reason="planned")
    steps = list(order.approval_steps.filter(status=StepStatus.WAITING).order_by("sequence", "id"))
    if steps:
        _activate(order, steps[0], _managers(), now)
    return steps


def waiting_step(order: Order) -> OrderApprovalStep | None:
    return (
        order.approval_steps.filter(status=StepStatus.WAITING, waiting_since__isnull=False)
        .order_by("sequence", "id")
        .first()
    )


def ensure_waiting_step(order: Order) -> OrderApprovalStep:
    """An order left pending without steps (imported, or from before the matrix) gets its plan now,
    at least one step of the lowest level."""
    step = waiting_step(order)
    if step is not None:
        return step
    plan = plan_for(order)
    if not plan.steps:
        plan.steps = [PlannedStep(level=ApprovalLevel.TEAM_MANAGER, reasons=[order.approval_reason or order.number])]
    approval_start(order=order, plan=plan)
    step = waiting_step(order)
    assert step is not None
    return step


def require_step_decider(order: Order, step: OrderApprovalStep, user: Any) -> authority.Actor:
    steps = list(order.approval_steps.all())
    return authority.require(user, "sales.approve_step", order, level=step.level, **_rule_kwargs(order, step, steps))


def approval_decide(*, order: Order, user: Any, approve: bool, reason: str = "", now: datetime | None = None) -> bool:
    """Approve or refuse the step the (locked, pending) order waits for. True when the order has
    no step left waiting (approved: it confirms; refused: it goes back to draft)."""
    now = now or timezone.now()
    step = ensure_waiting_step(order)
    actor = require_step_decider(order, step, user)
    step.status = StepStatus.APPROVED if approve else StepStatus.REFUSED
    step.decided_by = actor.person
    step.decided_at = now
    step.reason = reason.strip()[:300]
    step.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if not approve:
        approval_withdraw(order=order)
        return True
    following = order.approval_steps.filter(status=StepStatus.WAITING).order_by("sequence", "id").first()
    if following is None:
        return True
    _activate(order, following, _managers(), now)
    return False


def approval_escalate(*, now: datetime | None = None, hours: int | None = None) -> int:
    """Steps waiting longer than `APPROVAL_ESCALATION_HOURS` move one level up (until the
    director's), their new approvers are notified; they wait anew from now. Returns how many."""
    now = now or timezone.now()
    hours = settings.APPROVAL_ESCALATION_HOURS if hours is None else hours
    stale = list(
        OrderApprovalStep.objects.filter(
            status=StepStatus.WAITING,
            waiting_since__lt=now - timedelta(hours=hours),
            order__status=OrderStatus.PENDING,
        )
        .exclude(level=ApprovalLevel.DIRECTOR)
        .select_related("order__customer", "order__created_by")
        .prefetch_related(
            Prefetch("order__shares", queryset=CreditShare.objects.order_by("id")),
            Prefetch("order__approval_steps", to_attr="all_steps"),
        )
    )
    if not stale:
        return 0
    managers = _managers()
    moved = []
    for step in stale:
        order = step.order
        earlier = earlier_deciders(order.all_steps, step)
        above = level_above(step.level)
        assert above is not None
        step.level, people = _level_with_approvers(order, above, earlier, managers)
        step.waiting_since = now
        step.escalated_at = now
        moved.append((step, people))
    bulk_update_with_history(
        [step for step, _people in moved],
        OrderApprovalStep,
        ["level", "waiting_since", "escalated_at"],
        default_change_reason="escalated",
    )
    for step, people in moved:
        _notify(step.order, step, people, escalated=True)
    return len(moved)


# --- the inbox's reads --------------------------------------------------------------------------


def orders_awaiting(user: Any) -> list[OrderApprovalStep]:
    """The waiting steps the user may decide now: at their position's level (an admin: any), on
    orders in their scope, passing sales.approve_step. A fixed number of queries."""
    actor = authority.actor_of(user)
    if actor.person is None and not actor.is_admin:
        return []
    steps = OrderApprovalStep.objects.filter(
        status=StepStatus.WAITING,
        waiting_since__isnull=False,
        order__status=OrderStatus.PENDING,
        order__in=Order.objects.visible_to(user).values("pk"),
    )
    if not actor.is_admin:
        steps = steps.filter(level=actor.position)
    steps = steps.select_related("order__customer", "order__created_by").prefetch_related(
        Prefetch("order__shares", queryset=CreditShare.objects.order_by("id")),
        Prefetch("order__approval_steps", to_attr="all_steps"),
    )
    return [
        step
        for step in steps.order_by("waiting_since", "id")
        if authority.allowed(
            actor,
            "sales.approve_step",
            step.order,
            level=step.level,
            **_rule_kwargs(step.order, step, step.order.all_steps),
        )
    ]
