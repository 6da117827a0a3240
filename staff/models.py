"""Regions, teams, people, reporting lines, employment events and the working-day calendar."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from staff.scope import DataScope, ScopedQuerySet


class Position(models.TextChoices):
    DIRECTOR = "director", _("Sales director")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    TEAM_MANAGER = "team_manager", _("Team manager")
    REP = "rep", _("Sales rep")


# The data scope each position gets unless an admin sets another (DESIGN.md, data-scope rule).
DEFAULT_SCOPE = {
    Position.DIRECTOR: DataScope.ALL,
    Position.REGIONAL_MANAGER: DataScope.OWN_UNIT_AND_SUBUNITS,
    Position.TEAM_MANAGER: DataScope.OWN_UNIT,
    Position.REP: DataScope.SELF,
}

# The positions that manage a unit. The one definition of "manager" is `staff.authority.is_manager`.
MANAGER_POSITIONS = {Position.DIRECTOR, Position.REGIONAL_MANAGER, Position.TEAM_MANAGER}


class RegionQuerySet(ScopedQuerySet):
    scope_fields = {"region": "id"}


class Region(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(ScopedQuerySet):
    scope_fields = {"team": "id", "region": "region"}


class Team(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="teams", verbose_name=_("region"))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class PersonStatus(models.TextChoices):
    PROBATION = "probation", _("On probation")
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")


class PersonQuerySet(ScopedQuerySet):
    scope_fields = {"person": "id", "team": "team", "region": "region"}

    def current(self) -> PersonQuerySet:
        return self.exclude(status=PersonStatus.LEFT)


class Person(models.Model):
    """Someone in the sales organization. A login is optional (not everyone signs in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login"),
    )
    employee_no = models.CharField(_("employee number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.REP)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("region")
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("manager"),
    )
    hire_date = models.DateField(_("hire date"))
    status = models.CharField(_("status"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.PROBATION)
    # The leaving date of a dismissal: from this day on the login and its tokens stop working.
    left_on = models.DateField(_("leaving date"), null=True, blank=True)
    data_scope = models.CharField(
        _("data scope"),
        max_length=30,
        choices=DataScope.choices,
        blank=True,
        help_text=_("Leave empty to use the default of the position."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["region", "team"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # A team implies its region; keeping both on the row lets scope filters use either.
        if self.team_id and not self.region_id:
            self.region_id = Team.objects.values_list("region_id", flat=True).get(pk=self.team_id)
        super().save(*args, **kwargs)

    @property
    def effective_scope(self) -> str:
        return self.data_scope or DEFAULT_SCOPE[Position(self.position)]

    def clean(self) -> None:
        errors = {}
        if self.team_id and self.region_id and self.team.region_id != self.region_id:
            errors["team"] = _("The team belongs to another region.")
        if self.manager_id and self.manager_id == self.pk:
            errors["manager"] = _("A person cannot be their own manager.")
        if self.position in (Position.TEAM_MANAGER, Position.REP) and not self.team_id:
            errors["team"] = _("A team manager or rep must belong to a team.")
        if self.position == Position.REGIONAL_MANAGER and not self.region_id:
            errors["region"] = _("A regional manager must belong to a region.")
        if errors:
            raise ValidationError(errors)


class EventKind(models.TextChoices):
    HIRED = "hired", _("Hired")
    PROBATION_PASSED = "probation_passed", _("Probation passed")
    PROMOTED = "promoted", _("Promoted")
    TRANSFERRED = "transferred", _("Transferred")
    MANAGER_CHANGED = "manager_changed", _("Manager changed")
    WARNED = "warned", _("Warned")
    DISMISSED = "dismissed", _("Dismissed")
    HANDED_OVER = "handed_over", _("Handed over")


class EmploymentEventQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "person__team", "region": "person__region"}


class EmploymentEvent(models.Model):
    """Something that happened to a person's employment, with the before and after."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    from_position = models.CharField(_("from position"), max_length=20, choices=Position.choices, blank=True)
    to_position = models.CharField(_("to position"), max_length=20, choices=Position.choices, blank=True)
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from team")
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to team")
    )
    from_manager = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from manager")
    )
    to_manager = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("to manager")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = EmploymentEventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("employment event")
        verbose_name_plural = _("employment events")

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.date}"


class MembershipQuerySet(ScopedQuerySet):
    scope_fields = {"person": "person", "team": "team", "region": "region"}


class Membership(models.Model):
    """Where a person stood from `start` to `end` (inclusive; open while `end` is empty): position,
    team, region and manager. Made by the employment services (hire, transfer, promotion, change of
    manager, dismissal); `staff.attribution` reads it to credit a record to the unit of its date."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person"))
    # With a context: a bare "from" is another app's word ("from owner": 原).
    start = models.DateField(pgettext_lazy("membership", "from"))
    end = models.DateField(pgettext_lazy("membership", "until"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    manager = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("manager")
    )
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["person", "start"]
        verbose_name = _("membership")
        verbose_name_plural = _("membership history")
        indexes = [models.Index(fields=["person", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            ),
            models.UniqueConstraint(fields=["person", "start"], name="one_membership_per_person_and_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.start} – {self.end or ''}"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (day off)")
    MAKEUP_WORKDAY = "makeup", _("Make-up workday")


class CalendarDaySource(models.TextChoices):
    OFFICIAL = "official", _("Official calendar")
    ADMIN = "admin", _("Set by an admin")


class CalendarDay(models.Model):
    """An exception to the Monday-Friday week: a public holiday or a make-up workday (调休).

    The official days come from `WORKING_CALENDAR` (`staff.services.calendar_refresh`); a day an
    admin created or edited is theirs, and no refresh changes or removes it.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=CalendarDaySource.choices,
        default=CalendarDaySource.ADMIN,
        help_text=_(
            "Official days come from the official calendar and are corrected by each refresh; a day you save "
            "here becomes yours and every refresh keeps it. To work on an official holiday, change its kind "
            "rather than delete it; delete a day of yours to return to the official calendar at the next refresh."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


# --- Recruitment and selection -------------------------------------------------------------------


class OpeningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class OpeningQuerySet(ScopedQuerySet):
    scope_fields = {"person": "hiring_manager", "team": "team", "region": "region"}


class Opening(models.Model):
    """A position to fill in a team (招聘需求), with how many people are wanted."""

    title = models.CharField(_("title"), max_length=200)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.REP)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="openings", verbose_name=_("team"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    hiring_manager = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="openings",
        verbose_name=_("hiring manager"),
    )
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1)
    requirements = models.TextField(_("requirements"), blank=True)
    opened_on = models.DateField(_("opened on"))
    status = models.CharField(_("status"), max_length=10, choices=OpeningStatus.choices, default=OpeningStatus.OPEN)
    history = HistoricalRecords()

    objects = OpeningQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        constraints = [models.CheckConstraint(condition=models.Q(headcount__gte=1), name="opening_headcount_positive")]

    def __str__(self) -> str:
        return f"{self.title} · {self.team}"


class CandidateStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    IN_SELECTION = "in_selection", _("In selection")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CandidateQuerySet(ScopedQuerySet):
    scope_fields = {"person": "opening__hiring_manager", "team": "team", "region": "region"}


class Candidate(models.Model):
    """Someone applying for an opening; the decision (hire or reject) always carries a reason."""

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("opening"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True, help_text=_("Referral, job board, campus..."))
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(
        _("status"), max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.APPLIED
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    hired_person = models.OneToOneField(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacy",
        verbose_name=_("hired as"),
    )
    history = HistoricalRecords()

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.name

    @property
    def average_score(self):
        """Mean score of the recorded selection steps (None before any step)."""
        scores = [step.score for step in self.steps.all() if step.score is not None]
        return sum(scores) / len(scores) if scores else None


class SelectionStepKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    WRITTEN_TEST = "written_test", _("Written test")
    ROLE_PLAY = "role_play", _("Role-play (sales simulation)")


class SelectionStepQuerySet(ScopedQuerySet):
    scope_fields = {
        "person": "candidate__opening__hiring_manager",
        "team": "candidate__team",
        "region": "candidate__region",
    }


class SelectionStep(models.Model):
    """One step of the selection (面试、笔试、情景模拟) with the assessor's score out of 100."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="steps", verbose_name=_("candidate")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SelectionStepKind.choices)
    date = models.DateField(_("date"))
    assessor = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("assessor")
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = SelectionStepQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("selection step")
        verbose_name_plural = _("selection steps")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="selection_step_score_0_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.get_kind_display()}"
