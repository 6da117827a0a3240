"""A rep's proposal of a customer's new map position, confirmed or rejected by a manager.

Only a manager of the customer's unit moves a customer's location (`customers.manage`), since
check-ins are measured from it; a rep proposes, and the position changes when a manager confirms.
The customer's own history keeps every position it had.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from customers.models.customers import Customer, CustomerScopedQuerySet


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a manager")
    CONFIRMED = "confirmed", pgettext_lazy("location proposal", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("location proposal", "Rejected")


class LocationProposal(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="location_proposals", verbose_name=_("customer")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    note = models.CharField(_("why it moves"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("location proposal")
        verbose_name_plural = _("location proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status="pending"),
                name="one_pending_location_proposal_per_customer",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="location_proposal_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.latitude}, {self.longitude}"
