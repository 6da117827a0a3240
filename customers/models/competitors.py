"""Competitors: reference data everyone reads."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import viewer_for


class CompetitorQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> CompetitorQuerySet:
        """Reference data: every person in the organization (and an admin) sees every competitor."""
        viewer = viewer_for(user)
        return self if viewer.is_superuser or viewer.person_id is not None else self.none()


class Competitor(models.Model):
    """A competitor: reference data everyone may read; managers edit it (`catalogue.manage`)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    products = models.TextField(_("products"), blank=True)
    prices = models.TextField(_("prices"), blank=True)
    channels = models.TextField(_("channels"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    history = HistoricalRecords()

    objects = CompetitorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")

    def __str__(self) -> str:
        return self.name
