"""The customer pool (公海): every change of a customer's owner."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from customers.models.customers import Classification, Customer, CustomerScopedQuerySet
from staff.models import Position


class MoveKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSFERRED = "transferred", pgettext_lazy("customer pool", "Transferred")
    RETURNED = "returned", _("Returned to the pool")
    RELEASED = "released", _("Released to the pool")
    CLAIMED = "claimed", _("Claimed from the pool")
    ASSIGNED = "assigned", _("Assigned")
    OPENED = "opened", _("Opened to the company pool")


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


class PoolLimit(models.Model):
    """How many customers of a classification a person of a position may claim a day and hold.

    One row per (position, classification), edited by admins. An empty number means no limit; a
    pair without a row has no limit either. Claims count against the daily limit; claims and a
    manager's assignments both count against the holding cap.
    """

    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    daily_claims = models.PositiveIntegerField(
        _("claims per day"), null=True, blank=True, help_text=_("Empty: no daily limit.")
    )
    holding_cap = models.PositiveIntegerField(
        _("most customers held"), null=True, blank=True, help_text=_("Empty: no cap.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "classification"]
        verbose_name = _("pool limit")
        verbose_name_plural = _("pool limits")
        constraints = [
            models.UniqueConstraint(fields=["position", "classification"], name="pool_limit_one_per_position_class"),
            models.CheckConstraint(
                condition=Q(daily_claims__isnull=True) | Q(daily_claims__gt=0), name="pool_limit_daily_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()} · {self.get_classification_display()}"
