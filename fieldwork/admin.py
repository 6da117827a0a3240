from __future__ import annotations

from django.contrib import admin

from fieldwork.models import ExpenseClaim, IntelNote, Visit, VisitPhoto
from staff.admin import ScopedAdmin


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ("date", "customer", "author", "kind", "team", "region", "distance_m")
    list_filter = ("kind", "date", "region", "team")
    search_fields = ("customer__name", "author__name", "purpose", "outcome")
    list_select_related = ("customer", "author", "team", "region")
    raw_id_fields = ("customer", "author", "accompanying_manager")
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
