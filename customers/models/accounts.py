"""Customers (end customers, distributors, agents)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet


class CustomerKind(models.TextChoices):
    END_CUSTOMER = "end", _("End customer")
    DISTRIBUTOR = "distributor", _("Distributor")
    AGENT = "agent", _("Agent")


class Classification(models.TextChoices):
    KEY = "key", _("Key")
    GENERAL = "general", _("General")
    POTENTIAL = "potential", _("Potential")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    LOST = "lost", _("Lost")


class CustomerQuerySet(ScopedQuerySet):
    # A customer belongs to its owning rep and to the unit recorded on it.
    scope_fields = {"person": "owner", "team": "team", "region": "region"}


class Customer(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.END_CUSTOMER)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    region = models.ForeignKey(
        "staff.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("region"),
    )
    team = models.ForeignKey(
        "staff.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("team"),
    )
    # Empty when the customer is in the pool (公海).
    owner = models.ForeignKey(
        "staff.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("owning rep"),
    )
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.POTENTIAL
    )
    status = models.CharField(_("status"), max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["owner"]), models.Index(fields=["region", "team"])]

    def __str__(self) -> str:
        return self.name
