"""Notifications: milestones, the weekly digest, follow-up discipline, and the group-robot webhooks.

The webhooks are posted to a real HTTP server on 127.0.0.1 (a thread), no mocks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import date, timedelta

import pytest
from django.core import mail

from dashboard.models import FlagStage, FollowUpFlag, FollowUpRule
from dashboard.services import follow_up_discipline_run, milestones_notify, weekly_digest_send
from dashboard.tasks import notify_milestones, run_follow_up_discipline, send_weekly_digest
from dashboard.tests.factories import AS_OF, march_book
from fieldwork.models import Visit
from notifications.models import ChannelKind, Notification, NotificationKind
from notifications.tests.factories import NotificationChannelFactory
from notifications.tests.receiver import Receiver
from targets.tests import factories as tf


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def book(org):
    for p in org.people:
        p.email = f"{p.name}@example.com"
        p.save(update_fields=["email"])
    march_book(org)
    return org


def test_milestones_announce_the_highest_passed_once(book, receiver):
    o = book
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/wecom", region=None)
    NotificationChannelFactory(kind=ChannelKind.LARK, url=f"{receiver.url}/lark-south", region=o.r2)
    sent = notify_milestones.delay(as_of=AS_OF.isoformat()).get()
    # Passed as of 2026-03-15 (sales amount, March): rep1a1 0.60 -> 50 %, rep1b1 0.90 -> 90 %,
    # T1b 0.90 -> 90 % (tm1b), R1 1700/3000 = 0.5667 -> 50 % (rm1), company 0.50 -> 50 % (director).
    # rep1a2 0.20, rep2a1 0.30, T1a 0.40, T2a 0.30, R2 0.30 pass nothing. 5 messages.
    keys = dict(Notification.objects.values_list("recipient__name", "dedupe_key"))
    assert keys == {
        "rep1a1": f"milestone:rep:{o.rep1a1.pk}:sales_amount:2026-03:50",
        "rep1b1": f"milestone:rep:{o.rep1b1.pk}:sales_amount:2026-03:90",
        "tm1b": f"milestone:team:{o.t1b.pk}:sales_amount:2026-03:90",
        "rm1": f"milestone:region:{o.r1.pk}:sales_amount:2026-03:50",
        "director": "milestone:company:0:sales_amount:2026-03:50",
    }
    assert sent == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{n}@example.com" for n in keys)
    rep_mail = next(m for m in mail.outbox if m.to == ["rep1b1@example.com"])
    assert "90%" in rep_mail.subject and "900.00" in rep_mail.body
    # The company-wide WeCom robot got one message listing all five; the South robot nothing new.
    assert [path for path, _ in receiver.requests] == ["/wecom"]
    assert receiver.requests[0][1]["msgtype"] == "text"
    assert receiver.requests[0][1]["text"]["content"].count("\n") == 5  # title + 5 lines
    # A rerun sends nothing again.
    assert milestones_notify(as_of=AS_OF) == 0
    assert len(mail.outbox) == 5 and len(receiver.requests) == 1


def test_each_robot_gets_its_own_format_and_signature(book, receiver):
    o = book
    ding = NotificationChannelFactory(kind=ChannelKind.DINGTALK, url=f"{receiver.url}/ding?access_token=t", secret="s3")
    lark = NotificationChannelFactory(kind=ChannelKind.LARK, url=f"{receiver.url}/lark", secret="k9", region=o.r1)
    milestones_notify(as_of=AS_OF)
    by_path = {urllib.parse.urlsplit(path).path: (path, body) for path, body in receiver.requests}
    path, body = by_path["/ding"]
    assert body["msgtype"] == "text" and "rep1b1" in body["text"]["content"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"s3", f"{timestamp}\ns3".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"][0] == expected and query["access_token"] == ["t"]
    _path, body = by_path["/lark"]
    assert body["msg_type"] == "text"
    # Region R1's robot hears about R1 only: not the company row, not R2.
    assert "rep1b1" in body["content"]["text"] and "South" not in body["content"]["text"]
    key = f"{body['timestamp']}\nk9".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    ding.refresh_from_db()
    lark.refresh_from_db()
    assert ding.last_sent_at is not None and ding.last_error == "" and lark.last_error == ""


def test_a_refused_webhook_is_recorded_not_raised(book):
    refusing = Receiver(answer={"errcode": 310000, "errmsg": "keywords not in content"})
    try:
        channel = NotificationChannelFactory(kind=ChannelKind.DINGTALK, url=f"{refusing.url}/ding")
        milestones_notify(as_of=AS_OF)
    finally:
        refusing.close()
    channel.refresh_from_db()
    assert channel.last_error.startswith("310000") and channel.last_sent_at is None
    # The in-app messages were still written.
    assert Notification.objects.count() == 5


def test_weekly_digest_goes_to_each_rep_and_manager_once_a_week(book, receiver):
    o = book
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/w", send_milestones=False)
    # As of the recompute (March) only rows with a target count: 4 reps, 3 team managers, 2 regional
    # managers and the director have one -> 10 digests; junior1a has no target -> none.
    sent = send_weekly_digest.delay(today="2026-03-16").get()
    assert sent == 10
    digest = Notification.objects.get(recipient=o.rep1a2)
    assert digest.kind == NotificationKind.DIGEST and digest.dedupe_key == "digest:2026-W12"
    assert "200.00 / 1,000.00 = 20.0%" in digest.body and "behind pace" in digest.body
    assert len(mail.outbox) == 10
    assert len(receiver.requests) == 1
    # Same week again: nothing new.
    assert weekly_digest_send(today=date(2026, 3, 18)) == 0


def test_follow_up_discipline_reminds_then_copies_the_manager_then_flags(org):
    o = org
    today = date(2026, 6, 30)
    # (Created here, not taken from the data migration: a transactional test elsewhere may flush it.)
    FollowUpRule.objects.update_or_create(
        classification="key", defaults={"days": 14, "escalate_after": 7, "flag_after": 14}
    )
    fresh, reminded, escalated, flagged = (tf.customer(o.rep1a1) for _ in range(4))
    for c in (fresh, reminded, escalated, flagged):
        c.classification = "key"
        c.save(update_fields=["classification"])
    # Last visits: 5 days ago (fine), 15 days (>= 14: remind), 22 days (>= 14+7: copy manager),
    # 30 days (>= 14+14: flag).
    for c, days in ((fresh, 5), (reminded, 15), (escalated, 22), (flagged, 30)):
        tf.visit(o.rep1a1, today - timedelta(days=days), cust=c)
    # A next contact set for today on a visit of another customer.
    other = tf.customer(o.rep1b1)
    Visit.objects.filter(pk=tf.visit(o.rep1b1, today - timedelta(days=3), cust=other).pk).update(
        next_step="Send the quote", next_step_date=today
    )
    result = run_follow_up_discipline.delay(today=today.isoformat()).get()
    assert result == {"reminded": 1, "escalated": 1, "flagged": 1, "sent": 6}
    stages = dict(FollowUpFlag.objects.values_list("customer_id", "stage"))
    assert stages == {reminded.pk: FlagStage.REMINDED, escalated.pk: FlagStage.ESCALATED, flagged.pk: FlagStage.FLAGGED}
    # rep1a1: 3 reminders; tm1a (rep1a1's manager): 2 copies; rep1b1: the next-contact reminder. 6.
    counts = {}
    for name in Notification.objects.values_list("recipient__name", flat=True):
        counts[name] = counts.get(name, 0) + 1
    assert counts == {"rep1a1": 3, "tm1a": 2, "rep1b1": 1}
    assert Notification.objects.get(recipient=o.rep1b1).kind == NotificationKind.NEXT_CONTACT
    # The next day: same flags (refreshed), no new messages.
    assert follow_up_discipline_run(today=today + timedelta(days=1))["sent"] == 0


def test_flagged_customers_show_on_the_managers_dashboard_only_in_scope(client, org):
    o = org
    today = date(2026, 6, 30)
    FollowUpRule.objects.update_or_create(
        classification="key", defaults={"days": 14, "escalate_after": 7, "flag_after": 14}
    )
    c = tf.customer(o.rep2a1)
    c.classification = "key"
    c.save(update_fields=["classification"])
    tf.visit(o.rep2a1, today - timedelta(days=60), cust=c)
    follow_up_discipline_run(today=today)
    client.force_login(o.rm2.user)
    assert [f.customer_id for f in client.get("/dashboard/").context["flagged"]] == [c.pk]
    client.force_login(o.rm1.user)
    assert client.get("/dashboard/").context["flagged"] == []


def test_notification_list_and_mark_read(client, book):
    o = book
    milestones_notify(as_of=AS_OF)
    client.force_login(o.rep1a1.user)
    page = client.get("/dashboard/notifications/")
    assert [n.recipient_id for n in page.context["items"]] == [o.rep1a1.pk]
    client.post("/dashboard/notifications/read/")
    assert Notification.objects.get(recipient=o.rep1a1).read_at is not None
    # Others' notifications stay unread.
    assert Notification.objects.get(recipient=o.rep1b1).read_at is None
