from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Delivery, Notification, NotificationChannel
from notifications.services import channel_send_test
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
    actions = ["send_test_message"]

    @admin.action(description=_("Send a test message"))
    def send_test_message(self, request: HttpRequest, queryset: QuerySet[NotificationChannel]) -> None:
        channels = list(queryset)
        for channel in channels:
            channel_send_test(user=request.user, channel=channel)
        self.message_user(
            request,
            ngettext(
                "A test message is on its way to %(count)d channel; its delivery shows under Deliveries.",
                "A test message is on its way to %(count)d channels; their deliveries show under Deliveries.",
                len(channels),
            )
            % {"count": len(channels)},
            messages.SUCCESS,
        )


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    """Deliveries are written by the sending code only: the admin reads them."""

    list_display = [
        "title",
        "channel",
        "email",
        "state",
        "attempts",
        "parts_sent",
        "created_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "channel", "created_at"]
    search_fields = ["title", "email", "last_error"]
    list_select_related = ["channel", "notification"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False
