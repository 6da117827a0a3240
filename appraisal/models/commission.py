"""Commission and bonus plans: rate tiers of achievement and statements per person and period."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.models import Position
from staff.scope import ScopedQuerySet
from targets.models import Metric

# A commission plan is a 方案 (a visit or sales plan is a 计划): its own word.
COMMISSION_PLAN = pgettext_lazy("commission", "plan")


class CommissionPlan(models.Model):
    """Commission on a metric's actual, by rate tiers of achievement (an accelerator above 100 %)."""

    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices, default=Metric.SALES_AMOUNT)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.REP)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")

    def __str__(self) -> str:
        return self.name


class TierMode(models.TextChoices):
    # Each slice of the basis between a tier's bounds earns that tier's rate (a marginal rate).
    EXCESS = "excess", _("Excess only (each slice at its tier's rate)")
    # The whole basis earns the rate of the tier the attainment reached.
    WHOLE = "whole", _("Whole amount (all at the tier reached)")


class CommissionPlanVersion(models.Model):
    """The terms of a plan from a date on: tiers, how they apply, cap and floor. The version in
    force on a statement period's first day applies to it; a new version never rewrites the
    statements already built. The basis is the plan's metric (booked sales, gross margin,
    collected amount), credited by the credit-share splits."""

    plan = models.ForeignKey(
        CommissionPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=COMMISSION_PLAN
    )
    effective_from = models.DateField(_("effective from"))
    mode = models.CharField(_("tiers apply to"), max_length=10, choices=TierMode.choices, default=TierMode.EXCESS)
    cap = models.DecimalField(_("cap"), max_digits=14, decimal_places=2, null=True, blank=True)
    floor = models.DecimalField(_("floor"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-effective_from"]
        verbose_name = _("commission plan version")
        verbose_name_plural = _("commission plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "effective_from"], name="one_plan_version_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.effective_from}"


class CommissionTier(models.Model):
    """The slice of actual between lower and upper (% of target) earns `rate_percent` of itself
    (excess-only), or the whole actual earns the rate of the tier reached (whole-amount). A tier
    of a version belongs to it; the plan's own tiers serve the engine-based statements."""

    plan = models.ForeignKey(
        CommissionPlan, on_delete=models.CASCADE, related_name="tiers", verbose_name=COMMISSION_PLAN
    )
    version = models.ForeignKey(
        CommissionPlanVersion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tiers",
        verbose_name=_("version"),
    )
    lower_percent = models.DecimalField(_("from (percent of target)"), max_digits=7, decimal_places=2)
    upper_percent = models.DecimalField(
        _("to (percent of target)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rate_percent = models.DecimalField(_("commission rate (%)"), max_digits=6, decimal_places=3)

    class Meta:
        ordering = ["lower_percent"]
        verbose_name = _("commission tier")
        verbose_name_plural = _("commission tiers")

    def __str__(self) -> str:
        return f"{self.lower_percent}-{self.upper_percent or '∞'}: {self.rate_percent}%"


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued to the rep")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the rep")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Exported to payroll")


class StatementQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class CommissionStatement(models.Model):
    plan = models.ForeignKey(
        CommissionPlan, on_delete=models.PROTECT, related_name="statements", verbose_name=COMMISSION_PLAN
    )
    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="commission_statements", verbose_name=_("person")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    period = models.CharField(_("period"), max_length=7)
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    achievement_rate = models.DecimalField(
        _("achievement rate"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    amount = models.DecimalField(_("commission"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    # The plan version the statement was built from (empty: computed from the engine's results).
    version = models.ForeignKey(
        CommissionPlanVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("plan version"),
    )
    issued_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledge_comment = models.TextField(_("rep's comment"), blank=True)
    approved_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    # Who computed it: approval is by a second person.
    computed_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    history = HistoricalRecords()

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "person"]
        verbose_name = _("commission statement")
        verbose_name_plural = _("commission statements")
        constraints = [
            models.UniqueConstraint(fields=["plan", "person", "period"], name="one_statement_per_plan_person_period")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.plan} · {self.period}"


class LineKind(models.TextChoices):
    COMMISSION = "commission", _("Commission")
    CLAWBACK = "clawback", _("Clawback")
    ADJUSTMENT = "adjustment", _("Adjustment")


class CommissionStatementLine(models.Model):
    """One line of a statement: what one order or payment (a credit share of it) earned, a clawback
    of a line already paid (negative, with the reason), or an adjustment (a dispute's resolution).
    The lines of a statement sum to its amount."""

    statement = models.ForeignKey(
        CommissionStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices, default=LineKind.COMMISSION)
    order = models.ForeignKey(
        "sales.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("order")
    )
    payment = models.ForeignKey(
        "sales.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("payment")
    )
    date = models.DateField(_("date"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # The amount the line is on (the credited booked, collected or margin amount); the commission.
    basis_amount = models.DecimalField(_("basis"), max_digits=16, decimal_places=2, default=0)
    amount = models.DecimalField(_("commission"), max_digits=14, decimal_places=2)
    # A clawback names the paid line it takes back.
    clawback_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="clawbacks", verbose_name=_("clawback of")
    )
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["statement", "date", "pk"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self) -> str:
        return f"{self.statement} · {self.get_kind_display()} · {self.amount}"

    @property
    def label(self) -> str:
        """What the line is on, in the reader's language (the stored description is in the
        builder's): the order or payment, a clawback or an adjustment of it, or the floor's top-up.
        Reads `order` (select it with the lines)."""
        if self.order_id is None:
            return (
                self.description
                if self.kind != LineKind.ADJUSTMENT
                else gettext("Minimum commission (the plan's floor)")
            )
        template = gettext("Payment on order %(number)s") if self.payment_id else gettext("Order %(number)s")
        base = template % {"number": self.order.number}
        if self.kind == LineKind.CLAWBACK:
            return gettext("Clawback: %(line)s") % {"line": base}
        if self.kind == LineKind.ADJUSTMENT:
            return gettext("Adjustment: %(line)s") % {"line": base}
        return base


# A statement's lines count as paid once it leaves the draft: a later cancellation claws them back.
PAID_STATUSES = (
    StatementStatus.ISSUED,
    StatementStatus.ACKNOWLEDGED,
    StatementStatus.APPROVED,
    StatementStatus.EXPORTED,
)


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", pgettext_lazy("dispute", "Rejected")


class DisputeQuerySet(ScopedQuerySet):
    scope_fields = {"person": "statement__person", "team": "statement__team", "region": "statement__region"}


class CommissionDispute(models.Model):
    """A rep's dispute of one line of their issued statement, routed to their manager, who accepts
    it with an adjustment (a line added to the statement) or rejects it, with a reason either way."""

    statement = models.ForeignKey(
        CommissionStatement, on_delete=models.CASCADE, related_name="disputes", verbose_name=_("statement")
    )
    line = models.ForeignKey(
        CommissionStatementLine, on_delete=models.CASCADE, related_name="disputes", verbose_name=_("statement line")
    )
    raised_by = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    adjustment = models.DecimalField(_("adjustment"), max_digits=14, decimal_places=2, null=True, blank=True)
    adjustment_line = models.ForeignKey(
        CommissionStatementLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adjustment line"),
    )
    resolved_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("commission dispute")
        verbose_name_plural = _("commission disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["line"], condition=models.Q(status="open"), name="one_open_dispute_per_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.line} · {self.get_status_display()}"
