"""Training pages: the coaching dashboard, courses, calendar, coaching, action items, reports, history."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesorg.exceptions import ApplicationError, add_error_to_form
from staff import authority
from staff.models import Person
from training import selectors, services
from training.forms import (
    CoachingSessionForm,
    CommentForm,
    DecisionForm,
    EnrollmentResultForm,
    FollowUpForm,
    ReviewActionForm,
    ReviewMeetingForm,
    ReviewMinutesForm,
    ReviewOutcomeForm,
    WorkReportForm,
)
from training.models import ActionItemStatus, Course, CourseKind, Enrollment, ReportKind, TrainingSuggestion, WorkReport

LIST_LIMIT = 500


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    me = authority.actor_of(request.user).person
    context = {
        "today": today,
        "overdue_to_follow": selectors.action_items_overdue_for_coach(coach=me, today=today) if me else [],
        "my_items": selectors.action_item_list(
            user=request.user, filters={"owner": me.pk, "status": "open"}, today=today
        )
        if me
        else [],
        "overdue_onboardings": selectors.onboarding_list(user=request.user, overdue_on=today),
        "open_suggestions": selectors.suggestion_list(user=request.user)[:20],
        "missing_daily": services.missing_reporters(
            kind=ReportKind.DAILY, day=today - timedelta(days=1), people=Person.objects.visible_to(request.user)
        )[:50],
    }
    return render(request, "training/dashboard.html", context)


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    courses = selectors.course_list(filters={"kind": kind})
    return render(request, "training/course_list.html", {"courses": courses, "kinds": CourseKind.choices, "kind": kind})


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(
        Course.objects.filter(is_active=True).prefetch_related("materials", "required_for"), pk=pk
    )
    return render(request, "training/course_detail.html", {"course": course})


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", today.strftime("%Y-%m")).split("-"))
        start = date(year, month, 1)
    except ValueError:
        start = today.replace(day=1)
    end = start.replace(day=pycalendar.monthrange(start.year, start.month)[1])
    entries = selectors.calendar_entries(user=request.user, start=start, end=end)
    by_day: dict[date, list] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    weeks = [
        [(day, by_day.get(day, [])) for day in week]
        for week in pycalendar.Calendar().monthdatescalendar(start.year, start.month)
    ]
    context = {
        "start": start,
        "weeks": weeks,
        "previous": (start - timedelta(days=1)).strftime("%Y-%m"),
        "next": (end + timedelta(days=1)).strftime("%Y-%m"),
    }
    return render(request, "training/calendar.html", context)


@login_required
def enrollment_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    enrollments = selectors.enrollment_list(user=request.user, filters={"status": status})
    return render(
        request,
        "training/enrollment_list.html",
        {
            "enrollments": enrollments[:LIST_LIMIT],
            "status": status,
            "today": timezone.localdate(),
            "form": EnrollmentResultForm(),
        },
    )


@login_required
@require_POST
def enrollment_result(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment.objects.visible_to(request.user).select_related("person"), pk=pk)
    form = EnrollmentResultForm(request.POST)
    if form.is_valid():
        try:
            services.enrollment_record_result(
                by=request.user,
                enrollment=enrollment,
                on=form.cleaned_data["completed_on"],
                passed=form.cleaned_data["passed"],
                score=form.cleaned_data["score"],
                trainer_comment=form.cleaned_data["trainer_comment"],
            )
            messages.success(request, _("The result is recorded."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("The result could not be recorded: check the date and score."))
    return redirect("training:enrollment-list")


@login_required
def onboarding_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    onboardings = selectors.onboarding_list(user=request.user)
    return render(request, "training/onboarding_list.html", {"onboardings": onboardings[:LIST_LIMIT], "today": today})


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    sessions = selectors.coaching_session_list(user=request.user, filters={"kind": kind})
    return render(request, "training/session_list.html", {"sessions": sessions[:LIST_LIMIT], "kind": kind})


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    me = authority.require_person(request.user)
    authority.require(request.user, "coaching.record")
    today = timezone.localdate()
    form = CoachingSessionForm(
        request.POST or None, user=request.user, initial={"date": today, "kind": request.GET.get("kind", "one_on_one")}
    )
    if request.GET.get("visit"):
        form.initial.update({"visit": request.GET["visit"], "kind": "joint_visit_review"})
        if request.GET["visit"].isdigit():
            # The person coached is the rep who filed the joint visit.
            visits = form.fields["visit"].queryset.filter(pk=request.GET["visit"])
            author = visits.values_list("author_id", flat=True).first()
            if author is not None:
                form.initial["person"] = author
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        title, due_on = data.pop("action_title"), data.pop("action_due_on")
        items = [{"title": title, "due_on": due_on}] if title or due_on else []
        try:
            session = services.coaching_session_create(
                coach=me, on=data.pop("date"), today=today, action_items=items, **data
            )
        except ApplicationError as exc:
            if any(k.startswith("action_items") for k in exc.fields):
                exc.fields = {"action_title" if "title" in k else "action_due_on": v for k, v in exc.fields.items()}
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The coaching session is recorded."))
            return redirect("training:session-detail", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form})


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.coaching_session_detail(user=request.user, pk=pk)
    return render(request, "training/session_detail.html", {"session": session, "today": timezone.localdate()})


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = {"status": request.GET.get("status", ActionItemStatus.OPEN), "overdue": request.GET.get("overdue") == "1"}
    items = selectors.action_item_list(user=request.user, filters=filters, today=today)
    return render(
        request, "training/action_list.html", {"items": items[:LIST_LIMIT], "filters": filters, "today": today}
    )


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.action_item_detail(user=request.user, pk=pk)
    today = timezone.localdate()
    form = FollowUpForm(request.POST or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_follow_up(
                item=item,
                author=authority.require_person(request.user),
                on=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                mark_done=form.cleaned_data["mark_done"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("training:action-detail", pk=item.pk)
    return render(request, "training/action_detail.html", {"item": item, "form": form, "today": today})


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    reports = selectors.work_report_list(user=request.user, filters={"kind": kind})
    return render(
        request,
        "training/report_list.html",
        {"reports": reports[:LIST_LIMIT], "kind": kind, "kinds": ReportKind.choices},
    )


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    me = authority.require_person(request.user)
    today = timezone.localdate()
    kind = request.POST.get("kind") or request.GET.get("kind") or ReportKind.DAILY
    if kind not in ReportKind.values:
        kind = ReportKind.DAILY
    form = WorkReportForm(request.POST or None, initial={"kind": kind, "day": today})
    start, end = services.report_period(kind, today)
    numbers = services.work_report_numbers(person=me, start=start, end=end)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.work_report_submit(person=me, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Your report is submitted."))
            return redirect("training:report-detail", pk=report.pk)
    return render(
        request,
        "training/report_form.html",
        {"form": form, "numbers": numbers, "start": start, "end": end, "kind": kind},
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        WorkReport.objects.visible_to(request.user)
        .select_related("person", "team")
        .prefetch_related("comments__author"),
        pk=pk,
    )
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_comment_add(
                report=report, author=authority.require_person(request.user), text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("training:report-detail", pk=report.pk)
    return render(request, "training/report_detail.html", {"report": report, "form": form})


@login_required
def report_missing(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    kind = request.GET.get("kind", ReportKind.DAILY)
    if kind not in ReportKind.values:
        kind = ReportKind.DAILY
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today - timedelta(days=1)
    people = services.missing_reporters(kind=kind, day=day, people=Person.objects.visible_to(request.user))
    start, end = services.report_period(kind, day)
    return render(
        request,
        "training/report_missing.html",
        {
            "people": people[:LIST_LIMIT],
            "kind": kind,
            "kinds": ReportKind.choices,
            "day": day,
            "start": start,
            "end": end,
        },
    )


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    suggestions = selectors.suggestion_list(user=request.user, status=status or None)
    return render(request, "training/suggestion_list.html", {"suggestions": suggestions[:LIST_LIMIT], "status": status})


@login_required
@require_POST
def suggestion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(
        TrainingSuggestion.objects.visible_to(request.user).select_related("person", "course"), pk=pk
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                services.suggestion_accept(
                    suggestion=suggestion,
                    decided_by=request.user,
                    on=timezone.localdate(),
                    note=form.cleaned_data["note"],
                )
            else:
                services.suggestion_dismiss(
                    suggestion=suggestion,
                    decided_by=request.user,
                    on=timezone.localdate(),
                    note=form.cleaned_data["note"],
                )
            messages.success(request, _("The suggestion is decided."))
        except ApplicationError as exc:
            messages.error(request, " ".join([exc.message, *(str(m) for v in exc.fields.values() for m in v)]))
    return redirect("training:suggestion-list")


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("team", "region", "manager"), pk=pk
    )
    history = selectors.development_history(person=person)
    return render(request, "training/person_history.html", {"person": person, "today": timezone.localdate(), **history})


# --- Review meetings (复盘) ---------------------------------------------------------------------


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.review_meeting_list(user=request.user, filters={"period": request.GET.get("period", "")})
    return render(request, "training/review_list.html", {"meetings": meetings[:LIST_LIMIT]})


@login_required
def review_create(request: HttpRequest) -> HttpResponse:
    authority.require(request.user, "manager")
    form = ReviewMeetingForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.review_meeting_create(
                by=request.user,
                period=data["period"],
                on=data["date"],
                team=data["team"],
                region=data["region"],
                stale_days=data["stale_days"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The review meeting is open."))
            return redirect("training:review-detail", pk=meeting.pk)
    return render(request, "training/review_form.html", {"form": form})


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's workspace: the agenda from the numbers, the minutes and the answers to the
    review questions, the decisions (outcomes, action items) and what came of the last meeting's."""
    meeting = selectors.review_meeting_detail(user=request.user, pk=pk)
    today = timezone.localdate()
    agenda = selectors.review_agenda(user=request.user, meeting=meeting, today=today)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    minutes = ReviewMinutesForm(
        request.POST if action == "minutes" else None,
        questions=agenda.questions,
        initial={"date": meeting.date, "stale_days": meeting.stale_days, "notes": meeting.notes},
    )
    outcome_form = ReviewOutcomeForm(request.POST if action == "outcome" else None, meeting=meeting, user=request.user)
    action_form = ReviewActionForm(
        request.POST if action == "action-item" else None,
        meeting=meeting,
        user=request.user,
        initial={"due_on": today + timedelta(days=30)},
    )
    if action == "minutes" and minutes.is_valid():
        if _review_write(
            minutes,
            lambda: services.review_meeting_update(
                meeting=meeting,
                by=request.user,
                notes=minutes.cleaned_data["notes"],
                answers=minutes.answers(),
                on=minutes.cleaned_data["date"],
                stale_days=minutes.cleaned_data["stale_days"],
            ),
        ):
            messages.success(request, _("The minutes are saved."))
            return redirect("training:review-detail", pk=meeting.pk)
    elif action == "outcome" and outcome_form.is_valid():
        if _review_write(
            outcome_form,
            lambda: services.review_meeting_record_outcome(
                meeting=meeting, by=request.user, **outcome_form.cleaned_data
            ),
        ):
            messages.success(request, _("The outcome is recorded."))
            return redirect("training:review-detail", pk=meeting.pk)
    elif action == "action-item" and action_form.is_valid():
        if _review_write(
            action_form,
            lambda: services.review_meeting_add_action(
                meeting=meeting, by=request.user, today=today, **action_form.cleaned_data
            ),
        ):
            messages.success(request, _("The action item is recorded."))
            return redirect("training:review-detail", pk=meeting.pk)
    elif request.method == "POST" and action not in ("minutes", "outcome", "action-item"):
        messages.error(request, _("Unknown action."))
    actions, outcomes = selectors.decisions_of(user=request.user, meeting=meeting)
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "minutes_form": minutes,
        "outcome_form": outcome_form,
        "action_form": action_form,
        "actions": actions,
        "outcomes": outcomes,
        "today": today,
    }
    return render(request, "training/review_detail.html", context)


def _review_write(form, write) -> bool:
    """Call one service; a refusal shows on the form (a 403 still answers 403)."""
    try:
        write()
    except ApplicationError as exc:
        add_error_to_form(form, exc)
        return False
    return True
