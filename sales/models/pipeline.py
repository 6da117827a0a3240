"""The pipeline: configurable stages, opportunities and their stage history.

An opportunity belongs to its owner rep and records the owner's team and region when it is
created (like orders, a later transfer does not move it). Every move between stages is kept in
`OpportunityStageChange`, one row per stay in a stage, so the funnel can count who reached each
stage and how long they stayed.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet

# The default stages (created by a data migration). Their names are shown translated; a stage an
# admin names differently is shown as named.
DEFAULT_STAGE_NAMES = (
    gettext_noop("Lead"),
    gettext_noop("Qualified"),
    gettext_noop("Proposal/quote"),
    gettext_noop("Negotiation"),
    gettext_noop("Won"),
    gettext_noop("Lost"),
)


class ForecastCategory(models.TextChoices):
    """How sure the owner is that an opportunity closes in its period (the forecast's columns)."""

    COMMIT = "commit", _("Commit")
    BEST_CASE = "best_case", _("Best case")
    PIPELINE = "pipeline", pgettext_lazy("forecast category", "Pipeline")
    OMITTED = "omitted", _("Omitted")


# The default stages' default categories (the migration sets them; an admin may change them).
DEFAULT_STAGE_CATEGORIES = {
    "Lead": ForecastCategory.PIPELINE,
    "Qualified": ForecastCategory.PIPELINE,
    "Proposal/quote": ForecastCategory.BEST_CASE,
    "Negotiation": ForecastCategory.COMMIT,
    "Won": ForecastCategory.COMMIT,
    "Lost": ForecastCategory.OMITTED,
}


class PipelineStage(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    probability = models.PositiveIntegerField(
        _("probability (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The forecast category of an opportunity in this stage unless its owner set one.
    default_forecast_category = models.CharField(
        _("default forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )

    class Meta:
        db_table = "customers_pipelinestage"
        ordering = ["order", "id"]
        verbose_name = _("pipeline stage")
        verbose_name_plural = _("pipeline stages")
        constraints = [
            models.CheckConstraint(condition=models.Q(probability__lte=100), name="stage_probability_range"),
            models.CheckConstraint(condition=~models.Q(is_won=True, is_lost=True), name="stage_not_both_won_and_lost"),
        ]

    def __str__(self) -> str:
        return gettext(self.name) if self.name in DEFAULT_STAGE_NAMES else self.name

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class OpportunityQuerySet(ScopedQuerySet):
    scope_fields = {"person": "owner", "team": "team", "region": "region"}

    def open(self) -> OpportunityQuerySet:
        return self.filter(stage__is_won=False, stage__is_lost=False)

    def with_forecast_category(self) -> OpportunityQuerySet:
        """Each opportunity with `category`: its own forecast category, else its stage's default."""
        return self.annotate(
            category=Coalesce(NullIf(F("forecast_category"), Value("")), F("stage__default_forecast_category"))
        )

    def with_weighted_amount(self) -> OpportunityQuerySet:
        """Each opportunity with `weighted_amount`: its expected amount x its stage's probability
        (DESIGN.md, forecast), unrounded: sum it, then round the total."""
        weighted = F("expected_amount") * F("stage__probability") / Value(Decimal(100))
        return self.annotate(
            weighted_amount=ExpressionWrapper(
                weighted, output_field=models.DecimalField(max_digits=20, decimal_places=4)
            )
        )


class Opportunity(models.Model):
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("customer")
    )
    owner = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("owner")
    )
    # The owner's team and region when the opportunity was opened.
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    stage = models.ForeignKey(
        PipelineStage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    expected_amount = models.DecimalField(_("expected amount"), max_digits=16, decimal_places=2, default=0)
    expected_close_date = models.DateField(_("expected close date"))
    # Set by the owner or a manager; empty: the stage's default (`effective_forecast_category`).
    forecast_category = models.CharField(
        _("forecast category"), max_length=10, choices=ForecastCategory.choices, blank=True, default=""
    )
    stage_entered_at = models.DateTimeField(_("in stage since"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=300, blank=True)
    # Who won the deal when we lost it.
    lost_to = models.ForeignKey(
        "customers.Competitor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="won_opportunities",
        verbose_name=_("lost to (competitor)"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(table_name="customers_historicalopportunity")

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        db_table = "customers_opportunity"
        ordering = ["expected_close_date", "id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        # The owner's lookups use the owner key's own index; the list's order has its index.
        indexes = [
            models.Index(fields=["region", "team"]),
            models.Index(fields=["expected_close_date", "id"], name="opportunity_list_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(expected_amount__gte=0), name="opportunity_amount_not_negative")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_forecast_category(self) -> str:
        return self.forecast_category or self.stage.default_forecast_category

    def get_effective_forecast_category_display(self) -> str:
        return str(ForecastCategory(self.effective_forecast_category).label)

    # What the authority rule needs about an opportunity (sales.edit_record).
    @property
    def people_ids(self) -> list[int]:
        return [self.owner_id]

    @property
    def units(self) -> list[tuple[int | None, int | None]]:
        return [(self.team_id, self.region_id)]


class OpportunityStageChange(models.Model):
    """One stay of an opportunity in a stage: entered, left (empty while it is still there)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_history", verbose_name=_("opportunity")
    )
    stage = models.ForeignKey(PipelineStage, on_delete=models.PROTECT, related_name="+", verbose_name=_("stage"))
    entered_at = models.DateTimeField(_("entered at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    # Whole days spent in the stage, set when it is left (the funnel averages these).
    days = models.PositiveIntegerField(_("days in stage"), null=True, blank=True)
    changed_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        db_table = "customers_opportunitystagechange"
        ordering = ["entered_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage history")

    def __str__(self) -> str:
        return f"{self.opportunity} · {self.stage}"
