"""The morning digest of a regional manager on the demo data, in English and in Chinese.

The world is the demo data set (`seed_demo --size 12 --seed 7`, tests/security_world.py). The
digest adds its figures up from the rows recorded on each unit (shares, visits, flags); the
expectations here come by another route: what the data-scope rule lets rm01 see
(`visible_to(rm01)`), counted and summed by the ORM, and the behind-pace names from the reps now
in rm01's region. The lines are then written out by hand in each language.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import F, Sum
from django.utils import translation

from customers.models import FollowUpFlag
from dashboard.services import morning_digest_send
from fieldwork.models import Visit
from notifications.models import ChannelKind, Notification, NotificationKind
from notifications.tests.factories import NotificationChannelFactory
from notifications.tests.receiver import Receiver
from sales.models import CreditShare, Instalment, InstalmentStatus, Order, OrderStatus, Payment
from salesorg.formatting import money
from salesorg.periods import Period
from targets.models import BUDGET_METRICS, Achievement, Metric, OwnerKind
from tests.security_world import TODAY, world  # noqa: F401 - the module's demo world

pytestmark = pytest.mark.django_db


def _expected(rm_user, today: date) -> dict:
    """rm01's figures, through the data-scope rule (not the digest's per-unit sums)."""
    yesterday = today - timedelta(days=1)
    orders = Order.objects.visible_to(rm_user).filter(date=yesterday, status=OrderStatus.CONFIRMED)
    amount = CreditShare.objects.visible_to(rm_user).filter(order__in=orders).aggregate(s=Sum("amount"))["s"]
    collected = Payment.objects.visible_to(rm_user).filter(date=yesterday).aggregate(s=Sum("amount"))["s"]
    overdue = Instalment.objects.visible_to(rm_user).filter(
        status=InstalmentStatus.OVERDUE, paid_amount__lt=F("amount")
    )
    outstanding = overdue.aggregate(s=Sum(F("amount") - F("paid_amount")))["s"]
    region = rm_user.person.region
    # Behind: the reps of rm01's region with a target row of this month below time progress.
    behind_rows = (
        Achievement.objects.filter(
            owner_kind=OwnerKind.REP, person__region=region, period=str(Period.month_of(today)), is_behind=True
        )
        .exclude(target=None)
        .exclude(metric__in=BUDGET_METRICS)
    )
    behind: dict[str, list[str]] = {}
    for name, metric in behind_rows.order_by("person__name", "metric").values_list("person__name", "metric"):
        behind.setdefault(name, []).append(metric)
    return {
        "region": region.name,
        "orders": orders.count(),
        "amount": amount or Decimal("0.00"),
        "collected": collected or Decimal("0.00"),
        "visits": Visit.objects.visible_to(rm_user).filter(date=yesterday).count(),
        "behind": behind,
        "pending": Order.objects.visible_to(rm_user).filter(status=OrderStatus.PENDING).count(),
        "overdue": overdue.count(),
        "outstanding": outstanding or Decimal("0.00"),
        "idle": FollowUpFlag.objects.visible_to(rm_user).count(),
    }


def _english(e: dict, today: date) -> list[str]:
    with translation.override("en"):
        behind = "; ".join(
            f"{name} ({', '.join(str(Metric(m).label) for m in metrics)})" for name, metrics in e["behind"].items()
        )
        return [
            f"Morning digest for {e['region']}, {today.isoformat()}",
            f"Yesterday ({today - timedelta(days=1)}): {e['orders']} orders worth {money(e['amount'])}, "
            f"{money(e['collected'])} collected, {e['visits']} visits.",
            f"Behind pace this month: {behind or 'nobody'}.",
            f"Orders waiting for approval: {e['pending']}.",
            f"Overdue instalments: {e['overdue']}, {money(e['outstanding'])} outstanding.",
            f"Customers nobody has contacted: {e['idle']}.",
        ]


def _chinese(e: dict, today: date) -> list[str]:
    with translation.override("zh-hans"):
        behind = "；".join(
            f"{name}（{'、'.join(str(Metric(m).label) for m in metrics)}）" for name, metrics in e["behind"].items()
        )
        return [
            f"{e['region']} 晨报（{today.isoformat()}）",
            f"昨日（{today - timedelta(days=1)}）：订单 {e['orders']} 笔，金额 {money(e['amount'])}；"
            f"回款 {money(e['collected'])}；拜访 {e['visits']} 次。",
            f"本月落后于进度：{behind or '无'}。",
            f"待审批订单：{e['pending']} 笔。",
            f"逾期分期：{e['overdue']} 笔，未收 {money(e['outstanding'])}。",
            f"无人联系的客户：{e['idle']} 家。",
        ]


def _digest_of(person) -> list[str]:
    n = Notification.objects.get(recipient=person, kind=NotificationKind.MORNING_DIGEST)
    return [n.title, *n.body.splitlines()]


def test_the_morning_digest_of_a_regional_manager_in_english_and_chinese(world, django_capture_on_commit_callbacks):  # noqa: F811
    rm_user = world.user("rm01")
    rm = rm_user.person
    # The digest of the day after rm01's region last had visits (on or before the world's today),
    # so that "yesterday" holds some work.
    today = Visit.objects.visible_to(rm_user).filter(date__lt=TODAY).latest("date").date + timedelta(days=1)
    # An expense overspend is not "behind": give a rep of the region who is on pace in every
    # target an overspent expense budget row; they must not be named.
    e = _expected(rm_user, today)
    budget = Achievement.objects.filter(
        owner_kind=OwnerKind.REP,
        person__region=rm.region,
        period=str(Period.month_of(today)),
        metric__in=BUDGET_METRICS,
    ).exclude(person__name__in=list(e["behind"]))
    overspent = budget.first()
    if overspent is not None:
        Achievement.objects.filter(pk=overspent.pk).update(is_behind=True)
    e = _expected(rm_user, today)
    assert overspent is None or overspent.person.name not in e["behind"]
    # Yesterday had visits (chosen so), so the comparison below is not of zeros alone.
    assert e["visits"] > 0, e

    rm.language = "en"
    rm.save(update_fields=["language"])
    receiver = Receiver()
    try:
        NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/east", region=rm.region)
        with django_capture_on_commit_callbacks(execute=True):
            morning_digest_send(today=today)
    finally:
        receiver.close()
    assert _digest_of(rm) == _english(e, today)
    # The region's robot: the same digest in the site's language (English in the tests).
    assert [(path, body["text"]["content"]) for path, body in receiver.requests] == [
        ("/east", "\n".join(_english(e, today)))
    ]
    # Once a day: a rerun writes nothing new.
    assert morning_digest_send(today=today) == 0

    # In Chinese: the same figures in rm01's language.
    Notification.objects.filter(recipient=rm).delete()
    rm.language = "zh-hans"
    rm.save(update_fields=["language"])
    morning_digest_send(today=today)
    assert _digest_of(rm) == _chinese(e, today)


def test_the_morning_digest_is_switchable_and_goes_to_managers_only(world):  # noqa: F811
    from notifications.services import preferences_set

    rm_user = world.user("rm01")
    preferences_set(user=rm_user, person_id=rm_user.person.pk, enabled={NotificationKind.MORNING_DIGEST: False})
    morning_digest_send(today=TODAY)
    recipients = set(
        Notification.objects.filter(kind=NotificationKind.MORNING_DIGEST).values_list("recipient__position", flat=True)
    )
    assert recipients and recipients <= {"team_manager", "regional_manager", "director"}
    assert not Notification.objects.filter(recipient=rm_user.person, kind=NotificationKind.MORNING_DIGEST).exists()
