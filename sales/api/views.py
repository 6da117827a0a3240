"""API for the pipeline, products, orders (lines, shares and instalments nested) and payments.

Thin: serializers check shapes and types (so a bad field answers 400 naming it), services apply
the rules (staff/authority.py). Every queryset goes through the data-scope rule; outside scope is
404. Every writable relation looks up only what the user may see (`ScopedPrimaryKeyRelatedField`),
so an id outside the user's scope answers exactly like an id that does not exist; products, stages
and competitors are shared catalogues every user sees.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from customers.models import Competitor, Customer
from sales import selectors as selectors
from sales import services
from sales.models import (
    Channel,
    CreditShare,
    Instalment,
    Opportunity,
    OpportunityStageChange,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PipelineStage,
    Product,
)
from sales.services import pipeline as pipeline_services
from sales.services import products as product_services
from salesorg.api import ScopedPrimaryKeyRelatedField
from staff import authority
from staff.models import Person

POSITIVE = Decimal("0.01")


class CatalogueRelatedField(ScopedPrimaryKeyRelatedField):
    """A shared catalogue (products, pipeline stages, competitors): every user sees all of it."""

    def get_queryset(self):
        return self.queryset.all()


class CreditablePersonField(ScopedPrimaryKeyRelatedField):
    """A rep named on a credit share or as an owner: the people in the user's scope and their team."""

    def get_queryset(self):
        request = self.context.get("request")
        return selectors.creditable_people(user=getattr(request, "user", None))


class RuleForWrites(permissions.BasePermission):
    """A write is refused (403, the rule's message) before its body is read when the view's rule
    refuses the user; the service asks the same rule again before it writes."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in permissions.SAFE_METHODS:
            authority.require(request.user, view.write_rule)
        return True


# --- products and stages ----------------------------------------------------------------------------


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
        fields = ["id", "name", "order", "probability", "is_won", "is_lost", "is_active"]

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


# --- opportunities ------------------------------------------------------------------------------------


class StageChangeSerializer(serializers.ModelSerializer):
    stage_name = serializers.CharField(source="stage.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = OpportunityStageChange
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
            Prefetch("stage_history", queryset=OpportunityStageChange.objects.select_related("stage"))
        )


# --- orders -------------------------------------------------------------------------------------------


class OrderLineSerializer(serializers.ModelSerializer):
    product = CatalogueRelatedField(queryset=Product.objects.all())
    product_code = serializers.CharField(source="product.code", read_only=True, default=None, allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=POSITIVE)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), required=False)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "product_code", "quantity", "unit_price", "unit_cost", "amount", "cost"]
        read_only_fields = ["amount", "cost"]


class CreditShareSerializer(serializers.ModelSerializer):
    rep = CreditablePersonField(queryset=Person.objects.all())
    rep_name = serializers.CharField(source="rep.name", read_only=True, default=None, allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=POSITIVE, max_value=Decimal(100))

    class Meta:
        model = CreditShare
        fields = ["id", "rep", "rep_name", "team", "region", "percent", "is_primary", "amount", "margin"]
        read_only_fields = ["team", "region", "is_primary", "amount", "margin"]


class InstalmentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=POSITIVE)

    class Meta:
        model = Instalment
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
    return selectors.order_queryset(user=user).with_paid()


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


# --- payments -----------------------------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    order = ScopedPrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, default=None, allow_null=True)
    customer_name = serializers.CharField(source="order.customer.name", read_only=True, default=None, allow_null=True)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=POSITIVE)

    class Meta:
        model = Payment
        fields = ["id", "order", "order_number", "customer_name", "date", "amount", "reference", "created_at"]
        read_only_fields = ["created_at"]

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


def register(router: BaseRouter) -> None:
    router.register("pipeline-stages", PipelineStageViewSet, basename="pipeline-stage")
    router.register("opportunities", OpportunityViewSet, basename="opportunity")
    router.register("products", ProductViewSet, basename="product")
    router.register("orders", OrderViewSet, basename="order")
    router.register("payments", PaymentViewSet, basename="payment")
