from django.contrib import admin

from notifications.models import Notification, NotificationChannel
from staff.admin import ScopedAdmin


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["title", "recipient__name", "dedupe_key"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]


@admin.register(NotificationChannel)
class NotificationChannelAdmin(ScopedAdmin):
    list_display = [
        "name",
        "kind",
        "region",
        "send_milestones",
        "send_digest",
        "send_follow_ups",
        "is_active",
        "last_sent_at",
        "last_error",
    ]
    list_filter = ["kind", "is_active", "region"]
    search_fields = ["name", "url"]
    list_select_related = ["region"]
