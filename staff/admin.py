from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from salesorg.holidays import NONE as NO_OFFICIAL_CALENDAR
from salesorg.holidays import working_calendar
from staff.models import CalendarDay, CalendarDaySource, EmploymentEvent, EventKind, Person, Region, Team
from staff.services import calendar_day_save, membership


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin base for every scoped model: changelists and object pages follow the data-scope rule.

    An object outside the user's scope answers 404 (not Django's "perhaps it was deleted"
    redirect), so its existence is not revealed.
    """

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

    def _check_in_scope(self, request: HttpRequest, object_id: str | None) -> None:
        if object_id is not None and not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        self._check_in_scope(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._check_in_scope(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._check_in_scope(request, object_id)
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # A model without its own history (events, derived rows, logs): Django's change log,
            # not django-simple-history's page, which needs a history table (was a 500).
            response = admin.ModelAdmin.history_view(self, request, object_id, extra_context)
            if hasattr(response, "template_name"):
                response.template_name = ["admin/object_history.html"]
            return response
        return super().history_view(request, object_id, extra_context)


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ("code", "name", "is_active")


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("code", "name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ("code", "name", "region", "is_active")
    list_filter = ("region", "is_active")
    search_fields = ("code", "name", "region__name")
    list_select_related = ("region",)


class EmploymentEventInline(admin.TabularInline):
    model = EmploymentEvent
    fk_name = "person"
    extra = 0
    fields = ("date", "kind", "reason", "from_team", "to_team", "from_position", "to_position")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Events are written by the services (hire, promote, transfer...), never by hand.
        return False


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ("employee_no", "name", "position", "region", "team", "manager", "status", "hire_date", "data_scope")
    list_filter = ("position", "status", "region", "team", "data_scope")
    search_fields = ("employee_no", "name", "user__username", "phone", "email")
    list_select_related = ("region", "team", "manager", "user")
    autocomplete_fields = ("manager", "user")
    date_hierarchy = "hire_date"
    inlines = [EmploymentEventInline]
    fieldsets = (
        (None, {"fields": ("employee_no", "name", "user", "phone", "email", "language")}),
        (_("Position"), {"fields": ("position", "region", "team", "manager", "hire_date", "status")}),
        (_("Data scope"), {"fields": ("data_scope",)}),
    )
    # Changed only through the employment changes (staff.services), which keep the events and the
    # dated membership that credits records to the unit of their date.
    WORKFLOW_FIELDS = ("position", "region", "team", "manager", "status", "left_on")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        if obj is None:
            return self.fieldsets
        description = _(
            "The position, region, team, manager, status and leaving date change only through the employment "
            "changes on the person's page (transfer, promotion, change of manager, passing probation, "
            "dismissal), which record the event with its date and reason and keep the dated membership."
        )
        position = ("position", "region", "team", "manager", "hire_date", "status", "left_on")
        return (
            self.fieldsets[0],
            (_("Position"), {"fields": position, "description": description}),
            self.fieldsets[2],
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + self.WORKFLOW_FIELDS if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # A person added here starts like a hire: the first membership and the hiring event.
            membership.open_first(obj)
            EmploymentEvent.objects.create(
                person=obj,
                kind=EventKind.HIRED,
                date=obj.hire_date,
                reason=str(_("Hired")),
                to_position=obj.position,
                to_team=obj.team,
                to_manager=obj.manager,
                recorded_by=request.user,
            )


@admin.register(EmploymentEvent)
class EmploymentEventAdmin(ScopedAdmin):
    list_display = ("person", "kind", "date", "from_team", "to_team", "recorded_by")
    list_filter = ("kind", "date")
    search_fields = ("person__name", "person__employee_no", "reason")
    list_select_related = ("person", "from_team", "to_team", "recorded_by")
    date_hierarchy = "date"
    readonly_fields = ("recorded_at",)


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """The official days come from WORKING_CALENDAR; a day saved here becomes the admin's and every
    refresh keeps it. An official day cannot be deleted while there is an official calendar (the
    next refresh would bring it back): change its kind instead."""

    list_display = ("date", "weekday", "kind", "name", "source")
    list_filter = ("source", "kind")
    search_fields = ("name",)
    date_hierarchy = "date"
    fields = ("date", "kind", "name", "source")
    readonly_fields = ("source",)

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, day: CalendarDay) -> str:
        return date_format(day.date, "l")

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        calendar_day_save(day=obj)

    def has_delete_permission(self, request: HttpRequest, obj: CalendarDay | None = None) -> bool:
        # With no official calendar (WORKING_CALENDAR=none) nothing would bring the day back.
        official = obj is not None and obj.source == CalendarDaySource.OFFICIAL
        if official and working_calendar(settings.WORKING_CALENDAR) != NO_OFFICIAL_CALENDAR:
            return False
        return super().has_delete_permission(request, obj)


# --- Recruitment and selection -------------------------------------------------------------------

from staff.models import Candidate, Opening, SelectionStep  # noqa: E402


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ("name", "applied_on", "status", "decided_on", "hired_person")
    readonly_fields = ("status", "decided_on", "hired_person")
    show_change_link = True


@admin.register(Opening)
class OpeningAdmin(ScopedAdmin):
    list_display = ("title", "team", "position", "headcount", "hiring_manager", "opened_on", "status")
    list_filter = ("status", "position", "region", "team")
    search_fields = ("title", "team__name", "hiring_manager__name")
    list_select_related = ("team", "hiring_manager")
    autocomplete_fields = ("hiring_manager",)
    date_hierarchy = "opened_on"
    inlines = [CandidateInline]


class SelectionStepInline(admin.TabularInline):
    model = SelectionStep
    extra = 0
    fields = ("kind", "date", "assessor", "score", "passed", "notes")
    autocomplete_fields = ("assessor",)


@admin.register(Candidate)
class CandidateAdmin(ScopedAdmin):
    list_display = ("name", "opening", "applied_on", "status", "decided_on", "hired_person")
    list_filter = ("status", "region", "team")
    search_fields = ("name", "phone", "email", "opening__title")
    list_select_related = ("opening", "hired_person")
    readonly_fields = ("hired_person",)
    date_hierarchy = "applied_on"
    inlines = [SelectionStepInline]


@admin.register(SelectionStep)
class SelectionStepAdmin(ScopedAdmin):
    list_display = ("candidate", "kind", "date", "assessor", "score", "passed")
    list_filter = ("kind", "passed")
    search_fields = ("candidate__name", "assessor__name")
    list_select_related = ("candidate", "assessor")
    autocomplete_fields = ("assessor",)
