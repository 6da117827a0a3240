"""What an appraisal leads to: the improvement actions of a scorecard's plan and the outcomes
(reward, penalty, training, promotion, improvement plan, dismissal warning)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from appraisal.models.scorecards import Scorecard
from staff.models import Position
from staff.scope import ScopedQuerySet


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
    DISMISSAL = "dismissal", _("Dismissal")


MONEY_OUTCOMES = {OutcomeKind.REWARD, OutcomeKind.PENALTY}
# Decided by the manager line, confirmed one level above the manager who decided.
CONFIRMED_OUTCOMES = {OutcomeKind.PROMOTION, OutcomeKind.DISMISSAL_WARNING, OutcomeKind.DISMISSAL}
# Once confirmed, these become the person's employment event through the staff services.


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
    # A promotion's new position (recorded as the promotion once confirmed).
    to_position = models.CharField(_("to position"), max_length=20, choices=Position.choices, blank=True)
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
