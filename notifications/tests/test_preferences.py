"""Each kind switchable per person; the settings page in both languages; the inbox in pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.services import Draft, notify, preferences_set


def _draft(person, kind: str, key: str) -> Draft:
    return Draft(recipient_id=person.pk, kind=kind, title=key, body="", dedupe_key=key)


def test_a_kind_switched_off_is_not_written_the_others_are(org):
    preferences_set(user=org.rep1a1.user, person_id=org.rep1a1.pk, enabled={NotificationKind.MILESTONE: False})
    created = notify(
        drafts=[
            _draft(org.rep1a1, NotificationKind.MILESTONE, "m"),
            _draft(org.rep1a1, NotificationKind.DIGEST, "d"),
            _draft(org.rep1a2, NotificationKind.MILESTONE, "m"),
        ],
        send_email=False,
    )
    # rep1a1 switched milestones off: only the digest; rep1a2 (no setting) gets the milestone.
    assert sorted((n.recipient_id, n.dedupe_key) for n in created) == sorted(
        [(org.rep1a1.pk, "d"), (org.rep1a2.pk, "m")]
    )
    # Back on: the next milestone arrives.
    preferences_set(user=org.rep1a1.user, person_id=org.rep1a1.pk, enabled={NotificationKind.MILESTONE: True})
    assert [n.dedupe_key for n in notify(drafts=[_draft(org.rep1a1, NotificationKind.MILESTONE, "m2")])] == ["m2"]


def test_only_ones_own_settings_and_known_kinds(org):
    import pytest

    with pytest.raises(PermissionError):
        preferences_set(user=org.tm1a.user, person_id=org.rep1a1.pk, enabled={NotificationKind.DIGEST: False})
    with pytest.raises(ValueError, match="kind"):
        preferences_set(user=org.rep1a1.user, person_id=org.rep1a1.pk, enabled={"nonsense": False})
    assert NotificationPreference.objects.count() == 0


def test_the_settings_page_switches_kinds_in_both_languages(client, org):
    client.force_login(org.rep1a1.user)
    url = reverse("notifications:settings")
    assert url == "/dashboard/notifications/settings/"
    page = client.get(url).content.decode()
    assert 'value="milestone"' in page and "checked" in page and "Notification settings" in page
    # Everything but the weekly digest stays on.
    kept = [k for k in NotificationKind.values if k != NotificationKind.DIGEST]
    answer = client.post(url, {"kind": kept})
    assert answer.status_code == 302
    assert list(NotificationPreference.objects.values_list("person_id", "kind", "enabled")) == [
        (org.rep1a1.pk, NotificationKind.DIGEST, False)
    ]
    # An unknown kind: 400 naming it, nothing written.
    bad = client.post(url, {"kind": ["nonsense"]})
    assert bad.status_code == 400 and "nonsense" in bad.content.decode()
    assert NotificationPreference.objects.count() == 1
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "通知设置" in zh and "每周进度简报" in zh


def test_the_inbox_comes_in_pages_of_50(client, org):
    # 120 notifications: pages of 50, 50 and 20.
    Notification.objects.bulk_create(
        [
            Notification(recipient=org.rep1a1, kind=NotificationKind.DIGEST, title=f"n{i}", dedupe_key=f"k{i}")
            for i in range(120)
        ]
    )
    client.force_login(org.rep1a1.user)
    first = client.get(reverse("notifications:inbox"))
    assert len(first.context["items"]) == 50 and 'data-testid="pager"' in first.content.decode()
    last = client.get(reverse("notifications:inbox"), {"page": 3})
    assert len(last.context["items"]) == 20
    assert client.get(reverse("notifications:inbox"), {"page": "x"}).status_code == 200
