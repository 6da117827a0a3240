"""Training services: onboarding, coaching and follow-up, work reports, suggestions from KPI gaps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from fieldwork.models import VisitKind
from sales.models import CreditShare, Order, OrderStatus, Payment
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.models import CalendarDay, CalendarDayKind
from training import selectors, services
from training.models import (
    ActionItem,
    ActionItemStatus,
    CoachingSession,
    Enrollment,
    EnrollmentStatus,
    OnboardingTopic,
    ReportKind,
    SessionKind,
    SuggestionStatus,
    TrainingSuggestion,
    WorkReport,
    WorkReportRule,
)
from training.tests.factories import ActionItemFactory, CourseFactory, customer_for, visit

pytestmark = pytest.mark.django_db

D = Decimal


# --- Onboarding ------------------------------------------------------------------------------


def test_onboarding_enrolls_in_the_nine_standard_courses_and_completes_with_the_last(org):
    start = date(2026, 3, 2)
    onboarding = services.onboarding_start(person=org.junior1a, start=start)

    enrollments = list(Enrollment.objects.filter(person=org.junior1a).select_related("course"))
    # The method's nine standard contents, each required for every position with 30 days to finish.
    assert {e.course.onboarding_topic for e in enrollments} == set(OnboardingTopic.values)
    assert len(enrollments) == 9
    assert onboarding.due_on == date(2026, 4, 1)  # 2 March + 30 days
    assert all(e.due_on == date(2026, 4, 1) for e in enrollments)

    for enrollment in enrollments[:-1]:
        services.enrollment_record_result(enrollment=enrollment, on=date(2026, 3, 10), score=D("80"))
    onboarding.refresh_from_db()
    assert onboarding.completed_on is None  # one course to go

    services.enrollment_record_result(enrollment=enrollments[-1], on=date(2026, 3, 12), score=D("90"))
    onboarding.refresh_from_db()
    assert onboarding.completed_on == date(2026, 3, 12)


def test_a_failed_course_retaken_counts_for_onboarding(org):
    onboarding = services.onboarding_start(person=org.junior1a, start=date(2026, 3, 2))
    enrollments = list(Enrollment.objects.filter(person=org.junior1a))
    first = enrollments[0]
    services.enrollment_record_result(enrollment=first, on=date(2026, 3, 5), passed=False, score=D("40"))
    for enrollment in enrollments[1:]:
        services.enrollment_record_result(enrollment=enrollment, on=date(2026, 3, 6))
    onboarding.refresh_from_db()
    assert onboarding.completed_on is None  # the failed course is not done

    retake = services.enrollment_create(person=org.junior1a, course=first.course, enrolled_on=date(2026, 3, 7))
    assert retake.onboarding_id == onboarding.pk
    services.enrollment_record_result(enrollment=retake, on=date(2026, 3, 9), score=D("75"))
    onboarding.refresh_from_db()
    assert onboarding.completed_on == date(2026, 3, 9)


def test_onboarding_is_started_once_and_overdue_shows_to_the_manager(org):
    first = services.onboarding_start(person=org.junior1a, start=date(2026, 1, 5))
    assert services.onboarding_start(person=org.junior1a, start=date(2026, 2, 1)).pk == first.pk
    assert Enrollment.objects.filter(person=org.junior1a).count() == 9

    # Due 4 February (5 January + 30 days): overdue from the 5th, in the team manager's list only.
    assert list(selectors.onboarding_list(user=org.tm1a.user, overdue_on=date(2026, 2, 4))) == []
    assert [o.person for o in selectors.onboarding_list(user=org.tm1a.user, overdue_on=date(2026, 2, 5))] == [
        org.junior1a
    ]
    assert list(selectors.onboarding_list(user=org.tm1b.user, overdue_on=date(2026, 2, 5))) == []


def test_a_result_is_refused_with_the_field_named_and_nothing_written(org):
    services.onboarding_start(person=org.junior1a, start=date(2026, 3, 2))
    enrollment = Enrollment.objects.filter(person=org.junior1a).first()
    with pytest.raises(ApplicationError) as exc:
        services.enrollment_record_result(enrollment=enrollment, on=date(2026, 3, 5), score=D("101"))
    assert "score" in exc.value.fields
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ENROLLED


# --- Coaching and follow-up ------------------------------------------------------------------


def test_overdue_item_appears_on_the_coachs_list_the_day_after_its_due_date(org):
    today = date(2026, 3, 2)
    session = services.coaching_session_create(
        kind=SessionKind.ONE_ON_ONE,
        coach=org.tm1a,
        person=org.rep1a1,
        on=today,
        discussed="Collections are slow",
        strengths="Good rapport",
        weaknesses="Does not ask for payment",
        agreed_plan="Call every overdue account",
        action_items=[{"title": "Call the five overdue accounts", "due_on": date(2026, 3, 9)}],
        today=today,
    )
    item = session.action_items.get()
    assert (item.owner, item.coach) == (org.rep1a1, org.tm1a)

    assert list(selectors.action_items_overdue_for_coach(coach=org.tm1a, today=date(2026, 3, 9))) == []
    assert list(selectors.action_items_overdue_for_coach(coach=org.tm1a, today=date(2026, 3, 10))) == [item]
    # Another coach's list stays empty.
    assert list(selectors.action_items_overdue_for_coach(coach=org.tm1b, today=date(2026, 3, 10))) == []

    services.action_item_follow_up(
        item=item, author=org.tm1a, on=date(2026, 3, 10), note="Three of five called", mark_done=False
    )
    services.action_item_follow_up(item=item, author=org.tm1a, on=date(2026, 3, 12), note="All called", mark_done=True)
    item.refresh_from_db()
    assert (item.status, item.done_on, item.follow_ups.count()) == (ActionItemStatus.DONE, date(2026, 3, 12), 2)
    assert list(selectors.action_items_overdue_for_coach(coach=org.tm1a, today=date(2026, 3, 13))) == []


def test_a_manager_cannot_coach_someone_outside_their_manager_line(org):
    today = date(2026, 3, 2)
    with pytest.raises(NotAllowed) as exc:
        services.coaching_session_create(
            kind=SessionKind.ONE_ON_ONE, coach=org.tm1b, person=org.rep1a1, on=today, discussed="x", today=today
        )
    assert exc.value.message == "Only rep1a1's manager line does this."
    with pytest.raises(NotAllowed) as exc:
        services.coaching_session_create(
            kind=SessionKind.ONE_ON_ONE, coach=org.rep1a2, person=org.rep1a1, on=today, discussed="x", today=today
        )
    assert exc.value.message == "Only a manager records coaching sessions."
    assert CoachingSession.objects.count() == 0


def test_a_bad_action_item_refuses_the_whole_session(org):
    today = date(2026, 3, 2)
    with pytest.raises(ApplicationError) as exc:
        services.coaching_session_create(
            kind=SessionKind.ONE_ON_ONE,
            coach=org.tm1a,
            person=org.rep1a1,
            on=today,
            discussed="x",
            action_items=[{"title": "Late already", "due_on": date(2026, 3, 1)}],
            today=today,
        )
    assert "action_items[0].due_on" in exc.value.fields
    assert CoachingSession.objects.count() == 0
    assert ActionItem.objects.count() == 0


def test_joint_visit_review_needs_a_joint_visit_of_that_rep_and_only_one_review(org):
    today = date(2026, 3, 2)
    plain = visit(org.rep1a1, on=today)
    joint = visit(org.rep1a1, on=today, kind=VisitKind.JOINT, manager=org.tm1a)
    common = {"kind": SessionKind.JOINT_VISIT_REVIEW, "coach": org.tm1a, "person": org.rep1a1, "on": today}
    notes = {"did_well": "Opened well", "to_improve": "Close with a next step", "today": today}
    with pytest.raises(ApplicationError) as exc:
        services.coaching_session_create(visit=plain, **common, **notes)
    assert "visit" in exc.value.fields
    review = services.coaching_session_create(visit=joint, **common, **notes)
    assert review.visit == joint
    with pytest.raises(ApplicationError) as exc:
        services.coaching_session_create(visit=joint, **common, **notes)
    assert "visit" in exc.value.fields


# --- Work reports ----------------------------------------------------------------------------


def test_report_periods():
    # 2026-03-04 is a Wednesday: its week runs Monday 2 to Sunday 8 March.
    assert services.report_period(ReportKind.DAILY, date(2026, 3, 4)) == (date(2026, 3, 4), date(2026, 3, 4))
    assert services.report_period(ReportKind.WEEKLY, date(2026, 3, 4)) == (date(2026, 3, 2), date(2026, 3, 8))
    assert services.report_period(ReportKind.MONTHLY, date(2026, 3, 4)) == (date(2026, 3, 1), date(2026, 3, 31))


def _order(number: str, customer, on: date, shares: list[tuple], amount: Decimal, status=OrderStatus.CONFIRMED):
    order = Order.objects.create(number=number, customer=customer, date=on, status=status, total_amount=amount)
    for rep, percent, credited, primary in shares:
        CreditShare.objects.create(
            order=order, rep=rep, team=rep.team, region=rep.region, percent=percent, amount=credited, is_primary=primary
        )
    return order


def test_weekly_report_is_prefilled_with_the_weeks_own_numbers(org):
    rep = org.rep1a1
    customer = customer_for(rep, "CU-A")
    old_customer = customer_for(rep, "CU-B")
    # The week of Monday 2 March 2026.
    visit(rep, on=date(2026, 3, 2), customer=customer)
    visit(rep, on=date(2026, 3, 4), kind=VisitKind.JOINT, customer=customer)
    visit(rep, on=date(2026, 2, 27), customer=customer)  # the week before: not counted
    visit(org.rep1a2, on=date(2026, 3, 3))  # another rep: not counted
    # A first order of CU-A this week, split 60/40 with rep1a2: rep1a1 is credited 600.00 of 1000.00.
    split = _order(
        "O1",
        customer,
        date(2026, 3, 3),
        [(rep, D("60"), D("600"), True), (org.rep1a2, D("40"), D("400"), False)],
        D("1000"),
    )
    # CU-B bought in January already: its order this week is not a new customer.
    _order("O0", old_customer, date(2026, 1, 10), [(rep, D("100"), D("500"), True)], D("500"))
    _order("O2", old_customer, date(2026, 3, 5), [(rep, D("100"), D("250"), True)], D("250"))
    _order("O3", old_customer, date(2026, 3, 5), [(rep, D("100"), D("999"), True)], D("999"), status=OrderStatus.DRAFT)
    Payment.objects.create(order=split, date=date(2026, 3, 6), amount=D("500.00"))  # 60% -> 300.00
    Payment.objects.create(order=split, date=date(2026, 3, 9), amount=D("500.00"))  # next week

    numbers = services.work_report_numbers(person=rep, start=date(2026, 3, 2), end=date(2026, 3, 8))

    assert numbers["visits"] == 2
    assert numbers["joint_visits"] == 1
    assert numbers["orders"] == 2  # O1 and O2 (the draft O3 does not count)
    assert numbers["order_amount"] == "850.00"  # 600.00 + 250.00
    assert numbers["new_customers"] == 1  # CU-A only
    assert numbers["collections"] == "300.00"  # 500.00 x 60%


def test_submitting_a_report_freezes_the_numbers_and_marks_lateness(org):
    rep = org.rep1a1
    WorkReportRule.objects.create(team=org.t1a, kind=ReportKind.DAILY, due_days_after=0)
    visit(rep, on=date(2026, 3, 4))
    in_time = timezone.make_aware(datetime(2026, 3, 4, 17, 0))
    report = services.work_report_submit(
        person=rep, kind=ReportKind.DAILY, day=date(2026, 3, 4), summary="Two calls", now=in_time
    )
    assert (report.numbers["visits"], report.is_late, report.team) == (1, False, org.t1a)

    late = timezone.make_aware(datetime(2026, 3, 6, 9, 0))
    second = services.work_report_submit(person=rep, kind=ReportKind.DAILY, day=date(2026, 3, 5), summary="x", now=late)
    assert second.is_late is True
    with pytest.raises(ApplicationError) as exc:
        services.work_report_submit(person=rep, kind=ReportKind.DAILY, day=date(2026, 3, 5), summary="again", now=late)
    assert "day" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        services.work_report_submit(person=rep, kind=ReportKind.DAILY, day=date(2026, 3, 7), summary=" ", now=late)
    assert "summary" in exc.value.fields
    assert WorkReport.objects.count() == 2


def test_missing_reports_are_listed_and_reminded(org):
    WorkReportRule.objects.create(team=org.t1a, kind=ReportKind.DAILY)
    org.rep1a2.email = "rep1a2@example.com"
    org.rep1a2.save(update_fields=["email"])
    now = timezone.make_aware(datetime(2026, 3, 4, 17, 0))
    services.work_report_submit(person=org.rep1a1, kind=ReportKind.DAILY, day=date(2026, 3, 4), summary="ok", now=now)

    # Team T1a asks for daily reports: rep1a1 submitted; rep1a2 and junior1a owe theirs.
    # rep1b1 (team T1b) has no rule, so owes nothing.
    missing = services.missing_reporters(kind=ReportKind.DAILY, day=date(2026, 3, 4))
    assert set(missing) == {org.rep1a2, org.junior1a}
    sent = services.work_reports_remind_missing(kind=ReportKind.DAILY, day=date(2026, 3, 4))
    assert sent == 1  # only rep1a2 has an e-mail address
    assert mail.outbox[0].to == ["rep1a2@example.com"]


# --- Suggestions from KPI gaps ---------------------------------------------------------------


def test_suggestions_for_kpis_below_target_with_the_matching_course(org):
    collection_course = CourseFactory(code="SK-COL", title="Receivables collection", topic="collection")
    CourseFactory(code="SK-VIS", title="Visit planning", topic="visit_planning")

    # rep1a1: collection 0.72 < 0.90 target -> suggestion; visits 3.5 >= 3.0 -> none.
    # rep1a2: collection 0.95 >= 0.90 -> none; visits 2.25 < 3.0 -> suggestion.
    created = services.training_suggestions_generate(
        person_ids=[org.rep1a1.pk, org.rep1a2.pk],
        kpi_values={
            org.rep1a1.pk: {"collection_rate": D("0.72"), "average_daily_visits": D("3.5")},
            org.rep1a2.pk: {"collection_rate": D("0.95"), "average_daily_visits": D("2.25")},
        },
        kpi_targets={"collection_rate": D("0.90"), "average_daily_visits": D("3.0")},
        period="2026-Q1",
        today=date(2026, 4, 2),
    )
    assert {(s.person, s.kpi_code) for s in created} == {
        (org.rep1a1, "collection_rate"),
        (org.rep1a2, "average_daily_visits"),
    }
    collection = TrainingSuggestion.objects.get(person=org.rep1a1)
    assert collection.course == collection_course
    assert collection.gap == D("0.18")  # 0.90 - 0.72
    assert collection.team == org.t1a

    # A rerun adds nothing new.
    again = services.training_suggestions_generate(
        person_ids=[org.rep1a1.pk],
        kpi_values={org.rep1a1.pk: {"collection_rate": D("0.72")}},
        kpi_targets={"collection_rate": D("0.90")},
        period="2026-Q1",
    )
    assert again == []


def test_manager_accepts_a_suggestion_and_the_person_is_enrolled(org):
    course = CourseFactory(topic="collection")
    [suggestion] = services.training_suggestions_generate(
        person_ids=[org.rep1a1.pk],
        kpi_values={org.rep1a1.pk: {"collection_rate": D("0.5")}},
        kpi_targets={"collection_rate": D("0.9")},
        period="2026-Q1",
        today=date(2026, 4, 2),
    )
    with pytest.raises(NotAllowed):
        services.suggestion_accept(suggestion=suggestion, decided_by=org.tm1b, on=date(2026, 4, 3))
    enrollment = services.suggestion_accept(suggestion=suggestion, decided_by=org.tm1a, on=date(2026, 4, 3))
    assert (enrollment.person, enrollment.course) == (org.rep1a1, course)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (SuggestionStatus.ACCEPTED, org.tm1a)


def test_dismissing_needs_a_reason(org):
    [suggestion] = services.training_suggestions_generate(
        person_ids=[org.rep1a1.pk],
        kpi_values={org.rep1a1.pk: {"average_daily_visits": D("1")}},
        kpi_targets={"average_daily_visits": D("3")},
        period="2026-03",
    )
    with pytest.raises(ApplicationError) as exc:
        services.suggestion_dismiss(suggestion=suggestion, decided_by=org.tm1a, on=date(2026, 4, 1), note="")
    assert "note" in exc.value.fields
    services.suggestion_dismiss(
        suggestion=suggestion, decided_by=org.tm1a, on=date(2026, 4, 1), note="On leave in March"
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DISMISSED


def test_a_bad_period_is_refused(org):
    with pytest.raises(ApplicationError) as exc:
        services.training_suggestions_generate(
            person_ids=[org.rep1a1.pk], kpi_values={}, kpi_targets={}, period="2026-13"
        )
    assert "period" in exc.value.fields


def test_action_item_factory_is_usable(org):
    item = ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=date(2026, 3, 1))
    assert item.is_overdue(date(2026, 3, 2)) and not item.is_overdue(date(2026, 3, 1))
    assert item.due_on + timedelta(days=1) == date(2026, 3, 2)


def test_the_morning_reminder_covers_each_kinds_previous_period_once_due(org):
    from training.tasks import remind_missing_work_reports

    for person in (org.rep1a1, org.rep1a2, org.junior1a):
        person.email = f"{person.name}@example.com"
        person.save(update_fields=["email"])
    WorkReportRule.objects.create(team=org.t1a, kind=ReportKind.DAILY)
    WorkReportRule.objects.create(team=org.t1a, kind=ReportKind.WEEKLY, due_days_after=1)
    now = timezone.make_aware(datetime(2026, 3, 8, 20, 0))
    services.work_report_submit(person=org.rep1a1, kind=ReportKind.DAILY, day=date(2026, 3, 8), summary="ok", now=now)
    services.work_report_submit(person=org.rep1a1, kind=ReportKind.WEEKLY, day=date(2026, 3, 8), summary="ok", now=now)

    # Monday 9 March: Sunday needs no daily report; last week's report is due on Monday (the day
    # after Sunday), so it is not late yet.
    assert remind_missing_work_reports.delay("2026-03-09").get() == {"daily": 0, "weekly": 0, "monthly": 0}
    # Tuesday: Monday's daily (3 reps, none sent) and last week's weekly (rep1a1 sent it: 2) are overdue.
    assert remind_missing_work_reports.delay("2026-03-10").get() == {"daily": 3, "weekly": 2, "monthly": 0}
    # Saturday 14 March is a make-up workday: Sunday's reminder covers it.
    CalendarDay.objects.create(date=date(2026, 3, 14), kind=CalendarDayKind.MAKEUP_WORKDAY)
    assert remind_missing_work_reports.delay("2026-03-15").get()["daily"] == 3


def test_report_collections_use_the_credit_share_split_of_each_payment(org):
    # An order credited 33.33 % to rep1a1 and 66.67 % to rep1a2 (the largest), paid 100.01 and
    # 50.00 in the week. Each payment is split: 100.01 -> rep1a1 floor(33.333333) = 33.33, rep1a2
    # 66.68; 50.00 -> rep1a1 floor(16.665) = 16.66, rep1a2 33.34. rep1a1 collected 49.99 and
    # rep1a2 100.02 (= 150.01 together), not 50.00 and 100.01 (percent x payments, rounded once).
    customer = customer_for(org.rep1a1, "CU-S")
    split = _order(
        "OS",
        customer,
        date(2026, 3, 2),
        [(org.rep1a1, D("33.33"), D("50.00"), False), (org.rep1a2, D("66.67"), D("100.01"), True)],
        D("150.01"),
    )
    Payment.objects.create(order=split, date=date(2026, 3, 3), amount=D("100.01"))
    Payment.objects.create(order=split, date=date(2026, 3, 4), amount=D("50.00"))
    week = {"start": date(2026, 3, 2), "end": date(2026, 3, 8)}
    assert services.work_report_numbers(person=org.rep1a1, **week)["collections"] == "49.99"
    assert services.work_report_numbers(person=org.rep1a2, **week)["collections"] == "100.02"
