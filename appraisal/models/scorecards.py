"""Appraisal periods and scorecards: one card per person and period, a line per KPI."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from appraisal.models.schemes import AppraisalScheme, Kpi, SchemeKpi
from staff.models import Position
from staff.scope import ScopedQuerySet


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
    # The person appraised acknowledges the approved card (once), with an optional comment.
    acknowledged_by = models.ForeignKey(
        "staff.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_comment = models.TextField(_("comment on acknowledging"), blank=True)
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
    # The weight the line was scored with: the scheme's weight scaled up to share out the weights of
    # the KPIs left out (no value and not required); 0 for a line left out itself.
    effective_weight = models.DecimalField(_("effective weight"), max_digits=5, decimal_places=2, default=Decimal(0))
    left_out = models.BooleanField(_("not measured, weight shared out"), default=False)
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
        """Short of the target; a line left out (not measured) is not a shortfall."""
        if self.left_out:
            return False
        return self.value is None or self.value < self.target

    @property
    def missing_required(self) -> bool:
        """A required KPI with no value: it scores 0 and the card cannot be approved."""
        return self.value is None and self.scheme_kpi.required
