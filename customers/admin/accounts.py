"""Admin for customers, idle-customer rules, follow-up flags, stakeholders, evaluations, competitors, complaints."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers.models import (
    ClassificationChange,
    Competitor,
    Complaint,
    Customer,
    CustomerEvaluation,
    CustomerMove,
    CustomerReward,
    FollowUp,
    FollowUpFlag,
    IdleCustomerRule,
    PoolLimit,
    Stakeholder,
    StakeholderChange,
)
from staff.admin import ScopedAdmin


class StakeholderInline(admin.TabularInline):
    model = Stakeholder
    extra = 0
    fields = ("name", "title", "role", "attitude", "relationship", "status")


class MoveInline(admin.TabularInline):
    model = CustomerMove
    extra = 0
    fields = ("date", "kind", "from_owner", "to_owner", "reason", "moved_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Moves are written by the services (transfer, pool run, claim), never by hand.
        return False


@admin.register(Customer)
class CustomerAdmin(ScopedAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "classification",
        "owner",
        "team",
        "region",
        "status",
        "credit_rating",
        "pool_due_date",
    )
    list_filter = ("classification", "kind", "status", "credit_rating", "source", "region", "team")
    search_fields = ("code", "name", "industry", "owner__name")
    list_select_related = ("owner", "team", "region")
    raw_id_fields = ("owner", "referred_by")
    inlines = [StakeholderInline, MoveInline]


@admin.register(IdleCustomerRule)
class IdleCustomerRuleAdmin(SimpleHistoryAdmin):
    list_display = (
        "classification",
        "idle_days",
        "warning_days",
        "cooloff_days",
        "protection_days",
        "pool_active",
        "follow_up_days",
        "escalate_after",
        "flag_after",
        "follow_up_active",
    )
    list_filter = ("pool_active", "follow_up_active")
    search_fields = ("classification",)
    list_select_related = ()
    fieldsets = (
        (None, {"fields": ("classification",)}),
        (_("The pool"), {"fields": ("idle_days", "warning_days", "cooloff_days", "protection_days", "pool_active")}),
        (_("Follow-up discipline"), {"fields": ("follow_up_days", "escalate_after", "flag_after", "follow_up_active")}),
    )


@admin.register(PoolLimit)
class PoolLimitAdmin(SimpleHistoryAdmin):
    """Claims per day and holding caps per position and classification (empty: no limit)."""

    list_display = ("position", "classification", "daily_claims", "holding_cap")
    list_editable = ("daily_claims", "holding_cap")
    list_filter = ("position", "classification")
    list_select_related = ()


@admin.register(FollowUpFlag)
class FollowUpFlagAdmin(ScopedAdmin):
    list_display = ("customer", "person", "team", "region", "stage", "days_without_contact", "last_contact", "found_on")
    list_filter = ("stage", "region")
    search_fields = ("customer__name", "person__name")
    list_select_related = ("customer", "person", "team", "region")


@admin.register(CustomerMove)
class CustomerMoveAdmin(ScopedAdmin):
    list_display = ("customer", "date", "kind", "from_owner", "to_owner", "moved_by")
    list_filter = ("kind", "date")
    search_fields = ("customer__name", "customer__code", "reason")
    list_select_related = ("customer", "from_owner", "to_owner", "moved_by")


@admin.register(ClassificationChange)
class ClassificationChangeAdmin(ScopedAdmin):
    list_display = ("customer", "date", "from_classification", "to_classification", "proposed", "changed_by")
    list_filter = ("to_classification", "date")
    search_fields = ("customer__name", "reason")
    list_select_related = ("customer", "changed_by")


@admin.register(Stakeholder)
class StakeholderAdmin(ScopedAdmin):
    list_display = ("name", "customer", "title", "role", "attitude", "relationship", "status")
    list_filter = ("role", "attitude", "status")
    search_fields = ("name", "title", "customer__name")
    list_select_related = ("customer",)
    raw_id_fields = ("customer",)


@admin.register(StakeholderChange)
class StakeholderChangeAdmin(ScopedAdmin):
    list_display = ("stakeholder", "customer", "kind", "date", "replacement", "recorded_by")
    list_filter = ("kind", "date")
    search_fields = ("stakeholder__name", "customer__name")
    list_select_related = ("stakeholder", "customer", "replacement", "recorded_by")


@admin.register(CustomerEvaluation)
class CustomerEvaluationAdmin(ScopedAdmin):
    list_display = ("customer", "period", "overall_score", "grade", "previous_grade", "evaluated_by")
    list_filter = ("grade", "period")
    search_fields = ("customer__name", "reason")
    list_select_related = ("customer", "evaluated_by")


@admin.register(FollowUp)
class FollowUpAdmin(ScopedAdmin):
    list_display = ("person", "customer", "kind", "due_date", "done", "created_on")
    list_filter = ("kind", "done")
    search_fields = ("person__name", "customer__name", "message")
    list_select_related = ("person", "customer")


@admin.register(Competitor)
class CompetitorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "products", "channels")
    list_filter = ()
    search_fields = ("name", "products", "channels")
    list_select_related = ()


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdmin):
    list_display = ("received_on", "customer", "subject", "status", "handled_by", "closed_on")
    list_filter = ("status", "received_on")
    search_fields = ("subject", "customer__name", "resolution")
    list_select_related = ("customer", "handled_by")


@admin.register(CustomerReward)
class CustomerRewardAdmin(ScopedAdmin):
    list_display = ("date", "customer", "kind", "amount", "referral", "granted_by")
    list_filter = ("kind", "date")
    search_fields = ("customer__name", "reason")
    list_select_related = ("customer", "referral", "granted_by")
