"""Targeted training: rules from a KPI gap to a course topic and coaching topic; the suggestions made."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet
from training.models.courses import CourseKind


class SuggestionRule(models.Model):
    """When a KPI is below target, suggest a course of this topic (and kind) and a coaching topic."""

    kpi_code = models.SlugField(_("KPI code"), max_length=50, unique=True)
    course_topic = models.SlugField(_("course topic"), max_length=50)
    course_kind = models.CharField(_("course kind"), max_length=20, choices=CourseKind.choices)
    coaching_topic = models.CharField(
        _("coaching topic"), max_length=200, blank=True, help_text=_("Leave empty for the standard topic of the KPI.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kpi_code"]
        verbose_name = _("training suggestion rule")
        verbose_name_plural = _("training suggestion rules")

    def __str__(self) -> str:
        return f"{self.kpi_code} → {self.course_topic}"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", pgettext_lazy("suggestion", "Dismissed")


class SuggestionQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class TrainingSuggestion(models.Model):
    person = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, related_name="training_suggestions", verbose_name=_("person")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    period = models.CharField(_("period"), max_length=10)
    kpi_code = models.SlugField(_("KPI code"), max_length=50)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    rule = models.ForeignKey(
        SuggestionRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("rule")
    )
    course = models.ForeignKey(
        "training.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("suggested course"),
    )
    coaching_topic = models.CharField(_("coaching topic"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_on = models.DateField(_("created on"))
    history = HistoricalRecords()

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("training suggestion")
        verbose_name_plural = _("training suggestions")
        constraints = [
            models.UniqueConstraint(fields=["person", "period", "kpi_code"], name="suggestion_once_per_kpi_period")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.kpi_code} · {self.period}"

    @property
    def gap(self):
        return self.target - self.value

    @property
    def coaching_topic_display(self) -> str:
        from training.rules import standard_coaching_topic

        return self.coaching_topic or standard_coaching_topic(self.kpi_code)

    @property
    def kpi_display(self) -> str:
        from training.rules import kpi_label

        return kpi_label(self.kpi_code)
