"""Sales pages: orders, payments, the pipeline and funnel, receivables, the channel view, imports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from sales import forms as forms
from sales import selectors as selectors
from sales import services
from sales.models import ImportJob, Order, Payment, Quotation, StepStatus
from sales.services import approvals
from sales.services import imports as import_services
from sales.services import pipeline as pipeline_services
from sales.services.payments import confirmation_required
from salesorg.exceptions import ApplicationError, NotAllowed, add_error_to_form
from salesorg.paging import page_of
from staff import authority


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    form = forms.OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orders = selectors.order_list(user=request.user, filters=filters)
    page = page_of(request, orders.with_paid())
    return render(
        request,
        "sales/order_list.html",
        {"form": form, "orders": page, "page": page, "total": page.paginator.total_label},
    )


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    refused = False
    form = forms.OrderForm(request.POST or None, user=request.user)
    lines = forms.LineFormSet(request.POST or None, prefix="lines")
    shares = forms.ShareFormSet(request.POST or None, prefix="shares", form_kwargs={"user": request.user})
    if request.method == "POST" and form.is_valid() and lines.is_valid() and shares.is_valid():
        data = form.cleaned_data
        share_inputs = [
            services.ShareInput(rep=s["rep"], percent=s["percent"]) for s in shares.cleaned_data if s.get("rep")
        ]
        try:
            order = services.order_create(
                customer=data["customer"],
                date=data["date"],
                channel=data["channel"],
                distributor=data.get("distributor"),
                payment_terms_days=data["payment_terms_days"],
                note=data["note"],
                lines=[
                    services.LineInput(product=li["product"], quantity=li["quantity"], unit_price=li["unit_price"])
                    for li in lines.cleaned_data
                    if li.get("product")
                ],
                shares=share_inputs or None,
                created_by=request.user,
                submit=data["submit_now"],
            )
        except ApplicationError as exc:
            if "shares" in exc.fields:
                shares._non_form_errors = shares.error_class([str(m) for m in exc.fields["shares"]])
            add_error_to_form(form, exc)
        except NotAllowed as exc:
            # Refused by the authority rule: the form stays filled in, with who may.
            form.add_error(None, exc.message)
            refused = True
        else:
            messages.success(request, _("Order %(number)s saved.") % {"number": order.number})
            return redirect("sales:order-detail", pk=order.pk)
    status = (403 if refused else 400) if request.method == "POST" else 200
    return render(request, "sales/order_form.html", {"form": form, "lines": lines, "shares": shares}, status=status)


def _order_page(request: HttpRequest, order: Order, *, payment_form: Any = None, status: int = 200) -> HttpResponse:
    payments = order.payments.select_related("entered_by", "confirmed_by")
    steps = selectors.order_approval_steps(order)
    waiting = next((s for s in steps if s.status == StepStatus.WAITING and s.waiting_since), None)
    return render(
        request,
        "sales/order_detail.html",
        {
            "order": order,
            "payments": payments,
            "balance": selectors.order_balance(order),
            "steps": steps,
            "waiting_level": waiting.level if waiting else None,
            "earlier_deciders": approvals.earlier_deciders(steps, waiting),
            "payment_form": payment_form or forms.PaymentForm(),
            "reason_form": forms.ReasonForm(),
            "rep_may_enter_payments": confirmation_required(),
        },
        status=status,
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.order_queryset(user=request.user), pk=pk)
    return _order_page(request, order)


def _payment_post(request: HttpRequest, order: Order) -> HttpResponse:
    """Record a payment from the order page: a refusal shows the form again, 400, naming the field."""
    form = forms.PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_create(order=order, user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Done."))
            return redirect("sales:order-detail", pk=order.pk)
    order = get_object_or_404(selectors.order_queryset(user=request.user), pk=order.pk)
    return _order_page(request, order, payment_form=form, status=400)


@login_required
@require_POST
def payment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(Payment.objects.visible_to(request.user), pk=pk)
    try:
        services.payment_confirm(payment=payment, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Payment confirmed."))
    return redirect("sales:order-detail", pk=payment.order_id)


@login_required
def order_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an order's payment plan: a formset of instalments (the same service as the API)."""
    order = get_object_or_404(selectors.order_queryset(user=request.user), pk=pk)
    initial = [{"due_date": i.due_date, "amount": i.amount} for i in order.instalments.all()]
    formset = forms.InstalmentFormSet(request.POST or None, initial=None if request.POST else initial)
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            plan = [
                services.InstalmentInput(due_date=f["due_date"], amount=f["amount"])
                for f in formset.cleaned_data
                if f.get("due_date") and not f.get("DELETE")
            ]
            try:
                services.order_set_payment_plan(order=order, user=request.user, instalments=plan)
            except ApplicationError as exc:
                _plan_errors(formset, exc)
            except NotAllowed as exc:
                formset._non_form_errors = formset.error_class([exc.message])
                status = 403
            else:
                messages.success(request, _("Payment plan saved."))
                return redirect("sales:order-detail", pk=order.pk)
    return render(request, "sales/order_plan.html", {"order": order, "formset": formset}, status=status)


