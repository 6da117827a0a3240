"""Follow-up discipline, with the clock set: remind the rep, copy the manager, flag the customer.

The days without contact count from the one definition of last contact (`customers.hooks`): the
latest of visits, orders, opportunity changes and the day the owner got the customer.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings

from customers.models import Classification, CustomerStatus, FlagStage, FollowUpFlag
from customers.selectors.follow_ups import follow_up_flag_list
from customers.services.follow_up import follow_up_discipline_run
from customers.services.pool import pool_run
from customers.tasks import run_follow_up_discipline
from customers.tests.factories import CustomerFactory, IdleCustomerRuleFactory, VisitFactory
from notifications.models import Notification, NotificationKind
from notifications.tests.factories import NotificationChannelFactory
from notifications.tests.receiver import Receiver
from sales.models import Opportunity, Order, OrderStatus, PipelineStage

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)
LONG_AGO = date(2025, 1, 1)


@pytest.fixture
def key_rule():
    # Key customers: remind after 14 days without contact, copy the manager from 14 + 7 = 21 days,
    # flag from 14 + 14 = 28 days. No pool part.
    return IdleCustomerRuleFactory(
        classification=Classification.KEY, idle_days=None, follow_up_days=14, escalate_after=7, flag_after=14
    )


def _key_customer(owner, *, owner_since=LONG_AGO, **kwargs):
    return CustomerFactory(owner=owner, owner_since=owner_since, classification=Classification.KEY, **kwargs)


def _order(customer, number: str, day: date) -> Order:
    return Order.objects.create(number=number, customer=customer, date=day, status=OrderStatus.CONFIRMED)


def _sent_to() -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in Notification.objects.values_list("recipient__name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    return counts


def test_the_run_reminds_then_copies_the_manager_then_flags(org, key_rule):
    fresh, reminded, escalated, flagged = (_key_customer(org.rep1a1) for _ in range(4))
    # Last visits: 5 days ago (fine), 15 days (>= 14: remind), 22 days (>= 21: copy the manager),
    # 30 days (>= 28: flag).
    for customer, days in ((fresh, 5), (reminded, 15), (escalated, 22), (flagged, 30)):
        VisitFactory(customer=customer, date=TODAY - timedelta(days=days))

    result = run_follow_up_discipline.delay(today=TODAY.isoformat()).get()

    # rep1a1: 3 reminders; tm1a (rep1a1's manager): 2 copies (escalated and flagged). 5 messages.
    assert result == {"reminded": 1, "escalated": 1, "flagged": 1, "sent": 5}
    assert _sent_to() == {"rep1a1": 3, "tm1a": 2}
    assert set(Notification.objects.values_list("kind", flat=True)) == {NotificationKind.FOLLOW_UP}
    flags = {f.customer_id: (f.stage, f.last_contact, f.days_without_contact) for f in FollowUpFlag.objects.all()}
    assert flags == {
        reminded.pk: (FlagStage.REMINDED, date(2026, 6, 15), 15),
        escalated.pk: (FlagStage.ESCALATED, date(2026, 6, 8), 22),
        flagged.pk: (FlagStage.FLAGGED, date(2026, 5, 31), 30),
    }
    # The next day: the same flags (refreshed, a day older), no new messages.
    assert follow_up_discipline_run(today=TODAY + timedelta(days=1))["sent"] == 0
    assert FollowUpFlag.objects.get(customer=flagged).days_without_contact == 31


def test_last_contact_is_the_one_definition_orders_opportunities_and_ownership_count(org, key_rule):
    # Each customer's last visit was 60 days ago, which alone would flag it (>= 28).
    by_visit = _key_customer(org.rep1a1)
    by_order = _key_customer(org.rep1a1)
    by_opportunity = _key_customer(org.rep1a1)
    # Claimed 16 days ago: the visits of the previous owner no longer count against the new one.
    by_ownership = _key_customer(org.rep1a1, owner_since=TODAY - timedelta(days=16))
    for customer in (by_visit, by_order, by_opportunity, by_ownership):
        VisitFactory(customer=customer, author=org.rep1a2, date=TODAY - timedelta(days=60))
    # An order 3 days ago, an opportunity moved on 10 days ago.
    _order(by_order, "SO-FU-1", TODAY - timedelta(days=3))
    stage = PipelineStage.objects.create(name="方案-测试", order=2, probability=30)
    Opportunity.objects.create(
        name="扩产", customer=by_opportunity, owner=org.rep1a1, stage=stage, expected_close_date=TODAY,
        stage_entered_at=datetime(2026, 6, 20, 2, 0, tzinfo=UTC),
    )  # fmt: skip

    result = follow_up_discipline_run(today=TODAY)

    # by_visit: 60 days -> flagged; by_order: 3 days -> nothing; by_opportunity: 10 days ->
    # nothing; by_ownership: 16 days since the claim -> reminded, its last contact still the visit.
    assert (result["reminded"], result["escalated"], result["flagged"]) == (1, 0, 1)
    flags = {f.customer_id: (f.stage, f.last_contact, f.days_without_contact) for f in FollowUpFlag.objects.all()}
    assert flags == {
        by_visit.pk: (FlagStage.FLAGGED, date(2026, 5, 1), 60),
        by_ownership.pk: (FlagStage.REMINDED, date(2026, 5, 1), 16),
    }


def test_a_customer_never_contacted_counts_from_its_owner_start(org, key_rule):
    customer = _key_customer(org.rep1a1, owner_since=TODAY - timedelta(days=20))

    follow_up_discipline_run(today=TODAY)

    # 20 days since the owner got it (>= 14: remind, < 21): no contact recorded.
    flag = FollowUpFlag.objects.get(customer=customer)
    assert (flag.stage, flag.last_contact, flag.days_without_contact) == (FlagStage.REMINDED, None, 20)


def test_only_active_owned_customers_of_a_running_rule_are_followed(org, key_rule):
    # Never contacted since 1 Jan 2025: each would be flagged if it were followed.
    followed = _key_customer(org.rep1b1)
    CustomerFactory(owner=None, classification=Classification.KEY, team=org.t1a, region=org.r1)  # in the pool
    _key_customer(org.rep1a1, status=CustomerStatus.LOST)
    # General customers' rule has a pool part only: no follow-up for them.
    IdleCustomerRuleFactory(classification=Classification.GENERAL, idle_days=400, follow_up_days=None)
    CustomerFactory(owner=org.rep1a1, owner_since=LONG_AGO, classification=Classification.GENERAL)

    follow_up_discipline_run(today=TODAY)

    assert list(FollowUpFlag.objects.values_list("customer_id", flat=True)) == [followed.pk]
    # Switched off, the follow-up part keeps its numbers but finds nothing; the old flags go.
    key_rule.follow_up_active = False
    key_rule.save(update_fields=["follow_up_active"])
    assert follow_up_discipline_run(today=TODAY) == {"reminded": 0, "escalated": 0, "flagged": 0, "sent": 0}
    assert not FollowUpFlag.objects.exists()


def test_the_pool_and_the_follow_up_read_the_same_rule_and_the_same_last_activity(org):
    # One rule for general customers: reminded after 10 days, back to the pool after 30 (warned 7
    # days before). Last activity: an order 25 days ago (a visit 50 days ago is older).
    IdleCustomerRuleFactory(
        classification=Classification.GENERAL, idle_days=30, warning_days=7, follow_up_days=10, escalate_after=5,
        flag_after=20,
    )  # fmt: skip
    customer = CustomerFactory(owner=org.rep1a1, owner_since=LONG_AGO, classification=Classification.GENERAL)
    VisitFactory(customer=customer, date=TODAY - timedelta(days=50))
    _order(customer, "SO-FU-2", TODAY - timedelta(days=25))

    follow_up = follow_up_discipline_run(today=TODAY)
    pool = pool_run(today=TODAY)

    # 25 days >= 10 + 5 = 15: the manager is copied; < 10 + 20 = 30: not flagged.
    assert FollowUpFlag.objects.get(customer=customer).stage == FlagStage.ESCALATED
    assert follow_up["escalated"] == 1
    # Due back in the pool 30 days after the order, 5 days from now: within the 7 warning days, so
    # warned today, and given the whole 7 days (7 Jul).
    assert pool.warned == [customer.pk]
    customer.refresh_from_db()
    assert customer.pool_due_date == date(2026, 7, 7)


def test_flagged_customers_go_to_the_group_robots(org, key_rule, django_capture_on_commit_callbacks):
    receiver = Receiver()
    try:
        NotificationChannelFactory(url=f"{receiver.url}/w", send_milestones=False, send_follow_ups=True)
        customer = _key_customer(org.rep1a1, name="久未联系客户")
        VisitFactory(customer=customer, date=TODAY - timedelta(days=40))

        # Posted once the transaction commits (a delivery task per robot).
        with django_capture_on_commit_callbacks(execute=True):
            follow_up_discipline_run(today=TODAY)
            follow_up_discipline_run(today=TODAY)
    finally:
        receiver.close()

    # Once: the second run copies no manager anew. The line: customer, rep, days without contact.
    assert [body["text"]["content"].splitlines()[1:] for _path, body in receiver.requests] == [
        ["久未联系客户 · rep1a1 · 40"]
    ]


def test_flags_follow_the_data_scope_rule(org, key_rule):
    mine = _key_customer(org.rep1a1)
    other = _key_customer(org.rep2a1)
    for customer in (mine, other):
        VisitFactory(customer=customer, date=TODAY - timedelta(days=40))
    follow_up_discipline_run(today=TODAY)

    assert [f.customer_id for f in follow_up_flag_list(user=org.tm1a.user)] == [mine.pk]
    assert {f.customer_id for f in follow_up_flag_list(user=org.director.user, flagged_only=True)} == {
        mine.pk,
        other.pk,
    }


def test_the_daily_task_is_registered_under_its_beat_name():
    from salesorg.celery import app

    name = settings.CELERY_BEAT_SCHEDULE["dashboard-follow-ups"]["task"]
    assert name == "customers.tasks.run_follow_up_discipline"
    assert name in app.tasks
