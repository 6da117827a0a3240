"""Admin for products, pipeline stages, opportunities, quotations, orders, payments and ERP imports.

Amounts change only through the services (so totals, splits and plans stay exact): order lines,
shares, instalments and payments are read-only here; actions approve and cancel; the import page
checks a file (dry run) and imports it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from sales import services
from sales.models import (
    ApprovalRule,
    CreditShare,
    ImportJob,
    ImportKind,
    Instalment,
    Opportunity,
    OpportunityStageChange,
    Order,
    OrderApprovalStep,
    OrderLine,
    Payment,
    PipelineStage,
    Product,
    Quotation,
    QuotationApprovalStep,
    QuotationLine,
)
from sales.services import imports as import_services
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.admin import ScopedAdmin


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product_line", "list_price", "unit_cost", "is_active")
    list_filter = ("product_line", "is_active")
    search_fields = ("code", "name")
    list_select_related = ()


@admin.register(PipelineStage)
class PipelineStageAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "probability", "is_won", "is_lost", "is_active")
    list_editable = ("order", "probability", "is_active")
    list_filter = ("is_won", "is_lost", "is_active")
    search_fields = ("name",)
    list_select_related = ()


class StageChangeInline(admin.TabularInline):
    model = OpportunityStageChange
    extra = 0
    fields = ("stage", "entered_at", "left_at", "days", "changed_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Opportunity)
class OpportunityAdmin(ScopedAdmin):
    list_display = ("name", "customer", "owner", "team", "region", "stage", "expected_amount", "expected_close_date")
    list_filter = ("stage", "region", "team")
    search_fields = ("name", "customer__name", "owner__name")
    list_select_related = ("customer", "owner", "team", "region", "stage")
    autocomplete_fields = ("customer", "owner")
    readonly_fields = ("team", "region", "stage", "stage_entered_at", "closed_on")
    inlines = [StageChangeInline]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product", "quantity", "unit_price", "unit_cost", "amount", "cost")


class CreditShareInline(ReadOnlyInline):
    model = CreditShare
    fields = ("rep", "team", "region", "percent", "is_primary", "amount", "margin")


class InstalmentInline(ReadOnlyInline):
    model = Instalment
    fields = ("due_date", "amount", "paid_amount", "status", "reminded_on")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("date", "amount", "reference")


class ApprovalStepInline(ReadOnlyInline):
    model = OrderApprovalStep
    fields = (
        "sequence",
        "level",
        "planned_level",
        "status",
        "why",
        "waiting_since",
        "escalated_at",
        "decided_by",
        "decided_at",
        "reason",
    )


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(SimpleHistoryAdmin):
    """The approval matrix: each active rule whose conditions all hold asks for its level's
    approval; the steps follow the rules' step numbers."""

    list_display = (
        "step",
        "name",
        "level",
        "min_amount",
        "min_discount_percent",
        "credit_state",
        "credit_ratings",
        "classifications",
        "hold",
        "is_active",
    )
    list_display_links = ("name",)
    list_editable = ("is_active",)
    list_filter = ("level", "is_active", "hold")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV or Excel)"))
    dry_run = forms.BooleanField(label=_("Dry run (check only)"), required=False, initial=True)


@admin.register(Order)
class OrderAdmin(ScopedAdmin):
    list_display = ("number", "erp_no", "customer", "date", "status", "channel", "total_amount", "total_cost")
    list_filter = ("status", "channel", "date")
    search_fields = ("number", "erp_no", "customer__name", "customer__code")
    list_select_related = ("customer",)
    date_hierarchy = "date"
    readonly_fields = (
        "number",
        "status",
        "total_amount",
        "total_cost",
        "approved_by",
        "approved_at",
        "approval_reason",
        "approval_hold",
        "cancel_reason",
        "created_by",
    )
    fields = (
        "number",
        "erp_no",
        "customer",
        "distributor",
        "date",
        "channel",
        "payment_terms_days",
        "note",
        *readonly_fields[1:],
    )
    autocomplete_fields = ("customer", "distributor")
    inlines = [OrderLineInline, CreditShareInline, InstalmentInline, PaymentInline, ApprovalStepInline]
    actions = ["approve_orders"]
    change_list_template = "sales/admin_order_changelist.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New orders come from the order page, the API or an import (the service keeps them exact).
        return False

    @admin.action(description=_("Approve the selected orders"))
    def approve_orders(self, request: HttpRequest, queryset: Any) -> None:
        approved = 0
        for order in queryset:
            try:
                services.order_approve(order=order, user=request.user)
                approved += 1
            except (ApplicationError, NotAllowed) as exc:
                self.message_user(request, f"{order}: {exc.message}", messages.ERROR)
        self.message_user(request, _("%(n)s order(s) approved.") % {"n": approved})

    def get_urls(self) -> list:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="sales_order_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_services.import_run(
                    kind=form.cleaned_data["kind"],
                    content=upload.read(),
                    file_name=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                    user=request.user,
                )
            except (ApplicationError, NotAllowed) as exc:
                form.add_error("file", exc.message)
        context = {**self.admin_site.each_context(request), "form": form, "result": result, "title": _("Import")}
        return render(request, "sales/admin_import.html", context)


@admin.register(Payment)
class PaymentAdmin(ScopedAdmin):
    list_display = ("order", "date", "amount", "reference", "created_at")
    list_filter = ("date",)
    search_fields = ("order__number", "order__erp_no", "reference", "order__customer__name")
    list_select_related = ("order",)
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Instalment)
class InstalmentAdmin(ScopedAdmin):
    list_display = ("order", "due_date", "amount", "paid_amount", "status", "reminded_on")
    list_filter = ("status", "due_date")
    search_fields = ("order__number", "order__customer__name")
    list_select_related = ("order",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportJob)
class ImportJobAdmin(ScopedAdmin):
    list_display = ("file_name", "kind", "dry_run", "status", "total_rows", "created_by", "created_at")
    list_filter = ("kind", "status", "dry_run")
    search_fields = ("file_name",)
    list_select_related = ("created_by",)
    exclude = ("content",)
    readonly_fields = (
        "kind",
        "file_name",
        "dry_run",
        "status",
        "total_rows",
        "processed_rows",
        "errors",
        "summary",
        "created_by",
        "finished_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class QuotationLineInline(ReadOnlyInline):
    model = QuotationLine
    fields = ("product", "quantity", "list_price", "discount_percent", "unit_price", "amount")


class QuotationStepInline(ReadOnlyInline):
    model = QuotationApprovalStep
    fields = (
        "sequence",
        "level",
        "status",
        "why",
        "waiting_since",
        "escalated_at",
        "decided_by",
        "decided_at",
        "reason",
    )


@admin.register(Quotation)
class QuotationAdmin(ScopedAdmin):
    """Read only: quotations change through their pages and the API (the services keep the
    amounts, the approval steps and the history)."""

    list_display = ("number", "customer", "owner", "date", "valid_until", "status", "total_amount")
    list_filter = ("status", "date")
    search_fields = ("number", "customer__name", "customer__code")
    list_select_related = ("customer", "owner")
    date_hierarchy = "date"
    fields = (
        "number",
        "customer",
        "opportunity",
        "owner",
        "team",
        "region",
        "created_by",
        "date",
        "valid_until",
        "status",
        "total_amount",
        "approval_reason",
        "order",
        "notes",
    )
    readonly_fields = fields
    inlines = [QuotationLineInline, QuotationStepInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
