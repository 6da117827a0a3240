"""The customer pool (公海), with the clock set: warning, return, exemption, cool-off, cap."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from customers.models import Classification, Customer, CustomerMove, FollowUp, FollowUpKind, MoveKind, PoolLimit
from customers.services.pool import customer_claim, pool_run
from customers.tasks import return_idle_customers_to_pool
from customers.tests.factories import CustomerFactory, IdleCustomerRuleFactory, VisitFactory
from sales.models import Order, OrderStatus
from salesorg.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

START = date(2026, 1, 1)


@pytest.fixture
def rule():
    # General customers: back to the pool after 30 idle days, warned 7 days before, 30-day cool-off.
    return IdleCustomerRuleFactory(classification=Classification.GENERAL, idle_days=30, warning_days=7, cooloff_days=30)


def test_idle_customer_is_warned_then_returned_and_the_owner_waits_out_the_cool_off(org, rule):
    customer = CustomerFactory(owner=org.rep1a1, owner_since=START)
    VisitFactory(customer=customer, date=date(2026, 1, 10))
    # Last activity 10 Jan + 30 days = due 9 Feb; the warning window opens 7 days before, on 2 Feb.

    result = pool_run(today=date(2026, 2, 1))
    assert result.warned == [] and result.returned == []

    result = pool_run(today=date(2026, 2, 2))
    assert result.warned == [customer.pk]
    warning = FollowUp.objects.get(customer=customer, kind=FollowUpKind.POOL_WARNING)
    assert warning.person == org.rep1a1 and warning.due_date == date(2026, 2, 9)
    customer.refresh_from_db()
    # The rep sees 7 days left on 2 Feb (9 Feb - 2 Feb).
    assert customer.pool_days_left(date(2026, 2, 2)) == 7
    assert customer.owner == org.rep1a1

    # Running twice the same day warns once.
    assert pool_run(today=date(2026, 2, 2)).warned == []
    assert pool_run(today=date(2026, 2, 8)).returned == []

    # The nightly task on 9 Feb returns it.
    assert return_idle_customers_to_pool.delay(as_of="2026-02-09").get() == {"warned": 0, "returned": 1, "exempt": 0}
    customer.refresh_from_db()
    assert customer.owner is None and customer.pool_due_date is None
    move = CustomerMove.objects.get(customer=customer, kind=MoveKind.RETURNED)
    assert move.from_owner == org.rep1a1 and move.date == date(2026, 2, 9)
    # The team manager still sees the customer (it stays in the team's unit).
    assert Customer.objects.visible_to(org.tm1a.user).filter(pk=customer.pk).exists()

    # Cool-off of 30 days: the previous owner may not claim until 11 Mar (9 Feb + 30 days).
    with pytest.raises(ApplicationError) as refused:
        customer_claim(user=org.rep1a1.user, customer=customer, today=date(2026, 3, 10))
    assert "customer" in refused.value.fields
    customer.refresh_from_db()
    assert customer.owner is None
    # Another rep may claim it at once... but here the previous owner waits and claims on 11 Mar.
    customer_claim(user=org.rep1a1.user, customer=customer, today=date(2026, 3, 11))
    customer.refresh_from_db()
    assert customer.owner == org.rep1a1 and customer.owner_since == date(2026, 3, 11)
    assert CustomerMove.objects.filter(customer=customer, kind=MoveKind.CLAIMED).count() == 1


def test_another_rep_may_claim_during_the_cool_off(org, rule):
    customer = CustomerFactory(owner=None, team=org.t1a, region=org.r1)
    CustomerMove.objects.create(customer=customer, date=date(2026, 2, 9), kind=MoveKind.RETURNED, from_owner=org.rep1a1)

    customer_claim(user=org.rep1a2.user, customer=customer, today=date(2026, 2, 10))

    customer.refresh_from_db()
    assert customer.owner == org.rep1a2


def test_customer_with_an_open_order_is_exempt(org, rule):
    exempt = CustomerFactory(owner=org.rep1a1, owner_since=START)
    Order.objects.create(number="SO-1", customer=exempt, date=date(2025, 12, 1), status=OrderStatus.PENDING)
    idle = CustomerFactory(owner=org.rep1a1, owner_since=START)

    # Both idle since 1 Jan (the older order does not count as later activity); due 31 Jan.
    pool_run(today=date(2026, 1, 24))
    result = pool_run(today=date(2026, 1, 31))

    assert result.returned == [idle.pk]
    assert result.exempt == 1
    exempt.refresh_from_db()
    assert exempt.owner == org.rep1a1
    assert not FollowUp.objects.filter(customer=exempt).exists()


def test_confirmed_order_counts_as_activity(org, rule):
    customer = CustomerFactory(owner=org.rep1a1, owner_since=START)
    Order.objects.create(number="SO-2", customer=customer, date=date(2026, 1, 20), status=OrderStatus.CONFIRMED)

    # Last activity 20 Jan -> due 19 Feb; on 31 Jan there are 19 days left, no warning.
    result = pool_run(today=date(2026, 1, 31))

    assert result.warned == [] and result.returned == []
    customer.refresh_from_db()
    assert customer.pool_due_date == date(2026, 2, 19)


def test_a_visit_after_the_warning_cancels_it(org, rule):
    customer = CustomerFactory(owner=org.rep1a1, owner_since=START)
    pool_run(today=date(2026, 1, 24))  # due 31 Jan: warned
    customer.refresh_from_db()
    assert customer.pool_warned_on == date(2026, 1, 24)

    VisitFactory(customer=customer, date=date(2026, 1, 25))
    result = pool_run(today=date(2026, 1, 31))

    assert result.returned == []
    customer.refresh_from_db()
    # 25 Jan + 30 days = 24 Feb.
    assert customer.pool_due_date == date(2026, 2, 24) and customer.pool_warned_on is None


def test_late_warning_still_gives_the_rep_the_warning_days(org, rule):
    # Nobody ran the job for months: the customer is long overdue but never warned.
    customer = CustomerFactory(owner=org.rep1a1, owner_since=START)

    result = pool_run(today=date(2026, 6, 1))

    assert result.warned == [customer.pk] and result.returned == []
    customer.refresh_from_db()
    assert customer.pool_due_date == date(2026, 6, 1) + timedelta(days=7)


def test_customers_without_a_rule_stay(org, rule):
    key = CustomerFactory(owner=org.rep1a1, owner_since=START, classification=Classification.KEY)

    result = pool_run(today=date(2026, 12, 31))

    assert key.pk not in result.warned + result.returned


def test_claim_cap(org, rule):
    # The holding cap is per position and classification (issue 19): a rep holds 2 general customers.
    PoolLimit.objects.update_or_create(
        position="rep", classification=Classification.GENERAL, defaults={"holding_cap": 2, "daily_claims": None}
    )
    CustomerFactory.create_batch(2, owner=org.rep1a1)
    pooled = CustomerFactory(owner=None)

    with pytest.raises(ApplicationError) as refused:
        customer_claim(user=org.rep1a1.user, customer=pooled, today=date(2026, 3, 1))

    assert "customer" in refused.value.fields
    pooled.refresh_from_db()
    assert pooled.owner is None
    assert not CustomerMove.objects.filter(customer=pooled).exists()


def test_pool_api_lists_and_claims(org, rule):
    from fieldwork.tests.test_api import client_for

    pooled = CustomerFactory(owner=None, credit_limit=Decimal("0"))
    client = client_for(org.rep1b1)

    listed = client.get("/api/v1/customer-pool/").json()["results"]
    assert [row["id"] for row in listed] == [pooled.pk]
    response = client.post(f"/api/v1/customer-pool/{pooled.pk}/claim/")

    assert response.status_code == 200
    pooled.refresh_from_db()
    assert pooled.owner == org.rep1b1 and pooled.team == org.t1b


def test_customer_with_an_open_opportunity_is_exempt_and_a_closed_one_counts_as_activity(org, rule):
    from django.utils import timezone as tz

    from sales.models import Opportunity, PipelineStage

    lead = PipelineStage.objects.create(name="线索-测试", order=1, probability=10)
    won = PipelineStage.objects.create(name="赢单-测试", order=9, probability=100, is_won=True)
    open_one = CustomerFactory(owner=org.rep1a1, owner_since=START)
    closed_one = CustomerFactory(owner=org.rep1a1, owner_since=START)
    entered = tz.make_aware(tz.datetime(2026, 1, 20, 10, 0))
    Opportunity.objects.create(
        name="扩产", customer=open_one, owner=org.rep1a1, stage=lead, expected_close_date=date(2026, 6, 30),
        stage_entered_at=entered,
    )  # fmt: skip
    Opportunity.objects.create(
        name="续约", customer=closed_one, owner=org.rep1a1, stage=won, expected_close_date=date(2026, 1, 20),
        stage_entered_at=entered,
    )  # fmt: skip

    # The won opportunity moved on 20 Jan: due 19 Feb, so on 31 Jan nothing happens to either.
    result = pool_run(today=date(2026, 1, 31))

    assert result.exempt == 1 and result.warned == [] and result.returned == []
    closed_one.refresh_from_db()
    assert closed_one.pool_due_date == date(2026, 2, 19)
    # Months later the open opportunity still protects its customer; the other one is warned.
    result = pool_run(today=date(2026, 5, 1))
    assert result.warned == [closed_one.pk]


def test_the_nightly_task_is_registered_under_its_beat_name():
    from django.conf import settings

    from salesorg.celery import app

    name = settings.CELERY_BEAT_SCHEDULE["customers-return-idle-to-pool"]["task"]
    assert name == "customers.tasks.return_idle_customers_to_pool"
    assert name in app.tasks


def test_the_warning_is_stored_as_a_code_and_read_in_the_readers_language(org, rule, client):
    """The night run writes in English (no request, no language); the rep reads the follow-up in
    Chinese on the page and in the API, and an English reader in English, from the same row."""
    from django.utils import translation

    customer = CustomerFactory(owner=org.rep1a1, owner_since=START, name="华东机械")
    VisitFactory(customer=customer, date=date(2026, 1, 10))
    # Last activity 10 Jan + 30 = due 9 Feb; warned on 2 Feb with 9 Feb - 2 Feb = 7 days left.
    with translation.override("en"):
        assert pool_run(today=date(2026, 2, 2)).warned == [customer.pk]
    warning = FollowUp.objects.get(customer=customer, kind=FollowUpKind.POOL_WARNING)
    assert (warning.text_code, warning.params) == ("pool_warning", {"customer": "华东机械", "days": 7})
    with translation.override("zh-hans"):
        assert warning.text == "华东机械 将在 7 天后回收公海，请尽快拜访。"
    with translation.override("en"):
        assert warning.text == "华东机械 returns to the pool in 7 days unless you visit it."

    client.force_login(org.rep1a1.user)
    client.cookies["django_language"] = "zh-hans"
    assert "华东机械 将在 7 天后回收公海" in client.get("/customers/follow-ups/").content.decode()
    [row] = client.get("/api/v1/follow-ups/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert row["message"] == "华东机械 将在 7 天后回收公海，请尽快拜访。"
