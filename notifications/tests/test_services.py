"""notify(): each (recipient, key) once, mailed when the person has an address; robots by region."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import ChannelKind, Notification, NotificationKind
from notifications.services import Draft, notification_mark_read, notify, notify_channels
from notifications.tests.factories import NotificationChannelFactory
from notifications.tests.receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _draft(person, key: str, title: str = "Hello") -> Draft:
    return Draft(
        recipient_id=person.pk,
        kind=NotificationKind.DIGEST,
        title=title,
        body="Body",
        dedupe_key=key,
        url="/x/",
        email=person.email,
    )


def test_notify_writes_each_key_once_per_recipient_and_mails_those_with_an_address(
    org, django_capture_on_commit_callbacks
):
    org.rep1a1.email = "rep1a1@example.com"
    org.rep1a1.save(update_fields=["email"])
    drafts = [_draft(org.rep1a1, "k1"), _draft(org.rep1a1, "k1", "Twice"), _draft(org.rep1a2, "k1")]

    with django_capture_on_commit_callbacks(execute=True):
        created = notify(drafts=drafts)

    assert sorted((n.recipient_id, n.title) for n in created) == sorted(
        [(org.rep1a1.pk, "Hello"), (org.rep1a2.pk, "Hello")]
    )
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["rep1a1@example.com"], "Hello", "Body\n\n/x/")]
    mailed = dict(Notification.objects.values_list("recipient_id", "emailed_at"))
    assert mailed[org.rep1a1.pk] is not None and mailed[org.rep1a2.pk] is None
    # A rerun sends nothing: not in the inbox, not by mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(drafts=drafts) == []
    assert Notification.objects.count() == 2 and len(mail.outbox) == 1


def test_notify_without_mail_and_without_drafts(org):
    assert notify(drafts=[]) == []
    org.rep1a1.email = "rep1a1@example.com"
    org.rep1a1.save(update_fields=["email"])
    notify(drafts=[_draft(org.rep1a1, "k2")], send_email=False)
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_mark_read_touches_only_the_recipients_unread_rows(org):
    notify(drafts=[_draft(org.rep1a1, "a"), _draft(org.rep1a1, "b"), _draft(org.rep1a2, "a")], send_email=False)
    first = Notification.objects.get(recipient=org.rep1a1, dedupe_key="a")
    assert notification_mark_read(recipient_id=org.rep1a1.pk, ids=[first.pk]) == 1
    assert notification_mark_read(recipient_id=org.rep1a1.pk) == 1
    assert notification_mark_read(recipient_id=org.rep1a1.pk) == 0
    assert Notification.objects.get(recipient=org.rep1a2).read_at is None


def test_notify_channels_sends_a_region_its_lines_and_the_company_all(
    org, receiver, django_capture_on_commit_callbacks
):
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/company", region=None)
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/east", region=org.r1)
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/south", region=org.r2)
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/off", is_active=False)
    NotificationChannelFactory(kind=ChannelKind.WECOM, url=f"{receiver.url}/no-digest", send_digest=False)

    with django_capture_on_commit_callbacks(execute=True):
        posted = notify_channels(event="digest", title="Week", lines_by_region={org.r1.pk: ["east 90%"], None: ["all"]})

    assert posted == 2
    assert sorted(receiver.requests) == [
        ("/company", {"msgtype": "text", "text": {"content": "Week\neast 90%\nall"}}),
        ("/east", {"msgtype": "text", "text": {"content": "Week\neast 90%"}}),
    ]
