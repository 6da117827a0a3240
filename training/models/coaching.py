"""Coaching: one-on-one sessions, joint-visit reviews, team meetings; action items and follow-ups."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet, scope_q, viewer_for


class SessionKind(models.TextChoices):
    ONE_ON_ONE = "one_on_one", _("One-on-one")
    JOINT_VISIT_REVIEW = "joint_visit_review", _("Joint-visit review")
    TEAM_MEETING = "team_meeting", _("Team meeting")


class CoachingSessionQuerySet(ScopedQuerySet):
    # A session belongs to the person coached, and to the unit recorded on it.
    scope_fields = {"person": "person", "team": "team", "region": "region"}

    def visible_to(self, user) -> CoachingSessionQuerySet:
        viewer = viewer_for(user)
        if viewer.sees_all:
            return self
        if viewer.person_id is None:
            return self.none()
        # Besides the scope rule, everyone in a team reads the minutes of their team's meetings.
        own_meetings = Q(kind=SessionKind.TEAM_MEETING, team_id=viewer.team_id) if viewer.team_id else Q(pk__in=[])
        return self.filter(scope_q(viewer, **self.scope_fields) | own_meetings)


class CoachingSession(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    coach = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="sessions_given", verbose_name=_("coach")
    )
    person = models.ForeignKey(
        "staff.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coaching_sessions",
        verbose_name=_("person coached"),
        help_text=_("Empty for a team meeting."),
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    date = models.DateField(_("date"))
    visit = models.ForeignKey(
        "fieldwork.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("joint visit"),
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    discussed = models.TextField(_("what was discussed"), blank=True)
    agreed_plan = models.TextField(_("agreed plan"), blank=True)
    did_well = models.TextField(_("what the rep did well"), blank=True)
    to_improve = models.TextField(_("what to improve"), blank=True)
    attendees = models.ManyToManyField(
        "staff.Person", blank=True, related_name="meetings_attended", verbose_name=_("attendees")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    objects = CoachingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        indexes = [models.Index(fields=["person", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="team_meeting") | Q(person__isnull=False), name="coaching_session_has_person"
            ),
            models.CheckConstraint(
                condition=~Q(kind="joint_visit_review") | Q(visit__isnull=False), name="joint_visit_review_has_visit"
            ),
            models.UniqueConstraint(fields=["visit"], condition=Q(visit__isnull=False), name="one_review_per_visit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person or self.team} · {self.date}"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionItemQuerySet(ScopedQuerySet):
    scope_fields = {"person": "owner", "team": "team", "region": "region"}

    def overdue(self, today: date) -> ActionItemQuerySet:
        """Open items whose due date has passed: an item due on D is overdue from D + 1."""
        return self.filter(status=ActionItemStatus.OPEN, due_on__lt=today)


class ActionItem(models.Model):
    """Something agreed in coaching, owned by one person and followed up by the coach until done."""

    session = models.ForeignKey(
        CoachingSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("coaching session"),
    )
    owner = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="action_items", verbose_name=_("owner")
    )
    coach = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, related_name="action_items_coached", verbose_name=_("coach")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    # Decided at a unit's review meeting (followed up like any coaching action).
    review_meeting = models.ForeignKey(
        "training.ReviewMeeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("review meeting"),
    )
    title = models.CharField(_("action"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["coach", "status", "due_on"]), models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="action_item_done_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.status == ActionItemStatus.OPEN and self.due_on < today


class FollowUp(models.Model):
    """One check on an action item (追踪): what the coach found and what comes next."""

    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("action item")
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"))
    author = models.ForeignKey("staff.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.action_item} · {self.date}"
