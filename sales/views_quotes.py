"""Quotation pages: the list, a quote from an opportunity, its lines, its page with the steps, the
history and the actions the user may take (every write a POST through `services.quotes`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sales import forms as forms
from sales import selectors as selectors
from sales.models import Quotation, StepStatus
from sales.services import approvals
from sales.services import quotes as quote_services
from salesorg.exceptions import ApplicationError, NotAllowed, add_error_to_form
from salesorg.paging import page_of


@login_required
def quotation_list(request: HttpRequest) -> HttpResponse:
    form = forms.QuotationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = page_of(request, selectors.quotation_list(user=request.user, filters=filters))
    return render(
        request,
        "sales/quotation_list.html",
        {"form": form, "quotations": page, "page": page, "total": page.paginator.total_label},
    )


def _line_inputs(formset: Any) -> list[quote_services.QuoteLineInput]:
    return [
        quote_services.QuoteLineInput(
            product=row["product"], quantity=row["quantity"], discount_percent=row.get("discount_percent") or 0
        )
        for row in formset.cleaned_data
        if row.get("product") and not row.get("DELETE")
    ]


def _refusal_on(form: Any, lines: Any, error: ApplicationError) -> None:
    """A service's refusal: a line's field on the lines, the rest on the form."""
    line_fields = {"lines", "product", "quantity", "discount_percent"}
    line_errors = [str(m) for field, ms in error.fields.items() if field in line_fields for m in ms]
    if line_errors:
        lines._non_form_errors = lines.error_class(line_errors)
    rest = {field: ms for field, ms in error.fields.items() if field not in line_fields}
    if rest or not line_errors:
        add_error_to_form(form, ApplicationError(error.message, fields=rest))


@login_required
def quotation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A quotation for an opportunity in the user's scope (the button on the opportunity's page)."""
    opportunity = get_object_or_404(selectors.opportunity_list(user=request.user), pk=pk)
    valid_until = timezone.localdate() + timedelta(days=quote_services.DEFAULT_VALID_DAYS)
    form = forms.QuotationForm(request.POST or None, initial={"notes": opportunity.name, "valid_until": valid_until})
    lines = forms.QuotationLineFormSet(request.POST or None, prefix="lines")
    refused = False
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            quotation = quote_services.quote_from_opportunity(
                opportunity=opportunity,
                user=request.user,
                lines=_line_inputs(lines),
                valid_until=form.cleaned_data["valid_until"],
                notes=form.cleaned_data["notes"],
            )
        except ApplicationError as exc:
            _refusal_on(form, lines, exc)
        except NotAllowed as exc:
            form.add_error(None, exc.message)
            refused = True
        else:
            messages.success(request, _("Quotation %(number)s saved.") % {"number": quotation.number})
            return redirect("sales:quotation-detail", pk=quotation.pk)
    status = (403 if refused else 400) if request.method == "POST" else 200
    return render(
        request,
        "sales/quotation_form.html",
        {"form": form, "lines": lines, "opportunity": opportunity, "quotation": None},
        status=status,
    )


@login_required
def quotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's lines, validity and notes."""
    quotation = get_object_or_404(selectors.quotation_queryset(user=request.user), pk=pk)
    initial_lines = [
        {"product": line.product_id, "quantity": line.quantity, "discount_percent": line.discount_percent}
        for line in quotation.lines.all()
    ]
    form = forms.QuotationForm(
        request.POST or None, initial={"valid_until": quotation.valid_until, "notes": quotation.notes}
    )
    lines = forms.QuotationLineFormSet(
        request.POST or None, prefix="lines", initial=None if request.POST else initial_lines
    )
    refused = False
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            quote_services.quote_update(
                quotation=quotation,
                user=request.user,
                lines=_line_inputs(lines),
                valid_until=form.cleaned_data["valid_until"],
                notes=form.cleaned_data["notes"],
            )
        except ApplicationError as exc:
            _refusal_on(form, lines, exc)
        except NotAllowed as exc:
            form.add_error(None, exc.message)
            refused = True
        else:
            messages.success(request, _("Quotation %(number)s saved.") % {"number": quotation.number})
            return redirect("sales:quotation-detail", pk=quotation.pk)
    status = (403 if refused else 400) if request.method == "POST" else 200
    return render(
        request,
        "sales/quotation_form.html",
        {"form": form, "lines": lines, "opportunity": quotation.opportunity, "quotation": quotation},
        status=status,
    )


@login_required
def quotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quotation = get_object_or_404(selectors.quotation_queryset(user=request.user), pk=pk)
    steps = selectors.quotation_approval_steps(quotation)
    waiting = next((s for s in steps if s.status == StepStatus.WAITING and s.waiting_since), None)
    return render(
        request,
        "sales/quotation_detail.html",
        {
            "quotation": quotation,
            "steps": steps,
            "waiting_level": waiting.level if waiting else None,
            "earlier_deciders": approvals.earlier_deciders(steps, waiting),
            "changes": selectors.quotation_history(quotation=quotation),
            "expired": quotation.valid_until < timezone.localdate(),
        },
    )


@login_required
@require_POST
def quotation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    quotation = get_object_or_404(Quotation.objects.visible_to(request.user), pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "submit":
            quote_services.quote_submit(quotation=quotation, user=request.user)
        elif action == "approve":
            quote_services.quote_approve(quotation=quotation, user=request.user)
        elif action == "reject":
            quote_services.quote_reject(quotation=quotation, user=request.user, reason=reason)
        elif action == "send":
            quote_services.quote_send(quotation=quotation, user=request.user)
        elif action == "accept":
            quote_services.quote_accept(quotation=quotation, user=request.user)
        elif action == "decline":
            quote_services.quote_decline(quotation=quotation, user=request.user, reason=reason)
        elif action == "convert":
            order = quote_services.quote_convert(quotation=quotation, user=request.user)
            messages.success(request, _("Order %(number)s saved.") % {"number": order.number})
            return redirect("sales:order-detail", pk=order.pk)
        else:
            raise Http404
    except ApplicationError as exc:
        details = "; ".join(f"{field}: {' '.join(map(str, m))}" for field, m in exc.fields.items())
        messages.error(request, f"{exc.message} {details}")
    else:
        messages.success(request, _("Done."))
    return redirect("sales:quotation-detail", pk=quotation.pk)


urlpatterns = [
    path("sales/quotations/", quotation_list, name="quotation-list"),
    path("sales/pipeline/<int:pk>/quote/", quotation_create, name="quotation-create"),
    path("sales/quotations/<int:pk>/", quotation_detail, name="quotation-detail"),
    path("sales/quotations/<int:pk>/edit/", quotation_edit, name="quotation-edit"),
    path("sales/quotations/<int:pk>/<str:action>/", quotation_action, name="quotation-action"),
]
