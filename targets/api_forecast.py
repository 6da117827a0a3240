"""API of the forecast: the computed forecast per owner and period, and managers' adjustments."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from salesorg.periods import MONTH, QUARTER, YEAR, Period
from targets.forecast import CATEGORIES, ForecastRow, forecast_rows
from targets.models import ForecastAdjustment, OwnerKind
from targets.services.forecast import forecast_adjust

MONEY = {"max_digits": 18, "decimal_places": 2}
PERIOD_KINDS = {MONTH, QUARTER, YEAR}


class ForecastCategorySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    weighted = serializers.DecimalField(**MONEY)


class ForecastAdjustmentSerializer(serializers.ModelSerializer):
    owner_kind = serializers.ChoiceField(choices=OwnerKind.choices)
    owner_id = serializers.IntegerField(
        write_only=True,
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Region, team or rep id (none for the company).",
    )
    owner_label = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    period = serializers.CharField(max_length=7, help_text="2026, 2026-Q1 or 2026-03")
    note = serializers.CharField(max_length=2000)
    adjusted_by_name = serializers.CharField(source="adjusted_by.name", read_only=True)

    class Meta:
        model = ForecastAdjustment
        fields = [
            "id",
            "owner_kind",
            "owner_id",
            "owner_key",
            "owner_label",
            "region",
            "team",
            "person",
            "period",
            "amount",
            "note",
            "adjusted_by",
            "adjusted_by_name",
            "adjusted_at",
        ]
        read_only_fields = ["owner_key", "region", "team", "person", "adjusted_by", "adjusted_at"]

    def create(self, validated_data: dict[str, Any]) -> ForecastAdjustment:
        return forecast_adjust(
            user=self.context["request"].user,
            owner_kind=validated_data["owner_kind"],
            owner_id=validated_data.get("owner_id"),
            period=validated_data["period"],
            amount=validated_data["amount"],
            note=validated_data["note"],
        )


class ForecastAdjustmentFilter(django_filters.FilterSet):
    owner_kind = django_filters.ChoiceFilter(choices=OwnerKind.choices)
    owner = django_filters.NumberFilter(field_name="owner_key")

    class Meta:
        model = ForecastAdjustment
        fields = ["owner_kind", "owner", "period", "region", "team", "person"]


class ForecastAdjustmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Managers' adjusted forecasts (one per owner and period; a new one replaces it, the history
    keeps every one). POST sets or replaces: the owner's unit manager or a manager above it."""

    serializer_class = ForecastAdjustmentSerializer
    filterset_class = ForecastAdjustmentFilter
    ordering_fields = ["period", "adjusted_at"]

    def get_queryset(self):
        return ForecastAdjustment.objects.visible_to(self.request.user).select_related(
            "region", "team", "person", "adjusted_by"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adjustment = serializer.save()
        return Response(self.get_serializer(adjustment).data, status=status.HTTP_201_CREATED)


class ForecastSerializer(serializers.Serializer):
    owner_kind = serializers.ChoiceField(choices=OwnerKind.choices)
    owner_key = serializers.IntegerField()
    owner_label = serializers.CharField(source="label")
    period = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    actual = serializers.DecimalField(**MONEY)
    target = serializers.DecimalField(**MONEY, allow_null=True)
    time_progress = serializers.DecimalField(max_digits=6, decimal_places=4)
    expected_by_now = serializers.DecimalField(**MONEY, allow_null=True)
    is_behind = serializers.BooleanField()
    commit = ForecastCategorySerializer()
    best_case = ForecastCategorySerializer()
    pipeline = ForecastCategorySerializer()
    pipeline_unweighted = serializers.DecimalField(**MONEY)
    pipeline_weighted = serializers.DecimalField(**MONEY)
    forecast = serializers.DecimalField(**MONEY, help_text="actual + weighted pipeline closing in the period")
    commit_forecast = serializers.DecimalField(**MONEY)
    best_case_forecast = serializers.DecimalField(**MONEY)
    gap = serializers.DecimalField(**MONEY, allow_null=True)
    overdue_count = serializers.IntegerField()
    overdue_amount = serializers.DecimalField(**MONEY)
    overdue_weighted = serializers.DecimalField(**MONEY)
    adjusted_forecast = serializers.DecimalField(**MONEY, allow_null=True)
    adjustment_note = serializers.CharField(allow_null=True)


def _row_data(row: ForecastRow, period: Period) -> dict[str, Any]:
    data: dict[str, Any] = {
        "owner_kind": row.owner_kind,
        "owner_key": row.owner_key,
        "label": row.label,
        "period": str(period),
        "as_of": row.as_of,
        "actual": row.actual,
        "target": row.target,
        "time_progress": row.time_progress,
        "expected_by_now": row.expected_by_now,
        "is_behind": row.is_behind,
        "pipeline_unweighted": row.pipeline_unweighted,
        "pipeline_weighted": row.pipeline_weighted,
        "forecast": row.forecast,
        "commit_forecast": row.commit_forecast,
        "best_case_forecast": row.best_case_forecast,
        "gap": row.gap,
        "overdue_count": row.overdue_count,
        "overdue_amount": row.overdue_amount,
        "overdue_weighted": row.overdue_weighted,
        "adjusted_forecast": row.adjustment.amount if row.adjustment else None,
        "adjustment_note": row.adjustment.note if row.adjustment else None,
    }
    for c in CATEGORIES:
        data[str(c)] = {"count": row.counts.get(c, 0), "amount": row.amount(c), "weighted": row.weighted_amount(c)}
    return data


class ForecastQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=OwnerKind.choices, required=False, default=OwnerKind.REP)
    period = serializers.CharField(required=False, allow_blank=True, max_length=7)
    region = serializers.IntegerField(required=False, min_value=1)
    team = serializers.IntegerField(required=False, min_value=1)
    person = serializers.IntegerField(required=False, min_value=1)

    def validate_period(self, value: str) -> str:
        if not value:
            return value
        try:
            Period.parse(value)
        except ValueError:
            raise serializers.ValidationError("Write the period as 2026, 2026-Q1 or 2026-03.", code="invalid") from None
        return value


class ForecastViewSet(viewsets.GenericViewSet):
    """The sales forecast per owner for a period: actual to date + the open pipeline closing in the
    period by forecast category, weighted and unweighted, against target and time progress; the
    overdue pipeline apart; a manager's adjustment beside the computed figure."""

    serializer_class = ForecastSerializer
    # Its own query parameters (below), no model filters: the rows are computed, not a queryset.
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=[k for k, _label in OwnerKind.choices]),
            OpenApiParameter("period", OpenApiTypes.STR, description="2026, 2026-Q1 or 2026-03 (default: this month)"),
            OpenApiParameter("region", OpenApiTypes.INT),
            OpenApiParameter("team", OpenApiTypes.INT),
            OpenApiParameter("person", OpenApiTypes.INT),
        ],
    )
    def list(self, request, *args, **kwargs):
        query = ForecastQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        today = timezone.localdate()
        period = Period.parse(data["period"]) if data.get("period") else Period.month_of(today)
        rows = forecast_rows(
            user=request.user,
            level=data["level"],
            period=period,
            today=today,
            region_id=data.get("region"),
            team_id=data.get("team"),
            person_id=data.get("person"),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ForecastSerializer([_row_data(r, period) for r in page], many=True).data)


def register(router: Any) -> None:
    router.register("forecast", ForecastViewSet, basename="forecast")
    router.register("forecast-adjustments", ForecastAdjustmentViewSet, basename="forecast-adjustment")
