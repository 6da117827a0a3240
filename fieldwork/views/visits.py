"""Pages for visit reports and expense claims (photos and receipts: `customers.views.files`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from customers.views.common import form_page as _form_page
from customers.views.common import post_action as _post_action
from fieldwork import forms
from fieldwork import selectors as visit_selectors
from fieldwork.budget import claim_budgets
from fieldwork.models import ActionKind, ExpenseClaim, ExpenseStatus, Visit
from fieldwork.services import visits as visit_services
from fieldwork.services.actions import visit_action_record
from fieldwork.visit_actions import visit_actions
from salesorg.exceptions import ApplicationError, add_error_to_form
from salesorg.paging import page_of
from staff import authority

# Visits


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    form = visit_filter = forms.VisitFilterForm(request.GET or None, user=request.user)
    filters = visit_filter.cleaned_data if form.is_valid() else {}
    visits = visit_selectors.with_attachment_counts(visit_selectors.visit_list(user=request.user, filters=filters))
    return render(
        request,
        "fieldwork/visit_list.html",
        {
            "form": form,
            "visits": (page := page_of(request, visits)),
            "page": page,
            "total": page.paginator.total_label,
            "far_threshold": visit_services.far_checkin_threshold_m(),
        },
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(
        visit_selectors.visit_list(user=request.user).prefetch_related("intel_notes__competitor"), pk=pk
    )
    return _render_detail(request, visit)


def _render_detail(request: HttpRequest, visit: Visit, *, action_form: Any = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    is_author = authority.allowed(request.user, "own", visit, person_id=visit.author_id)
    rule = visit_selectors.kind_rule(visit.kind)
    kind_actions = visit_selectors.kind_actions(visit.kind)
    is_open = not visit_services.visit_is_locked(visit, today=today) and visit.checked_out_at is None
    if action_form is None:
        action_form = forms.VisitActionForm(user=request.user, visit=visit, offered=kind_actions.offered)
    return render(
        request,
        "fieldwork/visit_detail.html",
        {
            "visit": visit,
            "can_edit": is_author and not visit_services.visit_is_locked(visit, today=today),
            "can_check_out": is_author and visit.checked_in_at is not None and visit.checked_out_at is None,
            "can_confirm": rule.requires_confirmation
            and visit.confirmed_at is None
            and authority.allowed(request.user, "people.coach", visit.author),
            "comments": visit_selectors.visit_comments(user=request.user, visit=visit),
            "comment_form": forms.VisitCommentForm(),
            "far_threshold": visit_services.far_checkin_threshold_m(),
            # What the apps above offer on this visit (training: review a joint visit).
            "actions": visit_actions(request.user, visit),
            "action_records": visit_selectors.visit_action_list(user=request.user, visit=visit),
            "missing_actions": [ActionKind(a).label for a in visit_selectors.missing_actions(visit)],
            "can_record_action": is_author and is_open,
            "action_form": action_form,
        },
        status=status,
    )


@login_required
@require_POST
def visit_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an action on the visit (its author, while it is open); bad input answers 400 on the page."""
    visit = get_object_or_404(
        visit_selectors.visit_list(user=request.user).prefetch_related("intel_notes__competitor"), pk=pk
    )
    offered = visit_selectors.kind_actions(visit.kind).offered
    form = forms.VisitActionForm(request.POST, request.FILES, user=request.user, visit=visit, offered=offered)
    if form.is_valid():
        data = dict(form.cleaned_data)
        action, image = data.pop("action"), data.pop("image")
        try:
            visit_action_record(user=request.user, visit=visit, action=action, data=data, image=image)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Action recorded."))
            return redirect("fieldwork:visit-detail", pk=pk)
    return _render_detail(request, visit, action_form=form, status=400)


@login_required
def visit_check_in_preview(request: HttpRequest) -> HttpResponse:
    """The htmx partial of the visit form: given the customer, the kind and the phone's position,
    the distance and the verdict before filing. A read: writes nothing."""
    if not request.GET.get("customer"):
        return HttpResponse("")
    try:
        preview = visit_selectors.evidence_preview(
            user=request.user,
            customer=request.GET.get("customer"),
            kind=request.GET.get("kind") or "visit",
            latitude=request.GET.get("latitude"),
            longitude=request.GET.get("longitude"),
        )
    except ApplicationError as exc:
        return render(request, "fieldwork/_evidence_preview.html", {"error": exc}, status=400)
    return render(request, "fieldwork/_evidence_preview.html", {"preview": preview})


def _visit_in_scope(request: HttpRequest, pk: int) -> Visit:
    return get_object_or_404(Visit.objects.visible_to(request.user).select_related("author", "customer"), pk=pk)


@login_required
@require_POST
def visit_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_in_scope(request, pk)
    return _post_action(
        request,
        forms.EmptyForm(request.POST),
        lambda _d: visit_services.visit_check_out(user=request.user, visit=visit),
        success=_("Checked out."),
        back=reverse("fieldwork:visit-detail", args=[pk]),
    )


@login_required
@require_POST
def visit_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_in_scope(request, pk)
    return _post_action(
        request,
        forms.EmptyForm(request.POST),
        lambda _d: visit_services.visit_confirm(user=request.user, visit=visit),
        success=_("Visit confirmed."),
        back=reverse("fieldwork:visit-detail", args=[pk]),
    )


