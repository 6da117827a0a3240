"""The KPI catalogue and the appraisal schemes: KPIs, weights, targets and scoring rules per
position, score bands and grade bands."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.models import Position


class KpiCode(models.TextChoices):
    """The catalogue of the method (DESIGN.md glossary). Codes are shared with training's rules."""

    TARGET_ACHIEVEMENT_RATE = "target_achievement_rate", _("Target achievement rate")
    GROSS_MARGIN_RATE = "gross_margin_rate", _("Gross margin achievement rate")
    COLLECTION_RATE = "collection_rate", _("Receivables collection rate")
    AVERAGE_DAILY_VISITS = "average_daily_visits", _("Average daily visits")
    CUSTOMER_COUNT = "customer_count", _("Customer count")
    CUSTOMER_BREADTH = "customer_breadth", _("Customer breadth")
    PRODUCT_MIX = "product_mix", _("Product mix")
    CUSTOMER_SATISFACTION = "customer_satisfaction", _("Customer satisfaction")
    NEW_CUSTOMERS = "new_customers", _("New customers")


class KpiUnit(models.TextChoices):
    RATE = "rate", _("Rate (fraction, 1 = 100 %)")
    NUMBER = "number", _("Number")
    SCORE = "score", _("Score (1-5)")


class KpiSource(models.TextChoices):
    ENGINE = "engine", _("Achievement engine")
    RECORD = "record", _("Commercial record")


class Kpi(models.Model):
    """A KPI of the catalogue. Its value is always computed, never typed in."""

    code = models.CharField(_("code"), max_length=40, choices=KpiCode.choices, unique=True)
    unit = models.CharField(_("unit"), max_length=10, choices=KpiUnit.choices)
    source = models.CharField(_("source"), max_length=10, choices=KpiSource.choices)
    description = models.TextField(_("formula"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI catalogue")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> str:
        return KpiCode(self.code).label


class ScoringRule(models.TextChoices):
    LINEAR_CAP = "linear", _("Linear with a cap")
    BANDS = "bands", _("Bands (thresholds)")
    PASS_FAIL = "pass_fail", _("Pass / fail")


class AppraisalScheme(models.Model):
    """The KPIs, weights, targets and scoring rules for one position. Versioned: a scheme used by a
    scorecard is never changed; a change makes the next version."""

    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("valid from"))
    is_active = models.BooleanField(_("active"), default=True)
    # Product lines whose share of sales the product-mix KPI measures (one per line).
    focus_product_lines = models.TextField(
        _("focus product lines"), blank=True, help_text=_("One product line a line.")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "-version"]
        verbose_name = _("appraisal scheme")
        verbose_name_plural = _("appraisal schemes")
        constraints = [models.UniqueConstraint(fields=["position", "version"], name="one_scheme_version_per_position")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def focus_lines(self) -> list[str]:
        return [line.strip() for line in self.focus_product_lines.splitlines() if line.strip()]


class SchemeKpi(models.Model):
    scheme = models.ForeignKey(
        AppraisalScheme, on_delete=models.CASCADE, related_name="lines", verbose_name=_("scheme")
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    rule = models.CharField(
        _("scoring rule"), max_length=10, choices=ScoringRule.choices, default=ScoringRule.LINEAR_CAP
    )
    # Linear: the score is weight x value / target, at most weight x cap %.
    cap_percent = models.DecimalField(_("cap (%)"), max_digits=6, decimal_places=2, default=Decimal(120))
    # A KPI with no value for a person and period is left out and its weight shared out among the
    # others (DESIGN.md glossary); a required one scores 0 instead and blocks the card's approval.
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_(
            "Without a value for the period, a required KPI scores 0 and the scorecard cannot be approved; "
            "any other KPI is left out and its weight shared out among the others."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("scheme KPI")
        verbose_name_plural = _("scheme KPIs")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kpi"], name="kpi_once_per_scheme"),
            models.CheckConstraint(condition=models.Q(weight__gt=0, weight__lte=100), name="scheme_kpi_weight_range"),
            models.CheckConstraint(condition=models.Q(target__gt=0), name="scheme_kpi_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.kpi} · {self.weight}"


class ScoreBand(models.Model):
    """For the bands rule: achievement of target from `lower_percent` (inclusive) to
    `upper_percent` (exclusive; empty = no upper end) scores `score_percent` of the weight."""

    scheme_kpi = models.ForeignKey(SchemeKpi, on_delete=models.CASCADE, related_name="bands", verbose_name=_("KPI"))
    lower_percent = models.DecimalField(_("from (percent of target)"), max_digits=7, decimal_places=2)
    upper_percent = models.DecimalField(
        _("to (percent of target)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    score_percent = models.DecimalField(_("score (percent of weight)"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["lower_percent"]
        verbose_name = _("score band")
        verbose_name_plural = _("score bands")

    def __str__(self) -> str:
        return f"{self.lower_percent}-{self.upper_percent or '∞'}: {self.score_percent}"


class GradeBand(models.Model):
    """A grade (A-E by default) for total scores from `min_score` up to the next band's."""

    grade = models.CharField(_("grade"), max_length=5, unique=True)
    min_score = models.DecimalField(_("minimum score"), max_digits=6, decimal_places=2, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"
