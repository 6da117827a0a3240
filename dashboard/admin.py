from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dashboard.models import FollowUpFlag, FollowUpRule
from staff.admin import ScopedAdmin


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(SimpleHistoryAdmin):
    list_display = ["classification", "days", "escalate_after", "flag_after", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["classification"]
    list_select_related = []


@admin.register(FollowUpFlag)
class FollowUpFlagAdmin(ScopedAdmin):
    list_display = ["customer", "person", "team", "region", "stage", "days_without_contact", "last_contact", "found_on"]
    list_filter = ["stage", "region"]
    search_fields = ["customer__name", "person__name"]
    list_select_related = ["customer", "person", "team", "region"]