@login_required
@require_POST
def visit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_in_scope(request, pk)
    return _post_action(
        request,
        forms.VisitCommentForm(request.POST),
        lambda d: visit_services.visit_comment_create(user=request.user, visit=visit, text=d["text"]),
        success=_("Comment added; the rep is notified."),
        back=reverse("fieldwork:visit-detail", args=[pk]),
    )


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    initial = {"date": today, "customer": request.GET.get("customer")}
    form = forms.VisitForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            customer = data.pop("customer")
            stakeholders = data.pop("stakeholders")
            lat, lon = data.pop("latitude"), data.pop("longitude")
            try:
                visit = visit_services.visit_create(
                    user=request.user,
                    customer=customer,
                    data=data,
                    stakeholder_ids=[s.pk for s in stakeholders],
                    latitude=lat,
                    longitude=lon,
                    photos=request.FILES.getlist("photos"),
                    today=today,
                )
            except ApplicationError as exc:
                add_error_to_form(form, exc)
                if "photos" in exc.fields:
                    form.add_error(None, " ".join(map(str, exc.fields["photos"])))
            else:
                messages.success(request, _("Visit report filed."))
                return redirect("fieldwork:visit-detail", pk=visit.pk)
    return render(request, "fieldwork/visit_form.html", {"form": form, "editing": False}, status=status)


@login_required
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit.objects.visible_to(request.user).select_related("customer"), pk=pk)
    initial = {f: getattr(visit, f) for f in visit_services.VISIT_FIELDS}
    initial.update(customer=visit.customer, stakeholders=list(visit.stakeholders.all()))
    form = forms.VisitForm(request.POST or None, user=request.user, initial=initial, customer_id=visit.customer_id)
    form.fields["customer"].queryset = Customer.objects.visible_to(request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            customer = data.pop("customer")
            stakeholders = data.pop("stakeholders")
            data.pop("latitude"), data.pop("longitude")
            data["customer"] = customer.pk
            try:
                visit_services.visit_update(
                    user=request.user,
                    visit=visit,
                    data=data,
                    stakeholder_ids=[s.pk for s in stakeholders],
                    photos=request.FILES.getlist("photos"),
                )
            except ApplicationError as exc:
                add_error_to_form(form, exc)
            else:
                return redirect("fieldwork:visit-detail", pk=pk)
    return render(request, "fieldwork/visit_form.html", {"form": form, "editing": True, "visit": visit}, status=status)


# Expenses


@login_required
def expense_list(request: HttpRequest) -> HttpResponse:
    form = forms.ExpenseFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    claims = visit_selectors.expense_list(user=request.user, filters=filters)
    page = page_of(request, claims)
    # The budget beside each claim waiting for a decision (two queries for the whole page).
    budgets = claim_budgets(c for c in page if c.status == ExpenseStatus.SUBMITTED)
    for claim in page:
        claim.budget = budgets.get(claim.pk)
    return render(
        request,
        "fieldwork/expense_list.html",
        {
            "form": form,
            "claims": page,
            "page": page,
            "total": page.paginator.total_label,
            "decision_form": forms.ExpenseDecisionForm(),
        },
    )


@login_required
def expense_create(request: HttpRequest) -> HttpResponse:
    form = forms.ExpenseForm(
        request.POST or None, request.FILES or None, user=request.user, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit_services.expense_create(
                user=request.user,
                date_=data["date"],
                kind=data["kind"],
                amount=data["amount"],
                description=data["description"],
                receipt=data["receipt"],
                customer=data["customer"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Expense claim submitted."))
            return redirect("fieldwork:expense-list")
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        title=_("New expense claim"),
        back=reverse("fieldwork:expense-list"),
        status=status,
        multipart=True,
    )


@login_required
@require_POST
def expense_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(ExpenseClaim.objects.visible_to(request.user).select_related("person"), pk=pk)
    form = forms.ExpenseDecisionForm(request.POST)
    return _post_action(
        request,
        form,
        lambda d: visit_services.expense_decide(
            user=request.user, claim=claim, approve=d["decision"] == "approve", note=d["note"]
        ),
        success=_("Decision saved."),
        back=reverse("fieldwork:expense-list"),
    )


urlpatterns = [
    path("visits/", visit_list, name="visit-list"),
    path("visits/new/", visit_create, name="visit-create"),
    path("visits/<int:pk>/", visit_detail, name="visit-detail"),
    path("visits/<int:pk>/edit/", visit_edit, name="visit-edit"),
    path("visits/check-in-preview/", visit_check_in_preview, name="visit-check-in-preview"),
    path("visits/<int:pk>/check-out/", visit_check_out, name="visit-check-out"),
    path("visits/<int:pk>/confirm/", visit_confirm, name="visit-confirm"),
    path("visits/<int:pk>/comment/", visit_comment, name="visit-comment"),
    path("visits/<int:pk>/actions/", visit_action_create, name="visit-action-create"),
    path("expenses/", expense_list, name="expense-list"),
    path("expenses/new/", expense_create, name="expense-create"),
    path("expenses/<int:pk>/decide/", expense_decide, name="expense-decide"),
]
