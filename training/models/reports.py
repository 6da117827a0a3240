"""Work reports (日报 / 周报 / 月报), the per-team rules that ask for them, managers' comments."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily report")
    WEEKLY = "weekly", _("Weekly report")
    MONTHLY = "monthly", _("Monthly report")


class ReportRuleQuerySet(ScopedQuerySet):
    scope_fields = {"team": "team", "region": "team__region"}


class WorkReportRule(models.Model):
    """Which reports a team's reps must submit, and by when after the period ends."""

    team = models.ForeignKey(
        "staff.Team", on_delete=models.CASCADE, related_name="report_rules", verbose_name=_("team")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    due_days_after = models.PositiveSmallIntegerField(
        _("days after the period"), default=0, help_text=_("0: due on the last day of the period.")
    )
    due_time = models.TimeField(_("due time"), default=time(18, 0))
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReportRuleQuerySet.as_manager()

    class Meta:
        ordering = ["team", "kind"]
        verbose_name = _("work report rule")
        verbose_name_plural = _("work report rules")
        constraints = [models.UniqueConstraint(fields=["team", "kind"], name="report_rule_once_per_team_kind")]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_kind_display()}"


class WorkReportQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class WorkReport(models.Model):
    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="work_reports", verbose_name=_("rep")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # The period's own numbers at submission (visits, orders, collections...): money as strings.
    numbers = models.JSONField(_("numbers"), default=dict, blank=True)
    summary = models.TextField(_("summary of the period"))
    problems = models.TextField(_("problems and help needed"), blank=True)
    next_plan = models.TextField(_("plan for the next period"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    is_late = models.BooleanField(_("late"), default=False)
    history = HistoricalRecords()

    objects = WorkReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "period_start"], name="work_report_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="work_report_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.period_start}"


class ReportComment(models.Model):
    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="comments", verbose_name=_("report"))
    author = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")

    def __str__(self) -> str:
        return f"{self.author} · {self.report}"
