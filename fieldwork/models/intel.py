from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Competitor, Customer
from staff.scope import ScopedQuerySet


class IntelQuerySet(ScopedQuerySet):
    scope_fields = {"person": "author", "team": "team", "region": "region"}


class IntelNote(models.Model):
    """Market intelligence a rep files, usually from a visit."""

    competitor = models.ForeignKey(
        Competitor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="intel_notes",
        verbose_name=_("competitor"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intel_notes",
        verbose_name=_("customer"),
    )
    visit = models.ForeignKey(
        "fieldwork.Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intel_notes",
        verbose_name=_("visit"),
    )
    author = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("rep"))
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"))

    objects = IntelQuerySet.as_manager()

    class Meta:
        db_table = "customers_intelnote"
        ordering = ["-date", "-id"]
        verbose_name = _("intel note")
        verbose_name_plural = _("intel notes")

    def __str__(self) -> str:
        return f"{self.competitor or '-'} · {self.date}"
