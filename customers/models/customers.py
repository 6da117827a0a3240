"""Customers (end customers, distributors, agents): kind, classification, credit, ownership."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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
    ACTIVE = "active", pgettext_lazy("customer status", "Active")
    DORMANT = "dormant", _("Dormant")
    LOST = "lost", _("Lost")


class CreditRating(models.TextChoices):
    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    C = "C", "C"


class CustomerSource(models.TextChoices):
    COLD_CALL = "cold_call", _("Cold call")
    EXHIBITION = "exhibition", _("Exhibition")
    WEBSITE = "website", _("Website")
    REFERRAL = "referral", _("Referred by a customer")
    TENDER = "tender", _("Tender")
    OTHER = "other", _("Other")


class CustomerQuerySet(ScopedQuerySet):
    # A customer belongs to its owning rep and to the unit recorded on it.
    scope_fields = {"person": "owner", "team": "team", "region": "region"}


class Customer(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # 统一社会信用代码, stored normalised (customers.domain.normalized_tax_number); empty when unknown.
    tax_number = models.CharField(_("tax number"), max_length=30, blank=True, db_index=True)
    # The name as compared for duplicates (customers.domain.normalized_company_name), kept by save().
    name_key = models.CharField(_("name key"), max_length=200, blank=True, db_index=True, editable=False)
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
    # The day the current owner got the customer: the pool clock never starts before it.
    owner_since = models.DateField(_("owner since"), null=True, blank=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, default=Classification.POTENTIAL
    )
    # Set when a person overrode the proposed classification (the reason is in ClassificationChange).
    classification_overridden = models.BooleanField(_("classification set by hand"), default=False)
    # Yearly purchasing potential, estimated by the rep: one input of the classification rule.
    potential_amount = models.DecimalField(_("yearly potential"), max_digits=16, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=20, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    credit_rating = models.CharField(_("credit rating"), max_length=3, choices=CreditRating.choices, blank=True)
    credit_limit = models.DecimalField(_("credit limit"), max_digits=16, decimal_places=2, default=0)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=CustomerSource.choices, blank=True)
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    contacts = models.TextField(_("contacts"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Kept by the nightly pool run: the day the customer goes back to the pool, and when the rep was warned.
    pool_due_date = models.DateField(_("returns to the pool on"), null=True, blank=True)
    pool_warned_on = models.DateField(_("pool warning sent on"), null=True, blank=True)
    # In the pool (no owner), a customer waits in its region's pool; a director may open it to the
    # company pool, where every rep of every region may claim it (a customer without a region is
    # always there).
    in_company_pool = models.BooleanField(_("in the company pool"), default=False)
    # After a claim or an assignment: until this day (included) the customer is not returned to
    # the pool by the idle rule and is not taken from its new owner by anyone else.
    protected_until = models.DateField(_("protected until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["owner"]), models.Index(fields=["region", "team"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90) | models.Q(latitude__isnull=True),
                name="customer_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180) | models.Q(longitude__isnull=True),
                name="customer_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(credit_limit__gte=0, potential_amount__gte=0), name="customer_amounts_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """Keep the tax number and the name key normalised, whoever saves (services, admin)."""
        from customers.domain import normalized_company_name, normalized_tax_number

        self.tax_number = normalized_tax_number(self.tax_number)
        self.name_key = normalized_company_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def pool_days_left(self, today) -> int | None:
        """Days before the customer returns to the pool (None when no return is scheduled)."""
        if self.pool_due_date is None or self.owner_id is None:
            return None
        return (self.pool_due_date - today).days

    @property
    def pool_region_id(self) -> int | None:
        """The region whose pool holds this customer (None: the company pool, or not in a pool)."""
        if self.owner_id is not None or self.in_company_pool:
            return None
        return self.region_id

    def is_protected(self, today) -> bool:
        return self.protected_until is not None and today <= self.protected_until


class CustomerScopedQuerySet(ScopedQuerySet):
    """Records about a customer follow the customer's scope (owner, team, region)."""

    scope_fields = {"person": "customer__owner", "team": "customer__team", "region": "customer__region"}


class ClassificationChange(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="classification_changes", verbose_name=_("customer")
    )
    date = models.DateField(_("date"))
    from_classification = models.CharField(_("from"), max_length=20, choices=Classification.choices)
    to_classification = models.CharField(_("to"), max_length=20, choices=Classification.choices)
    proposed = models.CharField(_("proposed by the rule"), max_length=20, choices=Classification.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")

    def __str__(self) -> str:
        return f"{self.customer} · {self.from_classification} → {self.to_classification}"
