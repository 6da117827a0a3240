"""Notifications: milestones, the weekly digest, and the group-robot webhooks.

The follow-up discipline is customers' (customers/tests/test_follow_up.py).

The webhooks are posted to a real HTTP server on 127.0.0.1 (a thread), no mocks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import date

import pytest
from django.core import mail

from dashboard.services import milestones_notify, weekly_digest_send
from dashboard.tasks import notify_milestones, send_weekly_digest
from dashboard.tests.factories import AS_OF, march_book
from notifications.models import ChannelKind, Notification, NotificationKind
from notifications.tests.factories import NotificationChannelFactory
from notifications.tests.receiver import Receiver


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


def test_milestones_announce_the_highest_passed_once(book, receiver, django_capture_on_commit_callbacks):
    o = book
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/wecom", region=None)
    NotificationChannelFactory(kind=ChannelKind.LARK, url=f"{receiver.url}/lark-south", region=o.r2)
    # Sent once the transaction commits (a delivery task per e-mail and robot).
    with django_capture_on_commit_callbacks(execute=True):
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
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones_notify(as_of=AS_OF) == 0
    assert len(mail.outbox) == 5 and len(receiver.requests) == 1


def test_each_robot_gets_its_own_format_and_signature(book, receiver, django_capture_on_commit_callbacks):
    o = book
    ding = NotificationChannelFactory(kind=ChannelKind.DINGTALK, url=f"{receiver.url}/ding?access_token=t", secret="s3")
    lark = NotificationChannelFactory(kind=ChannelKind.LARK, url=f"{receiver.url}/lark", secret="k9", region=o.r1)
    with django_capture_on_commit_callbacks(execute=True):
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


def test_a_refused_webhook_is_recorded_not_raised(book, django_capture_on_commit_callbacks):
    refusing = Receiver(answer={"errcode": 310000, "errmsg": "keywords not in content"})
    try:
        channel = NotificationChannelFactory(kind=ChannelKind.DINGTALK, url=f"{refusing.url}/ding")
        with django_capture_on_commit_callbacks(execute=True):
            milestones_notify(as_of=AS_OF)
    finally:
        refusing.close()
    channel.refresh_from_db()
    assert channel.last_error.startswith("310000") and channel.last_sent_at is None
    # The in-app messages were still written.
    assert Notification.objects.count() == 5


def test_weekly_digest_goes_to_each_rep_and_manager_once_a_week(book, receiver, django_capture_on_commit_callbacks):
    o = book
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/w", send_milestones=False)
    # As of the recompute (March) only rows with a target count: 4 reps, 3 team managers, 2 regional
    # managers and the director have one -> 10 digests; junior1a has no target -> none.
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_weekly_digest.delay(today="2026-03-16").get()
    assert sent == 10
    digest = Notification.objects.get(recipient=o.rep1a2)
    assert digest.kind == NotificationKind.DIGEST and digest.dedupe_key == "digest:2026-W12"
    assert "200.00 / 1,000.00 = 20.0%" in digest.body and "behind pace" in digest.body
    assert len(mail.outbox) == 10
    assert len(receiver.requests) == 1
    # Same week again: nothing new.
    assert weekly_digest_send(today=date(2026, 3, 18)) == 0


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


def test_the_first_milestone_run_announces_current_periods_only(book):
    from targets.models import Achievement

    o = book
    # A backlog as the engine keeps it: last year's December and this February passed 100 % for
    # rep1a1 (copies of the March row, moved to past periods).
    march = Achievement.objects.get(person=o.rep1a1, metric="sales_amount", period="2026-03")
    for period in ("2025-12", "2026-02"):
        Achievement.objects.filter(
            owner_kind=march.owner_kind, owner_key=march.owner_key, metric=march.metric, period=period
        ).delete()
        Achievement.objects.create(
            **{
                f.attname: getattr(march, f.attname)
                for f in Achievement._meta.concrete_fields
                if f.attname not in ("id", "period", "rate")
            },
            period=period,
            rate="1.2000",
        )
    milestones_notify(as_of=AS_OF)
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    # Only March 2026 (and its quarter and year, none of which passed 50 %): the same 5 as above.
    assert all(":2026-03:" in key for key in keys) and len(keys) == 5
    assert not any("2025-12" in key or "2026-02" in key for key in keys)
