"""The one idle-customer rule: per classification, how long a customer may go without contact.

One row per classification, in two parts that share the one definition of last contact
(`customers.hooks.last_activity`):

- **the pool** (`pool_run`, customers/services/pool.py): after `idle_days` without activity the
  customer returns to the pool, the owner warned `warning_days` before; the previous owner waits
  `cooloff_days` before claiming it again;
- **follow-up discipline** (`follow_up_discipline_run`, customers/services/follow_up.py): after
  `follow_up_days` the owner is reminded, after `follow_up_days + escalate_after` their manager is
  copied, after `follow_up_days + flag_after` the customer is flagged on the dashboards.

A part whose days are empty does not apply to the classification; a part switched off
(`pool_active`, `follow_up_active`) keeps its numbers but does not run.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models.customers import Classification

# The cool-off of a classification without a rule too: a previous owner waits this long.
DEFAULT_COOLOFF_DAYS = 30


class IdleCustomerRuleQuerySet(models.QuerySet):
    def pool(self) -> IdleCustomerRuleQuerySet:
        """The rules whose pool part runs."""
        return self.filter(pool_active=True, idle_days__isnull=False)

    def follow_up(self) -> IdleCustomerRuleQuerySet:
        """The rules whose follow-up part runs."""
        return self.filter(follow_up_active=True, follow_up_days__isnull=False)


class IdleCustomerRule(models.Model):
    """How long a customer of a classification may go without contact: the pool and follow-up parts."""

    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices, unique=True)
    # The pool: back to it after `idle_days` without activity.
    idle_days = models.PositiveIntegerField(
        _("days without visit, opportunity or order"),
        null=True,
        blank=True,
        help_text=_("The customer returns to the pool after this many days without activity (empty: never)."),
    )
    warning_days = models.PositiveIntegerField(_("warning days before"), default=7)
    cooloff_days = models.PositiveIntegerField(
        _("cool-off days"),
        default=DEFAULT_COOLOFF_DAYS,
        help_text=_("Days before the previous owner may claim the customer again."),
    )
    protection_days = models.PositiveIntegerField(
        _("protection days after a claim"),
        default=14,
        help_text=_(
            "After a claim or an assignment the customer stays with its new owner at least this many days:"
            " the idle rule does not return it and nobody else takes it away."
        ),
    )
    pool_active = models.BooleanField(_("returns idle customers to the pool"), default=True)
    # Follow-up discipline: remind the owner, then copy the manager, then flag the customer.
    follow_up_days = models.PositiveIntegerField(
        _("days without contact"),
        null=True,
        blank=True,
        help_text=_("The owner is reminded after this many days without contact (empty: never)."),
    )
    escalate_after = models.PositiveIntegerField(_("then copy the manager after (days)"), default=7)
    flag_after = models.PositiveIntegerField(_("then flag on the dashboard after (days)"), default=14)
    follow_up_active = models.BooleanField(_("reminds of customers not contacted"), default=True)
    history = HistoricalRecords()

    objects = IdleCustomerRuleQuerySet.as_manager()

    class Meta:
        ordering = ["classification"]
        verbose_name = _("idle-customer rule")
        verbose_name_plural = _("idle-customer rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(idle_days__isnull=False) | Q(follow_up_days__isnull=False),
                name="idle_rule_has_a_part",
            ),
            models.CheckConstraint(
                condition=Q(idle_days__isnull=True) | Q(idle_days__gt=0), name="idle_rule_idle_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(idle_days__isnull=True) | Q(warning_days__lt=F("idle_days")),
                name="idle_rule_warning_before_idle",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_days__isnull=True) | Q(follow_up_days__gt=0),
                name="idle_rule_follow_up_days_positive",
            ),
            models.CheckConstraint(
                condition=Q(flag_after__gte=F("escalate_after")), name="idle_rule_flag_after_escalate"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_classification_display())
