"""Rows of every training list for the query-count tests."""

from __future__ import annotations

from datetime import date, timedelta

from training.models import TrainingSuggestion, WorkReport
from training.services import enrollment_create, onboarding_start
from training.tests.factories import ActionItemFactory, CourseFactory, SessionFactory


def make_rows(org, n: int) -> None:
    course = CourseFactory()
    for i in range(n):
        session = SessionFactory(coach=org.tm1a, person=org.rep1a1, date=date(2026, 3, 1) + timedelta(days=i))
        ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, session=session)
        WorkReport.objects.create(
            person=org.rep1a1,
            team=org.t1a,
            region=org.r1,
            kind="daily",
            period_start=date(2026, 3, 1) + timedelta(days=i),
            period_end=date(2026, 3, 1) + timedelta(days=i),
            summary="x",
        )
        TrainingSuggestion.objects.create(
            person=org.rep1a1,
            team=org.t1a,
            region=org.r1,
            period=f"2026-{i % 12 + 1:02d}" if i < 12 else f"{2000 + i}",
            kpi_code="collection_rate",
            value="0.5",
            target="0.9",
            course=course,
            created_on=date(2026, 3, 1),
        )
    for _ in range(n):
        enrollment_create(person=org.rep1a1, course=CourseFactory(), enrolled_on=date(2026, 3, 1))

    onboarding_start(person=org.junior1a, start=date(2026, 1, 5))
