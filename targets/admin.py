from django.contrib import admin

from staff.admin import ScopedAdmin
from targets.models import (
    Achievement,
    AchievementTrend,
    DistributionTemplate,
    PlanActivity,
    RecomputeRun,
    SalesPlan,
    Target,
)


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    list_display = ("__str__", "owner_kind", "metric", "period", "value", "stretch_value", "status", "version")
    list_filter = ("owner_kind", "metric", "period_kind", "status", "region")
    search_fields = ("period", "person__name", "team__name", "region__name", "note")
    list_select_related = ("person", "team", "region")
    raw_id_fields = ("parent", "person", "team", "region", "approved_by")
    readonly_fields = ("owner_key", "version", "drafted_by", "source", "approved_by", "approved_at")


@admin.register(DistributionTemplate)
class DistributionTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", *DistributionTemplate.WEIGHT_FIELDS)
    search_fields = ("name",)
    list_filter = ()
    list_select_related = ()


class PlanActivityInline(admin.TabularInline):
    model = PlanActivity
    extra = 0
    raw_id_fields = ("owner",)


@admin.register(SalesPlan)
class SalesPlanAdmin(ScopedAdmin):
    list_display = ("title", "owner_kind", "period", "status", "approved_by")
    list_filter = ("owner_kind", "status", "period")
    search_fields = ("title", "person__name", "team__name", "region__name")
    list_select_related = ("person", "team", "region", "approved_by")
    raw_id_fields = ("person", "team", "region", "approved_by")
    filter_horizontal = ("targets",)
    readonly_fields = ("drafted_by",)
    inlines = [PlanActivityInline]


@admin.register(Achievement)
class AchievementAdmin(ScopedAdmin):
    list_display = ("__str__", "metric", "period", "as_of", "actual", "target", "rate", "time_progress", "is_behind")
    list_filter = ("owner_kind", "metric", "period_kind", "is_behind", "as_of")
    search_fields = ("period", "person__name", "team__name", "region__name")
    list_select_related = ("person", "team", "region")

    # Written by the engine only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AchievementTrend)
class AchievementTrendAdmin(ScopedAdmin):
    list_display = ("__str__", "metric", "period", "date", "actual", "rate")
    list_filter = ("owner_kind", "metric", "date")
    search_fields = ("period", "person__name", "team__name", "region__name")
    list_select_related = ("person", "team", "region")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    list_display = ("as_of", "status", "trigger", "mode", "started_at", "finished_at", "rows", "progress", "region_ids")
    list_filter = ("status", "trigger", "mode", "as_of")
    search_fields = ("error", "step")
    list_select_related = ("requested_by",)
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]

    def has_add_permission(self, request):
        return False
