"""The customer's record: periodic evaluations, complaints, rewards and referrals."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models.customers import Customer, CustomerScopedQuerySet


class Grade(models.TextChoices):
    A = "A", _("A (excellent)")
    B = "B", _("B (good)")
    C = "C", _("C (fair)")
    D = "D", _("D (poor)")


class CustomerEvaluation(models.Model):
    """A periodic (quarterly by default) evaluation: five scores 1-5 and an overall grade."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("customer")
    )
    period = models.CharField(_("period"), max_length=10, help_text=_("e.g. 2026-Q1"))
    date = models.DateField(_("date"))
    credit_score = models.PositiveSmallIntegerField(_("credit"))
    payment_score = models.PositiveSmallIntegerField(_("payment behaviour"))
    volume_score = models.PositiveSmallIntegerField(_("volume"))
    cooperation_score = models.PositiveSmallIntegerField(_("cooperation"))
    satisfaction_score = models.PositiveSmallIntegerField(_("satisfaction"))
    overall_score = models.DecimalField(_("overall score"), max_digits=3, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    previous_grade = models.CharField(_("previous grade"), max_length=1, choices=Grade.choices, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    response_plan = models.TextField(_("response plan"), blank=True)
    evaluated_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("customer evaluation")
        verbose_name_plural = _("customer evaluations")
        constraints = [
            models.UniqueConstraint(fields=["customer", "period"], name="one_evaluation_per_customer_period"),
            models.CheckConstraint(
                condition=models.Q(
                    credit_score__gte=1,
                    credit_score__lte=5,
                    payment_score__gte=1,
                    payment_score__lte=5,
                    volume_score__gte=1,
                    volume_score__lte=5,
                    cooperation_score__gte=1,
                    cooperation_score__lte=5,
                    satisfaction_score__gte=1,
                    satisfaction_score__lte=5,
                ),
                name="evaluation_scores_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.period} · {self.grade}"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


class Complaint(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("customer")
    )
    received_on = models.DateField(_("received on"))
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    handled_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | (models.Q(closed_on__isnull=False) & ~models.Q(resolution="")),
                name="closed_complaint_has_resolution",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class RewardKind(models.TextChoices):
    REBATE = "rebate", _("Rebate")
    GIFT = "gift", _("Gift")
    DISCOUNT = "discount", _("Discount")
    REFERRAL = "referral", _("Referral reward")


class CustomerReward(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="rewards", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    # For a referral reward: the customer the referral brought in.
    referral = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred customer"),
    )
    granted_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("customer reward")
        verbose_name_plural = _("customer rewards")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="reward_amount_positive")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()} · {self.amount}"
