"""API of payments (posting one confirms money received: rule sales.approve_record)."""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sales import selectors as selectors
from sales import services
from sales.api.fields import POSITIVE
from sales.models import (
    Order,
    Payment,
)
from salesorg.api import ScopedPrimaryKeyRelatedField


class PaymentSerializer(serializers.ModelSerializer):
    order = ScopedPrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, default=None, allow_null=True)
    customer_name = serializers.CharField(source="order.customer.name", read_only=True, default=None, allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=POSITIVE)

    class Meta:
        model = Payment
        fields = [
            "id",
            "order",
            "order_number",
            "customer_name",
            "date",
            "amount",
            "reference",
            "awaiting_confirmation",
            "entered_by",
            "confirmed_by",
            "confirmed_at",
            "created_at",
        ]
        read_only_fields = ["awaiting_confirmation", "entered_by", "confirmed_by", "confirmed_at", "created_at"]

    def create(self, validated_data: dict[str, Any]) -> Payment:
        return services.payment_create(user=self.context["request"].user, **validated_data)


class PaymentFilter(django_filters.FilterSet):
    order = django_filters.NumberFilter(field_name="order")
    order__customer = django_filters.NumberFilter(field_name="order__customer")
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["order", "order__customer"]


class PaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    search_fields = ["reference", "order__number", "order__erp_no"]
    ordering_fields = ["date", "amount"]

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = serializer.save()
        return Response(self.get_serializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PaymentSerializer)
    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a payment a rep entered (PAYMENT_CONFIRMATION): from now on it counts."""
        payment = services.payment_confirm(payment=self.get_object(), user=request.user)
        return Response(PaymentSerializer(payment, context=self.get_serializer_context()).data)
