"""API of orders: lines, credit shares and instalments nested; submit, approve, reject, cancel, payment plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Customer
from sales import selectors as selectors
from sales import services
from sales.api.fields import POSITIVE, CatalogueRelatedField, CreditablePersonField
from sales.models import (
    Channel,
    CreditShare,
    Instalment,
    Order,
    OrderLine,
    OrderStatus,
    Product,
)
from salesorg.api import PrefetchedListSerializer, ScopedPrimaryKeyRelatedField
from staff.models import Person


class OrderLineSerializer(serializers.ModelSerializer):
    product = CatalogueRelatedField(queryset=Product.objects.all())
    product_code = serializers.CharField(source="product.code", read_only=True, default=None, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=POSITIVE)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), required=False)

    class Meta:
        model = OrderLine
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "product", "product_code", "quantity", "unit_price", "unit_cost", "amount", "cost"]
        read_only_fields = ["amount", "cost"]


class CreditShareSerializer(serializers.ModelSerializer):
    rep = CreditablePersonField(queryset=Person.objects.all())
    rep_name = serializers.CharField(source="rep.name", read_only=True, default=None, allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE, max_value=Decimal(100))

    class Meta:
        model = CreditShare
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "rep", "rep_name", "team", "region", "percent", "is_primary", "amount", "margin"]
        read_only_fields = ["team", "region", "is_primary", "amount", "margin"]


class InstalmentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=POSITIVE)

    class Meta:
        model = Instalment
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "due_date", "amount", "paid_amount", "status"]
        read_only_fields = ["paid_amount", "status"]


class OrderSerializer(serializers.ModelSerializer):
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None, allow_null=True)
    distributor = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    lines = OrderLineSerializer(many=True)
    shares = CreditShareSerializer(many=True, required=False)
    instalments = InstalmentSerializer(many=True, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    payment_terms_days = serializers.IntegerField(min_value=0, required=False)
    paid_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    submit = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "erp_no",
            "customer",
            "customer_name",
            "distributor",
            "date",
            "status",
            "channel",
            "payment_terms_days",
            "total_amount",
            "total_cost",
            "paid_amount",
            "approval_reason",
            "cancel_reason",
            "note",
            "lines",
            "shares",
            "instalments",
            "submit",
        ]
        read_only_fields = ["number", "status", "total_amount", "total_cost", "approval_reason", "cancel_reason"]

    @staticmethod
    def _lines(data: list[dict[str, Any]]) -> list[services.LineInput]:
        return [
            services.LineInput(
                product=d["product"], quantity=d["quantity"], unit_price=d["unit_price"], unit_cost=d.get("unit_cost")
            )
            for d in data
        ]

    @staticmethod
    def _shares(data: list[dict[str, Any]] | None) -> list[services.ShareInput] | None:
        if data is None:
            return None
        return [services.ShareInput(rep=d["rep"], percent=d["percent"]) for d in data]

    @staticmethod
    def _plan(data: list[dict[str, Any]] | None) -> list[services.InstalmentInput] | None:
        if not data:
            return None
        return [services.InstalmentInput(due_date=d["due_date"], amount=d["amount"]) for d in data]

    def create(self, validated_data: dict[str, Any]) -> Order:
        order = services.order_create(
            customer=validated_data["customer"],
            date=validated_data["date"],
            lines=self._lines(validated_data["lines"]),
            shares=self._shares(validated_data.get("shares")),
            channel=validated_data.get("channel", Channel.DIRECT),
            payment_terms_days=validated_data.get("payment_terms_days", 30),
            instalments=self._plan(validated_data.get("instalments")),
            erp_no=validated_data.get("erp_no"),
            note=validated_data.get("note", ""),
            distributor=validated_data.get("distributor"),
            created_by=self.context["request"].user,
            submit=validated_data.get("submit", False),
        )
        return order

    def update(self, instance: Order, validated_data: dict[str, Any]) -> Order:
        header = {
            f: validated_data[f]
            for f in ("date", "channel", "payment_terms_days", "note", "customer", "distributor")
            if f in validated_data
        }
        order = services.order_update(
            order=instance,
            user=self.context["request"].user,
            lines=self._lines(validated_data["lines"]) if "lines" in validated_data else None,
            shares=self._shares(validated_data.get("shares")),
            instalments=self._plan(validated_data.get("instalments")),
            **header,
        )
        if validated_data.get("submit") and order.status == OrderStatus.DRAFT:
            services.order_submit(order=order, user=self.context["request"].user)
        return order

    def to_representation(self, instance: Order) -> dict[str, Any]:
        if not hasattr(instance, "paid_amount"):
            instance = _order_queryset(self.context["request"].user).get(pk=instance.pk)
        return super().to_representation(instance)


def _order_queryset(user: Any):
    return selectors.order_api_queryset(user=user)


class OrderFilter(django_filters.FilterSet):
    customer = django_filters.NumberFilter(field_name="customer")
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    rep = django_filters.NumberFilter(field_name="shares__rep", distinct=True)

    class Meta:
        model = Order
        fields = ["status", "channel", "customer", "erp_no"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    instalments = InstalmentSerializer(many=True)


class OrderViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    search_fields = ["number", "erp_no", "customer__name"]
    ordering_fields = ["date", "total_amount", "number"]

    def get_queryset(self):
        return _order_queryset(self.request.user)

    def _respond(self, order: Order) -> Response:
        return Response(OrderSerializer(self.get_queryset().get(pk=order.pk), context={"request": self.request}).data)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(services.order_submit(order=self.get_object(), user=request.user))

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(services.order_approve(order=self.get_object(), user=request.user))

    @extend_schema(request=ReasonSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            services.order_reject(order=order, user=request.user, reason=data.validated_data["reason"])
        )

    @extend_schema(request=ReasonSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            services.order_cancel(order=order, user=request.user, reason=data.validated_data["reason"])
        )

    @extend_schema(request=PlanSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["put"], url_path="payment-plan")
    def payment_plan(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        data = PlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = [
            services.InstalmentInput(due_date=d["due_date"], amount=d["amount"])
            for d in data.validated_data["instalments"]
        ]
        return self._respond(services.order_set_payment_plan(order=order, user=request.user, instalments=plan))
