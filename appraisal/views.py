"""Appraisal pages: periods and their scorecards, the review form, rankings, history, contests,
commission statements. Thin: selectors read (scoped), services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import selectors, services
from appraisal.forms import ActionForm, MeetingForm, OutcomeForm, PeriodOpenForm, ReviewForm
from appraisal.models import AppraisalPeriod, CommissionPlan, CommissionStatement, Contest, ScorecardStatus
from salesorg.exceptions import ApplicationError, add_error_to_form
from staff.models import Person
from staff.scope import viewer_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _me(request: HttpRequest) -> Person | None:
    viewer = viewer_for(request.user)
    return Person.objects.filter(pk=viewer.person_id).first() if viewer.person_id else None


def _is_manager(request: HttpRequest) -> bool:
    viewer = viewer_for(request.user)
    return viewer.sees_all or viewer.scope != "self"


def _period(request: HttpRequest, pk: int) -> AppraisalPeriod:
    return get_object_or_404(selectors.period_list(user=request.user), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = PeriodOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            appraisal = services.appraisal_period_open(
                period=form.cleaned_data["period"],
                opened_by=_me(request),
                region=form.cleaned_data["region"],
                team=form.cleaned_data["team"],
            )
        except ApplicationError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Appraisal opened."))
            return redirect("appraisal:period-detail", appraisal.pk)
    periods = selectors.period_list(user=request.user)[:200]
    return render(
        request, "appraisal/index.html", {"form": form, "periods": periods, "is_manager": _is_manager(request)}
    )


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _period(request, pk)
    meeting = MeetingForm(
        initial={
            "meeting_date": appraisal.meeting_date,
            "notes": appraisal.meeting_notes,
            "participants": appraisal.meeting_participants.all(),
        },
        user=request.user,
    )
    cards = selectors.scorecard_list(user=request.user, appraisal=appraisal)
    return render(
        request,
        "appraisal/period_detail.html",
        {"appraisal": appraisal, "cards": cards, "meeting": meeting, "is_manager": _is_manager(request)},
    )


@login_required
def period_action(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    appraisal = _period(request, pk)  # 404 outside scope, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    me = _me(request)
    if me is None or not _is_manager(request):
        raise Http404
    try:
        if step == "refresh":
            count = services.appraisal_period_refresh(appraisal=appraisal)
            messages.success(request, _("%(n)s draft scorecards refreshed.") % {"n": count})
        elif step == "publish":
            services.appraisal_period_publish_rankings(
                appraisal=appraisal, by=me, published=not appraisal.rankings_published
            )
        elif step == "close":
            services.appraisal_period_close(appraisal=appraisal, by=me)
        elif step == "meeting":
            form = MeetingForm(request.POST, user=request.user)
            if form.is_valid():
                services.appraisal_period_update_meeting(
                    appraisal=appraisal,
                    by=me,
                    meeting_date=form.cleaned_data["meeting_date"],
                    participants=form.cleaned_data["participants"],
                    notes=form.cleaned_data["notes"],
                )
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("appraisal:period-detail", appraisal.pk)


@login_required
def period_export(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _period(request, pk)
    content = services.scorecards_to_excel(scorecards=selectors.scorecard_list(user=request.user, appraisal=appraisal))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="scorecards-{appraisal.period}.xlsx"'
    return response


@login_required
def period_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _period(request, pk)
    level = request.GET.get("level", "team")
    if level not in ("team", "region", "company"):
        level = "team"
    cards = selectors.ranking(user=request.user, appraisal=appraisal, level=level)
    return render(
        request,
        "appraisal/ranking.html",
        {
            "appraisal": appraisal,
            "cards": cards,
            "level": level,
            "published": selectors.can_see_rankings(user=request.user, appraisal=appraisal),
        },
    )


@login_required
def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(selectors.scorecard_detail_queryset(user=request.user), pk=pk)
    me = _me(request)
    review = ReviewForm(request.POST or None, instance=card, prefix="review")
    if request.method == "POST" and review.is_valid() and me is not None:
        data = {name: review.cleaned_data[name] for name in review.changed_data}
        if me.pk == card.person_id:
            data = {k: v for k, v in data.items() if k.startswith("q_")}
        try:
            services.scorecard_review_update(scorecard=card, by=me, data=data)
        except ApplicationError as error:
            add_error_to_form(review, error)
        else:
            messages.success(request, _("Review saved."))
            return redirect("appraisal:scorecard-detail", card.pk)
    return render(
        request,
        "appraisal/scorecard_detail.html",
        {
            "card": card,
            "review": review,
            "action_form": ActionForm(user=request.user, initial={"owner": card.person_id}),
            "outcome_form": OutcomeForm(initial={"date": timezone.localdate()}),
            "is_manager": _is_manager(request) and me is not None and me.pk != card.person_id,
            "is_draft": card.status == ScorecardStatus.DRAFT,
        },
    )


@login_required
def scorecard_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    card = get_object_or_404(selectors.scorecard_detail_queryset(user=request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    me = _me(request)
    if me is None:
        raise Http404
    steps = {
        "submit": lambda: services.scorecard_submit(scorecard=card, by=me),
        "approve": lambda: services.scorecard_approve(scorecard=card, by=me),
        "return": lambda: services.scorecard_return(scorecard=card, by=me, reason=request.POST.get("reason", "")),
        "close": lambda: services.scorecard_close(scorecard=card, by=me),
    }
    if step not in steps:
        raise Http404
    try:
        steps[step]()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("appraisal:scorecard-detail", card.pk)


@login_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(selectors.scorecard_detail_queryset(user=request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    me = _me(request)
    form = ActionForm(request.POST, user=request.user)
    if me is None:
        raise Http404
    if form.is_valid():
        try:
            services.action_add(scorecard=card, by=me, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("appraisal:scorecard-detail", card.pk)


@login_required
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(selectors.scorecard_detail_queryset(user=request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    me = _me(request)
    if me is None:
        raise Http404
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_create(
                person=card.person,
                scorecard=card,
                decided_by=me,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
                course=form.cleaned_data["course"],
                on=form.cleaned_data["date"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Outcome recorded."))
    else:
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("appraisal:scorecard-detail", card.pk)


@login_required
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("team", "region"), pk=pk)
    context = selectors.person_history(user=request.user, person=person)
    return render(request, "appraisal/person_history.html", {"person": person, **context})


@login_required
def contest_list(request: HttpRequest) -> HttpResponse:
    return render(request, "appraisal/contest_list.html", {"contests": selectors.contest_list(user=request.user)})


@login_required
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(Contest, pk=pk)
    visible = contest.published or _is_manager(request)
    if request.method == "POST" and _is_manager(request) and _me(request) is not None:
        try:
            if request.POST.get("step") == "finish":
                services.contest_finish(contest=contest, by=_me(request))
            elif request.POST.get("step") == "publish":
                contest.published = not contest.published
                contest.save(update_fields=["published"])
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("appraisal:contest-detail", contest.pk)
    board = services.contest_leaderboard(contest=contest) if visible else []
    return render(
        request,
        "appraisal/contest_detail.html",
        {"contest": contest, "board": board, "visible": visible, "is_manager": _is_manager(request)},
    )


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    statements = selectors.statement_list(user=request.user)
    period = request.GET.get("period", "")
    if period:
        statements = statements.filter(period=period)
    if request.GET.get("export") == "xlsx" and _is_manager(request):
        response = HttpResponse(services.commission_export_payroll(statements=statements), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="commission-payroll.xlsx"'
        return response
    if request.method == "POST" and _is_manager(request):
        me = _me(request)
        try:
            if request.POST.get("step") == "compute":
                plan = get_object_or_404(CommissionPlan, pk=request.POST.get("plan"))
                services.commission_statements_compute(plan=plan, period=request.POST.get("period", ""))
            elif request.POST.get("step") == "approve" and me is not None:
                statement = get_object_or_404(statements, pk=request.POST.get("statement"))
                services.commission_approve(statement=statement, by=me)
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect(request.get_full_path())
    return render(
        request,
        "appraisal/statement_list.html",
        {
            "statements": statements[:500],
            "plans": CommissionPlan.objects.filter(is_active=True),
            "period": period,
            "is_manager": _is_manager(request),
            "draft": CommissionStatement._meta.get_field("status").default,
        },
    )
