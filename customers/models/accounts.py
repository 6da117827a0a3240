"""Customers (end customers, distributors, agents), their classification, ownership and the pool (公海)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet, viewer_for


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

    def pool_days_left(self, today) -> int | None:
        """Days before the customer returns to the pool (None when no return is scheduled)."""
        if self.pool_due_date is None or self.owner_id is None:
            return None
        return (self.pool_due_date - today).days


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


class PoolRule(models.Model):
    """When a customer of a classification goes back to the pool, and how long a previous owner waits."""

    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices, unique=True)
    idle_days = models.PositiveIntegerField(
        _("days without visit, opportunity or order"),
        help_text=_("The customer returns to the pool after this many days without activity."),
    )
    warning_days = models.PositiveIntegerField(_("warning days before"), default=7)
    cooloff_days = models.PositiveIntegerField(
        _("cool-off days"), default=30, help_text=_("Days before the previous owner may claim the customer again.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["classification"]
        verbose_name = _("pool rule")
        verbose_name_plural = _("pool rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(idle_days__gt=0), name="pool_rule_idle_days_positive"),
            models.CheckConstraint(
                condition=models.Q(warning_days__lt=models.F("idle_days")), name="pool_rule_warning_before_idle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_classification_display()} · {self.idle_days}"


class FollowUpKind(models.TextChoices):
    POOL_WARNING = "pool_warning", _("Customer about to return to the pool")
    STAKEHOLDER_CHANGE = "stakeholder_change", _("Stakeholder changed")
    NEXT_STEP = "next_step", _("Next step of a visit")
    OTHER = "other", _("Other")


class FollowUpQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "person__team", "region": "person__region"}


class FollowUp(models.Model):
    """Something a rep must follow up on (a pool warning, a stakeholder who changed...)."""

    person = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("rep")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FollowUpKind.choices)
    message = models.CharField(_("message"), max_length=300)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    created_on = models.DateField(_("created on"))

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_date", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["person", "done"])]

    def __str__(self) -> str:
        return self.message


class StakeholderRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    TECHNICAL = "technical", _("Technical evaluator")
    FINANCIAL = "financial", _("Financial approver")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    OPPONENT = "opponent", _("Opponent")


class StakeholderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")
    REPLACED = "replaced", _("Replaced")


class Stakeholder(models.Model):
    """A person in the customer's buying decision."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    role = models.CharField(_("role in the decision"), max_length=20, choices=StakeholderRole.choices)
    needs = models.TextField(_("needs"), blank=True)
    attitude = models.CharField(_("attitude"), max_length=20, choices=Attitude.choices, default=Attitude.NEUTRAL)
    relationship = models.PositiveSmallIntegerField(
        _("relationship strength (1-5)"), default=3, help_text=_("1 = stranger, 5 = trusted partner")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StakeholderStatus.choices, default=StakeholderStatus.ACTIVE
    )
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "status", "name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relationship__gte=1, relationship__lte=5), name="stakeholder_relationship_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name


class StakeholderChangeKind(models.TextChoices):
    LEFT = "left", _("Left the customer")
    REPLACED = "replaced", _("Replaced")


class StakeholderChange(models.Model):
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="changes", verbose_name=_("stakeholder")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="stakeholder_changes", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StakeholderChangeKind.choices)
    date = models.DateField(_("date"))
    replacement = models.ForeignKey(
        Stakeholder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("stakeholder change")
        verbose_name_plural = _("stakeholder changes")

    def __str__(self) -> str:
        return f"{self.stakeholder} · {self.get_kind_display()}"


class Grade(models.TextChoices):
    A = "A", _("A (excellent)")
    B = "B", _("B (good)")
    C = "C", _("C (fair)")
    D = "D", _("D (poor)")


class CustomerEvaluation(models.Model):
    """A periodic (quarterly by default) evaluation: five scores 1-5 and an overall grade."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("customer")
    )
    period = models.CharField(_("period"), max_length=10, help_text=_("e.g. 2026-Q1"))
    date = models.DateField(_("date"))
    credit_score = models.PositiveSmallIntegerField(_("credit"))
    payment_score = models.PositiveSmallIntegerField(_("payment behaviour"))
    volume_score = models.PositiveSmallIntegerField(_("volume"))
    cooperation_score = models.PositiveSmallIntegerField(_("cooperation"))
    satisfaction_score = models.PositiveSmallIntegerField(_("satisfaction"))
    overall_score = models.DecimalField(_("overall score"), max_digits=3, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    previous_grade = models.CharField(_("previous grade"), max_length=1, choices=Grade.choices, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    response_plan = models.TextField(_("response plan"), blank=True)
    evaluated_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("customer evaluation")
        verbose_name_plural = _("customer evaluations")
        constraints = [
            models.UniqueConstraint(fields=["customer", "period"], name="one_evaluation_per_customer_period"),
            models.CheckConstraint(
                condition=models.Q(
                    credit_score__gte=1,
                    credit_score__lte=5,
                    payment_score__gte=1,
                    payment_score__lte=5,
                    volume_score__gte=1,
                    volume_score__lte=5,
                    cooperation_score__gte=1,
                    cooperation_score__lte=5,
                    satisfaction_score__gte=1,
                    satisfaction_score__lte=5,
                ),
                name="evaluation_scores_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.period} · {self.grade}"


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


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


class Complaint(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("customer")
    )
    received_on = models.DateField(_("received on"))
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    handled_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | (models.Q(closed_on__isnull=False) & ~models.Q(resolution="")),
                name="closed_complaint_has_resolution",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class RewardKind(models.TextChoices):
    REBATE = "rebate", _("Rebate")
    GIFT = "gift", _("Gift")
    DISCOUNT = "discount", _("Discount")
    REFERRAL = "referral", _("Referral reward")


class CustomerReward(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="rewards", verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=20, choices=RewardKind.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    # For a referral reward: the customer the referral brought in.
    referral = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred customer"),
    )
    granted_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    history = HistoricalRecords()

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("customer reward")
        verbose_name_plural = _("customer rewards")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="reward_amount_positive")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()} · {self.amount}"
