"""Orders, credit shares, approval, payment plans and payments: the rules the engine relies on."""

from datetime import date
from decimal import Decimal

import pytest

from sales import services
from sales.models import CreditShare, Instalment, InstalmentStatus, Order, OrderStatus, Payment
from sales.tests.factories import CustomerFactory, ProductFactory, make_order, set_approval_limits
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.services import person_transfer


@pytest.fixture
def product(db):
    return ProductFactory(list_price=Decimal("100.00"), unit_cost=Decimal("10.00"))


def test_line_amounts_and_share_splits_are_exact(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    # 3 x 33.33 = 99.99; cost 3 x 10.00 = 30.00; margin 69.99.
    order = make_order(
        customer=customer,
        lines=[(product, "3", "33.33")],
        shares=[(org.rep1a1, "30"), (org.rep1a2, "40"), (org.rep1b1, "30")],
    )
    assert order.total_amount == Decimal("99.99")
    assert order.total_cost == Decimal("30.00")
    shares = {s.rep_id: s for s in order.shares.all()}
    # 30% of 99.99 = 29.997 -> 29.99 (down); the largest share takes 99.99 - 2 x 29.99 = 40.01.
    assert shares[org.rep1a1.pk].amount == Decimal("29.99")
    assert shares[org.rep1b1.pk].amount == Decimal("29.99")
    assert shares[org.rep1a2.pk].amount == Decimal("40.01")
    # 30% of 69.99 = 20.997 -> 20.99; the largest takes 69.99 - 41.98 = 28.01.
    assert shares[org.rep1a1.pk].margin == Decimal("20.99")
    assert shares[org.rep1a2.pk].margin == Decimal("28.01")
    assert [s.rep_id for s in order.shares.all() if s.is_primary] == [org.rep1a2.pk]
    # Each share records the rep's unit at the order date.
    assert shares[org.rep1b1.pk].team == org.t1b
    assert shares[org.rep1b1.pk].region == org.r1


def test_tie_gives_the_rest_to_the_first_share(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    # 1 x 0.01: 50% of 0.01 = 0.005 -> 0.00 for the second; the first (tie) takes 0.01.
    order = make_order(
        customer=customer, lines=[(product, "1", "0.01")], shares=[(org.rep1a1, "50"), (org.rep1a2, "50")]
    )
    first, second = order.shares.order_by("id")
    assert (first.amount, first.is_primary) == (Decimal("0.01"), True)
    assert (second.amount, second.is_primary) == (Decimal("0.00"), False)


@pytest.mark.parametrize("percents", [("50", "49"), ("50", "51")])
def test_shares_must_sum_to_exactly_100(org, product, percents):
    customer = CustomerFactory(owner=org.rep1a1)
    with pytest.raises(ApplicationError) as error:
        make_order(customer=customer, shares=[(org.rep1a1, percents[0]), (org.rep1a2, percents[1])])
    assert "shares" in error.value.fields
    assert Order.objects.count() == 0
    assert CreditShare.objects.count() == 0


@pytest.mark.parametrize(("quantity", "price"), [("-1", "10"), ("0", "10"), ("1", "-0.01")])
def test_negative_quantity_or_price_is_refused(org, product, quantity, price):
    customer = CustomerFactory(owner=org.rep1a1)
    with pytest.raises(ApplicationError) as error:
        make_order(customer=customer, lines=[(product, quantity, price)])
    assert "lines" in error.value.fields
    assert Order.objects.count() == 0


def test_recompute_when_lines_change(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(
        customer=customer, lines=[(product, "1", "100")], confirm=False, shares=[(org.rep1a1, "60"), (org.rep1a2, "40")]
    )
    services.order_update(
        order=order,
        user=org.rep1a1.user,
        lines=[services.LineInput(product=product, quantity=Decimal("2"), unit_price=Decimal("50.05"))],
    )
    order.refresh_from_db()
    # 2 x 50.05 = 100.10; 40% = 40.04; the 60% share takes 100.10 - 40.04 = 60.06.
    assert order.total_amount == Decimal("100.10")
    assert sorted(order.shares.values_list("amount", flat=True)) == [Decimal("40.04"), Decimal("60.06")]
    assert order.instalments.get().amount == Decimal("100.10")


def test_order_above_amount_needs_a_managers_approval(org, product, settings):
    set_approval_limits(amount=1000)
    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(customer=customer, lines=[(product, "15", "100")])  # 1,500 > 1,000
    assert order.status == OrderStatus.PENDING
    with pytest.raises(NotAllowed):
        services.order_approve(order=order, user=org.rep1a1.user)  # a rep cannot approve
    with pytest.raises(ApplicationError):
        services.order_approve(order=order, user=org.tm2a.user)  # another region's manager: out of scope
    order = services.order_approve(order=order, user=org.tm1a.user)
    assert order.status == OrderStatus.CONFIRMED
    assert order.approved_by == org.tm1a


def test_discount_above_limit_needs_approval(org, product, settings):
    set_approval_limits(discount=15)
    customer = CustomerFactory(owner=org.rep1a1)
    # list 100, price 84: 16% off > 15%.
    assert make_order(customer=customer, lines=[(product, "1", "84")]).status == OrderStatus.PENDING
    # price 85: exactly 15% off, not above the limit.
    assert make_order(customer=customer, lines=[(product, "1", "85")]).status == OrderStatus.CONFIRMED


def test_rep_cannot_change_amounts_of_a_confirmed_order(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(customer=customer)
    with pytest.raises(NotAllowed, match="Approval is by a second person"):
        services.order_update(
            order=order,
            user=org.rep1a1.user,
            lines=[services.LineInput(product=product, quantity=Decimal("5"), unit_price=Decimal("1"))],
        )
    order.refresh_from_db()
    assert order.total_amount == Decimal("100.00")


def test_cancel(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    draft = make_order(customer=customer, confirm=False)
    assert services.order_cancel(order=draft, user=org.rep1a1.user, reason="客户取消").status == OrderStatus.CANCELLED
    confirmed = make_order(customer=customer)
    with pytest.raises(NotAllowed):
        services.order_cancel(order=confirmed, user=org.rep1a1.user, reason="x")
    assert services.order_cancel(order=confirmed, user=org.tm1a.user, reason="x").status == OrderStatus.CANCELLED


def test_default_plan_is_one_instalment_at_order_date_plus_terms(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(customer=customer, on=date(2026, 3, 10), payment_terms_days=45)
    instalment = order.instalments.get()
    # 10 March + 45 days = 24 April.
    assert (instalment.due_date, instalment.amount) == (date(2026, 4, 24), Decimal("100.00"))


def test_payments_apply_to_the_oldest_instalment_and_never_exceed_the_balance(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    order = make_order(
        customer=customer,
        lines=[(product, "1", "100")],
        instalments=[
            services.InstalmentInput(due_date=date(2026, 5, 10), amount=Decimal("60")),
            services.InstalmentInput(due_date=date(2026, 4, 10), amount=Decimal("40")),
        ],
    )
    services.payment_create(order=order, date=date(2026, 4, 1), amount=Decimal("50"), today=date(2026, 4, 1))
    first, second = order.instalments.order_by("due_date")
    # 50 pays the 40 due in April, the remaining 10 goes to May's 60.
    assert (first.paid_amount, first.status) == (Decimal("40.00"), InstalmentStatus.PAID)
    assert (second.paid_amount, second.status) == (Decimal("10.00"), InstalmentStatus.PARTLY_PAID)
    with pytest.raises(ApplicationError) as error:
        services.payment_create(order=order, date=date(2026, 4, 2), amount=Decimal("50.01"), today=date(2026, 4, 2))
    assert "amount" in error.value.fields
    assert Payment.objects.count() == 1
    services.payment_create(order=order, date=date(2026, 4, 2), amount=Decimal("50"), today=date(2026, 4, 2))
    assert set(order.instalments.values_list("status", flat=True)) == {InstalmentStatus.PAID}


def test_plan_must_add_up_to_the_total(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    with pytest.raises(ApplicationError) as error:
        make_order(
            customer=customer,
            instalments=[services.InstalmentInput(due_date=date(2026, 5, 10), amount=Decimal("99.99"))],
        )
    assert "instalments" in error.value.fields
    assert Order.objects.count() == 0


def test_overdue_and_reminders(org, product, mailoutbox):
    org.rep1a1.email = "rep@example.com"
    org.rep1a1.save(update_fields=["email"])
    customer = CustomerFactory(owner=org.rep1a1)
    late = make_order(
        customer=customer, on=date(2026, 1, 1), payment_terms_days=30, today=date(2026, 1, 1)
    )  # due 31 Jan
    soon = make_order(
        customer=customer, on=date(2026, 3, 1), payment_terms_days=30, today=date(2026, 1, 1)
    )  # due 31 Mar
    assert services.instalments_mark_overdue(today=date(2026, 3, 25)) == 1
    assert late.instalments.get().status == InstalmentStatus.OVERDUE
    # 25 March + 7 days = 1 April: the instalment due 31 March gets its reminder, once.
    assert services.instalments_send_reminders(today=date(2026, 3, 25), days_before=7) == 1
    assert services.instalments_send_reminders(today=date(2026, 3, 26), days_before=7) == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["rep@example.com"]
    assert soon.instalments.get().reminded_on == date(2026, 3, 25)


def test_transfer_mid_year_leaves_earlier_orders_with_the_old_team(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    before = make_order(customer=customer, on=date(2026, 3, 10))
    person_transfer(person=org.rep1a1, team=org.t2a, on=date(2026, 6, 1), reason="支援华南")
    org.rep1a1.refresh_from_db()
    after = make_order(customer=customer, on=date(2026, 7, 1))
    assert (before.shares.get().team, before.shares.get().region) == (org.t1a, org.r1)
    assert (after.shares.get().team, after.shares.get().region) == (org.t2a, org.r2)
    # Changing the old order's lines later keeps its recorded team.
    services.order_update(
        order=before,
        user=org.director.user,
        lines=[services.LineInput(product=product, quantity=Decimal("2"), unit_price=Decimal("100"))],
    )
    assert before.shares.get().team == org.t1a
    # The old team still holds the March sales; the new team only July's.
    t1a_sales = CreditShare.objects.filter(team=org.t1a, order__status="confirmed").values_list("amount", flat=True)
    assert list(t1a_sales) == [Decimal("200.00")]


def test_instalment_rows_follow_the_order_total(org, product):
    customer = CustomerFactory(owner=org.rep1a1)
    make_order(customer=customer, lines=[(product, "2", "10")])
    assert Instalment.objects.get().amount == Decimal("20.00")


def test_payment_plan_of_a_confirmed_order_changes_only_by_a_manager(org, product):
    order = make_order(customer=CustomerFactory(owner=org.rep1a1), lines=[(product, "1", "100")])
    plan = [
        services.InstalmentInput(due_date=date(2026, 4, 10), amount=Decimal("30")),
        services.InstalmentInput(due_date=date(2026, 5, 10), amount=Decimal("70")),
    ]
    with pytest.raises(NotAllowed):
        services.order_set_payment_plan(order=order, user=org.rep1a1.user, instalments=plan)
    services.order_set_payment_plan(order=order, user=org.tm1a.user, instalments=plan, today=date(2026, 3, 10))
    assert list(order.instalments.values_list("amount", flat=True)) == [Decimal("30.00"), Decimal("70.00")]
