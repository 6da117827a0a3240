"""API of customers' locations: a rep proposes a new position, a manager confirms or rejects it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from customers.models import Customer, LocationProposal
from customers.selectors import locations as location_selectors
from customers.services import locations as location_services
from salesorg.api import scoped_field, validated


class LocationProposalSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    proposed_by_name = serializers.CharField(source="proposed_by.name", read_only=True)

    class Meta:
        model = LocationProposal
        fields = [
            "id",
            "customer",
            "customer_name",
            "latitude",
            "longitude",
            "note",
            "proposed_by",
            "proposed_by_name",
            "proposed_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class LocationProposalInput(serializers.Serializer):
    customer = scoped_field(Customer.objects.all())
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class LocationProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Proposed positions of customers in your scope; `confirm` moves the customer, `reject` does not."""

    serializer_class = LocationProposalSerializer
    filterset_fields = ["customer", "status", "proposed_by"]

    def get_queryset(self) -> QuerySet[LocationProposal]:
        return location_selectors.proposal_list(user=self.request.user)

    @extend_schema(request=LocationProposalInput, responses={201: LocationProposalSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(LocationProposalInput, request)
        proposal = location_services.location_propose(
            user=request.user,
            customer=data["customer"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionInput, responses=LocationProposalSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """A manager of the customer's unit (not the proposer) confirms: the customer moves there."""
        data = validated(DecisionInput, request)
        proposal = location_services.location_decide(
            user=request.user, proposal=self.get_object(), confirm=True, note=data.get("note", "")
        )
        return Response(self.get_serializer(proposal).data)

    @extend_schema(request=DecisionInput, responses=LocationProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """A manager of the customer's unit (not the proposer) rejects, saying why."""
        data = validated(DecisionInput, request)
        proposal = location_services.location_decide(
            user=request.user, proposal=self.get_object(), confirm=False, note=data.get("note", "")
        )
        return Response(self.get_serializer(proposal).data)


def register(router: BaseRouter) -> None:
    router.register("customer-location-proposals", LocationProposalViewSet, basename="customer-location-proposal")