def _plan_errors(formset: Any, error: ApplicationError) -> None:
    """A service's refusal on the formset: a row's error on that row's field, the rest above it."""
    general = []
    rows = error.fields.get("instalments")
    filled = [form for form in formset.forms if form.cleaned_data.get("due_date")]
    if isinstance(rows, list) and rows and all(isinstance(row, dict) for row in rows):
        for form, row in zip(filled, rows, strict=False):
            for field, messages_ in row.items():
                form.add_error(field, messages_)
    else:
        general.append(error.message)
    formset._non_form_errors = formset.error_class(general)


@login_required
def order_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of an order, its lines, shares, instalments and payments, for those who see it."""
    order = get_object_or_404(Order.objects.visible_to(request.user), pk=pk)
    return render(
        request, "sales/order_history.html", {"order": order, "changes": selectors.order_history(order=order)}
    )


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = get_object_or_404(Order.objects.visible_to(request.user), pk=pk)
    try:
        if action == "submit":
            services.order_submit(order=order, user=request.user)
        elif action == "approve":
            services.order_approve(order=order, user=request.user)
        elif action in ("reject", "cancel"):
            reason = request.POST.get("reason", "")
            handler = services.order_reject if action == "reject" else services.order_cancel
            handler(order=order, user=request.user, reason=reason)
        elif action == "pay":
            return _payment_post(request, order)
        else:
            raise Http404
    except ApplicationError as exc:
        details = "; ".join(f"{field}: {' '.join(map(str, m))}" for field, m in exc.fields.items())
        messages.error(request, f"{exc.message} {details}")
    else:
        messages.success(request, _("Done."))
    return redirect("sales:order-detail", pk=order.pk)


@login_required
def customer_credit(request: HttpRequest) -> HttpResponse:
    """The order form's panel of the chosen customer: credit limit and rating, open receivables
    (the whole customer's, as credit control counts them) and overdue instalments (htmx)."""
    raw = request.GET.get("customer", "")
    if not raw:
        return render(request, "sales/_customer_credit.html", {"customer": None})
    if not raw.isdigit():
        raise Http404
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=int(raw))
    overdue = list(selectors.customer_overdue_instalments(user=request.user, customer=customer))
    return render(
        request,
        "sales/_customer_credit.html",
        {
            "customer": customer,
            "open_amount": approvals.customer_open_receivables(customer.pk),
            "overdue": overdue,
            "overdue_total": sum((i.amount - i.paid_amount for i in overdue), Decimal("0.00")),
        },
    )


@login_required
def payment_list(request: HttpRequest) -> HttpResponse:
    form = forms.ReportForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    payments = selectors.payment_list(user=request.user, filters=filters)
    return render(
        request,
        "sales/payment_list.html",
        {
            "payments": (page := page_of(request, payments)),
            "page": page,
            "total": page.paginator.total_label,
        },
    )


