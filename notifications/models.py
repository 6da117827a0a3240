"""What is sent and where: one message per recipient (the in-app inbox, also mailed) and the
group-robot webhooks (WeCom, DingTalk, Lark).

These models moved here from `dashboard`; they keep their tables (`dashboard_*`), so no data
moved. The app knows no domain rule: the apps above decide what to say, to whom and when, and call
`notifications.services.notify(...)`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet


class NotificationKind(models.TextChoices):
    MILESTONE = "milestone", _("Target milestone")
    DIGEST = "digest", _("Weekly progress digest")
    FOLLOW_UP = "follow_up", _("Customer not contacted")
    NEXT_CONTACT = "next_contact", _("Next contact due")
    HANDOVER = "handover", _("Handed over to you")
    VISIT_COMMENT = "visit_comment", _("Comment on your visit")
    COMMISSION = "commission", _("Commission")
    APPROVAL = "approval", _("Awaiting your approval")
    OVERDUE_INSTALMENT = "overdue_instalment", _("Overdue instalment")
    COMPLAINT = "complaint", pgettext_lazy("notification kind", "New complaint")
    COMPLAINT_ESCALATED = "complaint_escalated", _("Complaint escalated")
    MORNING_DIGEST = "morning_digest", _("Morning digest")


class NotificationQuerySet(ScopedQuerySet):
    # A notification belongs to its recipient.
    scope_fields = {"person": "recipient", "team": "recipient__team", "region": "recipient__region"}

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person: shown in the in-app list, and mailed when the person has an e-mail."""

    recipient = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What the message is about (e.g. "milestone:rep:12:sales_amount:2026-03:90"): one per recipient.
    dedupe_key = models.CharField(_("key"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "dashboard_notification"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="one_notification_per_key"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class ChannelKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    LARK = "lark", _("Lark group robot")


class ChannelQuerySet(ScopedQuerySet):
    scope_fields = {"region": "region"}


class NotificationChannel(models.Model):
    """A group-robot webhook: what is posted there (milestones, digests, follow-ups) and for which region."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    url = models.URLField(_("webhook URL"), max_length=500)
    # DingTalk and Lark robots may require a signature made with this secret.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    # Empty: the whole company; otherwise only the events of that region.
    region = models.ForeignKey(
        "staff.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    send_milestones = models.BooleanField(_("milestones"), default=True)
    send_digest = models.BooleanField(_("weekly digest"), default=True)
    send_follow_ups = models.BooleanField(_("follow-up flags"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    history = HistoricalRecords(table_name="dashboard_historicalnotificationchannel")

    objects = ChannelQuerySet.as_manager()

    class Meta:
        db_table = "dashboard_notificationchannel"
        ordering = ["name"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class DeliveryState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery state", "Pending")
    SENT = "sent", pgettext_lazy("delivery state", "Sent")
    FAILED = "failed", pgettext_lazy("delivery state", "Failed")


class DeliveryQuerySet(ScopedQuerySet):
    # An e-mail belongs to its notification's recipient; a robot post is seen by those who see all.
    scope_fields = {
        "person": "notification__recipient",
        "team": "notification__recipient__team",
        "region": "notification__recipient__region",
    }


class Delivery(models.Model):
    """One message on its way to one place: an e-mail of a notification, or a post to a group robot.

    A Celery task per row sends it (retrying with backoff); `sent_at` is set only once every part
    went out. A robot message longer than the robot takes goes in parts; `parts_sent` counts those
    already accepted, so a retry goes on from the first part not sent and none is sent twice.
    """

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.ForeignKey(
        NotificationChannel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("channel"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("message"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    parts_sent = models.PositiveIntegerField(_("parts sent"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notification__isnull=False, channel__isnull=True)
                | models.Q(notification__isnull=True, channel__isnull=False),
                name="delivery_is_an_email_or_a_robot_post",
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return self.title


class PreferenceQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "person__team", "region": "person__region"}


class NotificationPreference(models.Model):
    """A person's switch for one kind of notification; no row means on."""

    person = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, related_name="notification_preferences", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    enabled = models.BooleanField(_("on"), default=True)
    history = HistoricalRecords()

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"
