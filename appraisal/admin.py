"""Admin for the appraisal app: catalogue and schemes (weights and bands checked as in the
service), scoped scorecards with their history, outcomes, commission and contests."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from appraisal.models import (
    AppraisalPeriod,
    AppraisalScheme,
    CommissionPlan,
    CommissionStatement,
    CommissionTier,
    Contest,
    ContestResult,
    GradeBand,
    ImprovementAction,
    Kpi,
    Outcome,
    SchemeKpi,
    ScoreBand,
    Scorecard,
    ScorecardLine,
)
from appraisal.services.schemes import check_bands, check_weights
from salesorg.exceptions import ApplicationError
from staff.admin import ScopedAdmin


def _live_forms(formset) -> list:
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class SchemeKpiFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        try:
            check_weights([f.cleaned_data.get("weight") or Decimal(0) for f in _live_forms(self)])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error


class BandFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [(f.cleaned_data["lower_percent"], f.cleaned_data.get("upper_percent")) for f in _live_forms(self)]
        if rows:
            try:
                check_bands(rows, field_name="bands")
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from error


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "source", "is_active", "sort_order")
    list_filter = ("unit", "source", "is_active")
    search_fields = ("code", "description")


class SchemeKpiInline(admin.TabularInline):
    model = SchemeKpi
    formset = SchemeKpiFormSet
    extra = 0
    fields = ("kpi", "weight", "target", "rule", "cap_percent", "required", "sort_order")


@admin.register(AppraisalScheme)
class AppraisalSchemeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "position", "version", "valid_from", "is_active")
    list_filter = ("position", "is_active")
    search_fields = ("name",)
    inlines = [SchemeKpiInline]


class ScoreBandInline(admin.TabularInline):
    model = ScoreBand
    formset = BandFormSet
    extra = 0


@admin.register(SchemeKpi)
class SchemeKpiAdmin(admin.ModelAdmin):
    list_display = ("scheme", "kpi", "weight", "target", "rule", "cap_percent", "required")
    list_filter = ("rule", "required", "scheme__position")
    search_fields = ("scheme__name",)
    list_select_related = ("scheme", "kpi")
    inlines = [ScoreBandInline]


@admin.register(GradeBand)
class GradeBandAdmin(admin.ModelAdmin):
    list_display = ("grade", "min_score", "label")
    search_fields = ("grade", "label")
    list_filter = ("grade",)


@admin.register(AppraisalPeriod)
class AppraisalPeriodAdmin(ScopedAdmin):
    list_display = ("period", "region", "team", "status", "values_as_of", "meeting_date", "rankings_published")
    list_filter = ("status", "period_kind", "rankings_published")
    search_fields = ("period",)
    list_select_related = ("region", "team")
    filter_horizontal = ("meeting_participants",)


class ScorecardLineInline(admin.TabularInline):
    model = ScorecardLine
    extra = 0
    can_delete = False
    fields = ("kpi", "weight", "effective_weight", "left_out", "target", "value", "score")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        # Lines are made when a period is opened, never by hand.
        return False


@admin.register(Scorecard)
class ScorecardAdmin(ScopedAdmin):
    list_display = ("person", "appraisal_period", "team", "status", "total_score", "grade", "rank_company")
    list_filter = ("status", "grade", "position", "appraisal_period__period")
    search_fields = ("person__name", "person__employee_no")
    list_select_related = ("person", "appraisal_period", "team", "region")
    readonly_fields = (
        "total_score",
        "grade",
        "rank_team",
        "rank_region",
        "rank_company",
        "values_as_of",
        "computed_at",
        "status",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "acknowledged_by",
        "acknowledged_at",
        "acknowledgement_comment",
    )
    raw_id_fields = ("person", "scheme", "appraisal_period")
    inlines = [ScorecardLineInline]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ScopedAdmin):
    list_display = ("description", "scorecard", "owner", "due_date", "done")
    list_filter = ("done",)
    search_fields = ("description", "owner__name")
    list_select_related = ("scorecard__person", "scorecard__appraisal_period", "owner")


@admin.register(Outcome)
class OutcomeAdmin(ScopedAdmin):
    list_display = ("person", "kind", "amount", "date", "decided_by")
    list_filter = ("kind", "date")
    search_fields = ("person__name", "reason")
    list_select_related = ("person", "decided_by")
    raw_id_fields = ("person", "scorecard", "decided_by")


class CommissionTierInline(admin.TabularInline):
    model = CommissionTier
    formset = BandFormSet
    extra = 0


@admin.register(CommissionPlan)
class CommissionPlanAdmin(SimpleHistoryAdmin):
    list_display = ("name", "metric", "position", "is_active")
    list_filter = ("metric", "position", "is_active")
    search_fields = ("name",)
    inlines = [CommissionTierInline]


@admin.register(CommissionStatement)
class CommissionStatementAdmin(ScopedAdmin):
    list_display = ("person", "plan", "period", "actual", "achievement_rate", "amount", "status")
    list_filter = ("status", "plan", "period")
    search_fields = ("person__name", "person__employee_no")
    list_select_related = ("person", "plan")
    readonly_fields = ("actual", "target", "achievement_rate", "amount", "computed_at")


class ContestResultInline(admin.TabularInline):
    model = ContestResult
    extra = 0
    readonly_fields = ("rank", "person", "team", "actual", "rate")


@admin.register(Contest)
class ContestAdmin(ScopedAdmin):
    list_display = ("name", "period", "metric", "participant_kind", "status", "published")
    list_filter = ("status", "metric", "participant_kind", "published")
    search_fields = ("name",)
    list_select_related = ("created_by",)
    filter_horizontal = ("people", "teams")
    inlines = [ContestResultInline]
