from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from fieldwork.models import (
    ExpenseClaim,
    ExpensePolicy,
    IntelNote,
    Visit,
    VisitActionRecord,
    VisitComment,
    VisitFrequency,
    VisitKindAction,
    VisitKindRule,
    VisitPhoto,
    VisitPlan,
    VisitPlanItem,
)
from staff.admin import ScopedAdmin


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ("date", "customer", "author", "kind", "team", "region", "distance_m", "evidence")
    list_filter = ("kind", "evidence", "date", "region", "team")
    search_fields = ("customer__name", "author__name", "purpose", "outcome")
    list_select_related = ("customer", "author", "team", "region")
    raw_id_fields = ("customer", "author", "accompanying_manager", "confirmed_by")
    filter_horizontal = ("stakeholders",)
    inlines = [VisitPhotoInline]


@admin.register(ExpenseClaim)
class ExpenseClaimAdmin(ScopedAdmin):
    list_display = ("date", "person", "kind", "amount", "status", "customer", "decided_by")
    list_filter = ("status", "kind", "date", "region", "team")
    search_fields = ("person__name", "description", "customer__name")
    list_select_related = ("person", "customer", "decided_by")
    raw_id_fields = ("person", "customer", "visit")


@admin.register(IntelNote)
class IntelNoteAdmin(ScopedAdmin):
    list_display = ("date", "competitor", "customer", "author")
    list_filter = ("competitor", "date")
    search_fields = ("note", "customer__name", "competitor__name")
    list_select_related = ("competitor", "customer", "author")


@admin.register(VisitKindRule)
class VisitKindRuleAdmin(SimpleHistoryAdmin):
    """The evidence each kind of visit requires: admins edit the radius and what is required."""

    list_display = ("kind", "requires_check_in", "radius_m", "requires_confirmation")
    list_filter = ("requires_check_in", "requires_confirmation")
    search_fields = ("kind",)
    list_select_related = ()


@admin.register(ExpensePolicy)
class ExpensePolicyAdmin(SimpleHistoryAdmin):
    """The expense policy: per category (and position), limits per claim and per month, the amount
    above which a receipt is required, how far back a claim may be dated. Every change is kept."""

    list_display = ("kind", "position", "per_claim_limit", "monthly_limit", "receipt_above", "days_back")
    list_filter = ("kind", "position")


@admin.register(VisitComment)
class VisitCommentAdmin(ScopedAdmin):
    """Read-only: comments are written on the visit page (the service notifies the rep)."""

    list_display = ("created_at", "visit", "author")
    search_fields = ("text", "visit__customer__name", "author__name")
    list_select_related = ("visit__customer", "author")
    raw_id_fields = ("visit", "author")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# Visit plans (issue 19): the frequencies are master data; plans are written by their services
# (drafted, edited, approved in the product), so the admin reads them.


@admin.register(VisitFrequency)
class VisitFrequencyAdmin(SimpleHistoryAdmin):
    list_display = ("classification", "every_days")
    list_editable = ("every_days",)
    list_select_related = ()


class VisitPlanItemInline(admin.TabularInline):
    model = VisitPlanItem
    extra = 0
    can_delete = False
    fields = ("day", "position", "customer", "due_date", "distance_m", "added_by_rep")
    readonly_fields = fields


@admin.register(VisitPlan)
class VisitPlanAdmin(ScopedAdmin):
    list_display = ("week_start", "person", "status", "team", "region", "decided_by")
    list_filter = ("status", "week_start", "region", "team")
    search_fields = ("person__name",)
    list_select_related = ("person", "team", "region", "decided_by")
    readonly_fields = (
        "person",
        "team",
        "region",
        "week_start",
        "status",
        "start_latitude",
        "start_longitude",
        "drafted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    inlines = [VisitPlanItemInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(VisitKindAction)
class VisitKindActionAdmin(SimpleHistoryAdmin):
    """Which actions each kind of visit offers, and which it requires before check-out."""

    list_display = ("kind", "action", "required")
    list_editable = ("required",)
    list_filter = ("kind", "required")


@admin.register(VisitActionRecord)
class VisitActionRecordAdmin(ScopedAdmin):
    # Photos open through the scoped file view; the admin shows the rows, not the files.
    list_display = ("visit", "action", "author", "created_at")
    list_filter = ("action",)
    list_select_related = ("visit__customer", "author")
    raw_id_fields = ("visit", "author", "product", "competitor", "intel_note", "order", "payment")
    exclude = ("image",)
