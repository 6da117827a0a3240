"""Commission and bonus plans: rate tiers of achievement and statements per person and period."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
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


class CommissionTier(models.Model):
    """The slice of actual between lower and upper (% of target) earns `rate_percent` of itself."""

    plan = models.ForeignKey(
        CommissionPlan, on_delete=models.CASCADE, related_name="tiers", verbose_name=COMMISSION_PLAN
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
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
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
