"""KPI appraisal: the KPI catalogue, schemes per position, periods, scorecards, reviews, outcomes,
commission plans and contests.

Appraisal never computes sales itself: the quantitative lines are read from the achievement
engine's results (`targets.Achievement`) and, for KPIs the engine does not carry, aggregated from
the commercial record by set-based queries (see `appraisal.services.kpis`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.models import Position
from staff.scope import ScopedQuerySet
from targets.models import Metric


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


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AppraisalPeriodQuerySet(ScopedQuerySet):
    # A period opened for a unit belongs to that unit; a company period (no unit) is seen by the
    # managers of every unit through their scorecards, so it is listed to everyone.
    def visible_to(self, user):
        from staff.scope import scope_q, viewer_for

        viewer = viewer_for(user)
        if viewer.sees_all:
            return self
        if viewer.person_id is None:
            return self.none()
        unit = scope_q(viewer, person="opened_by", team="team", region="region")
        return self.filter(
            unit | models.Q(team__isnull=True, region__isnull=True) | models.Q(scorecards__person_id=viewer.person_id)
        ).distinct()


class AppraisalPeriod(models.Model):
    """An appraisal of a month, quarter or year for a unit (team, region) or the whole company."""

    period = models.CharField(_("period"), max_length=7, help_text=_("2026, 2026-Q1 or 2026-03"))
    period_kind = models.CharField(
        _("period kind"), max_length=10, choices=[("year", _("Year")), ("quarter", _("Quarter")), ("month", _("Month"))]
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    # The engine results the numbers were read from are as of this day (the period end).
    values_as_of = models.DateField(_("values as of"))
    # The method's review meeting (销售会议): when and who took part.
    meeting_date = models.DateField(_("review meeting date"), null=True, blank=True)
    meeting_participants = models.ManyToManyField(
        "staff.Person", blank=True, related_name="+", verbose_name=_("review meeting participants")
    )
    meeting_notes = models.TextField(_("review meeting notes"), blank=True)
    # Reps see the ranking tables only when a manager publishes them.
    rankings_published = models.BooleanField(_("rankings published"), default=False)
    opened_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[])

    objects = AppraisalPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-end", "-id"]
        verbose_name = _("appraisal period")
        verbose_name_plural = _("appraisal periods")
        constraints = [
            # Only holds where both units are set (NULLs are distinct); the open service checks the rest.
            models.UniqueConstraint(fields=["period", "region", "team"], name="one_appraisal_per_period_unit")
        ]

    def __str__(self) -> str:
        unit = self.team or self.region or _("Company")
        return f"{self.period} · {unit}"

    @property
    def unit_label(self) -> str:
        return str(self.team or self.region or _("Company"))


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")


FROZEN_STATUSES = {ScorecardStatus.APPROVED, ScorecardStatus.CLOSED}


class ScorecardQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class Scorecard(models.Model):
    """One person's appraisal for a period: quantitative lines, total, grade, ranks, the review."""

    appraisal_period = models.ForeignKey(
        AppraisalPeriod, on_delete=models.CASCADE, related_name="scorecards", verbose_name=_("appraisal period")
    )
    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("person")
    )
    # The unit the person was in when the card was made (a transfer does not move it).
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    scheme = models.ForeignKey(
        AppraisalScheme, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("scheme")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT
    )
    total_score = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, default=Decimal(0))
    grade = models.CharField(_("grade"), max_length=5, blank=True)
    rank_team = models.PositiveIntegerField(_("rank in team"), null=True, blank=True)
    rank_region = models.PositiveIntegerField(_("rank in region"), null=True, blank=True)
    rank_company = models.PositiveIntegerField(_("rank in company"), null=True, blank=True)
    values_as_of = models.DateField(_("values as of"))
    computed_at = models.DateTimeField(_("computed at"))
    # The qualitative half (定性评估).
    root_cause = models.TextField(_("root cause of the shortfall"), blank=True)
    improvement_plan = models.TextField(_("improvement plan"), blank=True)
    manager_comment = models.TextField(_("manager's comment"), blank=True)
    # The method's quarterly review questions.
    q_year_end_goal = models.TextField(_("What result do you want by the end of the year?"), blank=True)
    q_obstacles = models.TextField(_("Which obstacles stand in the way?"), blank=True)
    q_territory = models.TextField(_("What are the strengths and weaknesses of your territory?"), blank=True)
    q_missed_impact = models.TextField(
        _("If this quarter's target is missed, what does it mean for the year?"), blank=True
    )
    q_progress = models.TextField(
        _("Which of last quarter's results were progress, and how did you make it?"), blank=True
    )
    q_make_up = models.TextField(_("How will you make up what last quarter missed?"), blank=True)
    submitted_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScorecardQuerySet.as_manager()

    QUESTION_FIELDS = ("q_year_end_goal", "q_obstacles", "q_territory", "q_missed_impact", "q_progress", "q_make_up")

    class Meta:
        ordering = ["appraisal_period", "rank_company", "id"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["appraisal_period", "person"], name="one_scorecard_per_person_period")
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.appraisal_period.period}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES


