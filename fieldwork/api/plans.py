"""API of visit plans (thin: the services check who may and what is valid)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from customers.models import Customer
from fieldwork import plan_selectors
from fieldwork.models import VisitFrequency, VisitPlan, VisitPlanItem
from fieldwork.services import plans as plan_services
from salesorg.api import scoped_field, validated
from staff import authority
from staff.models import Person


class VisitPlanItemSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    classification = serializers.CharField(source="customer.classification", read_only=True)
    done = serializers.SerializerMethodField()

    class Meta:
        model = VisitPlanItem
        fields = [
            "id",
            "customer",
            "customer_name",
            "classification",
            "day",
            "position",
            "distance_m",
            "due_date",
            "added_by_rep",
            "done",
        ]
        read_only_fields = fields

    def get_done(self, item: VisitPlanItem) -> bool:
        visited = self.context.get("visited") or set()
        plan = item.plan
        return (plan.person_id, plan.week_start, item.customer_id) in visited


class VisitPlanSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    planned_count = serializers.IntegerField(read_only=True, default=0)
    items = VisitPlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "person",
            "person_name",
            "team",
            "region",
            "week_start",
            "status",
            "start_latitude",
            "start_longitude",
            "drafted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "planned_count",
            "items",
        ]
        read_only_fields = fields


class VisitFrequencySerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitFrequency
        fields = ["id", "classification", "every_days"]
        read_only_fields = fields


class PlanProposeInput(serializers.Serializer):
    person = scoped_field(Person.objects.current())
    week_start = serializers.DateField()
    start_latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    start_longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)


class PlanItemInput(serializers.Serializer):
    customer = scoped_field(Customer.objects.all())
    day = serializers.DateField()


class PlanItemRemoveInput(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class PlanDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[plan_services.PlanDecision.APPROVE, plan_services.PlanDecision.RETURN])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class VisitPlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly visit plans: POST drafts one from what is due; `items` adds a visit, `remove_item`
    takes one off, `submit` asks for approval, `decide` approves or sends back."""

    serializer_class = VisitPlanSerializer
    filterset_fields = {"person": ["exact"], "status": ["exact"], "week_start": ["exact", "gte", "lte"]}
    ordering_fields = ["week_start"]

    def get_queryset(self) -> QuerySet[VisitPlan]:
        return plan_selectors.with_items(plan_selectors.plan_list(user=self.request.user))

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        # Planned against done for the page's plans: one query, whatever the page size.
        self._visited = plan_selectors.visited_in_weeks(page if page is not None else queryset)
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "visited": getattr(self, "_visited", set())}

    def _answer(self, plan: VisitPlan, *, code: int = status.HTTP_200_OK) -> Response:
        plan = self.get_queryset().get(pk=plan.pk)
        self._visited = plan_selectors.visited_in_weeks([plan])
        return Response(self.get_serializer(plan).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._answer(self.get_object())

    @extend_schema(request=PlanProposeInput, responses={201: VisitPlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(PlanProposeInput, request)
        plan = plan_services.visit_plan_propose(
            user=request.user,
            person=data["person"],
            week_start=data["week_start"],
            start_latitude=data.get("start_latitude"),
            start_longitude=data.get("start_longitude"),
        )
        return self._answer(plan, code=status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemInput, responses={201: VisitPlanSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        # Who may is asked before the customer is looked up: a manager of another team hears 403.
        authority.require(request.user, "visits.plan", plan.person)
        data = validated(PlanItemInput, request)
        plan_services.visit_plan_item_add(user=request.user, plan=plan, customer=data["customer"], day=data["day"])
        return self._answer(plan, code=status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemRemoveInput, responses=VisitPlanSerializer)
    @action(detail=True, methods=["post"], url_path="remove-item")
    def remove_item(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        authority.require(request.user, "visits.plan", plan.person)
        data = validated(PlanItemRemoveInput, request)
        plan_services.visit_plan_item_remove(user=request.user, plan=plan, item_id=data["item"])
        return self._answer(plan)

    @extend_schema(request=None, responses=VisitPlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        plan = plan_services.visit_plan_submit(user=request.user, plan=self.get_object())
        return self._answer(plan)

    @extend_schema(request=PlanDecideInput, responses=VisitPlanSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        authority.require(request.user, "visits.approve_plan", plan)
        data = validated(PlanDecideInput, request)
        plan = plan_services.visit_plan_decide(
            user=request.user, plan=plan, decision=data["decision"], note=data.get("note", "")
        )
        return self._answer(plan)


class VisitFrequencyViewSet(viewsets.ReadOnlyModelViewSet):
    """How often each classification is due a visit (admins edit them in the admin)."""

    serializer_class = VisitFrequencySerializer
    pagination_class = None
    queryset = VisitFrequency.objects.all()


def register(router: BaseRouter) -> None:
    router.register("visit-plans", VisitPlanViewSet, basename="visit-plan")
    router.register("visit-frequencies", VisitFrequencyViewSet, basename="visit-frequency")
