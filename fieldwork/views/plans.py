"""Pages of visit plans: the list (draft a week), a plan with its daily routes and planned against
done, and the rep's and the manager's actions on it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldwork import plan_forms, plan_selectors
from fieldwork.models import PlanStatus, VisitPlan
from fieldwork.routing import week_of
from fieldwork.services import plans as plan_services
from salesorg.exceptions import ApplicationError, add_error_to_form
from salesorg.paging import page_of
from staff import authority


def _plan(request: HttpRequest, pk: int) -> VisitPlan:
    return get_object_or_404(plan_selectors.with_items(plan_selectors.plan_list(user=request.user)), pk=pk)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    filter_form = plan_forms.PlanFilterForm(request.GET or None, user=request.user)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = page_of(request, plan_selectors.plan_list(user=request.user, filters=filters))
    plans = list(page)
    visited = plan_selectors.visited_in_weeks(plans)
    done = dict.fromkeys((p.pk for p in plans), 0)
    # One query for the planned customers of the page's plans.
    for plan_id, person_id, week_start, customer_id in plan_selectors.planned_customers(plans):
        done[plan_id] += (person_id, week_start, customer_id) in visited
    for plan in plans:
        plan.done_count = done[plan.pk]
    actor = authority.actor_of(request.user)
    next_monday = week_of(timezone.localdate()) + timedelta(days=7)
    form = plan_forms.PlanProposeForm(user=request.user, initial={"person": actor.person, "week_start": next_monday})
    return render(
        request,
        "fieldwork/plan_list.html",
        {"plans": plans, "page": page, "filter_form": filter_form, "form": form},
    )


@login_required
def plan_propose(request: HttpRequest) -> HttpResponse:
    form = plan_forms.PlanProposeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_services.visit_plan_propose(
                user=request.user,
                person=data["person"],
                week_start=data["week_start"],
                start_latitude=data.get("start_latitude"),
                start_longitude=data.get("start_longitude"),
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The plan is drafted from the customers due."))
            return redirect("fieldwork:plan-detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "fieldwork/plan_propose.html", {"form": form}, status=status)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    summary = plan_selectors.planned_against_done(plan, plan_selectors.visited_in_weeks([plan]))
    editable = plan.status == PlanStatus.DRAFT and authority.allowed(request.user, "visits.plan", plan.person)
    return render(
        request,
        "fieldwork/plan_detail.html",
        {
            "plan": plan,
            **summary,
            "editable": editable,
            "can_decide": plan.status == PlanStatus.SUBMITTED
            and authority.allowed(request.user, "visits.approve_plan", plan),
            "add_form": plan_forms.PlanItemForm(plan=plan) if editable else None,
            "decide_form": plan_forms.PlanDecideForm(),
        },
    )


def _action(request: HttpRequest, plan: VisitPlan, call, *, success: str) -> HttpResponse:
    try:
        call()
    except ApplicationError as exc:
        details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.fields.items())
        messages.error(request, f"{exc.message} {details}".strip())
        return redirect("fieldwork:plan-detail", pk=plan.pk)
    messages.success(request, success)
    return redirect("fieldwork:plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    authority.require(request.user, "visits.plan", plan.person)
    form = plan_forms.PlanItemForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("fieldwork:plan-detail", pk=plan.pk)
    data = form.cleaned_data
    return _action(
        request,
        plan,
        lambda: plan_services.visit_plan_item_add(
            user=request.user, plan=plan, customer=data["customer"], day=data["day"]
        ),
        success=_("The visit is added to the plan."),
    )


@login_required
@require_POST
def plan_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return _action(
        request,
        plan,
        lambda: plan_services.visit_plan_item_remove(user=request.user, plan=plan, item_id=request.POST.get("item")),
        success=_("The visit is taken off the plan."),
    )


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return _action(
        request,
        plan,
        lambda: plan_services.visit_plan_submit(user=request.user, plan=plan),
        success=_("The plan is submitted for approval."),
    )


@login_required
@require_POST
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return _action(
        request,
        plan,
        lambda: plan_services.visit_plan_decide(
            user=request.user,
            plan=plan,
            decision=str(request.POST.get("decision") or ""),
            note=str(request.POST.get("note") or ""),
        ),
        success=_("The decision is recorded."),
    )


urlpatterns = [
    path("visit-plans/", plan_list, name="plan-list"),
    path("visit-plans/new/", plan_propose, name="plan-propose"),
    path("visit-plans/<int:pk>/", plan_detail, name="plan-detail"),
    path("visit-plans/<int:pk>/items/", plan_item_add, name="plan-item-add"),
    path("visit-plans/<int:pk>/remove-item/", plan_item_remove, name="plan-item-remove"),
    path("visit-plans/<int:pk>/submit/", plan_submit, name="plan-submit"),
    path("visit-plans/<int:pk>/decide/", plan_decide, name="plan-decide"),
]
