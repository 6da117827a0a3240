"""Pages for customers, the pool, stakeholders, evaluations, visits, expenses, competitors, complaints."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import forms_accounts as forms
from customers import hooks
from customers.domain import check_size
from customers.models import (
    Classification,
    Competitor,
    Complaint,
    Customer,
    FollowUp,
    Stakeholder,
)
from customers.selectors import accounts as account_selectors
from customers.services import accounts as account_services
from customers.services import customer_import, customer_io
from customers.services import pool as pool_services
from customers.views.common import form_page as _form_page
from customers.views.common import post_action as _post_action
from salesorg import exports
from salesorg.exceptions import ApplicationError, add_error_to_form
from salesorg.paging import page_of
from staff import authority


def _customer(request: HttpRequest, pk: int) -> Customer:
    return get_object_or_404(Customer.objects.visible_to(request.user), pk=pk)


# Customers


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    form = forms.CustomerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    customers = account_selectors.customer_list(user=request.user, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "customers/customer_list.html",
        {
            "form": form,
            "customers": (page := page_of(request, customers)),
            "page": page,
            "total": page.paginator.total_label,
            "query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def customer_export(request: HttpRequest) -> HttpResponseBase:
    form = forms.CustomerFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    customers = account_selectors.customer_list(user=request.user, filters=filters)
    table = customer_io.customers_export_table(exports.read_in_transaction(customers.iterator(chunk_size=2000)))
    return exports.export_response(table, filename="customers", fmt=request.GET.get("format", "csv"))


IMPORT_SESSION_KEY = "customers.import"


def _import_page(request: HttpRequest, form: forms.ImportForm, *, status: int, error: str = "") -> HttpResponse:
    return render(
        request,
        "customers/customer_import.html",
        {
            "form": form,
            "error": error,
            "headers_pairs": list(
                zip(customer_import.headers_in("en"), customer_import.headers_in("zh-hans"), strict=True)
            ),
        },
        status=status,
    )


@login_required
def customer_import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a file; its dry run is kept in the session and shown on the next page."""
    authority.require(request.user, "customers.import")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form, status=200)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload, field="file")
            content = upload.read()
            plan = customer_import.plan_import(user=request.user, name=upload.name, content=content)
        except ApplicationError as exc:
            add_error_to_form(
                form, ApplicationError(exc.message, fields={"file": exc.fields.get("file", [exc.message])})
            )
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "name": upload.name,
                "content": base64.b64encode(content).decode(),
                "fingerprint": plan.fingerprint(),
            }
            return redirect("customers:customer-import-preview")
    return _import_page(request, form, status=400)


