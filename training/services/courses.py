"""Onboarding and enrollments: start a new person's programme, enroll, record results."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Person, Position
from training.models import (
    ClassSession,
    Course,
    CourseKind,
    Enrollment,
    EnrollmentStatus,
    Onboarding,
    OnboardingTopic,
    RequiredCourse,
)

# Days a new person has to finish onboarding when no required course says otherwise.
DEFAULT_ONBOARDING_DAYS = 30


@transaction.atomic
def onboarding_courses_ensure() -> list[Course]:
    """Install the method's standard onboarding courses, required for every position (idempotent).

    Only missing courses are created, so requirements an admin removed stay removed.
    """
    existing = {c.onboarding_topic: c for c in Course.objects.filter(onboarding_topic__in=OnboardingTopic.values)}
    missing = [topic for topic in OnboardingTopic if topic.value not in existing]
    if missing:
        created = Course.objects.bulk_create(
            [
                Course(
                    code=f"ONB-{list(OnboardingTopic).index(topic) + 1:02d}",
                    title=str(topic.label),
                    kind=CourseKind.ONBOARDING,
                    onboarding_topic=topic.value,
                    topic=f"onboarding-{topic.value}".replace("_", "-"),
                    hours=Decimal("2.0"),
                )
                for topic in missing
            ]
        )
        RequiredCourse.objects.bulk_create(
            [
                RequiredCourse(course=course, position=position, due_days=30)
                for course in created
                for position in Position
            ]
        )
        existing.update({c.onboarding_topic: c for c in created})
    return [existing[topic.value] for topic in OnboardingTopic]


@transaction.atomic
def onboarding_start(*, person: Person, start: date) -> Onboarding:
    """Enroll a new person in every course required for their position (idempotent per person)."""
    current = Onboarding.objects.filter(person=person).first()
    if current is not None:
        return current
    onboarding_courses_ensure()
    required = list(
        RequiredCourse.objects.filter(position=person.position, course__is_active=True).select_related("course")
    )
    due_days = max((r.due_days for r in required), default=DEFAULT_ONBOARDING_DAYS)
    onboarding = Onboarding.objects.create(
        person=person,
        team_id=person.team_id,
        region_id=person.region_id,
        started_on=start,
        due_on=start + timedelta(days=due_days),
        completed_on=None if required else start,
    )
    already = set(
        Enrollment.objects.filter(person=person)
        .exclude(status__in=[EnrollmentStatus.CANCELLED, EnrollmentStatus.FAILED])
        .values_list("course_id", flat=True)
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                person=person,
                course=r.course,
                team_id=person.team_id,
                region_id=person.region_id,
                onboarding=onboarding,
                enrolled_on=start,
                due_on=start + timedelta(days=r.due_days),
            )
            for r in required
            if r.course_id not in already
        ]
    )
    _onboarding_check_complete(onboarding, on=start)
    return onboarding


@transaction.atomic
def enrollment_create(
    *,
    person: Person,
    course: Course,
    enrolled_on: date,
    due_on: date | None = None,
    class_session: ClassSession | None = None,
    onboarding: Onboarding | None = None,
    by: Any = None,
) -> Enrollment:
    """Enroll a person in a course. `by` (a login or a person) is the person's manager line
    ("people.coach"); None only on the paths whose caller already decided it (onboarding on a hire,
    an accepted suggestion, an appraisal outcome)."""
    if by is not None:
        authority.require(by, "people.coach", person)
    if not course.is_active:
        raise ApplicationError(_("This course is no longer offered."), fields={"course": [_("Inactive course.")]})
    live = Enrollment.objects.filter(person=person, course=course).exclude(
        status__in=[EnrollmentStatus.CANCELLED, EnrollmentStatus.FAILED]
    )
    if live.exists():
        message = _("%(person)s is already enrolled in this course.") % {"person": person.name}
        raise ApplicationError(message, fields={"course": [message]})
    if due_on is not None and due_on < enrolled_on:
        raise ApplicationError(
            _("The due date is before the enrollment date."), fields={"due_on": [_("Before the enrollment date.")]}
        )
    if class_session is not None and class_session.course_id != course.pk:
        raise ApplicationError(
            _("The class is of another course."), fields={"class_session": [_("The class is of another course.")]}
        )
    if onboarding is None:
        # A retake of a required course counts for the person's onboarding still in progress.
        onboarding = Onboarding.objects.filter(person=person, completed_on=None, enrollments__course=course).first()
    return Enrollment.objects.create(
        person=person,
        course=course,
        team_id=person.team_id,
        region_id=person.region_id,
        enrolled_on=enrolled_on,
        due_on=due_on or (class_session.date if class_session else None),
        class_session=class_session,
        onboarding=onboarding,
    )


@transaction.atomic
def enrollment_record_result(
    *,
    enrollment: Enrollment,
    on: date,
    passed: bool = True,
    score: Decimal | None = None,
    trainer_comment: str = "",
    by: Any = None,
) -> Enrollment:
    """Record the outcome of a course; completing the last required course completes onboarding.

    `by` (a login or a person) is the person's manager line ("people.coach"); None only for a
    system path (an import of results from the training provider)."""
    if by is not None:
        authority.require(by, "people.coach", enrollment.person)
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise ApplicationError(
            _("Only an open enrollment can get a result."), fields={"status": [_("The result is already recorded.")]}
        )
    if score is not None and not (Decimal(0) <= Decimal(score) <= Decimal(100)):
        raise ApplicationError(_("The score is out of 100."), fields={"score": [_("Enter a score from 0 to 100.")]})
    if on < enrollment.enrolled_on:
        raise ApplicationError(
            _("The completion date is before the enrollment."), fields={"completed_on": [_("Before enrollment.")]}
        )
    enrollment.status = EnrollmentStatus.COMPLETED if passed else EnrollmentStatus.FAILED
    enrollment.completed_on = on
    enrollment.score = score
    enrollment.trainer_comment = trainer_comment.strip()
    enrollment.save(update_fields=["status", "completed_on", "score", "trainer_comment"])
    if enrollment.onboarding_id and passed:
        _onboarding_check_complete(Onboarding.objects.get(pk=enrollment.onboarding_id), on=on)
    return enrollment


def _onboarding_check_complete(onboarding: Onboarding, *, on: date) -> None:
    if onboarding.completed_on is not None:
        return
    courses = set()
    done = set()
    for course_id, status in onboarding.enrollments.values_list("course_id", "status"):
        courses.add(course_id)
        if status == EnrollmentStatus.COMPLETED:
            done.add(course_id)
    if courses and courses == done:
        onboarding.completed_on = on
        onboarding.save(update_fields=["completed_on"])
