"""Courses and their materials, required courses per position, class dates, onboarding, enrollments."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from staff.models import Position
from staff.scope import ScopedQuerySet, scope_q, viewer_for


class CourseKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    PRODUCT = "product", _("Product")
    SALES_SKILLS = "sales_skills", _("Sales skills")
    COMMUNICATION = "communication", _("Communication")
    MANAGEMENT = "management", _("Management")


class OnboardingTopic(models.TextChoices):
    """The standard contents of the induction training (入职基本培训), in the method's order."""

    COMPANY = "company", _("The company and its organization")
    DUTIES = "duties", _("Each position's duties")
    MARKET = "market", _("The market")
    GOALS = "goals", _("Long- and short-term goals")
    SALES_PLAN = "sales_plan", _("The sales plan and targets")
    SALES_SKILLS = "sales_skills", _("Sales skills")
    COMMUNICATION = "communication", _("How to communicate and solve problems")
    REWARDS = "rewards", _("Rewards and penalties")
    PAY = "pay", _("Pay and benefits")


class Course(models.Model):
    """A course anyone may be enrolled in. `topic` is the key training suggestions match on."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices)
    onboarding_topic = models.CharField(
        _("onboarding topic"), max_length=20, choices=OnboardingTopic.choices, blank=True
    )
    topic = models.SlugField(
        _("topic"), max_length=50, blank=True, help_text=_("Matched by training suggestion rules, e.g. collection.")
    )
    description = models.TextField(_("description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=2)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding_topic"], condition=~Q(onboarding_topic=""), name="course_one_per_onboarding_topic"
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        # A standard onboarding course shows its topic in the reader's language.
        if self.onboarding_topic:
            return str(OnboardingTopic(self.onboarding_topic).label)
        return self.title


class MaterialKind(models.TextChoices):
    DOCUMENT = "document", _("Document")
    LINK = "link", _("Link")
    FILE = "file", _("Uploaded file")


class CourseMaterial(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials", verbose_name=_("course"))
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="training/materials/%Y/", blank=True)

    class Meta:
        ordering = ["course", "id"]
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.kind == MaterialKind.LINK and not self.url:
            raise ValidationError({"url": _("A link needs its address.")})
        if self.kind == MaterialKind.FILE and not self.file:
            raise ValidationError({"file": _("Upload the file.")})
        if self.kind == MaterialKind.DOCUMENT and not self.body:
            raise ValidationError({"body": _("A document needs its text.")})


class RequiredCourse(models.Model):
    """A course every person in a position must complete, within `due_days` of starting."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="required_for", verbose_name=_("course"))
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    due_days = models.PositiveSmallIntegerField(_("days to complete"), default=30)

    class Meta:
        ordering = ["position", "course"]
        verbose_name = _("required course")
        verbose_name_plural = _("required courses")
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="required_course_once_per_position")]

    def __str__(self) -> str:
        return f"{self.get_position_display()} · {self.course}"


class ClassSessionQuerySet(ScopedQuerySet):
    scope_fields = {"person": "trainer", "team": "team", "region": "region"}

    def visible_to(self, user) -> ClassSessionQuerySet:
        viewer = viewer_for(user)
        if viewer.sees_all:
            return self
        if viewer.person_id is None:
            return self.none()
        # Company-wide classes (no unit) are on everyone's calendar.
        return self.filter(scope_q(viewer, **self.scope_fields) | Q(team=None, region=None))


class ClassSession(models.Model):
    """A dated class of a course (the training calendar)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="classes", verbose_name=_("course"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    trainer = models.ForeignKey(
        "staff.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("trainer")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )

    objects = ClassSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time", "id"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return f"{self.course} · {self.date}"


class PersonRecordQuerySet(ScopedQuerySet):
    """Records about one person, keeping the team and region they had when the record was made."""

    scope_fields = {"person": "person", "team": "team", "region": "region"}


class Onboarding(models.Model):
    """A new person's onboarding programme: complete when every required enrollment is complete."""

    person = models.OneToOneField(
        "staff.Person", on_delete=models.CASCADE, related_name="onboarding", verbose_name=_("person")
    )
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("onboarding")
        verbose_name_plural = _("onboardings")

    def __str__(self) -> str:
        return f"{self.person} · {self.started_on}"

    def is_overdue(self, today: date) -> bool:
        return self.completed_on is None and self.due_on < today


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", pgettext_lazy("course result", "Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Enrollment(models.Model):
    person = models.ForeignKey(
        "staff.Person", on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("person")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("course"))
    team = models.ForeignKey(
        "staff.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    region = models.ForeignKey(
        "staff.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    onboarding = models.ForeignKey(
        Onboarding,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrollments",
        verbose_name=_("onboarding"),
    )
    class_session = models.ForeignKey(
        ClassSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("class")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED
    )
    enrolled_on = models.DateField(_("enrolled on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    score = models.DecimalField(_("assessment score"), max_digits=5, decimal_places=2, null=True, blank=True)
    trainer_comment = models.TextField(_("trainer's comment"), blank=True)
    history = HistoricalRecords()

    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_on", "-id"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course"],
                condition=~Q(status__in=["cancelled", "failed"]),
                name="enrollment_one_live_per_course",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="enrollment_score_0_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="enrollment_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course}"

    def is_overdue(self, today: date) -> bool:
        return self.status == EnrollmentStatus.ENROLLED and self.due_on is not None and self.due_on < today
