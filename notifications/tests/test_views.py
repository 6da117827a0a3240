"""The inbox page: one's own notifications only; marking read is a POST and touches only one's own."""

from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification, NotificationKind
from notifications.services import Draft, notify
from staff.tests.factories import UserFactory


def _send(*people) -> None:
    notify(
        drafts=[
            Draft(recipient_id=p.pk, kind=NotificationKind.MILESTONE, title=f"For {p.name}", body="", dedupe_key="m")
            for p in people
        ],
        send_email=False,
    )


def test_the_inbox_keeps_its_address():
    assert reverse("notifications:inbox") == "/dashboard/notifications/"
    assert reverse("notifications:read") == "/dashboard/notifications/read/"


def test_the_inbox_shows_only_ones_own(client, org):
    _send(org.rep1a1, org.tm1a, org.director)
    client.force_login(org.tm1a.user)
    page = client.get("/dashboard/notifications/")
    assert page.status_code == 200
    assert [n.title for n in page.context["items"]] == [f"For {org.tm1a.name}"]
    assert f"For {org.rep1a1.name}" not in page.content.decode()


def test_mark_all_read_is_a_post_and_touches_only_ones_own(client, org):
    _send(org.rep1a1, org.rep1a2)
    client.force_login(org.rep1a1.user)
    assert client.get("/dashboard/notifications/read/").status_code == 405
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    answer = client.post("/dashboard/notifications/read/")
    assert answer.status_code == 302 and answer["Location"] == "/dashboard/notifications/"
    assert Notification.objects.get(recipient=org.rep1a1).read_at is not None
    assert Notification.objects.get(recipient=org.rep1a2).read_at is None


def test_the_inbox_asks_for_a_login(client, db):
    answer = client.get("/dashboard/notifications/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_the_admin_lists_them_under_notifications(client, org):
    _send(org.rep1a1)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/notifications/notification/")
    assert page.status_code == 200 and f"For {org.rep1a1.name}" in page.content.decode()
    assert client.get("/admin/notifications/notificationchannel/").status_code == 200
