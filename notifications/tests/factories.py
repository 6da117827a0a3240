"""Builders for the notifications tests (and the apps above that send through them)."""

from __future__ import annotations

import factory

from notifications.models import ChannelKind, NotificationChannel


class NotificationChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationChannel

    name = factory.Sequence(lambda n: f"Robot {n}")
    kind = ChannelKind.WECOM
    url = "http://127.0.0.1:9/hook"