@login_required
def customer_import_preview(request: HttpRequest) -> HttpResponse:
    """Step 2: the dry run (added, changed field by field, unchanged, refused); POST applies it."""
    authority.require(request.user, "customers.import")
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending:
        if request.method != "POST":
            return redirect("customers:customer-import")
        error = _("Nothing to import: upload the file again.")
        return _import_page(request, forms.ImportForm(), status=400, error=error)
    name, content = pending["name"], base64.b64decode(pending["content"])
    error = ""
    if request.method == "POST":
        try:
            plan = customer_import.apply_import(
                user=request.user, name=name, content=content, fingerprint=pending["fingerprint"]
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            del request.session[IMPORT_SESSION_KEY]
            counts = plan.counts
            messages.success(
                request,
                _("Imported: %(added)s added, %(changed)s changed, %(unchanged)s unchanged.")
                % {k: counts[k] for k in ("added", "changed", "unchanged")},
            )
            return redirect("customers:customer-list")
    try:
        plan = customer_import.plan_import(user=request.user, name=name, content=content)
    except ApplicationError as exc:
        del request.session[IMPORT_SESSION_KEY]
        return _import_page(request, forms.ImportForm(), status=400, error=exc.message)
    if plan.fingerprint() != pending["fingerprint"]:
        # The customers moved since the upload: this page now shows the current dry run.
        request.session[IMPORT_SESSION_KEY] = {**pending, "fingerprint": plan.fingerprint()}
    return render(
        request,
        "customers/customer_import_preview.html",
        {"plan": plan, "counts": plan.counts, "file_name": name, "error": error},
        status=400 if error else 200,
    )


@login_required
def customer_import_template(request: HttpRequest) -> HttpResponse:
    """The import template (XLSX): the header row in the user's language (or `?lang=`), one example."""
    authority.require(request.user, "customers.import")
    language = request.GET.get("lang") if request.GET.get("lang") in ("en", "zh-hans") else None
    content = customer_import.template_workbook(language)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="customers-template.xlsx"'
    return response


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    form = forms.CustomerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code, owner = data.pop("code"), data.pop("owner")
        allow_duplicate = bool(data.pop("confirm_duplicate", False))
        try:
            customer = account_services.customer_create(
                user=request.user, code=code, owner=owner, data=data, allow_duplicate=allow_duplicate
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
            if {"name", "tax_number"} & set(exc.fields) and form.cleaned_data is not None:
                form.offer_duplicate_confirm()
        else:
            return redirect("customers:customer-detail", pk=customer.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, title=_("New customer"), back=reverse("customers:customer-list"), status=status)


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    authority.require(request.user, "customers.edit", customer)
    initial = {f: getattr(customer, f) for f in forms.CustomerForm.base_fields if hasattr(customer, f)}
    may_manage = authority.allowed(request.user, "customers.manage", customer)
    locked = () if may_manage else account_services.MANAGED_FIELDS
    form = forms.CustomerForm(request.POST or None, user=request.user, editing=True, initial=initial, locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.customer_update(user=request.user, customer=customer, data=form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:customer-detail", pk=customer.pk)
    status = 400 if request.method == "POST" else 200
    back = reverse("customers:customer-detail", args=[pk])
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": customer.name}, back=back, status=status)


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(
        Customer.objects.visible_to(request.user).select_related("owner", "team", "region", "referred_by"), pk=pk
    )
    today = timezone.localdate()
    context = account_selectors.customer_detail_context(user=request.user, customer=customer)
    # Which forms show is the template's question to the authority rule (`{% may %}`).
    context.update(
        customer=customer,
        today=today,
        days_left=customer.pool_days_left(today),
        proposed_label=Classification(account_services.customer_proposed_classification(customer, today=today)).label,
        transfer_form=forms.TransferForm(user=request.user),
        classify_form=forms.ClassifyForm(initial={"classification": customer.classification}),
        release_form=forms.ReleaseForm(),
    )
    return render(request, "customers/customer_detail.html", context)


@login_required
@require_POST
def customer_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    # Asked before the form: a rep hears 403, not "choose a person".
    authority.require(request.user, "customers.transfer", customer)
    form = forms.TransferForm(request.POST, user=request.user)
    return _post_action(
        request,
        form,
        lambda d: account_services.customer_transfer(
            user=request.user, customer=customer, to_owner=d["to_owner"], reason=d["reason"]
        ),
        success=_("Customer transferred."),
        back=reverse("customers:customer-detail", args=[pk]),
    )


@login_required
@require_POST
def customer_classify(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return _post_action(
        request,
        forms.ClassifyForm(request.POST),
        lambda d: account_services.customer_classify(
            user=request.user, customer=customer, classification=d["classification"], reason=d["reason"]
        ),
        success=_("Classification saved."),
        back=reverse("customers:customer-detail", args=[pk]),
    )


@login_required
@require_POST
def customer_release(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    return _post_action(
        request,
        forms.ReleaseForm(request.POST),
        lambda d: pool_services.customer_release(user=request.user, customer=customer, reason=d["reason"]),
        success=_("Customer released to the pool."),
        back=reverse("customers:pool"),
    )


@login_required
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = forms.EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_services.evaluation_create(
                user=request.user,
                customer=customer,
                period=data["period"],
                scores={f: data[f] for f in account_services.SCORE_FIELDS},
                reason=data["reason"],
                response_plan=data["response_plan"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:customer-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    back = reverse("customers:customer-detail", args=[pk])
    return _form_page(request, form, title=_("Evaluate %(name)s") % {"name": customer.name}, back=back, status=status)


@login_required
def stakeholder_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = forms.StakeholderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.stakeholder_create(user=request.user, customer=customer, data=form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:customer-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    back = reverse("customers:customer-detail", args=[pk])
    return _form_page(request, form, title=_("New stakeholder"), back=back, status=status)


@login_required
def stakeholder_change(request: HttpRequest, pk: int) -> HttpResponse:
    stakeholder = get_object_or_404(Stakeholder.objects.visible_to(request.user).select_related("customer"), pk=pk)
    form = forms.StakeholderChangeForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        replacement = {"name": data["replacement_name"]} if data["replacement_name"] else None
        if replacement and data["replacement_title"]:
            replacement["title"] = data["replacement_title"]
        try:
            account_services.stakeholder_change(
                user=request.user,
                stakeholder=stakeholder,
                kind=data["kind"],
                date_=data["date"],
                note=data["note"],
                replacement=replacement,
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:customer-detail", pk=stakeholder.customer_id)
    status = 400 if request.method == "POST" else 200
    back = reverse("customers:customer-detail", args=[stakeholder.customer_id])
    return _form_page(
        request, form, title=_("%(name)s left or was replaced") % {"name": stakeholder.name}, back=back, status=status
    )


@login_required
def complaint_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    form = forms.ComplaintForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            account_services.complaint_create(user=request.user, customer=customer, data=form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:customer-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    back = reverse("customers:customer-detail", args=[pk])
    return _form_page(request, form, title=_("New complaint"), back=back, status=status)


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    complaints = account_selectors.complaint_list(user=request.user, filters={"status": status})
    page = page_of(request, complaints)
    return render(request, "customers/complaint_list.html", {"complaints": page, "page": page, "status": status})


@login_required
def complaint_update(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user).select_related("customer"), pk=pk)
    form = forms.ComplaintUpdateForm(
        request.POST or None, initial={"status": complaint.status, "resolution": complaint.resolution}
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_services.complaint_update(user=request.user, complaint=complaint, data=form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:complaint-list")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, title=complaint.subject, back=reverse("customers:complaint-list"), status=status)


@login_required
def reward_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    authority.require(request.user, "customers.manage", customer)
    form = forms.RewardForm(
        request.POST or None, customer=customer, user=request.user, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_services.reward_create(
                user=request.user,
                customer=customer,
                kind=data["kind"],
                amount=data["amount"],
                reason=data["reason"],
                date_=data["date"],
                referral=data["referral"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:customer-detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    back = reverse("customers:customer-detail", args=[pk])
    return _form_page(request, form, title=_("Reward %(name)s") % {"name": customer.name}, back=back, status=status)


# The pool


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k) for k in ("q", "classification", "pool") if request.GET.get(k)}
    customers = account_selectors.pool_list(user=request.user, filters=filters)
    actor = authority.actor_of(request.user)
    return render(
        request,
        "customers/pool.html",
        {
            "customers": (page := page_of(request, customers)),
            "page": page,
            "total": page.paginator.total_label,
            "filters": filters,
            "limits": account_selectors.pool_limits_of(person=actor.person, today=timezone.localdate()),
        },
    )


@login_required
def pool_assign(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(account_selectors.pool_list(user=request.user), pk=pk)
    # Asked before the form: a rep hears 403, not "choose a person".
    authority.require(request.user, "customers.assign", customer)
    form = forms.AssignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pool_services.customer_assign(
                user=request.user,
                customer=customer,
                to_owner=form.cleaned_data["to_owner"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s is assigned.") % {"name": customer.name})
            return redirect("customers:pool")
    status = 400 if request.method == "POST" else 200
    title = _("Assign %(name)s from the pool") % {"name": customer.name}
    return _form_page(request, form, title=title, back=reverse("customers:pool"), status=status)


@login_required
@require_POST
def pool_open_to_company(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(account_selectors.pool_list(user=request.user), pk=pk)
    try:
        pool_services.customer_open_to_company(user=request.user, customer=customer)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("customers:pool")
    messages.success(request, _("%(name)s is open to the company pool.") % {"name": customer.name})
    return redirect("customers:pool")


@login_required
@require_POST
def pool_claim(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(account_selectors.pool_list(user=request.user), pk=pk)
    try:
        pool_services.customer_claim(user=request.user, customer=customer)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("customers:pool")
    messages.success(request, _("%(name)s is now your customer.") % {"name": customer.name})
    return redirect("customers:customer-detail", pk=pk)


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    follow_ups = account_selectors.follow_up_list(user=request.user)
    page = page_of(request, follow_ups)
    return render(request, "customers/follow_up_list.html", {"follow_ups": page, "page": page})


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=pk)
    account_services.follow_up_done(user=request.user, follow_up=follow_up)
    return redirect("customers:follow-up-list")


# Competitors and intelligence


@login_required
def competitor_list(request: HttpRequest) -> HttpResponse:
    competitors = Competitor.objects.visible_to(request.user)
    context = {
        "competitors": competitors,
        # What the apps above offer here (fieldwork: file intelligence, the latest notes).
        "page_actions": hooks.page_actions("competitors", request.user),
        "panels": hooks.page_panels("competitors", request.user),
    }
    return render(request, "customers/competitor_list.html", context)


@login_required
def competitor_create(request: HttpRequest) -> HttpResponse:
    authority.require(request.user, "catalogue.manage")
    form = forms.CompetitorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.competitor_save(user=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return redirect("customers:competitor-list")
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request, form, title=_("New competitor"), back=reverse("customers:competitor-list"), status=status
    )


urlpatterns = [
    path("", customer_list, name="customer-list"),
    path("new/", customer_create, name="customer-create"),
    path("export/", customer_export, name="customer-export"),
    path("import/", customer_import_upload, name="customer-import"),
    path("import/preview/", customer_import_preview, name="customer-import-preview"),
    path("import/template/", customer_import_template, name="customer-import-template"),
    path("<int:pk>/", customer_detail, name="customer-detail"),
    path("<int:pk>/edit/", customer_edit, name="customer-edit"),
    path("<int:pk>/transfer/", customer_transfer, name="customer-transfer"),
    path("<int:pk>/classify/", customer_classify, name="customer-classify"),
    path("<int:pk>/release/", customer_release, name="customer-release"),
    path("<int:pk>/evaluate/", evaluation_create, name="evaluation-create"),
    path("<int:pk>/stakeholders/new/", stakeholder_create, name="stakeholder-create"),
    path("<int:pk>/complaints/new/", complaint_create, name="complaint-create"),
    path("<int:pk>/rewards/new/", reward_create, name="reward-create"),
    path("stakeholders/<int:pk>/change/", stakeholder_change, name="stakeholder-change"),
    path("pool/", pool, name="pool"),
    path("pool/<int:pk>/claim/", pool_claim, name="pool-claim"),
    path("pool/<int:pk>/assign/", pool_assign, name="pool-assign"),
    path("pool/<int:pk>/open-to-company/", pool_open_to_company, name="pool-open-to-company"),
    path("follow-ups/", follow_up_list, name="follow-up-list"),
    path("follow-ups/<int:pk>/done/", follow_up_done, name="follow-up-done"),
    path("complaints/", complaint_list, name="complaint-list"),
    path("complaints/<int:pk>/", complaint_update, name="complaint-update"),
    path("competitors/", competitor_list, name="competitor-list"),
    path("competitors/new/", competitor_create, name="competitor-create"),
]
