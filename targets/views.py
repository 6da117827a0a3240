"""Pages: the target-setting grid, a target (edit, approve, breakdown, allocation, history),
distribution templates, progressive proposals, sales plans, achievements, recompute runs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesorg import exports
from salesorg.exceptions import ApplicationError, add_error_to_form
from salesorg.paging import page_of
from salesorg.periods import MONTH, Period
from staff import authority
from targets import forms, selectors, services
from targets.models import (
    Achievement,
    Metric,
    OwnerKind,
    PlanActivity,
    RecomputeRun,
)
from targets.services.breakdown import CHILD_KIND, allocation_members, children_total
from targets.services.plans import plan_owner_probe


def _is_manager(user) -> bool:
    """The managers' pages (proposals, import, recompute): the one definition of a manager."""
    actor = authority.actor_of(user)
    return actor.is_admin or actor.is_manager


def _manager_only(user) -> None:
    authority.require(user, "manager")


# --- the grid -------------------------------------------------------------------------------------


@login_required
def grid(request: HttpRequest) -> HttpResponse:
    form = forms.GridFilterForm(request.GET or {"year": timezone.localdate().year, "metric": Metric.SALES_AMOUNT})
    year, metric = timezone.localdate().year, Metric.SALES_AMOUNT
    if form.is_valid():
        year, metric = form.cleaned_data["year"], form.cleaned_data["metric"]
    data = selectors.target_grid(user=request.user, year=year, metric=metric)
    return render(
        request,
        "targets/grid.html",
        {
            "form": form,
            "year": year,
            "metric": metric,
            "grid": data,
            "is_manager": _is_manager(request.user),
        },
    )


@login_required
@require_POST
def grid_cell(request: HttpRequest) -> HttpResponse:
    """Save one month cell of the grid (htmx) and answer the row again, with fresh totals.
    The services decide who may (403 otherwise)."""
    metric, period = request.POST.get("metric", ""), request.POST.get("period", "")
    owner_kind, owner_key = request.POST.get("owner_kind", ""), request.POST.get("owner_key", "")
    target_id = request.POST.get("target_id")
    error = ""
    try:
        value = request.POST.get("value", "").strip()
        if target_id:
            target = selectors.target_get(user=request.user, pk=int(target_id))
            services.target_update(
                user=request.user,
                target=target,
                version=int(request.POST.get("version", 0)),
                value=value,
                reason=request.POST.get("reason", ""),
            )
        else:
            sample = (
                selectors.target_list(user=request.user)
                .filter(owner_kind=owner_kind, owner_key=int(owner_key), metric=metric, period__startswith=period[:4])
                .first()
            )
            if sample is None:
                raise Http404
            services.target_create(
                user=request.user,
                owner_kind=owner_kind,
                metric=metric,
                period=period,
                value=value,
                region=sample.region,
                team=sample.team,
                person=sample.person,
            )
    except ApplicationError as exc:
        error = "; ".join(str(m) for msgs in exc.fields.values() for m in msgs) or exc.message
    except (TypeError, ValueError):
        error = _("Enter a number.")
    year = Period.parse(period).year if period else timezone.localdate().year
    data = selectors.target_grid(user=request.user, year=year, metric=metric)
    row = next((r for r in data["rows"] if r["key"] == (owner_kind, int(owner_key or 0))), None)
    if row is None:
        raise Http404
    return render(
        request,
        "targets/_grid_row.html",
        {
            "row": row,
            "year": year,
            "metric": metric,
            "error": error,
            "error_period": period,
        },
    )


# --- a target ---------------------------------------------------------------------------------------


