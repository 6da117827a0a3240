"""Delivery over real HTTP (a local receiver in a thread, no mocks): parts within the robot's byte
limit, in order; retries with backoff until the receiver takes it; sent only after success."""

from __future__ import annotations

import urllib.parse

import pytest
from django.core import mail

from notifications.delivery import BYTE_LIMITS, dingtalk_url, lark_sign, split_message
from notifications.models import ChannelKind, Delivery, DeliveryState, Notification, NotificationKind
from notifications.services import Draft, channel_send, channel_send_test, notify, notify_channels
from notifications.tasks import DELIVERY_MAX_RETRIES
from notifications.tests.factories import NotificationChannelFactory
from notifications.tests.receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _content(body: dict) -> str:
    return body["text"]["content"] if "text" in body else body["content"]["text"]


def test_a_wecom_message_of_5000_bytes_goes_in_parts_of_at_most_2048_bytes_in_order(
    db, receiver, django_capture_on_commit_callbacks
):
    channel = NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/wecom")
    # Lines "第NNN行" + 10 x "销": 3 + 3 + 3 + 10 x 3 = 39 bytes; the last one ends with "!" (40).
    # 125 lines: 124 x 39 + 40 + 124 newlines = 4,836 + 40 + 124 = 5,000 bytes.
    lines = [f"第{i:03d}行" + "销" * 10 for i in range(125)]
    lines[-1] += "!"
    text = "\n".join(lines)
    assert len(text.encode()) == 5000

    with django_capture_on_commit_callbacks(execute=True):
        delivery = channel_send(channel=channel, title="日报", text=text)

    contents = [_content(body) for _path, body in receiver.requests]
    # Each part: "日报 (i/3)\n" = 6 + 6 + 1 = 13 bytes of header, leaving 2,035 bytes for whole lines:
    # k lines take 40k - 1 bytes, so 50 fit (1,999) and 51 do not (2,039): 50 + 50 + 25 lines.
    assert len(contents) == 3
    assert [c.splitlines()[0] for c in contents] == ["日报 (1/3)", "日报 (2/3)", "日报 (3/3)"]
    assert [len(c.encode()) for c in contents] == [13 + 1999, 13 + 1999, 13 + 24 * 39 + 40 + 24]
    assert all(len(c.encode()) <= 2048 for c in contents)
    # In order and nothing lost: the parts' lines put back together are the message.
    assert [line for c in contents for line in c.splitlines()[1:]] == lines
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.parts_sent) == (DeliveryState.SENT, 1, 3)
    assert delivery.sent_at is not None


def test_a_long_line_is_cut_between_characters_never_inside_one():
    # One line of 1,000 "销" (3,000 bytes) and no newline: cut by bytes, on character boundaries.
    parts = split_message(title="T", text="销" * 1000, limit=BYTE_LIMITS[ChannelKind.WECOM])
    # Header "T (1/2)\n" = 8 bytes; 2,040 bytes of budget = 680 characters; the rest 320.
    assert [len(p.encode()) for p in parts] == [8 + 680 * 3, 8 + 320 * 3]
    assert "".join(p.split("\n", 1)[1] for p in parts) == "销" * 1000
    # A message within the limit goes whole, without a marker.
    assert split_message(title="T", text="short", limit=2048) == ["T\nshort"]


def test_a_receiver_that_fails_twice_gets_the_message_once_after_the_third_attempt(
    db, django_capture_on_commit_callbacks
):
    failing = Receiver(fail_first=2)
    try:
        channel = NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{failing.url}/flaky")
        with django_capture_on_commit_callbacks(execute=True):
            delivery = channel_send(channel=channel, title="Daily", text="one message")
    finally:
        failing.close()
    # Two 503 answers, then the message: received once.
    assert len(failing.refused) == 2
    assert failing.requests == [("/flaky", {"msgtype": "text", "text": {"content": "Daily\none message"}})]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 3, "")
    channel.refresh_from_db()
    assert channel.last_sent_at is not None and channel.last_error == ""


def test_a_retry_goes_on_from_the_first_part_not_sent(db, receiver, django_capture_on_commit_callbacks):
    from notifications.tasks import deliver

    channel = NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/w")
    # As after an attempt whose first part was taken and whose second failed.
    delivery = Delivery.objects.create(channel=channel, title="T", text="a" * 5000, parts_sent=1, attempts=1)
    deliver.delay(delivery.pk)
    # 5,000 bytes of "a", header "T (i/3)\n" = 8 bytes: 2,040 + 2,040 + 920; part 1 is not sent again.
    assert [_content(b).splitlines()[0] for _p, b in receiver.requests] == ["T (2/3)", "T (3/3)"]
    assert [len(_content(b).encode()) for _p, b in receiver.requests] == [8 + 2040, 8 + 920]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.parts_sent, delivery.attempts) == (DeliveryState.SENT, 3, 2)