class ScorecardLine(models.Model):
    """A KPI on a scorecard. Weight, target and rule are copied from the scheme; the value is the
    engine's (or the record's) as of the period end, and stops changing once the card is approved."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="lines", verbose_name=_("scorecard")
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI"))
    scheme_kpi = models.ForeignKey(SchemeKpi, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme KPI"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, default=Decimal(0))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        constraints = [models.UniqueConstraint(fields=["scorecard", "kpi"], name="kpi_once_per_scorecard")]

    def __str__(self) -> str:
        return f"{self.scorecard} · {self.kpi}"

    @property
    def below_target(self) -> bool:
        return self.value is None or self.value < self.target


class ActionItemQuerySet(ScopedQuerySet):
    scope_fields = {"person": "scorecard__person", "team": "scorecard__team", "region": "scorecard__region"}


class ImprovementAction(models.Model):
    """An action item of a scorecard's improvement plan (owner, due date)."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="actions", verbose_name=_("scorecard")
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")

    def __str__(self) -> str:
        return self.description


class OutcomeKind(models.TextChoices):
    REWARD = "reward", _("Reward / bonus")
    PENALTY = "penalty", _("Penalty")
    TRAINING = "training", _("Targeted training")
    PROMOTION = "promotion", _("Promotion")
    IMPROVEMENT_PLAN = "improvement_plan", _("Improvement plan")
    DISMISSAL_WARNING = "dismissal_warning", _("Dismissal warning")


MONEY_OUTCOMES = {OutcomeKind.REWARD, OutcomeKind.PENALTY}
# Decided by the manager line, confirmed one level above the manager who decided.
CONFIRMED_OUTCOMES = {OutcomeKind.PROMOTION, OutcomeKind.DISMISSAL_WARNING}


class OutcomeQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class Outcome(models.Model):
    """What an appraisal led to, with the reason (shown on the person's page)."""

    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="appraisal_outcomes", verbose_name=_("person")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    scorecard = models.ForeignKey(
        Scorecard,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("scorecard"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    course = models.ForeignKey(
        "training.Course", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("course")
    )
    reason = models.TextField(_("reason"))
    date = models.DateField(_("date"))
    decided_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    confirmed_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("appraisal outcome")
        verbose_name_plural = _("appraisal outcomes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0), name="outcome_amount_positive"
            )
        ]

    def __str__(self) -> str:
        text = f"{self.date} · {self.get_kind_display()}"
        if self.amount is not None:
            text += f" {self.amount}"
        return f"{text} · {self.reason}"

    @property
    def needs_confirmation(self) -> bool:
        return self.kind in CONFIRMED_OUTCOMES

    @property
    def awaiting_confirmation(self) -> bool:
        return self.needs_confirmation and self.confirmed_at is None


# --- Commission and bonus plans -------------------------------------------------------------------


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

    plan = models.ForeignKey(CommissionPlan, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("plan"))
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
        CommissionPlan, on_delete=models.PROTECT, related_name="statements", verbose_name=_("plan")
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


# --- Contests ------------------------------------------------------------------------------------


class ParticipantKind(models.TextChoices):
    PEOPLE = "people", _("People")
    TEAMS = "teams", _("Teams")


class ContestStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class ContestQuerySet(ScopedQuerySet):
    """A contest is seen by its participants (a person named, or a member of a team named) and by
    whoever's data scope covers the contest's unit (its managers); a company contest (no unit) by
    those who see everything."""

    scope_fields = {"team": "team", "region": "region"}

    def visible_to(self, user):
        from staff.scope import scope_q, viewer_for

        viewer = viewer_for(user)
        if viewer.sees_all:
            return self
        if viewer.person_id is None:
            return self.none()
        seen = scope_q(viewer, person="people", team="team", region="region")
        if viewer.team_id:
            seen |= models.Q(teams=viewer.team_id)
        return self.filter(pk__in=self.model.objects.filter(seen).values("pk"))


class Contest(models.Model):
    """A sales contest (销售竞赛) over an engine period on one metric, run for a unit (a team, a
    region, or the company when both are empty) by the managers of that unit."""

    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=7, help_text=_("2026, 2026-Q1 or 2026-03"))
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices, default=Metric.SALES_AMOUNT)
    participant_kind = models.CharField(
        _("participants"), max_length=10, choices=ParticipantKind.choices, default=ParticipantKind.PEOPLE
    )
    # The unit whose managers run the contest (both empty: a company contest).
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    people = models.ManyToManyField("staff.Person", blank=True, related_name="contests", verbose_name=_("people"))
    teams = models.ManyToManyField("staff.Team", blank=True, related_name="contests", verbose_name=_("teams"))
    # Reps see the leaderboard only when it is published.
    published = models.BooleanField(_("leaderboard published"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ContestStatus.choices, default=ContestStatus.RUNNING)
    prize = models.CharField(_("prize"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[])

    objects = ContestQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "name"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self) -> str:
        return f"{self.name} ({self.period})"


class ContestResult(models.Model):
    """The final ranking, frozen when the contest finishes."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="results", verbose_name=_("contest"))
    rank = models.PositiveIntegerField(_("rank"))
    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    actual = models.DecimalField(_("actual"), max_digits=16, decimal_places=2)
    rate = models.DecimalField(_("achievement rate"), max_digits=10, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["contest", "rank"]
        verbose_name = _("contest result")
        verbose_name_plural = _("contest results")

    def __str__(self) -> str:
        return f"{self.contest} #{self.rank} {self.person or self.team}"
