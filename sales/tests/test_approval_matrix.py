"""The approval matrix and credit control: each rule of a sample matrix, the steps an order gets,
who decides them, credit beyond the limit, held orders, escalation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from customers.models import Classification
from notifications.models import Notification, NotificationKind
from sales import services
from sales.models import (
    ApprovalLevel,
    ApprovalRule,
    CreditState,
    OrderApprovalStep,
    OrderStatus,
    StepStatus,
)
from sales.services import approvals
from sales.services.approvals import CreditPosition, OrderFacts, plan_approval
from sales.tasks import escalate_approvals
from sales.tests.factories import CustomerFactory, ProductFactory, make_order, set_approval_limits
from salesorg.exceptions import NotAllowed

D = Decimal
TM, RM, DIR = ApprovalLevel.TEAM_MANAGER, ApprovalLevel.REGIONAL_MANAGER, ApprovalLevel.DIRECTOR


# --- the sample matrix, rule by rule (pure: no orders needed) ------------------------------------


def sample_matrix() -> list[ApprovalRule]:
    return [
        ApprovalRule(name="big", step=1, level=TM, min_amount=D("10000.00")),
        ApprovalRule(name="deep discount", step=2, level=RM, min_discount_percent=D("20.00")),
        ApprovalRule(name="over limit", step=2, level=RM, credit_state=CreditState.OVER),
        ApprovalRule(name="bad credit", step=3, level=DIR, credit_ratings="C,B", hold=True),
        ApprovalRule(name="big key", step=3, level=DIR, min_amount=D("50000.00"), classifications="key"),
        ApprovalRule(name="switched off", step=1, level=TM, min_amount=D("0"), is_active=False),
    ]


def facts(amount="100.00", discount="0", state=CreditState.WITHIN, rating="A", classification="general", **credit):
    position = CreditPosition(
        state=state,
        open_amount=D(credit.get("open", "0.00")),
        order_amount=D(amount),
        limit=D(credit.get("limit", "1000000.00")),
        rating=rating,
    )
    return OrderFacts(
        amount=D(amount), max_discount=D(discount), discount_code="P1", credit=position, classification=classification
    )


def levels(f: OrderFacts):
    plan = plan_approval(f, [rule for rule in sample_matrix() if rule.is_active])
    return [step.level for step in plan.steps], plan.hold


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # 9,999.99 < 10,000: no rule; the inactive "switched off" rule (>= 0) would match but is off.
        (facts(amount="9999.99"), ([], False)),
        # 10,000.00 >= 10,000.00 ("at least"): the team manager.
        (facts(amount="10000.00"), ([TM], False)),
        # 5,000 below the amount, a line 20% off >= 20%: the regional manager only.
        (facts(amount="5000.00", discount="20"), ([RM], False)),
        # 19.99% < 20%: nothing.
        (facts(amount="5000.00", discount="19.99"), ([], False)),
        # 12,000 >= 10,000 and over the credit limit: team manager (step 1), then regional (step 2).
        (facts(amount="12000.00", state=CreditState.OVER), ([TM, RM], False)),
        # Over the limit and 25% off: both rules name the regional manager, one step.
        (facts(amount="100.00", discount="25", state=CreditState.OVER), ([RM], False)),
        # Rating C: held for the director, whatever the amount.
        (facts(amount="100.00", rating="C"), ([DIR], True)),
        # Rating B is in "C,B" too; AA is not.
        (facts(amount="100.00", rating="B"), ([DIR], True)),
        (facts(amount="100.00", rating="AA"), ([], False)),
        # A key customer's 50,000: team manager (>= 10,000), then director (key and >= 50,000).
        (facts(amount="50000.00", classification="key"), ([TM, DIR], False)),
        # The same 50,000 for a general customer: the team manager only.
        (facts(amount="50000.00", classification="general"), ([TM], False)),
        # No limit set: "over limit" does not match.
        (facts(amount="100.00", state=CreditState.NO_LIMIT), ([], False)),
    ],
)
def test_each_rule_of_a_sample_matrix(case, expected):
    assert levels(case) == expected


def test_a_rule_with_several_conditions_needs_all_of_them():
    rule = ApprovalRule(name="r", level=TM, min_amount=D("1000"), credit_state=CreditState.OVER, credit_ratings="C")
    # 2,000 >= 1,000 and over, but rated A: no match.
    assert approvals.rule_reasons(rule, facts(amount="2000.00", state=CreditState.OVER)) is None
    reasons = approvals.rule_reasons(
        rule, facts(amount="2000.00", state=CreditState.OVER, rating="C", open="900.00", limit="2500.00")
    )
    # 900 open + 2,000 this = 2,900 > 2,500.
    assert reasons == [
        "amount 2000.00 ≥ 1000",
        "over credit limit: open 900.00 + this 2000.00 > limit 2500.00",
        "credit rating C",
    ]


# --- the default matrix (seeded by the migration) keeps today's limits ------------------------------


@pytest.fixture
def product(db):
    return ProductFactory(list_price=D("100.00"), unit_cost=D("60.00"))


def test_the_seeded_matrix_is_todays_behaviour(org, product):
    assert ApprovalRule.objects.count() == 4
    customer = CustomerFactory(owner=org.rep1a1)
    # 1,000 x 100 = 100,000.00: not above 100,000 -> confirms.
    assert make_order(customer=customer, lines=[(product, "1000", "100")]).status == OrderStatus.CONFIRMED
    # 1,000 x 100.01 = 100,010.00 > 100,000 -> the team manager.
    order = make_order(customer=customer, lines=[(product, "1000", "100.01")])
    assert order.status == OrderStatus.PENDING
    assert [(s.level, s.status) for s in order.approval_steps.all()] == [(TM, StepStatus.WAITING)]
    assert order.approval_reason == "amount 100010.00 ≥ 100000.01"


# --- credit control through the real services --------------------------------------------------------


def over_limit_order(org, product, **customer_kwargs):
    """Limit 100,000; a confirmed 90,000 order unpaid; then 200 x 100 = 20,000:
    open 90,000 + this 20,000 = 110,000 > 100,000 -> the regional manager (seeded rule, step 2)."""
    kwargs = {"owner": org.rep1a1, "credit_limit": D("100000.00"), **customer_kwargs}
    customer = CustomerFactory(**kwargs)
    first = make_order(customer=customer, lines=[(product, "900", "100")], created_by=org.rep1a1.user)
    assert first.status == OrderStatus.CONFIRMED  # 0 open + 90,000 <= 100,000
    order = make_order(customer=customer, lines=[(product, "200", "100")], created_by=org.rep1a1.user)
    return order


def test_an_order_over_the_credit_limit_needs_the_regional_manager(org, product, client):
    order = over_limit_order(org, product)
    assert order.status == OrderStatus.PENDING
    reason = "over credit limit: open 90000.00 + this 20000.00 > limit 100000.00"
    assert order.approval_reason == reason
    step = order.approval_steps.get()
    assert (step.level, step.status, step.why) == (RM, StepStatus.WAITING, reason)
    # The regional manager above the team is told; nobody else.
    notes = Notification.objects.filter(kind=NotificationKind.APPROVAL)
    assert [n.recipient_id for n in notes] == [org.rm1.pk]
    assert order.number in notes.get().title
    # The reason is on the order page.
    client.force_login(org.rep1a1.user)
    page = client.get(f"/customers/sales/orders/{order.pk}/").content.decode()
    assert escape(reason) in page and "approval-steps" in page
    # The team manager is not the level: refused with who may.
    with pytest.raises(NotAllowed, match="Regional manager"):
        services.order_approve(order=order, user=org.tm1a.user)
    order = services.order_approve(order=order, user=org.rm1.user)
    assert (order.status, order.approved_by) == (OrderStatus.CONFIRMED, org.rm1)
    assert order.approval_steps.get().decided_by == org.rm1


def test_a_worst_rated_customer_is_held_for_the_director(org, product, client):
    customer = CustomerFactory(owner=org.rep1a1, credit_rating="C")
    order = make_order(customer=customer, lines=[(product, "1", "100")], created_by=org.rep1a1.user)
    assert (order.status, order.approval_hold) == (OrderStatus.PENDING, True)
    assert order.approval_reason == "Held: credit rating C"
    assert [s.level for s in order.approval_steps.all()] == [DIR]
    client.force_login(org.director.user)
    page = client.get(f"/customers/sales/orders/{order.pk}/").content.decode()
    assert "Held" in page and "credit rating C" in page
    with pytest.raises(NotAllowed):
        services.order_approve(order=order, user=org.rm1.user)
    order = services.order_approve(order=order, user=org.director.user)
    assert (order.status, order.approval_hold) == (OrderStatus.CONFIRMED, False)


def test_steps_in_order_and_the_last_one_confirms(org, product):
    # Limit 100,000, nothing open; 1,500 x 100 = 150,000: above 100,000 (team manager, step 1)
    # and 0 + 150,000 > 100,000 (regional manager, step 2).
    customer = CustomerFactory(owner=org.rep1a1, credit_limit=D("100000.00"))
    order = make_order(customer=customer, lines=[(product, "1500", "100")], created_by=org.rep1a1.user)
    steps = list(order.approval_steps.order_by("sequence"))
    assert [(s.sequence, s.level) for s in steps] == [(1, TM), (2, RM)]
    assert steps[1].waiting_since is None  # the second waits for the first
    order = services.order_approve(order=order, user=org.tm1a.user)
    assert order.status == OrderStatus.PENDING
    assert Notification.objects.filter(recipient=org.rm1, kind=NotificationKind.APPROVAL).count() == 1
    order = services.order_approve(order=order, user=org.rm1.user)
    assert (order.status, order.approved_by) == (OrderStatus.CONFIRMED, org.rm1)


def test_one_person_decides_one_step_only(org, product):
    customer = CustomerFactory(owner=org.rep1a1, credit_limit=D("100000.00"))
    order = make_order(customer=customer, lines=[(product, "1500", "100")], created_by=org.rep1a1.user)
    # The regional manager takes the team step (a level above); the regional step then cannot be
    # theirs, and nobody else holds it over T1A: it moves up to the director.
    services.order_approve(order=order, user=org.rm1.user)
    second = order.approval_steps.get(sequence=2)
    assert (second.planned_level, second.level) == (RM, DIR)
    with pytest.raises(NotAllowed):
        services.order_approve(order=order, user=org.rm1.user)
    assert services.order_approve(order=order, user=org.director.user).status == OrderStatus.CONFIRMED


def test_a_refusal_needs_a_reason_and_sends_the_order_back(org, product):
    order = over_limit_order(org, product)
    with pytest.raises(Exception, match="Give a reason"):
        services.order_reject(order=order, user=org.rm1.user, reason=" ")
    order = services.order_reject(order=order, user=org.rm1.user, reason="pay the open invoices first")
    assert order.status == OrderStatus.DRAFT
    step = order.approval_steps.get()
    assert (step.status, step.reason, step.decided_by) == (StepStatus.REFUSED, "pay the open invoices first", org.rm1)
    # Submitted again: a new round of steps; the refused one stays in the history.
    order = services.order_submit(order=order, user=org.rep1a1.user)
    assert list(order.approval_steps.order_by("id").values_list("status", flat=True)) == [
        StepStatus.REFUSED,
        StepStatus.WAITING,
    ]


def test_the_creator_and_a_credited_rep_never_approve(org, product):
    # The team manager files an order for their rep above the amount limit: the team step cannot
    # be theirs (filer), so it goes to the regional manager at once.
    set_approval_limits(amount=100)
    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(customer=customer, lines=[(product, "2", "100")], created_by=org.tm1a.user)
    step = order.approval_steps.get()
    assert (step.planned_level, step.level) == (TM, RM)
    with pytest.raises(NotAllowed, match="you filed this"):
        services.order_approve(order=order, user=org.tm1a.user)
    with pytest.raises(NotAllowed, match="credited"):
        services.order_approve(order=order, user=org.rep1a1.user)


def test_a_stale_step_escalates_one_level_up(org, product):
    set_approval_limits(amount=100)
    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(customer=customer, lines=[(product, "2", "100")], created_by=org.rep1a1.user)
    step = order.approval_steps.get()
    assert approvals.orders_awaiting(org.tm1a.user)[0].pk == step.pk
    # 47 hours: not yet stale (setting 48).
    OrderApprovalStep.objects.filter(pk=step.pk).update(waiting_since=timezone.now() - timedelta(hours=47))
    assert escalate_approvals() == 0
    OrderApprovalStep.objects.filter(pk=step.pk).update(waiting_since=timezone.now() - timedelta(hours=49))
    assert escalate_approvals.delay().get() == 1
    step.refresh_from_db()
    assert (step.level, step.planned_level, step.escalated_at is not None) == (RM, TM, True)
    assert approvals.orders_awaiting(org.tm1a.user) == []
    assert [s.pk for s in approvals.orders_awaiting(org.rm1.user)] == [step.pk]
    assert Notification.objects.filter(recipient=org.rm1, kind=NotificationKind.APPROVAL).count() == 1
    assert escalate_approvals() == 0  # it waits anew from now


def test_overdue_instalments_are_shown_where_an_order_is_entered(org, product, client):
    customer = CustomerFactory(owner=org.rep1a1, credit_limit=D("50000.00"), classification=Classification.KEY)
    # 10 x 100 = 1,000 dated 2026-03-10, 30 days' terms: due 2026-04-09, long overdue today.
    old = make_order(customer=customer, lines=[(product, "10", "100")], on=date(2026, 3, 10))
    client.force_login(org.rep1a1.user)
    panel = client.get(f"/customers/sales/orders/customer-credit/?customer={customer.pk}").content.decode()
    assert "overdue-instalments" in panel and old.number in panel and "2026-04-09" in panel
    assert "1,000.00" in panel  # the open receivables
    client.force_login(org.rep2a1.user)  # another region's rep: the customer does not exist for them
    assert client.get(f"/customers/sales/orders/customer-credit/?customer={customer.pk}").status_code == 404
