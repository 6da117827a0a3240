"""API for customers, the pool, stakeholders, visits, expenses, competitors, complaints (thin: services do the work).

Serializers live in `accounts_serializers`; the services check who may (`staff.authority`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from customers.api.accounts_filters import ComplaintFilter, CustomerFilter
from customers.api.accounts_serializers import (
    AssignInput,
    CompetitorInput,
    CompetitorSerializer,
    ComplaintSerializer,
    CustomerInput,
    CustomerRefInput,
    CustomerSerializer,
    EvaluationSerializer,
    FollowUpSerializer,
    PoolCustomerSerializer,
    RewardInput,
    RewardSerializer,
    StakeholderSerializer,
    TransferInput,
)
from customers.models import Competitor, Complaint, Customer, CustomerEvaluation, CustomerReward, FollowUp, Stakeholder
from customers.selectors import accounts as account_selectors
from customers.services import accounts as account_services
from customers.services import pool as pool_services
from salesorg.api import request_data, validated
from salesorg.exceptions import ApplicationError
from staff import authority

# Views


class CustomerViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    search_fields = ["code", "name", "industry"]
    ordering_fields = ["code", "name", "created_at", "pool_due_date"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Customer]:
        return account_selectors.customer_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(CustomerInput, request)
        code, owner = data.pop("code", ""), data.pop("owner", None)
        allow_duplicate = bool(data.pop("confirm_duplicate", False))
        customer = account_services.customer_create(
            user=request.user, code=code, owner=owner, data=data, allow_duplicate=allow_duplicate
        )
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = self.get_object()
        data = validated(CustomerInput, request, partial=True)
        data.pop("confirm_duplicate", None)
        for locked in ("code", "owner"):
            if locked in data:
                raise ApplicationError(
                    "Use the transfer action to change the owner.", fields={locked: ["This field cannot be changed."]}
                )
        customer = account_services.customer_update(user=request.user, customer=customer, data=data)
        return Response(self.get_serializer(customer).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        # Who may transfer is asked before the new owner is looked up: a rep hears 403, not 400.
        authority.require(request.user, "customers.transfer", customer)
        data = validated(TransferInput, request)
        customer = account_services.customer_transfer(
            user=request.user, customer=customer, to_owner=data["to_owner"], reason=data.get("reason", "")
        )
        return Response(self.get_serializer(customer).data)

    @action(detail=True, methods=["post"])
    def classify(self, request: Request, pk: str | None = None) -> Response:
        data = request_data(request)
        customer = account_services.customer_classify(
            user=request.user,
            customer=self.get_object(),
            classification=str(data.get("classification") or ""),
            reason=str(data.get("reason") or ""),
        )
        return Response(self.get_serializer(customer).data)

    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        customer = pool_services.customer_release(
            user=request.user, customer=self.get_object(), reason=str(request_data(request).get("reason") or "")
        )
        return Response(self.get_serializer(customer).data)

    @extend_schema(methods=["GET"], responses=EvaluationSerializer(many=True))
    @extend_schema(methods=["POST"], responses={201: EvaluationSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def evaluations(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        if request.method == "POST":
            data = request_data(request)
            evaluation = account_services.evaluation_create(
                user=request.user,
                customer=customer,
                period=str(data.get("period", "")),
                scores={field: data.get(field) for field in account_services.SCORE_FIELDS},
                reason=str(data.get("reason") or ""),
                response_plan=str(data.get("response_plan") or ""),
            )
            return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)
        return Response(EvaluationSerializer(customer.evaluations.all(), many=True).data)

    @action(detail=True, methods=["post"])
    def rewards(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        data = validated(RewardInput, request)
        reward = account_services.reward_create(
            user=request.user,
            customer=customer,
            kind=data.get("kind", ""),
            amount=data.get("amount"),
            reason=data.get("reason", ""),
            date_=data.get("date"),
            referral=data.get("referral"),
        )
        return Response(RewardSerializer(reward).data, status=status.HTTP_201_CREATED)


class PoolViewSet(viewsets.ReadOnlyModelViewSet):
    """Customers in the pools the user sees (公海: their region's and the company pool); `claim`
    takes one, `assign` gives one to a person of a manager's unit, `open_to_company` (a director)
    opens one to every region."""

    serializer_class = PoolCustomerSerializer
    search_fields = ["code", "name", "industry"]
    filterset_fields = ["classification", "kind", "region", "in_company_pool"]

    def get_queryset(self) -> QuerySet[Customer]:
        return account_selectors.pool_list(user=self.request.user)

    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        customer = pool_services.customer_claim(user=request.user, customer=self.get_object())
        return Response(CustomerSerializer(customer).data)

    @extend_schema(request=AssignInput, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        # Who may assign is asked before the new owner is looked up: a rep hears 403, not 400.
        authority.require(request.user, "customers.assign", customer)
        data = validated(AssignInput, request)
        customer = pool_services.customer_assign(
            user=request.user, customer=customer, to_owner=data["to_owner"], reason=data.get("reason", "")
        )
        return Response(CustomerSerializer(customer).data)

    @extend_schema(request=None, responses=CustomerSerializer)
    @action(detail=True, methods=["post"], url_path="open-to-company")
    def open_to_company(self, request: Request, pk: str | None = None) -> Response:
        customer = pool_services.customer_open_to_company(user=request.user, customer=self.get_object())
        return Response(CustomerSerializer(customer).data)


class StakeholderViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = StakeholderSerializer
    filterset_fields = ["customer", "role", "status", "attitude"]
    search_fields = ["name", "title"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Stakeholder]:
        return account_selectors.stakeholder_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = validated(CustomerRefInput, request)["customer"]
        stakeholder = account_services.stakeholder_create(
            user=request.user, customer=customer, data=request_data(request)
        )
        return Response(self.get_serializer(stakeholder).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        stakeholder = account_services.stakeholder_update(
            user=request.user, stakeholder=self.get_object(), data=request_data(request)
        )
        return Response(self.get_serializer(stakeholder).data)

    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str | None = None) -> Response:
        """The stakeholder left (`kind=left`) or was replaced (`kind=replaced`, `replacement={...}`)."""
        data = request_data(request)
        replacement = data.get("replacement")
        change = account_services.stakeholder_change(
            user=request.user,
            stakeholder=self.get_object(),
            kind=str(data.get("kind") or ""),
            date_=data.get("date"),
            note=str(data.get("note") or ""),
            replacement=replacement if isinstance(replacement, dict) else None,
        )
        return Response(
            {"id": change.pk, "kind": change.kind, "replacement": change.replacement_id}, status=status.HTTP_201_CREATED
        )


class CompetitorViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Competitors are reference data: everyone signed in reads them; managers add and edit them
    (`catalogue.manage`); reps add intelligence notes."""

    serializer_class = CompetitorSerializer
    search_fields = ["name", "products", "channels"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Competitor]:
        return Competitor.objects.visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        competitor = account_services.competitor_save(user=request.user, data=validated(CompetitorInput, request))
        return Response(self.get_serializer(competitor).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        competitor = self.get_object()
        data = validated(CompetitorInput, request, partial=True)
        competitor = account_services.competitor_save(user=request.user, data=data, competitor=competitor)
        return Response(self.get_serializer(competitor).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)


class ComplaintViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    ordering_fields = ["received_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Complaint]:
        return account_selectors.complaint_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = validated(CustomerRefInput, request)["customer"]
        complaint = account_services.complaint_create(user=request.user, customer=customer, data=request_data(request))
        return Response(self.get_serializer(complaint).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        complaint = account_services.complaint_update(
            user=request.user, complaint=self.get_object(), data=request_data(request)
        )
        return Response(self.get_serializer(complaint).data)


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EvaluationSerializer
    filterset_fields = ["customer", "period", "grade"]

    def get_queryset(self) -> QuerySet[CustomerEvaluation]:
        return account_selectors.evaluation_list(user=self.request.user)


class RewardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RewardSerializer
    filterset_fields = ["customer", "kind"]

    def get_queryset(self) -> QuerySet[CustomerReward]:
        return CustomerReward.objects.visible_to(self.request.user).select_related("customer")


class FollowUpViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = FollowUpSerializer
    filterset_fields = ["person", "customer", "kind", "done"]

    def get_queryset(self) -> QuerySet[FollowUp]:
        return account_selectors.follow_up_list(user=self.request.user, open_only=False)

    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        follow_up = account_services.follow_up_done(user=request.user, follow_up=self.get_object())
        return Response(self.get_serializer(follow_up).data)


def register(router: BaseRouter) -> None:
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("customer-pool", PoolViewSet, basename="customer-pool")
    router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
    router.register("competitors", CompetitorViewSet, basename="competitor")
    router.register("complaints", ComplaintViewSet, basename="complaint")
    router.register("customer-evaluations", EvaluationViewSet, basename="customer-evaluation")
    router.register("customer-rewards", RewardViewSet, basename="customer-reward")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
