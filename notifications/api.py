"""`/api/v1/inbox/`: the approval inbox through the API (the same registry as the page).

- `GET /api/v1/inbox/`: what awaits the user's decision, paginated, the longest waiting first;
- `GET /api/v1/inbox/count/`: how many;
- `POST /api/v1/inbox/decide/` with `{"items": ["order:12", "expense:3"], "decision": "approve" |
  "refuse", "reason": "..."}`: all the items or none; an item not awaiting the user answers 404.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import inbox
from salesorg.api import Pagination, validated


class InboxItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    source = serializers.CharField()
    id = serializers.IntegerField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    reason = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    submitted_by = serializers.CharField()
    waiting_since = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField()
    refusable = serializers.BooleanField()


class DecideSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=60), min_length=1, max_length=500)
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class InboxListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "PaginatedInboxItemList",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "previous": serializers.CharField(allow_null=True),
                "results": InboxItemSerializer(many=True),
            },
        ),
        operation_id="inbox_list",
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        items = inbox.inbox_items(user=request.user)
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(InboxItemSerializer(page, many=True).data)


class InboxCountView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses=inline_serializer("InboxCount", {"count": serializers.IntegerField()}), operation_id="inbox_count"
    )
    def get(self, request: Request) -> Response:
        return Response({"count": inbox.inbox_count(user=request.user)})


class InboxDecideView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=DecideSerializer,
        responses=inline_serializer("InboxDecided", {"decided": serializers.IntegerField()}),
        operation_id="inbox_decide",
    )
    def post(self, request: Request) -> Response:
        data: dict[str, Any] = validated(DecideSerializer, request)
        decided = inbox.inbox_decide(
            user=request.user,
            decisions=inbox.parse_keys(data["items"]),
            approve=data["decision"] == "approve",
            reason=data.get("reason") or "",
        )
        return Response({"decided": decided})


urlpatterns = [
    path("", InboxListView.as_view(), name="api-inbox"),
    path("count/", InboxCountView.as_view(), name="api-inbox-count"),
    path("decide/", InboxDecideView.as_view(), name="api-inbox-decide"),
]
