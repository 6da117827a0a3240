"""API of the targets app: targets (with breakdown/allocation/approval), templates, achievements, runs."""

from __future__ import annotations

import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from salesorg.api import ScopedPrimaryKeyRelatedField
from salesorg.exceptions import ApplicationError
from staff.models import Person, Region, Team
from targets import selectors, services
from targets.models import (
    Achievement,
    DistributionTemplate,
    Metric,
    OwnerKind,
    PeriodKind,
    RecomputeRun,
    Target,
    TargetStatus,
)


class TargetSerializer(serializers.ModelSerializer):
    owner_label = serializers.CharField(read_only=True)
    needs_acknowledgement = serializers.BooleanField(read_only=True)
    # The sum of every target held below (the regions', teams' or reps' of the same metric and
    # period, however they were made) and the value minus it; null for a rep's target.
    children_total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, allow_null=True)
    gap = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, allow_null=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)
    # The owner: looked up in the user's scope, so a hidden id answers like a missing one.
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    team = ScopedPrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    person = ScopedPrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "owner_kind",
            "owner_key",
            "owner_label",
            "region",
            "team",
            "person",
            "metric",
            "period",
            "period_kind",
            "value",
            "stretch_value",
            "parent",
            "status",
            "version",
            "drafted_by",
            "source",
            "approved_by",
            "approved_at",
            "acknowledged_version",
            "acknowledged_by",
            "acknowledged_at",
            "needs_acknowledgement",
            "children_total",
            "gap",
            "note",
            "updated_at",
            "reason",
        ]
        read_only_fields = [
            "owner_key",
            "period_kind",
            "parent",
            "status",
            "drafted_by",
            "source",
            "approved_by",
            "approved_at",
            "acknowledged_version",
            "acknowledged_by",
            "acknowledged_at",
            "updated_at",
        ]
        extra_kwargs = {"version": {"required": False}}
        # Uniqueness is the service's check (it names the field); the key column is computed.
        validators = []


class TargetFilter(django_filters.FilterSet):
    owner_kind = django_filters.ChoiceFilter(choices=OwnerKind.choices)
    metric = django_filters.ChoiceFilter(choices=Metric.choices)
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices)
    status = django_filters.ChoiceFilter(choices=TargetStatus.choices)
    year = django_filters.CharFilter(field_name="period", lookup_expr="startswith")
    acknowledged = django_filters.BooleanFilter(method="filter_acknowledged", label="acknowledged")

    class Meta:
        model = Target
        fields = [
            "owner_kind",
            "owner_key",
            "region",
            "team",
            "person",
            "metric",
            "period",
            "period_kind",
            "status",
            "parent",
        ]

    def filter_acknowledged(self, queryset, name, value):
        """false: approved targets whose owner has not acknowledged the current version."""
        unacknowledged = queryset.unacknowledged()
        return unacknowledged if value is False else queryset.exclude(pk__in=unacknowledged.values("pk"))


class BulkApprovalSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    metric = serializers.ChoiceField(choices=Metric.choices, required=False, allow_blank=True)
    # The unit: looked up in the user's scope (a hidden id answers like a missing one); none: all.
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    team = ScopedPrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)


class BulkApprovalResultSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    left = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=services.BREAKDOWN_METHODS)
    template = ScopedPrimaryKeyRelatedField(
        queryset=DistributionTemplate.objects.all(), required=False, allow_null=True
    )
    # Required (non-empty) when the target or its breakdown is approved: then it is a revision.
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AllocationSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=services.ALLOCATION_METHODS)
    weights = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0), required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class TargetChangeSerializer(serializers.Serializer):
    """One change in a target's history, as `GET /api/v1/targets/{id}/history/` lists it."""

    who = serializers.CharField(allow_null=True)
    when = serializers.DateTimeField()
    old_value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    new_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    status = serializers.CharField()
    reason = serializers.CharField(allow_blank=True, allow_null=True)


