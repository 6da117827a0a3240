"""Sending: the in-app inbox, e-mail through Django's mail settings, group robots.

`notify` is the one service every app calls to tell people something: it writes the inbox rows
(deduplicated by recipient and key, so a rerun sends nothing twice) and mails the recipients who
have an address. `notify_channels` posts lines to the group robots that take an event (company-wide
ones get every line, a region's robot the lines of its region); `webhook_post` posts one message
to a WeCom, DingTalk or Lark robot in the format each expects (signed when a secret is set). What
to say, to whom and when is the caller's rule; nothing here knows it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import timezone, translation

from notifications.models import ChannelKind, Notification, NotificationChannel

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 5


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
    fresh: dict[tuple[int, str], Draft] = {}
    for d in drafts:
        if (d.recipient_id, d.dedupe_key) not in sent:
            fresh.setdefault((d.recipient_id, d.dedupe_key), d)
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=d.recipient_id,
            kind=d.kind,
            title=d.title[:200],
            body=d.body,
            url=d.url,
            dedupe_key=d.dedupe_key,
            emailed_at=now if (send_email and d.email) else None,
        )
        for d in fresh.values()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if send_email:
        messages = [
            (d.title, f"{d.body}\n\n{d.url}".strip(), settings.DEFAULT_FROM_EMAIL, [d.email])
            for d in fresh.values()
            if d.email
        ]
        if messages:
            send_mass_mail(messages, fail_silently=False)
    return rows


def notification_mark_read(*, recipient_id: int, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- group robots ---------------------------------------------------------------------------------


def _dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, base64, as query params."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def _lark_sign(secret: str, timestamp_s: int) -> str:
    """Lark: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, base64."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def webhook_payload(*, kind: str, title: str, text: str, secret: str = "", now: float | None = None) -> dict:
    """The JSON body each robot expects for a plain text message."""
    content = f"{title}\n{text}".strip()
    if kind == ChannelKind.WECOM:
        return {"msgtype": "text", "text": {"content": content}}
    if kind == ChannelKind.DINGTALK:
        return {"msgtype": "text", "text": {"content": content}}
    if kind == ChannelKind.LARK:
        payload: dict = {"msg_type": "text", "content": {"text": content}}
        if secret:
            timestamp = int(now if now is not None else time.time())
            payload.update(timestamp=str(timestamp), sign=_lark_sign(secret, timestamp))
        return payload
    raise ValueError(f"unknown channel kind {kind}")


def webhook_post(*, channel: NotificationChannel, title: str, text: str) -> bool:
    """Post one message to a channel; record success or the error on the channel. Never raises."""
    now = time.time()
    url = channel.url
    if channel.kind == ChannelKind.DINGTALK and channel.secret:
        url = _dingtalk_url(url, channel.secret, int(now * 1000))
    body = json.dumps(
        webhook_payload(kind=channel.kind, title=title, text=text, secret=channel.secret, now=now), ensure_ascii=False
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an admin-configured http(s) webhook
        url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = response.read().decode("utf-8", "replace")
        # The robots answer 200 with an error code in the body when they refuse a message.
        try:
            data = json.loads(answer or "{}")
        except ValueError:
            data = {}
        code = data.get("errcode", data.get("code", 0))
        if code not in (0, None):
            error = f"{code}: {data.get('errmsg') or data.get('msg') or answer[:200]}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        error = str(exc)[:500]
    fields = {"last_error": error}
    if not error:
        fields["last_sent_at"] = timezone.now()
    else:
        logger.warning("webhook %s failed: %s", channel.pk, error)
    NotificationChannel.objects.filter(pk=channel.pk).update(**fields)
    return not error


def notify_channels(*, event: str, title: str, lines_by_region: dict[int | None, list[str]]) -> int:
    """Post the lines of an event to the robots taking it (at most 50 lines each). Returns robots posted.

    A company-wide robot gets every line; a region's robot the lines of its region (key None: lines
    of no region, for company-wide robots only).
    """
    with translation.override(settings.LANGUAGE_CODE):
        channels = channels_for(event=event, region_ids={r for r in lines_by_region if r is not None})
        posted = 0
        for channel in channels:
            if channel.region_id is None:
                lines = [line for lines in lines_by_region.values() for line in lines]
            else:
                lines = lines_by_region.get(channel.region_id, [])
            if lines and webhook_post(channel=channel, title=str(title), text="\n".join(lines[:50])):
                posted += 1
    return posted


def channels_for(*, event: str, region_ids: set[int] | None = None) -> list[NotificationChannel]:
    """Active channels taking an event: company-wide ones and those of the given regions."""
    flag = {"milestone": "send_milestones", "digest": "send_digest", "follow_up": "send_follow_ups"}[event]
    qs = NotificationChannel.objects.filter(is_active=True, **{flag: True})
    if region_ids is not None:
        qs = qs.filter(Q(region__isnull=True) | Q(region_id__in=region_ids))
    return list(qs)
