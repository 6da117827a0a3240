"""Admin for training: every scoped model goes through ScopedAdmin (scoped changelist, 404 outside scope)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from staff.admin import ScopedAdmin
from training.models import (
    ActionItem,
    ClassSession,
    CoachingSession,
    Course,
    CourseMaterial,
    Enrollment,
    FollowUp,
    Onboarding,
    ReportComment,
    RequiredCourse,
    ReviewMeeting,
    ReviewQuestion,
    SuggestionRule,
    TrainingSuggestion,
    WorkReport,
    WorkReportRule,
)

# Links typed without a scheme are taken as https (Django 6's default).
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class CourseMaterialInline(admin.StackedInline):
    model = CourseMaterial
    extra = 0
    formfield_overrides = URL_HTTPS


class RequiredCourseInline(admin.TabularInline):
    model = RequiredCourse
    extra = 0


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "kind", "onboarding_topic", "topic", "hours", "is_active")
    list_filter = ("kind", "is_active", "onboarding_topic")
    search_fields = ("code", "title", "topic", "description")
    inlines = [CourseMaterialInline, RequiredCourseInline]


@admin.register(CourseMaterial)
class CourseMaterialAdmin(admin.ModelAdmin):
    formfield_overrides = URL_HTTPS
    list_display = ("title", "course", "kind")
    list_filter = ("kind", "course__kind")
    search_fields = ("title", "course__title", "course__code")
    list_select_related = ("course",)


@admin.register(RequiredCourse)
class RequiredCourseAdmin(admin.ModelAdmin):
    list_display = ("course", "position", "due_days")
    list_filter = ("position", "course__kind")
    search_fields = ("course__title", "course__code")
    list_select_related = ("course",)


@admin.register(ClassSession)
class ClassSessionAdmin(ScopedAdmin):
    list_display = ("course", "date", "start_time", "location", "trainer", "team", "region")
    list_filter = ("date", "course__kind", "region")
    search_fields = ("course__title", "location", "trainer__name")
    list_select_related = ("course", "trainer", "team", "region")
    autocomplete_fields = ("trainer",)
    date_hierarchy = "date"


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ("course", "status", "due_on", "completed_on", "score")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Onboarding)
class OnboardingAdmin(ScopedAdmin):
    list_display = ("person", "team", "started_on", "due_on", "completed_on")
    list_filter = ("region", "team", "completed_on")
    search_fields = ("person__name", "person__employee_no")
    list_select_related = ("person", "team")
    autocomplete_fields = ("person",)
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdmin):
    list_display = ("person", "course", "status", "enrolled_on", "due_on", "completed_on", "score")
    list_filter = ("status", "course__kind", "region", "team")
    search_fields = ("person__name", "person__employee_no", "course__title", "course__code")
    list_select_related = ("person", "course")
    autocomplete_fields = ("person",)
    date_hierarchy = "enrolled_on"


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fk_name = "session"
    extra = 0
    fields = ("title", "owner", "due_on", "status", "done_on")
    autocomplete_fields = ("owner",)


@admin.register(CoachingSession)
class CoachingSessionAdmin(ScopedAdmin):
    list_display = ("date", "kind", "person", "coach", "team", "visit")
    list_filter = ("kind", "region", "team", "date")
    search_fields = ("person__name", "coach__name", "topic", "discussed")
    list_select_related = ("person", "coach", "team", "visit")
    autocomplete_fields = ("person", "coach")
    raw_id_fields = ("visit",)
    filter_horizontal = ("attendees",)
    date_hierarchy = "date"
    inlines = [ActionItemInline]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ("date", "author", "note")
    autocomplete_fields = ("author",)


@admin.register(ActionItem)
class ActionItemAdmin(ScopedAdmin):
    list_display = ("title", "owner", "coach", "due_on", "status", "done_on")
    list_filter = ("status", "due_on", "region", "team")
    search_fields = ("title", "owner__name", "coach__name")
    list_select_related = ("owner", "coach")
    autocomplete_fields = ("owner", "coach")
    raw_id_fields = ("session",)
    date_hierarchy = "due_on"
    inlines = [FollowUpInline]


@admin.register(WorkReportRule)
class WorkReportRuleAdmin(ScopedAdmin):
    list_display = ("team", "kind", "due_days_after", "due_time", "is_active")
    list_filter = ("kind", "is_active", "team__region")
    search_fields = ("team__name", "team__code")
    list_select_related = ("team",)


class ReportCommentInline(admin.TabularInline):
    model = ReportComment
    extra = 0
    fields = ("author", "text", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("author",)


@admin.register(WorkReport)
class WorkReportAdmin(ScopedAdmin):
    list_display = ("person", "kind", "period_start", "period_end", "submitted_at", "is_late")
    list_filter = ("kind", "is_late", "region", "team")
    search_fields = ("person__name", "person__employee_no", "summary")
    list_select_related = ("person",)
    autocomplete_fields = ("person",)
    readonly_fields = ("numbers", "submitted_at")
    date_hierarchy = "period_start"
    inlines = [ReportCommentInline]


@admin.register(SuggestionRule)
class SuggestionRuleAdmin(admin.ModelAdmin):
    list_display = ("kpi_code", "course_topic", "course_kind", "coaching_topic", "is_active")
    list_filter = ("course_kind", "is_active")
    search_fields = ("kpi_code", "course_topic", "coaching_topic")


@admin.register(TrainingSuggestion)
class TrainingSuggestionAdmin(ScopedAdmin):
    list_display = ("person", "period", "kpi_code", "value", "target", "course", "status", "decided_by")
    list_filter = ("status", "kpi_code", "period", "region")
    search_fields = ("person__name", "person__employee_no", "kpi_code")
    list_select_related = ("person", "course", "decided_by")
    autocomplete_fields = ("person", "decided_by")


@admin.register(ReviewQuestion)
class ReviewQuestionAdmin(SimpleHistoryAdmin):
    """The questions every review meeting goes through: reword, reorder, add or retire them."""

    list_display = ("label", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_display_links = ("label",)


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(ScopedAdmin):
    list_display = ("period", "team", "region", "date", "held_by")
    list_filter = ("period", "region", "team")
    list_select_related = ("team", "region", "held_by")
    autocomplete_fields = ("held_by",)
    raw_id_fields = ("outcomes",)
    date_hierarchy = "date"