def test_a_robot_that_always_refuses_ends_failed_with_its_error_and_no_sent_time(
    db, django_capture_on_commit_callbacks
):
    refusing = Receiver(answer={"errcode": 310000, "errmsg": "keywords not in content"})
    try:
        channel = NotificationChannelFactory(kind=ChannelKind.DINGTALK, url=f"{refusing.url}/ding")
        with django_capture_on_commit_callbacks(execute=True):
            delivery = channel_send(channel=channel, title="T", text="x")
    finally:
        refusing.close()
    delivery.refresh_from_db()
    # Every attempt refused: 1 + DELIVERY_MAX_RETRIES (5) = 6 posts, then "failed".
    assert len(refusing.requests) == 1 + DELIVERY_MAX_RETRIES == 6
    assert (delivery.state, delivery.attempts, delivery.sent_at) == (DeliveryState.FAILED, 6, None)
    assert delivery.last_error == "310000: keywords not in content"
    channel.refresh_from_db()
    assert channel.last_sent_at is None and channel.last_error == "310000: keywords not in content"


def test_dingtalk_and_lark_are_signed_when_a_secret_is_set(db, receiver, django_capture_on_commit_callbacks):
    ding = NotificationChannelFactory(kind=ChannelKind.DINGTALK, url=f"{receiver.url}/ding?access_token=t", secret="s3")
    lark = NotificationChannelFactory(kind=ChannelKind.LARK, url=f"{receiver.url}/lark", secret="k9")
    with django_capture_on_commit_callbacks(execute=True):
        channel_send(channel=ding, title="T", text="x")
        channel_send(channel=lark, title="T", text="x")
    by_path = {urllib.parse.urlsplit(path).path: (path, body) for path, body in receiver.requests}
    path, body = by_path["/ding"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp = int(query["timestamp"][0])
    assert f"/ding?{urllib.parse.urlsplit(dingtalk_url('/ding?access_token=t', 's3', timestamp)).query}" == path
    assert body == {"msgtype": "text", "text": {"content": "T\nx"}}
    _path, body = by_path["/lark"]
    assert body["content"] == {"text": "T\nx"} and body["msg_type"] == "text"
    assert body["sign"] == lark_sign("k9", int(body["timestamp"]))


def test_nothing_is_sent_before_the_transaction_commits(db, receiver, django_capture_on_commit_callbacks):
    channel = NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/w")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_channels(event="digest", title="Week", lines_by_region={None: [f"line {i}" for i in range(80)]})
    assert receiver.requests == [] and Delivery.objects.get().state == DeliveryState.PENDING
    for callback in callbacks:
        callback()
    # All 80 lines (the old cut kept 50): title + 80 lines, well within 2,048 bytes.
    ((_path, body),) = receiver.requests
    assert len(body["text"]["content"].splitlines()) == 81 and channel.deliveries.get().state == DeliveryState.SENT


def test_an_email_is_marked_sent_only_after_it_went_out(org, django_capture_on_commit_callbacks):
    org.rep1a1.email = "rep1a1@example.com"
    org.rep1a1.save(update_fields=["email"])
    draft = Draft(
        recipient_id=org.rep1a1.pk,
        kind=NotificationKind.DIGEST,
        title="Hi",
        body="Body",
        dedupe_key="k",
        email=org.rep1a1.email,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(drafts=[draft])
    # Written, not yet sent: no e-mail, no sent time.
    assert mail.outbox == [] and Notification.objects.get().emailed_at is None
    assert Delivery.objects.get().state == DeliveryState.PENDING
    for callback in callbacks:
        callback()
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["rep1a1@example.com"], "Hi", "Body")]
    assert Notification.objects.get().emailed_at is not None
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_an_email_that_cannot_be_sent_stays_unsent(org, settings, django_capture_on_commit_callbacks):
    # An SMTP server that refuses connections (nothing listens on port 9 here).
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    draft = Draft(recipient_id=org.rep1a1.pk, kind=NotificationKind.DIGEST, title="Hi", body="B", dedupe_key="k")
    draft = Draft(**{**draft.__dict__, "email": "rep1a1@example.com"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(drafts=[draft])
    assert Notification.objects.get().emailed_at is None
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.sent_at) == (DeliveryState.FAILED, 6, None)


def test_the_admin_sends_a_test_message_to_each_channel_chosen(
    client, db, receiver, django_capture_on_commit_callbacks
):
    from staff.tests.factories import UserFactory

    a = NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/a")
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/b")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/admin/notifications/notificationchannel/",
            {"action": "send_test_message", "_selected_action": [a.pk]},
        )
    assert answer.status_code == 302
    assert [path for path, _body in receiver.requests] == ["/a"]
    assert a.deliveries.get().state == DeliveryState.SENT
    assert client.get("/admin/notifications/delivery/").status_code == 200


def test_a_test_message_to_a_channel_out_of_scope_is_refused(org):
    channel = NotificationChannelFactory(region=org.r2)
    with pytest.raises(type(channel).DoesNotExist):
        channel_send_test(user=org.rep1a1.user, channel=channel)
    assert Delivery.objects.count() == 0
