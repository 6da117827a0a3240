"""Sending: the in-app inbox, e-mail through Django's mail settings, group robots.

`notify` is the one service every app calls to tell people something: it writes the inbox rows
(deduplicated by recipient and key, so a rerun sends nothing twice) and a Delivery for each
recipient who has an address. `notify_channels` makes a Delivery for each group robot that takes
an event (company-wide ones get every line, a region's robot the lines of its region). Every
Delivery is sent by its own Celery task once the transaction commits (notifications/tasks.py,
notifications/delivery.py): retried with backoff, split to the robot's byte limit, marked sent
only after it went out. What to say, to whom and when is the caller's rule; nothing here knows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Delivery, Notification, NotificationChannel, NotificationKind, NotificationPreference


@dataclass(frozen=True)
class Draft:
    """A notification to be sent: to whom, what, and the key that makes it unique for them."""

    recipient_id: int
    kind: str
    title: str
    body: str
    dedupe_key: str
    url: str = ""
    email: str = ""


def language_of(person: Any) -> str:
    """The language a message to this person is written in: their own choice, else the site's."""
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def notify(*, drafts: Sequence[Draft], send_email: bool = True) -> list[Notification]:
    """Write the drafts not sent before (by recipient and key) and e-mail them. Returns the new rows."""
    if not drafts:
        return []
    keys = {d.dedupe_key for d in drafts}
    sent = set(
        Notification.objects.filter(dedupe_key__in=keys, recipient_id__in={d.recipient_id for d in drafts}).values_list(
            "recipient_id", "dedupe_key"
        )
    )
    # Kinds a recipient switched off are not written (nor mailed): one query.
    off = set(
        NotificationPreference.objects.filter(
            person_id__in={d.recipient_id for d in drafts}, kind__in={d.kind for d in drafts}, enabled=False
        ).values_list("person_id", "kind")
    )
    fresh: dict[tuple[int, str], Draft] = {}
    for d in drafts:
        if (d.recipient_id, d.dedupe_key) not in sent and (d.recipient_id, d.kind) not in off:
            fresh.setdefault((d.recipient_id, d.dedupe_key), d)
    rows = [
        Notification(
            recipient_id=d.recipient_id,
            kind=d.kind,
            title=d.title[:200],
            body=d.body,
            url=d.url,
            dedupe_key=d.dedupe_key,
        )
        for d in fresh.values()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if send_email and any(d.email for d in fresh.values()):
        mailed = {k: d for k, d in fresh.items() if d.email}
        # The rows just written (bulk_create with ignore_conflicts sets no ids): one query.
        ids = {
            (recipient_id, key): pk
            for pk, recipient_id, key in Notification.objects.filter(
                recipient_id__in={k[0] for k in mailed}, dedupe_key__in={k[1] for k in mailed}
            ).values_list("pk", "recipient_id", "dedupe_key")
        }
        deliveries = [
            Delivery(
                notification_id=ids[k],
                email=d.email,
                title=d.title[:200],
                text=f"{d.body}\n\n{d.url}".strip(),
            )
            for k, d in mailed.items()
            if k in ids
        ]
        enqueue(Delivery.objects.bulk_create(deliveries))
    return rows


def wants(*, person_ids: set[int], kind: str) -> set[int]:
    """Of these people, those who take notifications of this kind (no switched-off preference)."""
    off = set(
        NotificationPreference.objects.filter(person_id__in=person_ids, kind=kind, enabled=False).values_list(
            "person_id", flat=True
        )
    )
    return person_ids - off


def preferences_of(*, person_id: int) -> dict[str, bool]:
    """Every kind with the person's switch (on unless switched off)."""
    saved = dict(NotificationPreference.objects.filter(person_id=person_id).values_list("kind", "enabled"))
    return {kind: saved.get(kind, True) for kind in NotificationKind.values}


def preferences_set(*, user: Any, person_id: int, enabled: dict[str, bool]) -> None:
    """Switch kinds on or off for a person: only one's own (the authority rule: a personal setting).

    Unknown kinds are refused (ValueError naming it) and nothing is written.
    """
    viewer_person_id = getattr(getattr(user, "person", None), "pk", None)
    if viewer_person_id != person_id:
        raise PermissionError("one's own notification settings only")
    unknown = sorted(set(enabled) - set(NotificationKind.values))
    if unknown:
        raise ValueError(f"kind: unknown {unknown[0]}")
    with transaction.atomic():
        existing = {p.kind: p for p in NotificationPreference.objects.select_for_update().filter(person_id=person_id)}
        for kind, on in enabled.items():
            pref = existing.get(kind)
            if pref is None:
                if not on:
                    NotificationPreference.objects.create(person_id=person_id, kind=kind, enabled=False)
            elif pref.enabled != on:
                pref.enabled = on
                pref.save(update_fields=["enabled"])


def notification_mark_read(*, recipient_id: int, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- deliveries and group robots -----------------------------------------------------------------


def enqueue(deliveries: Sequence[Delivery]) -> None:
    """Start one delivery task per row once the current transaction commits."""
    from notifications.tasks import deliver

    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver.delay(pk))


def notify_channels(*, event: str, title: str, lines_by_region: dict[int | None, list[str]]) -> int:
    """Send the lines of an event to the robots taking it, every line (a long message goes in parts).

    A company-wide robot gets every line; a region's robot the lines of its region (key None: lines
    of no region, for company-wide robots only). Returns the number of deliveries made.
    """
    channels = channels_for(event=event, region_ids={r for r in lines_by_region if r is not None})
    deliveries = []
    for channel in channels:
        if channel.region_id is None:
            lines = [line for lines in lines_by_region.values() for line in lines]
        else:
            lines = lines_by_region.get(channel.region_id, [])
        if lines:
            with translation.override(settings.LANGUAGE_CODE):
                text = "\n".join(str(line) for line in lines)
                deliveries.append(Delivery(channel=channel, title=str(title)[:200], text=text))
    enqueue(Delivery.objects.bulk_create(deliveries))
    return len(deliveries)


def channel_send(*, channel: NotificationChannel, title: str, text: str) -> Delivery:
    """One message to one robot (e.g. a unit's morning digest), sent after commit."""
    delivery = Delivery.objects.create(channel=channel, title=title[:200], text=text)
    enqueue([delivery])
    return delivery


def channel_send_test(*, user: Any, channel: NotificationChannel) -> Delivery:
    """A test message to a robot, from the admin's "send a test message" action."""
    if not NotificationChannel.objects.visible_to(user).filter(pk=channel.pk).exists():
        raise NotificationChannel.DoesNotExist
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Test message")
        text = _("A test message from the sales organization system, sent by %(user)s at %(time)s.") % {
            "user": getattr(user, "username", ""),
            "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }
    return channel_send(channel=channel, title=str(title), text=str(text))


def channels_for(*, event: str, region_ids: set[int] | None = None) -> list[NotificationChannel]:
    """Active channels taking an event: company-wide ones and those of the given regions."""
    flag = {"milestone": "send_milestones", "digest": "send_digest", "follow_up": "send_follow_ups"}[event]
    qs = NotificationChannel.objects.filter(is_active=True, **{flag: True}).select_related("region")
    if region_ids is not None:
        qs = qs.filter(Q(region__isnull=True) | Q(region_id__in=region_ids))
    return list(qs)
