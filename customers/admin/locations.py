from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from customers.models import LocationProposal
from staff.admin import ScopedAdmin


@admin.register(LocationProposal)
class LocationProposalAdmin(ScopedAdmin):
    """Read-only: a proposal is decided on the customer page (the service moves the customer)."""

    list_display = ("proposed_at", "customer", "latitude", "longitude", "proposed_by", "status", "decided_by")
    list_filter = ("status",)
    search_fields = ("customer__name", "customer__code", "note")
    list_select_related = ("customer", "proposed_by", "decided_by")
    raw_id_fields = ("customer", "proposed_by", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
