"""API of opportunities, with their stage history nested."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, viewsets

from customers.models import Competitor, Customer
from sales import selectors as selectors
from sales.api.fields import CatalogueRelatedField, CreditablePersonField
from sales.models import (
    ForecastCategory,
    Opportunity,
    OpportunityStageChange,
    PipelineStage,
)
from sales.services import pipeline as pipeline_services
from salesorg.api import PrefetchedListSerializer, ScopedPrimaryKeyRelatedField
from salesorg.paging import prefetched
from staff import authority
from staff.models import Person


class StageChangeSerializer(serializers.ModelSerializer):
    stage_name = serializers.CharField(source="stage.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = OpportunityStageChange
        list_serializer_class = PrefetchedListSerializer
        fields = ["stage", "stage_name", "entered_at", "left_at", "days"]


class OpportunitySerializer(serializers.ModelSerializer):
    expected_amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal(0))
    owner = CreditablePersonField(queryset=Person.objects.all(), required=False)
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    stage = CatalogueRelatedField(queryset=PipelineStage.objects.all(), required=False)
    lost_to = CatalogueRelatedField(queryset=Competitor.objects.all(), required=False, allow_null=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True, default=None, allow_null=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None, allow_null=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True, default=None, allow_null=True)
    stage_history = StageChangeSerializer(many=True, read_only=True)
    effective_forecast_category = serializers.ChoiceField(
        choices=ForecastCategory.choices,
        read_only=True,
        help_text="The opportunity's forecast category, else its stage's default.",
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "name",
            "customer",
            "customer_name",
            "owner",
            "owner_name",
            "team",
            "region",
            "stage",
            "stage_name",
            "expected_amount",
            "expected_close_date",
            "stage_entered_at",
            "closed_on",
            "lost_reason",
            "lost_to",
            "note",
            "forecast_category",
            "effective_forecast_category",
            "stage_history",
        ]
        read_only_fields = ["team", "region", "stage_entered_at", "closed_on"]

    def create(self, validated_data: dict[str, Any]) -> Opportunity:
        user = self.context["request"].user
        owner = validated_data.get("owner") or authority.actor_of(user).person
        if owner is None:
            raise serializers.ValidationError({"owner": [_("Name the owning rep.")]})
        return pipeline_services.opportunity_create(
            name=validated_data["name"],
            customer=validated_data["customer"],
            owner=owner,
            expected_amount=validated_data["expected_amount"],
            expected_close_date=validated_data["expected_close_date"],
            stage=validated_data.get("stage"),
            note=validated_data.get("note", ""),
            forecast_category=validated_data.get("forecast_category", ""),
            user=user,
        )

    def update(self, instance: Opportunity, validated_data: dict[str, Any]) -> Opportunity:
        user = self.context["request"].user
        stage = validated_data.pop("stage", None)
        lost_reason = validated_data.pop("lost_reason", "")
        lost_to = validated_data.pop("lost_to", None)
        validated_data.pop("owner", None)
        opportunity = pipeline_services.opportunity_update(opportunity=instance, user=user, **validated_data)
        if stage is not None and stage.pk != opportunity.stage_id:
            opportunity = pipeline_services.opportunity_move(
                opportunity=opportunity, stage=stage, user=user, lost_reason=lost_reason, lost_to=lost_to
            )
        return Opportunity.objects.select_related("stage", "customer", "owner").get(pk=opportunity.pk)


class OpportunityFilter(django_filters.FilterSet):
    # Relations filter by plain id: an id outside the scope finds nothing, like a missing one
    # (a model choice filter would answer 400 for the missing one only).
    stage = django_filters.NumberFilter(field_name="stage")
    owner = django_filters.NumberFilter(field_name="owner")
    customer = django_filters.NumberFilter(field_name="customer")
    team = django_filters.NumberFilter(field_name="team")
    region = django_filters.NumberFilter(field_name="region")
    close_after = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="gte")
    close_before = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="lte")

    class Meta:
        model = Opportunity
        fields = ["stage", "owner", "customer", "team", "region"]


class OpportunityViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    search_fields = ["name", "customer__name"]
    ordering_fields = ["expected_close_date", "expected_amount", "stage__order"]

    def get_queryset(self):
        return selectors.opportunity_list(user=self.request.user).prefetch_related(
            prefetched("stage_history", OpportunityStageChange.objects.select_related("stage"))
        )
