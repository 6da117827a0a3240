"""Targets, breakdowns, sales plans, and the achievement engine's results.

An owner is the company, a region, a team or a person (a rep). Besides the region/team/person
foreign keys every owned row carries `owner_key` (the owner's id, 0 for the company): unique
constraints over nullable foreign keys do not hold in SQL (NULLs are distinct), and the engine's
set-based upserts need one plain key, `(owner_kind, owner_key, metric, period)`.

For scoping, a team row also records its region, and a rep row the rep's team and region.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet


class OwnerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    REGION = "region", _("Region")
    TEAM = "team", _("Team")
    REP = "rep", _("Rep")


class Metric(models.TextChoices):
    SALES_AMOUNT = "sales_amount", _("Sales amount")
    GROSS_MARGIN = "gross_margin", _("Gross margin")
    COLLECTION = "collection", _("Collection")
    NEW_CUSTOMERS = "new_customers", _("New customers")
    VISITS = "visits", _("Visits")
    EXPENSES = "expenses", _("Expenses (budget)")


# Metrics where a lower actual is better: their target is a budget.
BUDGET_METRICS = {Metric.EXPENSES}
# Metrics counted in units rather than money.
COUNT_METRICS = {Metric.NEW_CUSTOMERS, Metric.VISITS}


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class OwnedQuerySet(ScopedQuerySet):
    # A rep's row belongs to the rep; unit rows to the unit recorded on them.
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class OwnedModel(models.Model):
    owner_kind = models.CharField(_("owner kind"), max_length=10, choices=OwnerKind.choices)
    # The owner's id (region, team or person id; 0 for the company): the key of the owner.
    owner_key = models.PositiveIntegerField(_("owner key"), default=0, editable=False)
    region = models.ForeignKey(
        "staff.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    person = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("rep")
    )

    class Meta:
        abstract = True

    def compute_owner_key(self) -> int:
        return {
            OwnerKind.COMPANY: 0,
            OwnerKind.REGION: self.region_id or 0,
            OwnerKind.TEAM: self.team_id or 0,
            OwnerKind.REP: self.person_id or 0,
        }[self.owner_kind]

    @property
    def owner(self):
        return {
            OwnerKind.COMPANY: None,
            OwnerKind.REGION: self.region,
            OwnerKind.TEAM: self.team,
            OwnerKind.REP: self.person,
        }[self.owner_kind]

    @property
    def owner_label(self) -> str:
        owner = self.owner
        return str(owner) if owner is not None else str(_("Company"))


# --- Targets -----------------------------------------------------------------------------------


class TargetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class TargetSource(models.TextChoices):
    """Which path wrote a target: a proposal replaces only the drafts a proposal of its own made."""

    MANUAL = "manual", _("Entered")
    BREAKDOWN = "breakdown", _("Breakdown")
    ALLOCATION = "allocation", _("Allocation")
    PROPOSAL = "proposal", _("Proposal")
    IMPORT = "import", _("Import")


class TargetQuerySet(OwnedQuerySet):
    def unacknowledged(self) -> TargetQuerySet:
        """Approved targets whose owner has not acknowledged the current version."""
        return self.filter(status=TargetStatus.APPROVED).exclude(acknowledged_version=models.F("version"))


class Target(OwnedModel):
    """A realistic and a stretch value for an owner, metric and period. Children are its breakdown."""

    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    period = models.CharField(_("period"), max_length=7, help_text=_("2026, 2026-Q1 or 2026-03"))
    period_kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    stretch_value = models.DecimalField(_("stretch target"), max_digits=16, decimal_places=2, null=True, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    status = models.CharField(_("status"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.DRAFT)
    # Who drafted the values being approved: approval is by a second person (staff/authority/).
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    source = models.CharField(
        _("source"), max_length=12, choices=TargetSource.choices, default=TargetSource.MANUAL, editable=False
    )
    # Optimistic locking: every save increments it; a save carrying an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    approved_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The owner acknowledges the approved values (and each revision): the version they read.
    acknowledged_version = models.PositiveIntegerField(_("acknowledged version"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["metric", "period", "owner_kind", "owner_key"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_key", "metric", "period"], name="one_target_per_owner"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_value_not_negative"),
        ]
        # The lists' default order has its own index (a page reads its rows in that order).
        indexes = [
            models.Index(fields=["period", "metric"]),
            models.Index(fields=["metric", "period", "owner_kind", "owner_key"], name="target_list_order"),
            # The drafts awaiting approval, in the approval inbox's order (asked on every page for
            # the inbox's count): a handful of rows, where the whole table is approved targets.
            models.Index(
                fields=["updated_at", "id"], name="target_drafts", condition=models.Q(status=TargetStatus.DRAFT)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_label} · {self.get_metric_display()} · {self.period}"

    def save(self, *args, **kwargs) -> None:
        self.owner_key = self.compute_owner_key()
        super().save(*args, **kwargs)

    @property
    def needs_acknowledgement(self) -> bool:
        """Approved, and its owner has not acknowledged these values (or this revision) yet."""
        return self.status == TargetStatus.APPROVED and self.acknowledged_version != self.version


class DistributionTemplateQuerySet(models.QuerySet):
    def visible_to(self, user) -> DistributionTemplateQuerySet:
        """A company catalogue: every signed-in person (or admin) sees it; nobody else."""
        from staff.scope import viewer_for

        viewer = viewer_for(user)
        return self if viewer.sees_all or viewer.person_id is not None else self.none()


class DistributionTemplate(models.Model):
    """A seasonality curve: 12 monthly weights (fiscal months 1-12) for breaking a year down."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    m01 = models.DecimalField(_("month 1"), max_digits=8, decimal_places=3, default=Decimal(1))
    m02 = models.DecimalField(_("month 2"), max_digits=8, decimal_places=3, default=Decimal(1))
    m03 = models.DecimalField(_("month 3"), max_digits=8, decimal_places=3, default=Decimal(1))
    m04 = models.DecimalField(_("month 4"), max_digits=8, decimal_places=3, default=Decimal(1))
    m05 = models.DecimalField(_("month 5"), max_digits=8, decimal_places=3, default=Decimal(1))
    m06 = models.DecimalField(_("month 6"), max_digits=8, decimal_places=3, default=Decimal(1))
    m07 = models.DecimalField(_("month 7"), max_digits=8, decimal_places=3, default=Decimal(1))
    m08 = models.DecimalField(_("month 8"), max_digits=8, decimal_places=3, default=Decimal(1))
    m09 = models.DecimalField(_("month 9"), max_digits=8, decimal_places=3, default=Decimal(1))
    m10 = models.DecimalField(_("month 10"), max_digits=8, decimal_places=3, default=Decimal(1))
    m11 = models.DecimalField(_("month 11"), max_digits=8, decimal_places=3, default=Decimal(1))
    m12 = models.DecimalField(_("month 12"), max_digits=8, decimal_places=3, default=Decimal(1))

    WEIGHT_FIELDS = [f"m{i:02d}" for i in range(1, 13)]

    objects = DistributionTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("distribution template")
        verbose_name_plural = _("distribution templates")

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> list[Decimal]:
        return [getattr(self, name) for name in self.WEIGHT_FIELDS]