@login_required
def target_create(request: HttpRequest) -> HttpResponse:
    form = forms.TargetCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_create(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Target saved as a draft."))
            return redirect("targets:detail", pk=target.pk)
    return render(request, "targets/target_form.html", {"form": form})


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk)
    edit_form = forms.TargetEditForm(
        request.POST if request.POST.get("action") == "edit" else None,
        initial={"value": target.value, "stretch_value": target.stretch_value, "version": target.version},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "edit" and edit_form.is_valid():
                services.target_update(user=request.user, target=target, **edit_form.cleaned_data)
                messages.success(request, _("Target saved."))
                return redirect("targets:detail", pk=pk)
            if action == "approve":
                services.target_approve(user=request.user, target=target)
                messages.success(request, _("Target approved."))
                return redirect("targets:detail", pk=pk)
            if action == "acknowledge":
                services.target_acknowledge(user=request.user, target=target)
                messages.success(request, _("Target acknowledged."))
                return redirect("targets:detail", pk=pk)
        except ApplicationError as exc:
            if edit_form.is_bound:
                add_error_to_form(edit_form, exc)
            else:
                messages.error(request, exc.message)
    members = allocation_members(target) if target.owner_kind in CHILD_KIND else []
    children = list(target.children.select_related("person", "team", "region").order_by("owner_kind", "period"))
    achievement = (
        Achievement.objects.visible_to(request.user)
        .filter(owner_kind=target.owner_kind, owner_key=target.owner_key, metric=target.metric, period=target.period)
        .first()
    )
    return render(
        request,
        "targets/target_detail.html",
        {
            "target": target,
            "edit_form": edit_form,
            "breakdown_form": forms.BreakdownForm(user=request.user),
            "allocation_form": forms.AllocationForm(members=members),
            "members": members,
            "children": children,
            "gap": services.allocation_gap(target),
            "children_total": children_total(target),
            "history": services.target_history(target),
            "achievement": achievement,
        },
    )


@login_required
@require_POST
def target_breakdown(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk)
    form = forms.BreakdownForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.target_breakdown(user=request.user, target=target, **form.cleaned_data)
            messages.success(request, _("Broken down into quarters and months."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose a breakdown method."))
    return redirect("targets:detail", pk=pk)


@login_required
@require_POST
def target_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.target_get(user=request.user, pk=pk)
    members = allocation_members(target)
    form = forms.AllocationForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.target_allocate(
                user=request.user,
                target=target,
                method=form.cleaned_data["method"],
                weights=form.weights(),
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Allocated to the members."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Check the allocation form."))
    return redirect("targets:detail", pk=pk)


@login_required
def approve_bulk(request: HttpRequest) -> HttpResponse:
    """Approve a year's drafts of a unit and everyone in it, those the user may approve."""
    _manager_only(request.user)
    form = forms.BulkApprovalForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.targets_approve_bulk(
                user=request.user,
                targets=selectors.target_list(user=request.user),
                year=form.cleaned_data["year"],
                metric=form.cleaned_data["metric"] or None,
                region=form.cleaned_data["region"],
                team=form.cleaned_data["team"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("%(approved)s targets approved; %(left)s left for another approver.") % result,
            )
            return redirect(reverse("targets:grid") + f"?year={form.cleaned_data['year']}")
    return render(request, "targets/approve_bulk.html", {"form": form})


@login_required
def acknowledgements(request: HttpRequest) -> HttpResponse:
    """Who has not acknowledged their approved targets of a year (or a revision of them)."""
    form = forms.GridFilterForm(request.GET or {"year": timezone.localdate().year, "metric": Metric.SALES_AMOUNT})
    year, metric = timezone.localdate().year, None
    if form.is_valid():
        year, metric = form.cleaned_data["year"], form.cleaned_data["metric"]
    rows = selectors.unacknowledged_owners(user=request.user, year=year, metric=metric)
    return render(request, "targets/acknowledgements.html", {"form": form, "rows": rows, "year": year})


# --- templates and proposals ------------------------------------------------------------------------


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "targets/template_list.html", {"templates": selectors.template_list(user=request.user)})


@login_required
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(selectors.template_list(user=request.user), pk=pk) if pk else None
    # The form is the catalogue's: only who may edit it sees it (403 otherwise).
    authority.require(request.user, "targets.catalogue", instance)
    form = forms.DistributionTemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.distribution_template_save(user=request.user, data=form.cleaned_data, template=instance)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Template saved."))
            return redirect("targets:templates")
    return render(request, "targets/template_form.html", {"form": form, "instance": instance})


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    _manager_only(request.user)
    form = forms.ProposalForm(request.POST or None, initial={"year": timezone.localdate().year, "growth": "0.10"})
    if request.method == "POST" and form.is_valid():
        try:
            count = services.targets_propose_next_year(
                user=request.user,
                year=form.cleaned_data["year"],
                growth=form.cleaned_data["growth"],
                metrics=[form.cleaned_data["metric"]],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("%(n)s draft targets proposed.") % {"n": count})
            query = f"?year={form.cleaned_data['year'] + 1}&metric={form.cleaned_data['metric']}"
            return redirect(reverse("targets:grid") + query)
    return render(request, "targets/proposals.html", {"form": form})


# --- import / export ---------------------------------------------------------------------------------


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    targets = selectors.target_list(user=request.user).order_by("period", "metric", "owner_kind", "owner_key")
    if request.GET.get("year"):
        targets = targets.filter(period__startswith=request.GET["year"])
    return exports.export_response(
        services.targets_export_table(targets), filename="targets", fmt=request.GET.get("format", "csv")
    )


@login_required
def import_targets(request: HttpRequest) -> HttpResponse:
    _manager_only(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: dict = {}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.targets_import(user=request.user, name=upload.name, content=upload.read())
        except ApplicationError as exc:
            errors = exc.fields
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("%(n)s targets imported.") % {"n": count})
            return redirect("targets:grid")
    return render(request, "targets/import.html", {"form": form, "errors": errors}, status=status)


# --- sales plans --------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.sales_plan_list(user=request.user)
    return render(request, "targets/plan_list.html", {"plans": plans[:200]})


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    form = forms.SalesPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # The owner is the service's choice (the actor's own unit, or themselves).
            plan = services.sales_plan_create(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("targets:plan-detail", pk=plan.pk)
    return render(request, "targets/plan_form.html", {"form": form})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.sales_plan_list(user=request.user), pk=pk)
    activity_form = forms.PlanActivityForm(request.POST if request.POST.get("action") == "activity" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "activity" and activity_form.is_valid():
                services.plan_activity_add(user=request.user, plan=plan, **activity_form.cleaned_data)
                return redirect("targets:plan-detail", pk=pk)
            if request.POST.get("action") == "approve":
                services.sales_plan_approve(user=request.user, plan=plan)
                messages.success(request, _("Plan approved."))
                return redirect("targets:plan-detail", pk=pk)
            if request.POST.get("action") == "progress":
                activity = get_object_or_404(PlanActivity, plan=plan, pk=int(request.POST.get("activity", 0)))
                services.plan_activity_progress(
                    user=request.user, activity=activity, done_count=int(request.POST.get("done_count", 0))
                )
                return redirect("targets:plan-detail", pk=pk)
        except ApplicationError as exc:
            if activity_form.is_bound:
                add_error_to_form(activity_form, exc)
            else:
                messages.error(request, exc.message)
        except ValueError:
            messages.error(request, _("Enter a number."))
    return render(
        request,
        "targets/plan_detail.html",
        {"plan": plan, "activity_form": activity_form, "plan_owner": plan_owner_probe(plan)},
    )


# --- achievements and runs ------------------------------------------------------------------------------


@login_required
def achievements(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    period = request.GET.get("period") or str(Period.month_of(today).year)
    metric = request.GET.get("metric") or Metric.SALES_AMOUNT
    owner_kind = request.GET.get("owner_kind") or ""
    rows = selectors.achievement_list(user=request.user, metric=metric, period=period, owner_kind=owner_kind or None)
    rows = rows.order_by("owner_kind", "-rate", "owner_key")
    # Paged like every list (it stopped at 500 rows: a director's 2,111 owners of a period were cut).
    page = page_of(request, rows)
    return render(
        request,
        "targets/achievements.html",
        {
            "rows": page,
            "page": page,
            "period": period,
            "metric": metric,
            "owner_kind": owner_kind,
            "metrics": Metric.choices,
            "owner_kinds": OwnerKind.choices,
            "month": MONTH,
        },
    )


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    _manager_only(request.user)
    form = forms.RecomputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.recompute_run_start(as_of=form.cleaned_data["as_of"], user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(reverse("targets:runs") + f"?watch={run.pk}")
    watch = request.GET.get("watch")
    watched = RecomputeRun.objects.filter(pk=int(watch)).first() if watch and watch.isdigit() else None
    return render(
        request,
        "targets/runs.html",
        {"form": form, "runs": selectors.recompute_run_list()[:50], "watched": watched},
    )


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar of one run (htmx polls it every second until the run ends)."""
    _manager_only(request.user)
    run = get_object_or_404(RecomputeRun, pk=pk)
    return render(request, "targets/_run_progress.html", {"run": run})
