"""The customer pool (公海): every change of a customer's owner."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models.customers import Customer, CustomerScopedQuerySet


class MoveKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSFERRED = "transferred", _("Transferred")
    RETURNED = "returned", _("Returned to the pool")
    RELEASED = "released", _("Released to the pool")
    CLAIMED = "claimed", _("Claimed from the pool")
    ASSIGNED = "assigned", _("Assigned")


class CustomerMove(models.Model):
    """Every change of a customer's owner: transfers, returns to the pool, claims."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="moves", verbose_name=_("customer"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    from_owner = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from")
    )
    to_owner = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to")
    )
    reason = models.TextField(_("reason"), blank=True)
    moved_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("customer move")
        verbose_name_plural = _("customer moves")
        indexes = [models.Index(fields=["customer", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()} · {self.date}"
