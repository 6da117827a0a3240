"""What a rep does on a visit besides talking (issue 19): a stock count, a competitor sighting, a
photo of the shelf or site, a quote or order, a collection. Each is a structured record of the
visit; which ones a kind of visit offers or requires is admin-edited (`VisitKindAction`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from fieldwork.models.visits import VisitKind
from staff.scope import ScopedQuerySet


class ActionKind(models.TextChoices):
    STOCK_COUNT = "stock_count", _("Stock count")
    COMPETITOR = "competitor", _("Competitor sighting")
    SHELF_PHOTO = "shelf_photo", _("Photo of the shelf or site")
    ORDER = "order", _("Quote or order")
    COLLECTION = "collection", _("Collection")


class VisitKindAction(models.Model):
    """An action a kind of visit offers, and whether it is required before check-out (edited by
    admins). A kind without any row offers every action and requires none."""

    kind = models.CharField(_("visit kind"), max_length=10, choices=VisitKind.choices)
    action = models.CharField(pgettext_lazy("visit action", "action"), max_length=20, choices=ActionKind.choices)
    required = models.BooleanField(_("required before check-out"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "action"]
        verbose_name = _("visit kind action")
        verbose_name_plural = _("visit kind actions")
        constraints = [models.UniqueConstraint(fields=["kind", "action"], name="visit_kind_action_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_action_display()}"


class VisitActionRecordQuerySet(ScopedQuerySet):
    # An action is seen by whoever sees its visit.
    scope_fields = {"person": "visit__author", "team": "visit__team", "region": "visit__region"}


class VisitActionRecord(models.Model):
    """One action taken on a visit, with the fields of its kind (the others stay empty)."""

    visit = models.ForeignKey(
        "fieldwork.Visit", on_delete=models.CASCADE, related_name="action_records", verbose_name=_("visit")
    )
    action = models.CharField(pgettext_lazy("visit action", "action"), max_length=20, choices=ActionKind.choices)
    author = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("rep"))
    # Stock count: a product of the catalogue or an item named by hand, and the quantity on hand.
    product = models.ForeignKey(
        "sales.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    item = models.CharField(_("item"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    # Competitor sighting: also filed as an intelligence note (the competitor intelligence).
    competitor = models.ForeignKey(
        "customers.Competitor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competitor"),
    )
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2, null=True, blank=True)
    intel_note = models.ForeignKey(
        "fieldwork.IntelNote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intel note"),
    )
    # Photo of the shelf or site: served only through the scoped file view.
    image = models.ImageField(_("photo"), upload_to="visits/actions/%Y/%m/", blank=True)
    # A quote or order, a collection made on the visit.
    order = models.ForeignKey(
        "sales.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("order")
    )
    payment = models.ForeignKey(
        "sales.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("payment")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = VisitActionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("visit action")
        verbose_name_plural = _("visit actions")
        constraints = [
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gte=0), name="visit_action_price_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.visit} · {self.get_action_display()}"
