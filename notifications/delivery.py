"""Sending one Delivery: an e-mail, or a post to a WeCom, DingTalk or Lark group robot over httpx.

`send_delivery` sends what is left of a delivery and records the outcome; the Celery task
(`notifications.tasks.deliver`) calls it and retries with exponential backoff while it raises
`DeliveryError`. A robot message longer than the robot accepts goes in parts, each marked
"(1/3)", cut between lines where possible and never inside a UTF-8 character.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications.models import ChannelKind, Delivery, DeliveryState, Notification, NotificationChannel

WEBHOOK_TIMEOUT_SECONDS = 5

# The most a robot takes in one text message, in bytes of UTF-8 text.
# WeCom: "text.content ... 最长不超过2048个字节，必须是utf8编码".
# DingTalk: a custom robot's text message is limited to 20,000 bytes.
# Lark: the whole request body at most 20 KB; the content is kept to 18,000 bytes so the JSON
# envelope and escapes fit.
BYTE_LIMITS = {ChannelKind.WECOM: 2048, ChannelKind.DINGTALK: 20000, ChannelKind.LARK: 18000}


class DeliveryError(Exception):
    """A send that did not go through (network, non-2xx, a robot's refusal): worth retrying."""


# --- splitting ------------------------------------------------------------------------------------


def _cut_utf8(data: bytes, limit: int) -> int:
    """Where to cut `data` to keep at most `limit` bytes without splitting a UTF-8 character."""
    if len(data) <= limit:
        return len(data)
    cut = limit
    # A continuation byte (0b10xxxxxx) is inside a character: step back to its first byte.
    while cut > 0 and (data[cut] & 0xC0) == 0x80:
        cut -= 1
    return cut


def _chunks(text: str, budget: int) -> list[str]:
    """The text in pieces of at most `budget` bytes, cut at line ends where a line fits."""
    pieces: list[str] = []
    current = b""
    for line in text.encode().split(b"\n"):
        candidate = current + b"\n" + line if current else line
        if len(candidate) <= budget:
            current = candidate
            continue
        if current:
            pieces.append(current.decode())
            current = b""
        while len(line) > budget:
            cut = _cut_utf8(line, budget)
            pieces.append(line[:cut].decode())
            line = line[cut:]
        current = line
    if current or not pieces:
        pieces.append(current.decode())
    return pieces


def split_message(*, title: str, text: str, limit: int) -> list[str]:
    """The contents to post, each at most `limit` bytes: "title\\ntext", or "title (i/n)\\n..." parts."""
    whole = f"{title}\n{text}".strip() if text else title
    if len(whole.encode()) <= limit:
        return [whole]
    total = 2
    while True:
        header_bytes = len(f"{title} ({total}/{total})\n".encode())
        if header_bytes >= limit:
            title = title.encode()[: _cut_utf8(title.encode(), limit // 2)].decode()
            continue
        pieces = _chunks(text, limit - header_bytes)
        if len(pieces) <= total:
            count = len(pieces)
            return [f"{title} ({i}/{count})\n{piece}" for i, piece in enumerate(pieces, start=1)]
        total = len(pieces)


# --- robots ---------------------------------------------------------------------------------------


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, base64, as query params."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def lark_sign(secret: str, timestamp_s: int) -> str:
    """Lark: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, base64."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def robot_payload(*, kind: str, content: str, secret: str = "", now: float | None = None) -> dict:
    """The JSON body each robot expects for a plain text message."""
    if kind in (ChannelKind.WECOM, ChannelKind.DINGTALK):
        return {"msgtype": "text", "text": {"content": content}}
    if kind == ChannelKind.LARK:
        payload: dict = {"msg_type": "text", "content": {"text": content}}
        if secret:
            timestamp = int(now if now is not None else time.time())
            payload.update(timestamp=str(timestamp), sign=lark_sign(secret, timestamp))
        return payload
    raise ValueError(f"unknown channel kind {kind}")


def robot_post(*, client: httpx.Client, channel: NotificationChannel, content: str) -> None:
    """Post one text to a robot; raise DeliveryError unless it answered 2xx with error code 0."""
    now = time.time()
    url = channel.url
    if channel.kind == ChannelKind.DINGTALK and channel.secret:
        url = dingtalk_url(url, channel.secret, int(now * 1000))
    payload = robot_payload(kind=channel.kind, content=content, secret=channel.secret, now=now)
    try:
        response = client.post(url, json=payload)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if not response.is_success:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
    # The robots answer 200 with an error code in the body when they refuse a message.
    try:
        data = response.json()
    except ValueError:
        data = {}
    code = data.get("errcode", data.get("code", 0)) if isinstance(data, dict) else 0
    if code not in (0, None):
        raise DeliveryError(f"{code}: {data.get('errmsg') or data.get('msg') or response.text[:200]}")


def parts_of(delivery: Delivery) -> list[str]:
    """The contents a delivery posts (one for an e-mail)."""
    if delivery.channel_id is None:
        return [delivery.text]
    limit = BYTE_LIMITS[delivery.channel.kind]
    return split_message(title=delivery.title, text=delivery.text, limit=limit)


# --- one delivery ---------------------------------------------------------------------------------


def _record_failure(delivery: Delivery, error: str, *, final: bool) -> None:
    fields = {"last_error": error[:500], "attempts": F("attempts") + 1}
    if final:
        fields["state"] = DeliveryState.FAILED
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    if delivery.channel_id:
        NotificationChannel.objects.filter(pk=delivery.channel_id).update(last_error=error[:500])


def send_delivery(*, delivery_id: int, final_attempt: bool = False) -> bool:
    """Send what is left of a delivery. True once sent; raises DeliveryError to be retried.

    On the last attempt the failure is recorded as final (state "failed") instead of raised.
    """
    delivery = Delivery.objects.select_related("channel", "notification").filter(pk=delivery_id).first()
    if delivery is None or delivery.state == DeliveryState.SENT:
        return delivery is not None
    try:
        if delivery.channel_id is None:
            _send_email(delivery)
        else:
            _send_robot(delivery)
    except DeliveryError as exc:
        _record_failure(delivery, str(exc), final=final_attempt)
        if final_attempt:
            return False
        raise
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.SENT, sent_at=now, last_error="", attempts=F("attempts") + 1
        )
        if delivery.channel_id:
            NotificationChannel.objects.filter(pk=delivery.channel_id).update(last_sent_at=now, last_error="")
        else:
            Notification.objects.filter(pk=delivery.notification_id).update(emailed_at=now)
    return True


def _send_email(delivery: Delivery) -> None:
    message = EmailMessage(delivery.title, delivery.text, settings.DEFAULT_FROM_EMAIL, [delivery.email])
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # SMTP, socket and backend errors alike: all are worth a retry.
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


def _send_robot(delivery: Delivery) -> None:
    parts = parts_of(delivery)
    with httpx.Client(timeout=WEBHOOK_TIMEOUT_SECONDS) as client:
        for index in range(delivery.parts_sent, len(parts)):
            robot_post(client=client, channel=delivery.channel, content=parts[index])
            # Counted at once, so a retry after a later part fails does not send this one again.
            Delivery.objects.filter(pk=delivery.pk).update(parts_sent=index + 1)
