"""Sales pages: orders, payments, the pipeline and funnel, receivables, the channel view, imports."""

from __future__ import annotations

from decimal import Decimal

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
from sales.models import ImportJob, Order, StepStatus
from sales.services import approvals
from sales.services import imports as import_services
from sales.services import pipeline as pipeline_services
from salesorg.exceptions import ApplicationError, NotAllowed, add_error_to_form
from salesorg.paging import page_of
from staff import authority

PAGE = 200


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    form = forms.OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orders = selectors.order_list(user=request.user, filters=filters)
    page = page_of(request, orders.with_paid())
    return render(
        request,
        "sales/order_list.html",
        {"form": form, "orders": page, "page": page, "total": page.paginator.count},
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


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.order_queryset(user=request.user), pk=pk)
    payments = order.payments.all()
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
            "payment_form": forms.PaymentForm(),
            "reason_form": forms.ReasonForm(),
        },
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
            form = forms.PaymentForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(_("Check the payment."), fields=dict(form.errors))
            services.payment_create(order=order, user=request.user, **form.cleaned_data)
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
            "total": page.paginator.count,
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
    return render(
        request,
        "sales/pipeline.html",
        {
            "form": form,
            "opportunities": opportunities[:PAGE],
            "forecast": selectors.pipeline_forecast(user=request.user),
        },
        status=403 if refused else 400 if request.method == "POST" and form.errors else 200,
    )


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(selectors.opportunity_list(user=request.user), pk=pk)
    form = forms.MoveForm(request.POST or None, initial={"stage": opportunity.stage_id})
    if request.method == "POST" and form.is_valid():
        try:
            pipeline_services.opportunity_move(opportunity=opportunity, user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("sales:opportunity-detail", pk=opportunity.pk)
    history = opportunity.stage_history.select_related("stage", "changed_by")
    return render(
        request,
        "sales/opportunity_detail.html",
        {"opportunity": opportunity, "form": form, "history": history},
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
    path("sales/orders/<int:pk>/<str:action>/", order_action, name="order-action"),
    path("sales/payments/", payment_list, name="payment-list"),
    path("sales/pipeline/", pipeline, name="pipeline"),
    path("sales/pipeline/<int:pk>/", opportunity_detail, name="opportunity-detail"),
    path("sales/funnel/", funnel, name="funnel"),
    path("sales/receivables/", receivables, name="receivables"),
    path("sales/channels/", channels, name="channels"),
    path("sales/imports/", import_upload, name="import-upload"),
    path("sales/imports/<int:pk>/", import_detail, name="import-detail"),
]