@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    refused = False
    form = forms.OpportunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        owner = authority.actor_of(request.user).person
        if owner is None:
            form.add_error(None, _("Only a person in the organization can own an opportunity."))
        else:
            try:
                opportunity = pipeline_services.opportunity_create(owner=owner, user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                add_error_to_form(form, exc)
            except NotAllowed as exc:
                form.add_error(None, exc.message)
                refused = True
            else:
                return redirect("sales:opportunity-detail", pk=opportunity.pk)
    opportunities = selectors.opportunity_list(user=request.user, filters={"q": request.GET.get("q", "")})
    page = page_of(request, opportunities)
    return render(
        request,
        "sales/pipeline.html",
        {
            "form": form,
            "opportunities": page,
            "page": page,
            "forecast": selectors.pipeline_forecast(user=request.user),
        },
        status=403 if refused else 400 if request.method == "POST" and form.errors else 200,
    )


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(selectors.opportunity_list(user=request.user), pk=pk)
    # Two forms on the page: the move (`action=move`, the default) and the forecast category.
    action = (request.POST.get("action") or "move") if request.method == "POST" else ""
    posted_category = action == "category"
    posted_move = action == "move"
    form = forms.MoveForm(request.POST if posted_move else None, initial={"stage": opportunity.stage_id})
    category_form = forms.ForecastCategoryForm(
        request.POST if posted_category else None, initial={"forecast_category": opportunity.forecast_category}
    )
    bound = form if posted_move else category_form if posted_category else None
    if bound is not None and bound.is_valid():
        try:
            if posted_move:
                pipeline_services.opportunity_move(opportunity=opportunity, user=request.user, **form.cleaned_data)
            else:
                pipeline_services.opportunity_update(
                    opportunity=opportunity, user=request.user, **category_form.cleaned_data
                )
        except ApplicationError as exc:
            add_error_to_form(bound, exc)
        else:
            return redirect("sales:opportunity-detail", pk=opportunity.pk)
    history = opportunity.stage_history.select_related("stage", "changed_by")
    return render(
        request,
        "sales/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "form": form,
            "category_form": category_form,
            "history": history,
            "quotations": Quotation.objects.visible_to(request.user).filter(opportunity=opportunity),
        },
        status=400 if bound is not None and bound.errors else 200,
    )


@login_required
def funnel(request: HttpRequest) -> HttpResponse:
    form = forms.ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    group_by = request.GET.get("group_by") or "all"
    result = selectors.funnel(
        user=request.user, group_by=group_by, date_from=data.get("date_from"), date_to=data.get("date_to")
    )
    return render(request, "sales/funnel.html", {"form": form, "funnel": result, "group_by": group_by})


@login_required
def receivables(request: HttpRequest) -> HttpResponse:
    form = forms.ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.receivables_ageing(
        user=request.user, group_by=data.get("group_by") or "customer", as_of=data.get("as_of")
    )
    return render(
        request,
        "sales/receivables.html",
        {"form": form, "rows": rows, "totals": selectors.receivables_totals(rows)},
    )


@login_required
def channels(request: HttpRequest) -> HttpResponse:
    form = forms.ReportForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    period = {"date_from": data.get("date_from"), "date_to": data.get("date_to")}
    return render(
        request,
        "sales/channels.html",
        {
            "form": form,
            "channels": selectors.channel_summary(user=request.user, **period),
            "distributors": selectors.distributor_summary(user=request.user, **period),
        },
    )


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    authority.require(request.user, "sales.import")
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_services.import_job_create(
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("sales:import-detail", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by").defer("content")[:20]
    return render(request, "sales/import_upload.html", {"form": form, "jobs": jobs})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.visible_to(request.user).defer("content"), pk=pk)
    template = "sales/_import_status.html" if request.headers.get("HX-Request") else None
    return render(request, template or "sales/import_detail.html", {"job": job})


urlpatterns = [
    path("sales/orders/", order_list, name="order-list"),
    path("sales/orders/new/", order_create, name="order-create"),
    path("sales/orders/customer-credit/", customer_credit, name="customer-credit"),
    path("sales/orders/<int:pk>/", order_detail, name="order-detail"),
    path("sales/orders/<int:pk>/plan/", order_plan, name="order-plan"),
    path("sales/orders/<int:pk>/history/", order_history, name="order-history"),
    path("sales/orders/<int:pk>/<str:action>/", order_action, name="order-action"),
    path("sales/payments/", payment_list, name="payment-list"),
    path("sales/payments/<int:pk>/confirm/", payment_confirm, name="payment-confirm"),
    path("sales/pipeline/", pipeline, name="pipeline"),
    path("sales/pipeline/<int:pk>/", opportunity_detail, name="opportunity-detail"),
    path("sales/funnel/", funnel, name="funnel"),
    path("sales/receivables/", receivables, name="receivables"),
    path("sales/channels/", channels, name="channels"),
    path("sales/imports/", import_upload, name="import-upload"),
    path("sales/imports/<int:pk>/", import_detail, name="import-detail"),
]
