"""Recruitment pages: openings, candidates and their selection steps, the hire or reject decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError, NotAllowed, add_error_to_form
from staff import recruitment
from staff.forms_recruitment import CandidateForm, HireForm, OpeningForm, RejectForm, StepForm
from staff.models import Candidate, CandidateStatus, Opening, SelectionStep


@login_required
def opening_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    openings = (
        Opening.objects.visible_to(request.user)
        .select_related("team", "hiring_manager")
        .annotate(
            candidate_count=Count("candidates"),
            hired_count=Count("candidates", filter=Q(candidates__status=CandidateStatus.HIRED)),
        )
    )
    if status:
        openings = openings.filter(status=status)
    return render(request, "staff/recruitment/opening_list.html", {"openings": openings[:500], "status": status})


@login_required
def opening_create(request: HttpRequest) -> HttpResponse:
    form = OpeningForm(request.POST or None, user=request.user, initial={"opened_on": timezone.localdate()})
    if not form.fields["team"].queryset.exists():
        # No team the user recruits for ("recruit"): the rule's own message says who may.
        raise NotAllowed(_("Only the team's manager or a manager above it recruits for this team."))
    if request.method == "POST" and form.is_valid():
        try:
            opening = recruitment.opening_create(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("staff:opening-detail", pk=opening.pk)
    return render(request, "staff/recruitment/form.html", {"form": form, "title": _("New opening")})


@login_required
def opening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opening = get_object_or_404(
        Opening.objects.visible_to(request.user).select_related("team", "hiring_manager"), pk=pk
    )
    candidates = opening.candidates.annotate(step_count=Count("steps"), average=Avg("steps__score")).select_related(
        "hired_person"
    )
    form = CandidateForm(request.POST or None, initial={"applied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            recruitment.candidate_add(by=request.user, opening=opening, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("staff:opening-detail", pk=opening.pk)
    return render(
        request, "staff/recruitment/opening_detail.html", {"opening": opening, "candidates": candidates, "form": form}
    )


@login_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        Candidate.objects.visible_to(request.user)
        .select_related("opening__team", "hired_person")
        .prefetch_related(Prefetch("steps", SelectionStep.objects.select_related("assessor"))),
        pk=pk,
    )
    today = timezone.localdate()
    action = request.POST.get("action")
    step_form = StepForm(request.POST if action == "step" else None, initial={"date": today})
    reject_form = RejectForm(request.POST if action == "reject" else None, initial={"date": today})
    hire_form = HireForm(request.POST if action == "hire" else None, initial={"hire_date": today})
    if request.method == "POST":
        form = {"step": step_form, "reject": reject_form, "hire": hire_form}.get(action)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                if action == "step":
                    recruitment.candidate_assess(
                        by=request.user,
                        candidate=candidate,
                        kind=data["kind"],
                        on=data["date"],
                        score=data["score"],
                        passed=data["passed"],
                        notes=data["notes"],
                    )
                elif action == "reject":
                    recruitment.candidate_reject(
                        by=request.user, candidate=candidate, on=data["date"], reason=data["reason"]
                    )
                else:
                    person = recruitment.candidate_hire(
                        by=request.user,
                        candidate=candidate,
                        employee_no=data["employee_no"],
                        hire_date=data["hire_date"],
                        reason=data["reason"],
                        username=data["username"] or None,
                    )
                    messages.success(
                        request, _("%(name)s is hired and enrolled in onboarding.") % {"name": person.name}
                    )
            except ApplicationError as exc:
                add_error_to_form(form, exc)
            else:
                return redirect("staff:candidate-detail", pk=candidate.pk)
    return render(
        request,
        "staff/recruitment/candidate_detail.html",
        {"candidate": candidate, "step_form": step_form, "reject_form": reject_form, "hire_form": hire_form},
    )
