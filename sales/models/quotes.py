"""Quotations: a priced offer to a customer, often from an opportunity, that may become an order.

A quotation belongs to its owner rep and records the owner's team and region when it is made
(DESIGN.md, attribution), so it is seen like an opportunity (the data-scope rule), and by the one
who made it. A line discounted beyond the approval matrix's discount limit needs the approval
steps of the matrix (the same levels and second-person rule as an order's, `services/quotes.py`)
before the quote may be accepted; the accepted quote becomes an order whose discount is not
approved a second time.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sales.models.approvals import ApprovalLevel, StepStatus
from staff.scope import ScopedQuerySet, viewer_for


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("quotation status", "Rejected")
    SENT = "sent", _("Sent")
    # A context: elsewhere "Accepted" is an adopted suggestion (已采纳) and "Rejected" a candidate
    # not hired (未录用); here a customer accepts a quote, a manager rejects its discount.
    ACCEPTED = "accepted", pgettext_lazy("quotation status", "Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CONVERTED = "converted", _("Converted to an order")


class QuotationSequence(models.Model):
    """The last quotation number given in a month, locked for update like the orders' counter."""

    period = models.CharField(_("month"), max_length=7, unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("quotation number sequence")
        verbose_name_plural = _("quotation number sequences")

    def __str__(self) -> str:
        return f"{self.period}: {self.last}"


class QuotationQuerySet(ScopedQuerySet):
    scope_fields = {"person": "owner", "team": "team", "region": "region"}

    def visible_to(self, user: Any) -> ScopedQuerySet:
        """The scope rule, plus the quotations the person made (a manager who quoted for a rep
        follows the quote through approval)."""
        scoped = super().visible_to(user)
        viewer = viewer_for(user)
        if viewer.sees_all or viewer.person_id is None:
            return scoped
        return self.filter(Q(pk__in=scoped.values("pk")) | Q(created_by=viewer.person_id))


class Quotation(models.Model):
    number = models.CharField(_("quotation number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="quotations", verbose_name=_("customer")
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotations",
        verbose_name=_("opportunity"),
    )
    owner = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="quotations", verbose_name=_("owner")
    )
    # The owner's team and region on the quotation's date.
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    created_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    date = models.DateField(_("quotation date"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=20, choices=QuotationStatus.choices, default=QuotationStatus.DRAFT
    )
    total_amount = models.DecimalField(_("total amount"), max_digits=16, decimal_places=2, default=0)
    # Why the quotation needs approval (the matrix's matched discount rules), filled on submission.
    approval_reason = models.CharField(_("discount approval reason"), max_length=500, blank=True)
    order = models.OneToOneField(
        "sales.Order",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotation",
        verbose_name=_("order"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = QuotationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        indexes = [
            models.Index(fields=["region", "team"], name="quotation_unit"),
            models.Index(fields=["-date", "-id"], name="quotation_list_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_amount__gte=0), name="quotation_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("date")), name="quotation_valid_after_date"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # What the authority rule and the approval steps need, named as an order's are.
    @property
    def credited_ids(self) -> list[int]:
        return [self.owner_id]

    @property
    def credit_units(self) -> list[tuple[int | None, int | None]]:
        return [(self.team_id, self.region_id)]

    @property
    def people_ids(self) -> list[int | None]:
        return [self.owner_id, self.created_by_id]


class QuotationLine(models.Model):
    quotation = models.ForeignKey(
        Quotation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quotation")
    )
    product = models.ForeignKey("sales.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    # The product's list price when the line was written: the discount is off this price.
    list_price = models.DecimalField(_("list price"), max_digits=14, decimal_places=2)
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, unit_price__gte=0, list_price__gte=0, discount_percent__gte=0)
                & models.Q(discount_percent__lte=100),
                name="quotation_line_values",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quotation} · {self.product}"


class QuotationApprovalStep(models.Model):
    quotation = models.ForeignKey(
        Quotation, on_delete=models.CASCADE, related_name="approval_steps", verbose_name=_("quotation")
    )
    sequence = models.PositiveSmallIntegerField(_("step"))
    level = models.CharField(_("approving level"), max_length=20, choices=ApprovalLevel.choices)
    status = models.CharField(_("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.WAITING)
    why = models.CharField(_("why"), max_length=500, blank=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    # When the step moved one level up for waiting too long (`quotes_escalate`).
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["quotation", "id"]
        verbose_name = _("quotation approval step")
        verbose_name_plural = _("quotation approval steps")
        indexes = [models.Index(fields=["status", "level"], name="quotation_step_waiting")]

    def __str__(self) -> str:
        return f"{self.quotation} · {self.sequence} · {self.get_level_display()} · {self.get_status_display()}"
