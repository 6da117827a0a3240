"""Visit plans: how often each classification is visited, and each rep's weekly plan and route."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from customers.models import Classification
from staff.scope import ScopedQuerySet


class VisitFrequency(models.Model):
    """A customer of this classification is due a visit this many days after its last one."""

    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices, unique=True)
    every_days = models.PositiveIntegerField(_("visit every (days)"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["every_days", "classification"]
        verbose_name = _("visit frequency")
        verbose_name_plural = _("visit frequencies")
        constraints = [models.CheckConstraint(condition=Q(every_days__gt=0), name="visit_frequency_positive")]

    def __str__(self) -> str:
        return f"{self.get_classification_display()} · {self.every_days}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("visit plan", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("visit plan", "Submitted")
    APPROVED = "approved", pgettext_lazy("visit plan", "Approved")


class VisitPlanQuerySet(ScopedQuerySet):
    # A plan belongs to its rep and keeps the team and region the rep had in its week.
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class VisitPlan(models.Model):
    """One rep's plan of visits for one week (Monday to Sunday): drafted from what is due, edited by
    the rep, submitted, approved by a manager above the rep (never by whoever drafted it)."""

    person = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="visit_plans", verbose_name=_("rep")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    week_start = models.DateField(_("week of"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # Where each day's route starts (the office, the rep's home): empty starts at the first customer due.
    start_latitude = models.DecimalField(_("start latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    start_longitude = models.DecimalField(_("start longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    drafted_by = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("drafted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "staff.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("manager's note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = VisitPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-week_start", "person__name"]
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [
            models.UniqueConstraint(fields=["person", "week_start"], name="visit_plan_one_per_rep_week"),
            models.CheckConstraint(
                condition=Q(start_latitude__isnull=True, start_longitude__isnull=True)
                | Q(
                    start_latitude__gte=-90, start_latitude__lte=90, start_longitude__gte=-180, start_longitude__lte=180
                ),
                name="visit_plan_start_point_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.week_start}"


class VisitPlanItemQuerySet(ScopedQuerySet):
    scope_fields = {"person": "plan__person", "team": "plan__team", "region": "plan__region"}


class VisitPlanItem(models.Model):
    """One planned visit: the customer, the day, its place in the day's route."""

    plan = models.ForeignKey(VisitPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    day = models.DateField(_("day"))
    # The place in the day's route (1 = first) and the distance from the stop before it.
    position = models.PositiveIntegerField(_("order"), default=0)
    distance_m = models.PositiveIntegerField(_("distance from the stop before (m)"), null=True, blank=True)
    # The day the visit falls due by the frequency (empty: never visited).
    due_date = models.DateField(_("due on"), null=True, blank=True)
    added_by_rep = models.BooleanField(_("added by hand"), default=False)
    history = HistoricalRecords()

    objects = VisitPlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["day", "position", "id"]
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        constraints = [models.UniqueConstraint(fields=["plan", "customer"], name="visit_plan_item_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.day}"
