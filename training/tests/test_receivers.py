"""Training listens to appraisal's signals (appraisal/signals.py) instead of being imported by it."""

from __future__ import annotations

from datetime import date

import pytest

from appraisal import signals
from appraisal.models import OutcomeKind
from appraisal.services import outcome_create
from training.models import Enrollment, EnrollmentStatus
from training.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def test_training_is_connected_to_appraisals_signals():
    # Connected once each, by dispatch_uid, in TrainingConfig.ready.
    assert [key[0] for key, *_rest in signals.scorecard_approved.receivers] == ["training.suggest_for_scorecard"]
    assert [key[0] for key, *_rest in signals.outcome_decided.receivers] == ["training.enroll_for_outcome"]


def test_a_targeted_training_outcome_enrols_the_person_once(org):
    course = CourseFactory()
    outcome_create(
        person=org.rep1a1, kind=OutcomeKind.TRAINING, reason="Gap", decided_by=org.tm1a, on=TODAY, course=course
    )
    outcome_create(
        person=org.rep1a1, kind=OutcomeKind.TRAINING, reason="Again", decided_by=org.tm1a, on=TODAY, course=course
    )
    enrollments = Enrollment.objects.filter(person=org.rep1a1, course=course)
    assert [(e.enrolled_on, e.status) for e in enrollments] == [(TODAY, EnrollmentStatus.ENROLLED)]


def test_another_outcome_enrols_nobody(org):
    outcome_create(person=org.rep1a1, kind=OutcomeKind.IMPROVEMENT_PLAN, reason="Plan", decided_by=org.tm1a, on=TODAY)
    assert not Enrollment.objects.filter(person=org.rep1a1).exists()
