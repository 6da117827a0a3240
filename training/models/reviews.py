"""The quarterly review meeting (复盘) of a unit: its questions, minutes and the decisions taken.

A meeting belongs to one unit (a team, or a region) and one fiscal quarter. Its agenda is not
stored: it is read from the numbers each time (`training.selectors.reviews.review_agenda`). What the
meeting decides is stored where it lives: outcomes in appraisal (`outcomes`), action items in
training (`ActionItem.review_meeting`), so the next meeting of the unit can show what came of them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet

# The method's review questions (appraisal's scorecard asks them of each person; the meeting asks
# them of the unit): a standard question is stored by its code and shown in the reader's language.
STANDARD_QUESTION_CODES = (
    "q_year_end_goal",
    "q_obstacles",
    "q_territory",
    "q_missed_impact",
    "q_progress",
    "q_make_up",
)


def standard_question_text(code: str) -> str:
    """The translated wording of a standard question (the scorecard field's label)."""
    from appraisal.models import Scorecard

    if code not in STANDARD_QUESTION_CODES:
        return ""
    return str(Scorecard._meta.get_field(code).verbose_name)


class ReviewQuestion(models.Model):
    """One question every review meeting goes through; admins edit, reorder or add them."""

    code = models.CharField(
        _("standard question"),
        max_length=40,
        blank=True,
        help_text=_("The code of one of the method's questions; empty for a question of your own."),
    )
    text = models.CharField(
        _("wording"), max_length=300, blank=True, help_text=_("Your own wording (replaces the standard one).")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("review question")
        verbose_name_plural = _("review questions")
        constraints = [
            models.CheckConstraint(condition=~Q(code="", text=""), name="review_question_has_wording"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.text or standard_question_text(self.code) or self.code


class ReviewMeetingQuerySet(ScopedQuerySet):
    # A meeting belongs to its unit: the unit's managers and those above see it, and (DESIGN's
    # rule for unit records without a person) the members of the team it is about.
    scope_fields = {"team": "team", "region": "region"}


class ReviewMeeting(models.Model):
    """A unit's quarterly review meeting: when, who held it, the minutes and the answers."""

    period = models.CharField(_("quarter"), max_length=7, help_text=_("2026-Q1"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey("staff.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    date = models.DateField(_("meeting date"))
    held_by = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("held by"))
    # An open opportunity with no change for this many days is shown as stale.
    stale_days = models.PositiveSmallIntegerField(_("stale after (days)"), default=30)
    notes = models.TextField(_("minutes"), blank=True)
    # {question id (as text): the unit's answer}
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    outcomes = models.ManyToManyField(
        "appraisal.Outcome", blank=True, related_name="+", verbose_name=_("outcomes decided")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[outcomes])

    objects = ReviewMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "team"], condition=Q(team__isnull=False), name="one_review_per_team_quarter"
            ),
            models.UniqueConstraint(
                fields=["period", "region"], condition=Q(team__isnull=True), name="one_review_per_region_quarter"
            ),
            models.CheckConstraint(condition=Q(stale_days__gte=1), name="review_stale_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.unit}"

    @property
    def unit(self):
        return self.team or self.region

    def unit_filter(self, *, team: str = "team", region: str = "region") -> Q:
        """Rows recorded on this meeting's unit (a region's meeting: the region with its teams)."""
        if self.team_id is not None:
            return Q(**{f"{team}_id": self.team_id})
        return Q(**{f"{region}_id": self.region_id})
