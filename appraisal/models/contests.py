"""Sales contests (销售竞赛) and their frozen final rankings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from staff.scope import ScopedQuerySet
from targets.models import Metric


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
