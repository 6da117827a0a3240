"""API of quotations: list and read (scoped), create (from an opportunity or for a customer), and
the actions submit, approve, reject, accept, decline, convert, each through `services.quotes`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Customer
from sales import selectors as selectors
from sales.api.fields import POSITIVE, CatalogueRelatedField
from sales.api.orders import OrderSerializer, ReasonSerializer
from sales.models import Opportunity, Product, Quotation, QuotationApprovalStep, QuotationLine
from sales.services import quotes as quote_services
from salesorg.api import PrefetchedListSerializer, ScopedPrimaryKeyRelatedField
from salesorg.exceptions import ApplicationError


class QuotationLineSerializer(serializers.ModelSerializer):
    product = CatalogueRelatedField(queryset=Product.objects.all())
    product_code = serializers.CharField(source="product.code", read_only=True, default=None, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=POSITIVE)
    discount_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False
    )

    class Meta:
        model = QuotationLine
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "product", "product_code", "quantity", "list_price", "discount_percent", "unit_price", "amount"]
        read_only_fields = ["list_price", "unit_price", "amount"]


class QuotationStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuotationApprovalStep
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "sequence", "level", "status", "why", "waiting_since", "decided_by", "decided_at", "reason"]
        read_only_fields = fields


class QuotationSerializer(serializers.ModelSerializer):
    customer = ScopedPrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False)
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None, allow_null=True)
    opportunity = ScopedPrimaryKeyRelatedField(queryset=Opportunity.objects.all(), required=False, allow_null=True)
    lines = QuotationLineSerializer(many=True)
    approval_steps = QuotationStepSerializer(many=True, read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Quotation
        fields = [
            "id",
            "number",
            "customer",
            "customer_name",
            "opportunity",
            "owner",
            "date",
            "valid_until",
            "status",
            "total_amount",
            "approval_reason",
            "order",
            "order_number",
            "notes",
            "lines",
            "approval_steps",
        ]
        read_only_fields = ["number", "owner", "date", "status", "total_amount", "approval_reason", "order"]
        extra_kwargs = {"valid_until": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("customer") is None and attrs.get("opportunity") is None:
            raise serializers.ValidationError({"customer": [_("Name the customer or the opportunity.")]})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Quotation:
        user = self.context["request"].user
        lines = [
            quote_services.QuoteLineInput(
                product=d["product"], quantity=d["quantity"], discount_percent=d.get("discount_percent", Decimal(0))
            )
            for d in validated_data["lines"]
        ]
        opportunity = validated_data.get("opportunity")
        common = {"user": user, "lines": lines, "valid_until": validated_data.get("valid_until")}
        if opportunity is not None:
            customer = validated_data.get("customer")
            if customer is not None and customer.pk != opportunity.customer_id:
                message = _("The opportunity is another customer's.")
                raise ApplicationError(message, fields={"opportunity": [message]})
            return quote_services.quote_from_opportunity(
                opportunity=opportunity, notes=validated_data.get("notes", ""), **common
            )
        return quote_services.quote_create(
            customer=validated_data["customer"], notes=validated_data.get("notes", ""), **common
        )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class QuotationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = QuotationSerializer
    search_fields = ["number", "customer__name"]
    ordering_fields = ["date", "total_amount", "number"]
    filterset_fields = ["status", "customer", "opportunity"]

    def get_queryset(self):
        return selectors.quotation_api_queryset(user=self.request.user)

    def _respond(self, quotation: Quotation) -> Response:
        fresh = self.get_queryset().get(pk=quotation.pk)
        return Response(QuotationSerializer(fresh, context={"request": self.request}).data)

    @extend_schema(request=None, responses=QuotationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(quote_services.quote_submit(quotation=self.get_object(), user=request.user))

    @extend_schema(request=None, responses=QuotationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(quote_services.quote_approve(quotation=self.get_object(), user=request.user))

    @extend_schema(request=ReasonSerializer, responses=QuotationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        quotation = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            quote_services.quote_reject(quotation=quotation, user=request.user, reason=data.validated_data["reason"])
        )

    @extend_schema(request=None, responses=QuotationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(quote_services.quote_accept(quotation=self.get_object(), user=request.user))

    @extend_schema(request=DeclineSerializer, responses=QuotationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        quotation = self.get_object()
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            quote_services.quote_decline(quotation=quotation, user=request.user, reason=data.validated_data["reason"])
        )

    @extend_schema(request=None, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk: str | None = None) -> Response:
        order = quote_services.quote_convert(quotation=self.get_object(), user=request.user)
        fresh = selectors.order_queryset(user=request.user).with_paid().get(pk=order.pk)
        return Response(OrderSerializer(fresh, context={"request": request}).data, status=status.HTTP_201_CREATED)
