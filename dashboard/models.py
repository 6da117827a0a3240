"""Notifications (in-app list, e-mail, group-robot webhooks) and the follow-up discipline rules.

The dashboard itself stores nothing: it reads the achievement engine's results. What lives here
is what the dashboard *sends*: a notification per recipient (the in-app list, deduplicated by a
key so a rerun never sends twice), the webhook channels of WeCom, DingTalk and Lark group robots,
and how many days a customer of each classification may go without contact.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Classification
from staff.scope import ScopedQuerySet


class NotificationKind(models.TextChoices):
    MILESTONE = "milestone", _("Target milestone")
    DIGEST = "digest", _("Weekly progress digest")
    FOLLOW_UP = "follow_up", _("Customer not contacted")
    NEXT_CONTACT = "next_contact", _("Next contact due")


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
    history = HistoricalRecords()

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class FollowUpRule(models.Model):
    """How long a customer of a classification may go without contact before the rep is reminded.

    After `days` without a visit the rep is reminded; after `days + escalate_after` the rep's
    manager is copied; after `days + flag_after` the customer is flagged on the dashboard.
    """

    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices, unique=True)
    days = models.PositiveIntegerField(_("days without contact"))
    escalate_after = models.PositiveIntegerField(_("then copy the manager after (days)"), default=7)
    flag_after = models.PositiveIntegerField(_("then flag on the dashboard after (days)"), default=14)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["days"]
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gt=0), name="follow_up_rule_days_positive"),
            models.CheckConstraint(
                condition=models.Q(flag_after__gte=models.F("escalate_after")),
                name="follow_up_rule_flag_after_escalate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.classification} · {self.days}"


class FlagStage(models.IntegerChoices):
    REMINDED = 1, _("Rep reminded")
    ESCALATED = 2, _("Manager copied")
    FLAGGED = 3, _("Flagged on the dashboard")


class FollowUpFlagQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class FollowUpFlag(models.Model):
    """A customer overdue for contact, as found by the daily follow-up run (replaced every run)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    person = models.ForeignKey("staff.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    team = models.ForeignKey(
        "staff.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=FlagStage.choices)
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    days_without_contact = models.PositiveIntegerField(_("days without contact"))
    found_on = models.DateField(_("found on"))

    objects = FollowUpFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-days_without_contact", "id"]
        verbose_name = _("follow-up flag")
        verbose_name_plural = _("follow-up flags")
        indexes = [models.Index(fields=["region", "team", "stage"])]

    def __str__(self) -> str:
        return f"{self.customer} · {self.days_without_contact}"
