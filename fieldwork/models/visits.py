"""Visit reports with check-in, and sales expense claims."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet


class VisitKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    JOINT = "joint", _("Joint visit with a manager")


class VisitEvidence(models.TextChoices):
    """What a visit's evidence shows against its kind's rule (`VisitKindRule`); every value but
    `verified` flags the visit for the manager."""

    VERIFIED = "verified", _("Evidence complete")
    NO_CHECK_IN = "no_check_in", _("No check-in")
    FAR = "far", _("Checked in outside the radius")
    NO_LOCATION = "no_location", _("The customer has no location")
    UNCONFIRMED = "unconfirmed", _("Awaiting the manager's confirmation")


FLAGGED_EVIDENCE = (
    VisitEvidence.NO_CHECK_IN,
    VisitEvidence.FAR,
    VisitEvidence.NO_LOCATION,
    VisitEvidence.UNCONFIRMED,
)


class VisitKindRule(models.Model):
    """The evidence a kind of visit requires (edited by admins; seeded by a data migration): an
    on-site visit a check-in within a radius of the customer, a joint visit the confirmation of a
    manager of the rep's line, a phone call neither."""

    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, unique=True)
    requires_check_in = models.BooleanField(_("requires a check-in"), default=False)
    radius_m = models.PositiveIntegerField(
        _("check-in radius (m)"), default=1000, help_text=_("How far from the customer a check-in still counts.")
    )
    requires_confirmation = models.BooleanField(_("requires the manager's confirmation"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("visit kind rule")
        verbose_name_plural = _("visit kind rules")
        constraints = [models.CheckConstraint(condition=models.Q(radius_m__gt=0), name="visit_kind_radius_positive")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class VisitQuerySet(ScopedQuerySet):
    # A visit belongs to its author and keeps the team and region the author had when filing it.
    scope_fields = {"person": "author", "team": "team", "region": "region"}

    def next_step_open(self) -> VisitQuerySet:
        """Visits whose next step (a dated next contact) is not kept yet: no later visit to the
        same customer. The one definition, for the reminders and the rep's home page."""
        later = self.model._default_manager.filter(customer=OuterRef("customer"), date__gt=OuterRef("date"))
        return self.filter(next_step_date__isnull=False).exclude(Exists(later))


class Visit(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="visits", verbose_name=_("customer")
    )
    author = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="visits", verbose_name=_("rep"))
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.VISIT)
    # A joint visit names the manager who came along.
    accompanying_manager = models.ForeignKey(
        "staff.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_visits",
        verbose_name=_("accompanying manager"),
    )
    stakeholders = models.ManyToManyField(
        "customers.Stakeholder", blank=True, related_name="visits", verbose_name=_("stakeholders met")
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_date = models.DateField(_("next step date"), null=True, blank=True)
    # Check-in: where the phone was, and how far that is from the customer (computed on the server).
    latitude = models.DecimalField(_("check-in latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("check-in longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the customer (m)"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    # The verdict of the kind's evidence rule, recorded when filed and kept up to date (empty on
    # visits filed before the rules existed); the radius is the one that applied.
    evidence = models.CharField(_("evidence"), max_length=20, choices=VisitEvidence.choices, blank=True)
    radius_m = models.PositiveIntegerField(_("check-in radius (m)"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[], table_name="customers_historicalvisit")

    objects = VisitQuerySet.as_manager()

    class Meta:
        db_table = "customers_visit"
        ordering = ["-date", "-id"]
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        indexes = [
            models.Index(fields=["date", "author"]),
            models.Index(fields=["customer", "date"]),
            models.Index(fields=["evidence", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90) | models.Q(latitude__isnull=True),
                name="visit_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180) | models.Q(longitude__isnull=True),
                name="visit_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.date}"

    @property
    def is_flagged(self) -> bool:
        return self.evidence in FLAGGED_EVIDENCE


class VisitCommentQuerySet(ScopedQuerySet):
    scope_fields = {"person": "visit__author", "team": "visit__team", "region": "visit__region"}


class VisitComment(models.Model):
    """A manager's comment on a visit of their unit; its author (the rep) is notified."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="comments", verbose_name=_("visit"))
    author = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = VisitCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("visit comment")
        verbose_name_plural = _("visit comments")

    def __str__(self) -> str:
        return f"{self.visit} · {self.author}"


class VisitPhotoQuerySet(ScopedQuerySet):
    scope_fields = {"person": "visit__author", "team": "visit__team", "region": "visit__region"}


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("visit"))
    image = models.ImageField(_("photo"), upload_to="visits/%Y/%m/")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisitPhotoQuerySet.as_manager()

    class Meta:
        db_table = "customers_visitphoto"
        ordering = ["id"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.image.name


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExpenseKind(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    GIFT = "gift", _("Gifts")
    OTHER = "other", _("Other")


class ExpenseQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class ExpenseClaim(models.Model):
    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="expense_claims", verbose_name=_("rep")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ExpenseKind.choices, default=ExpenseKind.TRAVEL)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/%m/", blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expense_claims",
        verbose_name=_("customer"),
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="expense_claims", verbose_name=_("visit")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    # An earlier claim of the same rep, date, category and amount: flagged for the approver, not refused.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("duplicate of")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, null=True)
    history = HistoricalRecords(table_name="customers_historicalexpenseclaim")

    objects = ExpenseQuerySet.as_manager()

    class Meta:
        db_table = "customers_expenseclaim"
        ordering = ["-date", "-id"]
        # The list's default order; also the incremental night's read of a month's claims.
        indexes = [models.Index(fields=["-date", "-id"], name="expense_list_order")]
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self) -> str:
        return f"{self.person} · {self.amount} · {self.date}"
