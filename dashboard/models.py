"""The follow-up discipline rules and the flags their daily run finds.

The dashboard itself stores nothing else: it reads the achievement engine's results, and what it
sends goes through `notifications.services.notify` (the inbox, e-mail and group robots moved to
the `notifications` app). What lives here is how many days a customer of each classification may
go without contact, and the customers found overdue.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Classification
from staff.scope import ScopedQuerySet


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