# --- Sales plans -------------------------------------------------------------------------------


class SalesPlanQuerySet(OwnedQuerySet):
    pass


class SalesPlan(OwnedModel):
    """How an owner means to reach their targets for a period: market, strategy, channels, activities."""

    period = models.CharField(_("period"), max_length=7)
    title = models.CharField(_("title"), max_length=200)
    target_market = models.TextField(_("target market and positioning"), blank=True)
    strategy = models.TextField(_("strategy"), blank=True)
    channels = models.TextField(_("channels"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    targets = models.ManyToManyField(Target, blank=True, related_name="plans", verbose_name=_("targets served"))
    status = models.CharField(_("status"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = SalesPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "title"]
        verbose_name = _("sales plan")
        verbose_name_plural = _("sales plans")

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    def save(self, *args, **kwargs) -> None:
        self.owner_key = self.compute_owner_key()
        super().save(*args, **kwargs)


class ActivityKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    PROMOTION = "promotion", pgettext_lazy("sales plan activity", "Promotion")
    CUSTOMER_DEVELOPMENT = "development", _("Customer development")
    OTHER = "other", _("Other")


class PlanActivityQuerySet(ScopedQuerySet):
    scope_fields = {"person": "plan__person", "team": "plan__team", "region": "plan__region"}


class PlanActivity(models.Model):
    plan = models.ForeignKey(SalesPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices, default=ActivityKind.CAMPAIGN)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    planned_count = models.PositiveIntegerField(_("planned count"), default=0)
    done_count = models.PositiveIntegerField(_("done count"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    objects = PlanActivityQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="activity_dates"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="activity_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.name


# --- The engine's results ------------------------------------------------------------------------


class AchievementQuerySet(OwnedQuerySet):
    pass


class Achievement(OwnedModel):
    """One (owner, metric, period) as of a date, written by `achievements_recompute` only."""

    # Derived rows, rewritten every night: no database-level foreign-key checks on the bulk
    # insert (Django still cascades deletes) and no single-column indexes to maintain; reads go
    # through the owner key and the (period, metric) / (person, metric) indexes.
    region = models.ForeignKey(
        "staff.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_constraint=False,
        db_index=False,
    )
    team = models.ForeignKey(
        "staff.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "staff.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rep"),
        db_constraint=False,
        db_index=False,
    )

    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    period = models.CharField(_("period"), max_length=7)
    period_kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    as_of = models.DateField(_("as of"))
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    stretch = models.DecimalField(_("stretch target"), max_digits=16, decimal_places=2, null=True, blank=True)
    # Empty (not zero) when the target is 0 or missing.
    rate = models.DecimalField(_("achievement rate"), max_digits=10, decimal_places=4, null=True, blank=True)
    stretch_rate = models.DecimalField(_("stretch rate"), max_digits=10, decimal_places=4, null=True, blank=True)
    time_progress = models.DecimalField(_("time progress"), max_digits=6, decimal_places=4)
    # Rate below time progress (for a budget: spending above time progress).
    is_behind = models.BooleanField(_("behind"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    objects = AchievementQuerySet.as_manager()

    class Meta:
        ordering = ["metric", "period", "owner_kind", "owner_key"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_key", "metric", "period"], name="one_achievement_per_owner"
            )
        ]
        # The list's default order has its own index; its columns never change on the nightly
        # rewrite, which stays a HOT update.
        indexes = [
            models.Index(fields=["period", "metric"]),
            models.Index(fields=["person", "metric"]),
            models.Index(fields=["metric", "period", "owner_kind", "owner_key"], name="achievement_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_label} · {self.get_metric_display()} · {self.period}"


class AchievementTrendQuerySet(OwnedQuerySet):
    pass


class AchievementTrend(OwnedModel):
    """A daily point (actual, rate) of the periods that contain that day."""

    # Derived rows, rewritten every night: no database-level foreign-key checks on the bulk
    # insert (Django still cascades deletes) and no single-column indexes to maintain; reads go
    # through the owner key and the (period, metric) / (person, metric) indexes.
    region = models.ForeignKey(
        "staff.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_constraint=False,
        db_index=False,
    )
    team = models.ForeignKey(
        "staff.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "staff.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rep"),
        db_constraint=False,
        db_index=False,
    )

    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    period = models.CharField(_("period"), max_length=7)
    date = models.DateField(_("date"))
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2)
    rate = models.DecimalField(_("achievement rate"), max_digits=10, decimal_places=4, null=True, blank=True)

    objects = AchievementTrendQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("achievement trend point")
        verbose_name_plural = _("achievement trend points")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_key", "metric", "period", "date"], name="one_trend_point_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_label} · {self.metric} · {self.period} · {self.date}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RunMode(models.TextChoices):
    """How a run computed: every record of the year, or only the months that changed."""

    FULL = "full", _("Full rebuild")
    INCREMENTAL = "incremental", _("Changes only")


# What started a recompute run (RecomputeRun.trigger keeps the code; pages show the label).
RUN_TRIGGERS = {
    "manual": _("By hand"),
    "nightly": _("Nightly"),
    "command": _("Command line"),
    "demo": _("Demo data"),
}


# The shape of the kept base: 1 the monthly base, 2 with the product lines (AchievementLineBase).
BASE_VERSION = 2


class RecomputeRun(models.Model):
    """One run of the achievement engine: when, for which day, how far, how it ended."""

    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=100, blank=True)
    # Empty for a full run; region ids for a fan-out part.
    region_ids = models.CharField(_("regions"), max_length=500, blank=True)
    trigger = models.CharField(_("trigger"), max_length=20, default="manual")
    # Empty until the run has chosen (and for runs made before the incremental night).
    mode = models.CharField(_("mode"), max_length=12, choices=RunMode.choices, blank=True)
    # The shape of the base a whole-company run kept (`BASE_VERSION`); 0 for other runs and runs
    # made before it was recorded. An incremental night needs the current shape.
    base_version = models.PositiveSmallIntegerField(_("base version"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        indexes = [models.Index(fields=["as_of", "status"])]

    def __str__(self) -> str:
        return f"{self.as_of} · {self.get_status_display()}"

    @property
    def trigger_label(self) -> str:
        return str(RUN_TRIGGERS.get(self.trigger, self.trigger))

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class AchievementBase(models.Model):
    """The engine's monthly base, kept between runs: one row per (person, team and region recorded
    on the records, metric, fiscal month) of one fiscal year, written by the full rebuild and
    rewritten month by month by the incremental night (targets/services/engine). Derived rows:
    plain integer columns, no foreign keys."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    person_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    region_id = models.IntegerField(null=True)
    metric = models.CharField(_("metric"), max_length=20)
    # The fiscal month, 1-12.
    month_no = models.PositiveSmallIntegerField(_("fiscal month"))
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("achievement base row")
        verbose_name_plural = _("achievement base rows")
        indexes = [models.Index(fields=["fiscal_year", "metric", "month_no"], name="achievement_base_month")]

    def __str__(self) -> str:
        return f"{self.fiscal_year}/{self.month_no} · {self.metric} · {self.person_id} · {self.actual}"


class LineBaseQuerySet(ScopedQuerySet):
    # A row belongs to the rep, team and region recorded on the credit shares it sums.
    scope_fields = {"person": "person_id", "team": "team_id", "region": "region_id"}


class AchievementLineBase(models.Model):
    """Sales per product line, kept beside the monthly base (`AchievementBase`) by the same runs:
    one row per (person, team and region recorded on the credit shares, product line, fiscal month)
    of one fiscal year. Each order line is split between its order's shares as
    `sales.domain.credit_by_shares` splits it (every share but the primary rounded down to the
    cent, the primary takes the rest): the figures of the product-mix chart, read without the
    order lines. Derived rows: plain integer columns, no foreign keys."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    person_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    region_id = models.IntegerField(null=True)
    product_line = models.CharField(_("product line"), max_length=100)
    month_no = models.PositiveSmallIntegerField(_("fiscal month"))
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=2)

    objects = LineBaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("product line base row")
        verbose_name_plural = _("product line base rows")
        indexes = [models.Index(fields=["fiscal_year", "month_no"], name="achievement_line_base_month")]

    def __str__(self) -> str:
        return f"{self.fiscal_year}/{self.month_no} · {self.product_line} · {self.person_id} · {self.actual}"


class AchievementChange(models.Model):
    """The outbox of the incremental night: what changed since the last run, written by database
    triggers on the records the engine reads (orders, credit shares, payments, visits, expense
    claims, memberships, targets, people, teams, regions), so admin edits, imports and raw SQL are
    seen too. `source` names the base metrics that changed on `day` (the record's date; empty for
    every day): a source of `SOURCE_METRICS`, "lines" (the product-line base alone) or
    "share_amounts" (sales alone; "sales" names sales and the product lines), or "results" for
    results to rewrite: those of `period`, or every period when it is empty. Consumed (deleted) by
    the run that took it into account."""

    source = models.CharField(_("source"), max_length=20)
    day = models.DateField(_("day"), null=True)
    period = models.CharField(_("period"), max_length=7, blank=True, default="")

    class Meta:
        verbose_name = _("achievement change")
        verbose_name_plural = _("achievement changes")

    def __str__(self) -> str:
        return f"{self.source} · {self.day} · {self.period}"


# --- Forecast: managers' adjustments and the weekly snapshots ------------------------------------


class ForecastAdjustmentQuerySet(OwnedQuerySet):
    pass


class ForecastAdjustment(OwnedModel):
    """A manager's own figure for a unit's (or a rep's) sales forecast of a period, with a note.

    Shown beside the computed forecast, never instead of it. One per (owner, period): a new figure
    replaces the previous one, which the history keeps (who, when, what and why)."""

    period = models.CharField(_("period"), max_length=7)
    amount = models.DecimalField(_("adjusted forecast"), max_digits=16, decimal_places=2)
    note = models.TextField(_("note"))
    adjusted_by = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("adjusted by")
    )
    adjusted_at = models.DateTimeField(_("adjusted at"))
    history = HistoricalRecords()

    objects = ForecastAdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["period", "owner_kind", "owner_key"]
        verbose_name = _("forecast adjustment")
        verbose_name_plural = _("forecast adjustments")
        constraints = [
            models.UniqueConstraint(fields=["owner_kind", "owner_key", "period"], name="one_forecast_adjustment"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="forecast_adjustment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_label} · {self.period}"

    def save(self, *args, **kwargs) -> None:
        self.owner_key = self.compute_owner_key()
        super().save(*args, **kwargs)


class ForecastSnapshotQuerySet(OwnedQuerySet):
    pass


class ForecastSnapshot(OwnedModel):
    """The sales forecast of one owner and period as it stood on a day (taken weekly), so the page
    shows how it moved. Written by `forecast_snapshot_take` only; a rerun on the same day replaces."""

    period = models.CharField(_("period"), max_length=7)
    taken_on = models.DateField(_("taken on"))
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, null=True, blank=True)
    commit = models.DecimalField(_("commit"), max_digits=16, decimal_places=2)
    best_case = models.DecimalField(_("best case"), max_digits=16, decimal_places=2)
    pipeline = models.DecimalField(_("pipeline"), max_digits=16, decimal_places=2)
    weighted = models.DecimalField(_("weighted pipeline"), max_digits=16, decimal_places=2)
    forecast = models.DecimalField(_("forecast"), max_digits=16, decimal_places=2)
    overdue = models.DecimalField(_("overdue"), max_digits=16, decimal_places=2)
    adjusted = models.DecimalField(_("adjusted forecast"), max_digits=16, decimal_places=2, null=True, blank=True)

    objects = ForecastSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["period", "owner_kind", "owner_key", "taken_on"]
        verbose_name = _("forecast snapshot")
        verbose_name_plural = _("forecast snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_kind", "owner_key", "period", "taken_on"], name="one_forecast_snapshot_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_label} · {self.period} · {self.taken_on}"
