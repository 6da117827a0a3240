"""API of the shared catalogues: products and pipeline stages (every user reads them; writes by rule)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import mixins, permissions, serializers, viewsets

from sales import selectors as selectors
from sales.api.fields import RuleForWrites
from sales.models import (
    PipelineStage,
    Product,
)
from sales.services import pipeline as pipeline_services
from sales.services import products as product_services


class ProductSerializer(serializers.ModelSerializer):
    list_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))

    class Meta:
        model = Product
        fields = ["id", "code", "name", "product_line", "list_price", "unit_cost", "is_active"]

    def create(self, validated_data: dict[str, Any]) -> Product:
        return product_services.product_create(user=self.context["request"].user, **validated_data)

    def update(self, instance: Product, validated_data: dict[str, Any]) -> Product:
        validated_data.pop("code", None)
        return product_services.product_update(product=instance, user=self.context["request"].user, **validated_data)


class ProductViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer
    permission_classes = [permissions.IsAuthenticated, RuleForWrites]
    write_rule = "catalogue.products"
    filterset_fields = ["product_line", "is_active"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "list_price"]

    def get_queryset(self):
        return Product.objects.all()


class PipelineStageSerializer(serializers.ModelSerializer):
    probability = serializers.IntegerField(min_value=0, max_value=100)

    class Meta:
        model = PipelineStage
        fields = ["id", "name", "order", "probability", "is_won", "is_lost", "is_active", "default_forecast_category"]

    def create(self, validated_data: dict[str, Any]) -> PipelineStage:
        return pipeline_services.pipeline_stage_save(user=self.context["request"].user, **validated_data)

    def update(self, instance: PipelineStage, validated_data: dict[str, Any]) -> PipelineStage:
        data = {f: getattr(instance, f) for f in self.Meta.fields if f != "id"}
        data.update(validated_data)
        return pipeline_services.pipeline_stage_save(stage=instance, user=self.context["request"].user, **data)


class PipelineStageViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PipelineStageSerializer
    permission_classes = [permissions.IsAuthenticated, RuleForWrites]
    write_rule = "catalogue.manage"
    filterset_fields = ["is_active", "is_won", "is_lost"]

    def get_queryset(self):
        return PipelineStage.objects.all()