class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["period", "metric", "value", "owner_kind"]

    def get_queryset(self):
        return selectors.with_children_totals(selectors.target_list(user=self.request.user))

    def _reread(self, targets: list[Target]) -> list[Target]:
        """The written rows again, with their children's totals and gaps (one query)."""
        rows = {t.pk: t for t in self.get_queryset().filter(pk__in=[t.pk for t in targets])}
        return [rows[t.pk] for t in targets if t.pk in rows]

    def _answer(self, target: Target, **kwargs) -> Response:
        rows = self._reread([target])
        return Response(self.get_serializer(rows[0] if rows else target).data, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = services.target_create(
            user=request.user,
            owner_kind=data["owner_kind"],
            metric=data["metric"],
            period=data["period"],
            value=data["value"],
            stretch_value=data.get("stretch_value"),
            region=data.get("region"),
            team=data.get("team"),
            person=data.get("person"),
            note=data.get("note", ""),
        )
        return self._answer(target, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        target = self.get_object()
        if "version" not in request.data:
            raise ApplicationError("Send the version you edited.", fields={"version": ["This field is required."]})
        serializer = self.get_serializer(target, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kwargs = {"stretch_value": data["stretch_value"]} if "stretch_value" in data else {}
        target = services.target_update(
            user=request.user,
            target=target,
            version=request.data["version"],
            value=data.get("value"),
            reason=data.get("reason", ""),
            **kwargs,
        )
        return self._answer(target)

    @action(detail=True, methods=["post"])
    def breakdown(self, request, pk=None):
        target = self.get_object()
        serializer = BreakdownSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        children = services.target_breakdown(user=request.user, target=target, **serializer.validated_data)
        return Response(self.get_serializer(self._reread(children), many=True).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        target = self.get_object()
        serializer = AllocationSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        children = services.target_allocate(user=request.user, target=target, **serializer.validated_data)
        return Response(
            {
                "gap": str(services.allocation_gap(target)),
                "children": self.get_serializer(self._reread(children), many=True).data,
            },
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a draft; a yearly target is approved with its draft quarters and months."""
        target = services.target_approve(user=request.user, target=self.get_object())
        return self._answer(target)

    @extend_schema(request=BulkApprovalSerializer, responses=BulkApprovalResultSerializer)
    @action(detail=False, methods=["post"], url_path="approve-bulk")
    def approve_bulk(self, request):
        """Approve every draft of a year of a unit (and everyone in it) that you may approve."""
        serializer = BulkApprovalSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.targets_approve_bulk(
            user=request.user,
            targets=selectors.target_list(user=request.user),
            year=data["year"],
            metric=data.get("metric") or None,
            region=data.get("region"),
            team=data.get("team"),
        )
        return Response(result)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The owner acknowledges the approved target (a year with its quarters and months)."""
        target = services.target_acknowledge(user=request.user, target=self.get_object())
        return self._answer(target)

    @extend_schema(responses=TargetChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        changes = services.target_history(self.get_object())
        return Response(
            [
                {
                    "who": c["who"].get_username() if c["who"] else None,
                    "when": c["when"].isoformat(),
                    "old_value": str(c["old_value"]) if c["old_value"] is not None else None,
                    "new_value": str(c["new_value"]),
                    "status": c["status"],
                    "reason": c["reason"],
                }
                for c in changes
            ]
        )


class DistributionTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DistributionTemplate
        fields = ["id", "name", *DistributionTemplate.WEIGHT_FIELDS]

    def validate(self, attrs):
        for name in DistributionTemplate.WEIGHT_FIELDS:
            if name in attrs and attrs[name] < 0:
                raise serializers.ValidationError({name: ["A weight is 0 or more."]})
        return attrs


class DistributionTemplateViewSet(viewsets.ModelViewSet):
    """A company catalogue every signed-in user reads; writes: rule targets.catalogue (the service)."""

    serializer_class = DistributionTemplateSerializer
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.template_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.distribution_template_save(
            user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.distribution_template_save(
            user=self.request.user, data=serializer.validated_data, template=serializer.instance
        )

    def perform_destroy(self, instance):
        services.distribution_template_delete(user=self.request.user, template=instance)


class AchievementSerializer(serializers.ModelSerializer):
    owner_label = serializers.CharField(read_only=True)

    class Meta:
        model = Achievement
        fields = [
            "id",
            "owner_kind",
            "owner_key",
            "owner_label",
            "region",
            "team",
            "person",
            "metric",
            "period",
            "period_kind",
            "as_of",
            "actual",
            "target",
            "stretch",
            "rate",
            "stretch_rate",
            "time_progress",
            "is_behind",
            "computed_at",
        ]


class AchievementFilter(django_filters.FilterSet):
    owner_kind = django_filters.ChoiceFilter(choices=OwnerKind.choices)
    metric = django_filters.ChoiceFilter(choices=Metric.choices)
    period_kind = django_filters.ChoiceFilter(choices=PeriodKind.choices)
    owner = django_filters.NumberFilter(field_name="owner_key")

    class Meta:
        model = Achievement
        fields = [
            "owner_kind",
            "owner",
            "owner_key",
            "region",
            "team",
            "person",
            "metric",
            "period",
            "period_kind",
            "as_of",
            "is_behind",
        ]


class AchievementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AchievementSerializer
    filterset_class = AchievementFilter
    ordering_fields = ["rate", "actual", "period"]

    def get_queryset(self):
        return Achievement.objects.visible_to(self.request.user).select_related("person", "team", "region")


class RecomputeRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecomputeRun
        fields = [
            "id",
            "as_of",
            "status",
            "started_at",
            "finished_at",
            "rows",
            "error",
            "progress",
            "step",
            "region_ids",
            "trigger",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "started_at",
            "finished_at",
            "rows",
            "error",
            "progress",
            "step",
            "region_ids",
            "trigger",
            "created_at",
        ]


class RecomputeRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Runs are visible to every signed-in user (they hold no figures); POST starts one (rule
    targets.recompute, in the service)."""

    serializer_class = RecomputeRunSerializer
    filterset_fields = ["status", "as_of", "trigger"]

    def get_queryset(self):
        return selectors.recompute_run_list()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            run = services.recompute_run_start(as_of=serializer.validated_data["as_of"], user=request.user)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("targets", TargetViewSet, basename="target")
    router.register("distribution-templates", DistributionTemplateViewSet, basename="distribution-template")
    router.register("achievements", AchievementViewSet, basename="achievement")
    router.register("recompute-runs", RecomputeRunViewSet, basename="recompute-run")
    from targets import api_forecast

    api_forecast.register(router)
