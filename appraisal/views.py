"""Appraisal pages: periods and their scorecards, the review form, rankings, history, contests,
commission statements. Thin: selectors read (scoped, 404 outside), services write (the authority
rule: a refusal is a 403 with the rule's message)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import selectors, services
from appraisal.forms import (
    ActionForm,
    MeetingForm,
    OutcomeForm,
    PeriodOpenForm,
    ReviewForm,
    StatementComputeForm,
)
from appraisal.models import CommissionStatement, Outcome, ScorecardStatus
from salesorg import exports
from salesorg.exceptions import ApplicationError, add_error_to_form
from staff.models import Person


def _period(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.period_list(user=request.user), pk=pk)


def _form_errors(form) -> str:
    return "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form = PeriodOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            appraisal = services.appraisal_period_open(
                period=form.cleaned_data["period"],
                opened_by=request.user,
                region=form.cleaned_data["region"],
                team=form.cleaned_data["team"],
            )
        except ApplicationError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Appraisal opened."))
            return redirect("appraisal:period-detail", appraisal.pk)
    periods = selectors.period_list(user=request.user)[:200]
    return render(request, "appraisal/index.html", {"form": form, "periods": periods})


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
    return render(request, "appraisal/period_detail.html", {"appraisal": appraisal, "cards": cards, "meeting": meeting})


@login_required
def period_action(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    appraisal = _period(request, pk)  # 404 outside scope, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if step == "refresh":
            count = services.appraisal_period_refresh(appraisal=appraisal, by=request.user)
            messages.success(request, _("%(n)s draft scorecards refreshed.") % {"n": count})
        elif step == "publish":
            services.appraisal_period_publish_rankings(
                appraisal=appraisal, by=request.user, published=not appraisal.rankings_published
            )
        elif step == "close":
            services.appraisal_period_close(appraisal=appraisal, by=request.user)
        elif step == "meeting":
            form = MeetingForm(request.POST, user=request.user)
            if not form.is_valid():
                messages.error(request, _form_errors(form))
            else:
                services.appraisal_period_update_meeting(
                    appraisal=appraisal,
                    by=request.user,
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
def period_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    appraisal = _period(request, pk)
    table = services.scorecards_table(scorecards=selectors.scorecard_list(user=request.user, appraisal=appraisal))
    return exports.xlsx_stream(table, filename=f"scorecards-{appraisal.period}")


@login_required
def period_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    appraisal = _period(request, pk)
    level = request.GET.get("level", "team")
    if level not in ("team", "region", "company"):
        level = "team"
    cards = list(selectors.ranking(user=request.user, appraisal=appraisal, level=level))
    return render(
        request,
        "appraisal/ranking.html",
        {
            "appraisal": appraisal,
            "cards": cards,
            "groups": selectors.ranking_groups(cards, level=level),
            "level": level,
            "published": selectors.can_see_rankings(user=request.user, appraisal=appraisal),
        },
    )


@login_required
def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(selectors.scorecard_detail_queryset(user=request.user), pk=pk)
    review = ReviewForm(request.POST or None, instance=card, prefix="review")
    if request.method == "POST" and review.is_valid():
        # Only what changed: the person answering the questions on their own card sends none of
        # the manager's fields; the service refuses (403) a change to those from them.
        data = {name: review.cleaned_data[name] for name in review.changed_data}
        try:
            services.scorecard_review_update(scorecard=card, by=request.user, data=data)
        except ApplicationError as error:
            add_error_to_form(review, error)
        else:
            messages.success(request, _("Review saved."))
            return redirect("appraisal:scorecard-detail", card.pk)
    lines = list(card.lines.all())
    return render(
        request,
        "appraisal/scorecard_detail.html",
        {
            "card": card,
            "left_out": any(line.left_out for line in lines),
            "missing_required": [str(line.kpi.name) for line in lines if line.missing_required],
            "review": review,
            "action_form": ActionForm(user=request.user, initial={"owner": card.person_id}),
            "outcome_form": OutcomeForm(initial={"date": timezone.localdate()}),
            "is_draft": card.status == ScorecardStatus.DRAFT,
        },
    )


@login_required
def scorecard_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    card = get_object_or_404(selectors.scorecard_detail_queryset(user=request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    by = request.user
    steps = {
        "submit": lambda: services.scorecard_submit(scorecard=card, by=by),
        "approve": lambda: services.scorecard_approve(scorecard=card, by=by),
        "return": lambda: services.scorecard_return(scorecard=card, by=by, reason=request.POST.get("reason", "")),
        "close": lambda: services.scorecard_close(scorecard=card, by=by),
        "acknowledge": lambda: services.scorecard_acknowledge(
            scorecard=card, by=by, comment=request.POST.get("comment", "")
        ),
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
    form = ActionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.action_add(scorecard=card, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _form_errors(form))
    return redirect("appraisal:scorecard-detail", card.pk)


@login_required
def outcome_add(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(selectors.scorecard_detail_queryset(user=request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_create(
                person=card.person,
                scorecard=card,
                decided_by=request.user,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
                course=form.cleaned_data["course"],
                to_position=form.cleaned_data["to_position"],
                on=form.cleaned_data["date"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Outcome recorded."))
    else:
        messages.error(request, _form_errors(form))
    return redirect("appraisal:scorecard-detail", card.pk)


@login_required
def outcome_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a promotion or dismissal one level above the manager who decided it."""
    outcome = get_object_or_404(Outcome.objects.visible_to(request.user).select_related("person", "decided_by"), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.outcome_confirm(outcome=outcome, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Outcome confirmed."))
    if outcome.scorecard_id:
        return redirect("appraisal:scorecard-detail", outcome.scorecard_id)
    return redirect("appraisal:person-history", outcome.person_id)


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
    contest = get_object_or_404(selectors.contest_list(user=request.user), pk=pk)  # 404: not a participant
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "finish":
                services.contest_finish(contest=contest, by=request.user)
            elif step == "publish":
                services.contest_publish(contest=contest, by=request.user, published=not contest.published)
            else:
                raise Http404
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("appraisal:contest-detail", contest.pk)
    visible = selectors.can_see_leaderboard(user=request.user, contest=contest)
    board = services.contest_leaderboard(contest=contest) if visible else []
    return render(request, "appraisal/contest_detail.html", {"contest": contest, "board": board, "visible": visible})


def _payroll_export(request: HttpRequest, statements) -> HttpResponseBase:
    sheet = services.commission_export_payroll(statements=statements, by=request.user)
    return exports.xlsx_file_response(sheet, filename="commission-payroll")


def _statement_step(request: HttpRequest, statements, step: str | None) -> StatementComputeForm | None:
    """Compute or approve (the export streams a file instead); returns the compute form on error."""
    if step == "compute":
        form = StatementComputeForm(request.POST, user=request.user)
        if not form.is_valid():
            return form
        services.commission_statements_compute(by=request.user, **form.cleaned_data)
    elif step == "approve":
        statement = get_object_or_404(statements, pk=request.POST.get("statement"))
        services.commission_approve(statement=statement, by=request.user)
    else:
        raise Http404
    return None


@login_required
def statement_list(request: HttpRequest) -> HttpResponseBase:
    """The statements in scope. Compute, approve and the payroll export are POSTs; a GET with
    ?export=xlsx only shows the confirmation form (it changes nothing)."""
    statements = selectors.statement_list(user=request.user)
    period = request.POST.get("period", "") if request.method == "POST" else request.GET.get("period", "")
    if period:
        statements = statements.filter(period=period)
    compute = StatementComputeForm(user=request.user, initial={"period": period})
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "export":
            return _payroll_export(request, statements)
        try:
            compute = _statement_step(request, statements, step) or compute
        except ApplicationError as error:
            messages.error(request, error.message)
        if not compute.errors:
            return redirect(f"{request.path}?period={period}" if period else request.path)
    return render(
        request,
        "appraisal/statement_list.html",
        {
            "statements": statements[:500],
            "compute": compute,
            "period": period,
            "confirm_export": request.GET.get("export") == "xlsx",
            "draft": CommissionStatement._meta.get_field("status").default,
        },
    )


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted id, 0 (no row) when it is not a whole number: a bad id answers like a missing one."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


def _statement_post(request: HttpRequest, statement: CommissionStatement) -> None:
    """One step on a statement's page: issue (a manager), acknowledge or dispute a line (the rep)."""
    step = request.POST.get("step")
    if step == "issue":
        services.commission_statement_issue(statement=statement, by=request.user)
        messages.success(request, _("Statement issued to the rep."))
    elif step == "acknowledge":
        services.commission_statement_acknowledge(
            statement=statement, by=request.user, comment=request.POST.get("comment", "")
        )
        messages.success(request, _("Statement acknowledged."))
    elif step == "dispute":
        line = statement.lines.filter(pk=_posted_id(request, "line")).first()
        if line is None:
            raise ApplicationError(_("Choose a line of this statement."), fields={"line": []})
        services.commission_line_dispute(line=line, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Dispute sent to your manager."))
    else:
        raise Http404


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A statement: its lines, disputes and history; issue, acknowledge and dispute are POSTs."""
    statement = get_object_or_404(selectors.statement_detail_queryset(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            _statement_post(request, statement)
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("appraisal:statement-detail", statement.pk)
    return render(
        request,
        "appraisal/statement_detail.html",
        {"statement": statement, "history": selectors.statement_history(statement)},
    )


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    """Disputes in scope, open first; a manager of the statement's unit resolves one (a POST)."""
    disputes = selectors.dispute_list(user=request.user)
    if request.method == "POST":
        dispute = get_object_or_404(disputes, pk=_posted_id(request, "dispute"))
        try:
            services.commission_dispute_resolve(
                dispute=dispute,
                by=request.user,
                accept=request.POST.get("decision") == "accept",
                resolution=request.POST.get("resolution", ""),
                adjustment=request.POST.get("adjustment") or None,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Dispute resolved."))
        return redirect("appraisal:dispute-list")
    return render(request, "appraisal/dispute_list.html", {"disputes": disputes[:500]})
