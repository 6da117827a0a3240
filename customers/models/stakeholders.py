"""The people in a customer's buying decision and their changes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from customers.models.customers import Customer, CustomerScopedQuerySet


class StakeholderRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", pgettext_lazy("stakeholder role", "User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    TECHNICAL = "technical", _("Technical evaluator")
    FINANCIAL = "financial", _("Financial approver")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    OPPONENT = "opponent", _("Opponent")


class StakeholderStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("customer status", "Active")
    LEFT = "left", _("Left")
    REPLACED = "replaced", _("Replaced")


class Stakeholder(models.Model):
    """A person in the customer's buying decision."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=100, blank=True)
    role = models.CharField(_("role in the decision"), max_length=20, choices=StakeholderRole.choices)
    needs = models.TextField(_("needs"), blank=True)
    attitude = models.CharField(_("attitude"), max_length=20, choices=Attitude.choices, default=Attitude.NEUTRAL)
    relationship = models.PositiveSmallIntegerField(
        _("relationship strength (1-5)"), default=3, help_text=_("1 = stranger, 5 = trusted partner")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StakeholderStatus.choices, default=StakeholderStatus.ACTIVE
    )
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "status", "name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relationship__gte=1, relationship__lte=5), name="stakeholder_relationship_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


class StakeholderChangeKind(models.TextChoices):
    LEFT = "left", _("Left the customer")
    REPLACED = "replaced", _("Replaced")


class StakeholderChange(models.Model):
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="changes", verbose_name=_("stakeholder")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="stakeholder_changes", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StakeholderChangeKind.choices)
    date = models.DateField(_("date"))
    replacement = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("stakeholder change")
        verbose_name_plural = _("stakeholder changes")

    def __str__(self) -> str:
        return f"{self.stakeholder} · {self.get_kind_display()}"
