"""The training and recruitment pages in Chinese show no English (the catalogues are complete)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from staff import recruitment
from tests.test_i18n import english_words
from training import services
from training.models import ReportKind, SessionKind, WorkReportRule
from training.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_training_pages_in_chinese_show_no_english(org, client):
    today = timezone.localdate()
    for person in org.people:
        person.language = "zh-hans"
        person.name = {"tm1a": "李经理", "rep1a1": "张三"}.get(person.name, "王五")
        person.save(update_fields=["language", "name"])
    for team in (org.t1a, org.t1b, org.t2a):
        team.name = "上海一组"
        team.save(update_fields=["name"])
    WorkReportRule.objects.create(team=org.t1a, kind=ReportKind.DAILY)
    services.onboarding_start(person=org.rep1a1, start=today - timedelta(days=40))
    session = services.coaching_session_create(
        kind=SessionKind.ONE_ON_ONE,
        coach=org.tm1a,
        person=org.rep1a1,
        on=today,
        discussed="回款",
        strengths="积极",
        weaknesses="跟进慢",
        agreed_plan="每周跟进",
        action_items=[{"title": "电话跟进", "due_on": today}],
        today=today,
    )
    report = services.work_report_submit(
        person=org.rep1a1, kind=ReportKind.DAILY, day=today, summary="拜访两家", now=timezone.now()
    )
    services.report_comment_add(report=report, author=org.tm1a, text="收到")
    CourseFactory(code="2001", title="应收账款回收", topic="collection")
    services.training_suggestions_generate(
        person_ids=[org.rep1a1.pk],
        kpi_values={org.rep1a1.pk: {"collection_rate": "0.5"}},
        kpi_targets={"collection_rate": "0.9"},
        period="2026-Q1",
    )
    opening = recruitment.opening_create(by=org.tm1a, team=org.t1a, title="销售代表", opened_on=date(2026, 2, 1))
    candidate = recruitment.candidate_add(by=org.tm1a, opening=opening, name="赵六", applied_on=date(2026, 2, 2))
    recruitment.candidate_assess(by=org.tm1a, candidate=candidate, kind="interview", on=date(2026, 2, 3), score=80)
    client.force_login(org.tm1a.user)
    pages = [
        reverse("training:dashboard"),
        reverse("training:course-list"),
        reverse("training:calendar"),
        reverse("training:enrollment-list"),
        reverse("training:onboarding-list"),
        reverse("training:session-list"),
        reverse("training:session-detail", args=[session.pk]),
        reverse("training:session-create"),
        reverse("training:action-list"),
        reverse("training:action-detail", args=[session.action_items.get().pk]),
        reverse("training:report-list"),
        reverse("training:report-detail", args=[report.pk]),
        reverse("training:report-create"),
        reverse("training:report-missing"),
        reverse("training:suggestion-list"),
        reverse("training:person-history", args=[org.rep1a1.pk]),
        reverse("staff:opening-list"),
        reverse("staff:opening-detail", args=[opening.pk]),
        reverse("staff:candidate-detail", args=[candidate.pk]),
        reverse("staff:opening-create"),
    ]
    # KPI is the word Chinese sales teams use too.
    allowed = {"KPI", "ONB-"}  # and the standard onboarding course codes
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # Only this page's own content: the navbar belongs to every app.
        html = response.content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        assert english_words(main, allowed) == set(), url
