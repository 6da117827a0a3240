from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from fieldwork import selectors as visit_selectors
from fieldwork.api.filters import ExpenseFilter, VisitFilter
from fieldwork.api.serializers import (
    EvidencePreviewQuery,
    EvidencePreviewSerializer,
    ExpenseInput,
    ExpenseSerializer,
    IntelNoteInput,
    IntelNoteSerializer,
    VisitActionInput,
    VisitActionSerializer,
    VisitCommentInput,
    VisitCommentSerializer,
    VisitInput,
    VisitSerializer,
)
from fieldwork.models import ExpenseClaim, IntelNote, Visit
from fieldwork.services import visits as visit_services
from fieldwork.services.actions import visit_action_record
from fieldwork.services.intel import intel_note_create
from fieldwork.views.files import expense_receipt_file, file_response, visit_photo_file
from salesorg.api import FILE_RENDERERS, request_data, validated
from salesorg.exceptions import ApplicationError


class VisitViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    search_fields = ["customer__name", "purpose", "outcome"]
    ordering_fields = ["date", "distance_m", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Visit]:
        return visit_selectors.visit_api_queryset(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(VisitInput, request)
        # A customer outside the rep's scope is not found, word for word as a missing one.
        customer = data.pop("customer", None)
        if customer is None:
            raise serializers.ValidationError({"customer": [_("This field is required.")]}, code="required")
        visit = visit_services.visit_create(
            user=request.user,
            customer=customer,
            data={k: v for k, v in data.items() if k in visit_services.VISIT_FIELDS},
            stakeholder_ids=[s.pk for s in data.get("stakeholders", [])],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photos=data.get("photos", []),
        )
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        visit = self.get_object()
        data = validated(VisitInput, request, partial=True)
        for fixed in ("latitude", "longitude"):
            if fixed in data:
                raise ApplicationError("The check-in cannot be changed.", fields={fixed: ["The check-in is final."]})
        visit = visit_services.visit_update(
            user=request.user,
            visit=visit,
            data={k: v for k, v in data.items() if k in (*visit_services.VISIT_FIELDS, "customer")},
            stakeholder_ids=[s.pk for s in data["stakeholders"]] if "stakeholders" in data else None,
            photos=data.get("photos", []),
        )
        return Response(self.get_serializer(visit).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(parameters=[EvidencePreviewQuery], responses=EvidencePreviewSerializer)
    @action(detail=False, methods=["get"], url_path="check-in-preview")
    def check_in_preview(self, request: Request) -> Response:
        """The evidence a visit would get before it is filed: the distance from the customer, the
        kind's radius and the verdict (far, no check-in, awaiting confirmation...). Writes nothing."""
        query = EvidencePreviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        preview = visit_selectors.evidence_preview(user=request.user, **query.validated_data)
        return Response(
            EvidencePreviewSerializer(
                {
                    "kind": preview.kind,
                    "distance_m": preview.distance_m,
                    "radius_m": preview.radius_m,
                    "evidence": preview.evidence,
                    "label": preview.label,
                    "flagged": preview.flagged,
                }
            ).data
        )

    @extend_schema(request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: str | None = None) -> Response:
        """Check out of the visit (its author, once, on the day of the check-in): records the duration."""
        visit = visit_services.visit_check_out(user=request.user, visit=self.get_object())
        return Response(self.get_serializer(visit).data)

    @extend_schema(request=None, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Confirm a visit whose kind requires it (a joint visit): a manager of the author's line."""
        visit = visit_services.visit_confirm(user=request.user, visit=self.get_object())
        return Response(self.get_serializer(visit).data)

    @extend_schema(methods=["GET"], responses=VisitCommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=VisitCommentInput, responses={201: VisitCommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request: Request, pk: str | None = None) -> Response:
        """The managers' comments on the visit; a manager of the visit's unit adds one (the rep is told)."""
        visit = self.get_object()
        if request.method == "POST":
            data = validated(VisitCommentInput, request)
            comment = visit_services.visit_comment_create(user=request.user, visit=visit, text=data["text"])
            return Response(VisitCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = visit_selectors.visit_comments(user=request.user, visit=visit)
        return Response(VisitCommentSerializer(comments, many=True).data)

    @extend_schema(methods=["GET"], responses=VisitActionSerializer(many=True))
    @extend_schema(methods=["POST"], request=VisitActionInput, responses={201: VisitActionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, url_path="actions")
    def actions(self, request: Request, pk: str | None = None) -> Response:
        """The actions recorded on the visit (stock count, competitor sighting, shelf photo, order,
        collection); its author records one while the visit is open."""
        visit = self.get_object()
        if request.method == "POST":
            data = validated(VisitActionInput, request)
            record = visit_action_record(
                user=request.user,
                visit=visit,
                action=data.pop("action"),
                image=data.pop("image", None),
                data=data,
            )
            return Response(
                VisitActionSerializer(record, context={"request": request}).data, status=status.HTTP_201_CREATED
            )
        records = visit_selectors.visit_action_list(user=request.user, visit=visit)
        return Response(VisitActionSerializer(records, many=True, context={"request": request}).data)

    @extend_schema(
        parameters=[OpenApiParameter("photo", int, description="The photo's id (default: the first photo).")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], renderer_classes=FILE_RENDERERS)
    def photo(self, request: Request, pk: str | None = None) -> HttpResponse:
        """Download a photo of this visit report (404 outside your data scope, as for a missing one)."""
        field = visit_photo_file(user=request.user, visit_pk=pk, photo_pk=request.query_params.get("photo"))
        return file_response(field)


class ExpenseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ExpenseSerializer
    filterset_class = ExpenseFilter
    ordering_fields = ["date", "amount"]

    def get_queryset(self) -> QuerySet[ExpenseClaim]:
        return visit_selectors.expense_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(ExpenseInput, request)
        customer, visit = data.get("customer"), data.get("visit")
        claim = visit_services.expense_create(
            user=request.user,
            date_=data["date"],
            kind=data["kind"],
            amount=data["amount"],
            description=data.get("description", ""),
            receipt=data.get("receipt"),
            customer=customer,
            visit=visit,
        )
        return Response(self.get_serializer(claim).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        claim = visit_services.expense_decide(
            user=request.user, claim=self.get_object(), approve=True, note=str(request_data(request).get("note") or "")
        )
        return Response(self.get_serializer(claim).data)

    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        claim = visit_services.expense_decide(
            user=request.user,
            claim=self.get_object(),
            approve=False,
            note=str(request_data(request).get("note") or ""),
        )
        return Response(self.get_serializer(claim).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=FILE_RENDERERS)
    def receipt(self, request: Request, pk: str | None = None) -> HttpResponse:
        """Download the claim's receipt (404 outside your data scope, as for a missing one)."""
        return file_response(expense_receipt_file(user=request.user, claim_pk=pk))


class IntelNoteViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = IntelNoteSerializer
    filterset_fields = ["competitor", "customer", "author"]

    def get_queryset(self) -> QuerySet[IntelNote]:
        return visit_selectors.intel_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(IntelNoteInput, request)
        note = intel_note_create(
            user=request.user,
            note=data.get("note", ""),
            competitor=data.get("competitor"),
            customer=data.get("customer"),
            visit=data.get("visit"),
            date_=data.get("date"),
        )
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("visits", VisitViewSet, basename="visit")
    router.register("expenses", ExpenseViewSet, basename="expense")
    router.register("intel-notes", IntelNoteViewSet, basename="intel-note")
