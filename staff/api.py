"""API for the organization: people and their employment changes (transfer, promotion, change of
manager, passing probation, warning, dismissal: dated workflows of `staff.services`), the timeline
of a person, regions and teams.

Thin: a person or unit is fetched through `get_queryset()` (the data-scope rule: 404 outside it);
an org change asks the authority rule before reading the body (403 naming who may, whatever the
body); each write reads a small input serializer whose relations look up only what the user sees
(`ScopedPrimaryKeyRelatedField`), calls one service and answers with the read serializer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from salesorg.api import ScopedPrimaryKeyRelatedField, validated
from staff import api_recruitment, authority, selectors, services
from staff.models import EmploymentEvent, Membership, Person, PersonStatus, Position, Region, Team


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "is_active"]


class TeamSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Team
        fields = ["id", "code", "name", "region", "region_name", "is_active"]


class PersonSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True, default=None, allow_null=True)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None, allow_null=True)
    manager_name = serializers.CharField(source="manager.name", read_only=True, default=None, allow_null=True)
    data_scope = serializers.CharField(source="effective_scope", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "employee_no",
            "name",
            "position",
            "status",
            "hire_date",
            "region",
            "region_name",
            "team",
            "team_name",
            "manager",
            "manager_name",
            "left_on",
            "data_scope",
        ]


class PersonFilter(django_filters.FilterSet):
    position = django_filters.ChoiceFilter(choices=Position.choices)
    status = django_filters.ChoiceFilter(choices=PersonStatus.choices)
    hired_after = django_filters.DateFilter(field_name="hire_date", lookup_expr="gte")
    hired_before = django_filters.DateFilter(field_name="hire_date", lookup_expr="lte")

    class Meta:
        model = Person
        fields = ["region", "team", "manager", "position", "status"]


# --- Inputs of the writes ------------------------------------------------------------------------


class RegionInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    is_active = serializers.BooleanField(required=False, default=True)


class TeamInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all())
    is_active = serializers.BooleanField(required=False, default=True)


def _person_field(**kwargs: Any) -> ScopedPrimaryKeyRelatedField:
    """A current person the user sees (a manager to report to)."""
    return ScopedPrimaryKeyRelatedField(queryset=Person.objects.current(), **kwargs)


OPTIONAL = {"required": False, "allow_null": True, "default": None}


class TransferInput(serializers.Serializer):
    team = ScopedPrimaryKeyRelatedField(queryset=Team.objects.select_related("region"))
    manager = _person_field(**OPTIONAL, help_text="Default: the new team's manager.")
    on = serializers.DateField(help_text="The effective date (not in the future).")
    reason = serializers.CharField()


class PromoteInput(serializers.Serializer):
    position = serializers.ChoiceField(choices=Position.choices, help_text="A position above the current one.")
    team = ScopedPrimaryKeyRelatedField(queryset=Team.objects.select_related("region"), **OPTIONAL)
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all(), **OPTIONAL)
    manager = _person_field(**OPTIONAL, help_text="Default: the current manager (none for a director).")
    on = serializers.DateField(help_text="The effective date (not in the future).")
    reason = serializers.CharField()


class ChangeManagerInput(serializers.Serializer):
    manager = _person_field()
    on = serializers.DateField(help_text="The effective date (not in the future).")
    reason = serializers.CharField()


class PassProbationInput(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    """A warning, or a dismissal (`on` is the leaving date; one ahead keeps the login until then)."""

    on = serializers.DateField()
    reason = serializers.CharField()


class HandoverInput(serializers.Serializer):
    """Hand the person's customers (all, or those listed), open opportunities and open action items
    to the successor from `on`."""

    successor = _person_field()
    on = serializers.DateField()
    customer_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True, default=None,
        help_text="Only these of the person's customers (default: all of them).",
    )  # fmt: skip


class HandoverResult(serializers.Serializer):
    """How many of each kind moved to the successor."""

    customers = serializers.IntegerField(read_only=True)
    opportunities = serializers.IntegerField(read_only=True)
    action_items = serializers.IntegerField(read_only=True)


# --- The timeline --------------------------------------------------------------------------------


class EmploymentEventSerializer(serializers.ModelSerializer):
    # Blank for an event that moves no position (a warning): the schema says so.
    from_position = serializers.ChoiceField(choices=Position.choices, allow_blank=True, read_only=True)
    to_position = serializers.ChoiceField(choices=Position.choices, allow_blank=True, read_only=True)

    class Meta:
        model = EmploymentEvent
        fields = [
            "id",
            "kind",
            "date",
            "reason",
            "from_position",
            "to_position",
            "from_team",
            "to_team",
            "from_manager",
            "to_manager",
            "recorded_at",
        ]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "start", "end", "position", "team", "region", "manager"]
        read_only_fields = fields


class TimelineSerializer(serializers.Serializer):
    """A person's employment events and dated memberships, each newest first."""

    events = EmploymentEventSerializer(many=True, read_only=True)
    memberships = MembershipSerializer(many=True, read_only=True)


# --- Views ---------------------------------------------------------------------------------------


class RegionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Regions; created and edited by a director or an admin (`region_save`)."""

    serializer_class = RegionSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    filterset_fields = ["is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user)

    @extend_schema(request=RegionInput, responses={201: RegionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        region = services.region_save(user=request.user, data=validated(RegionInput, request))
        return Response(RegionSerializer(region).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RegionInput, responses=RegionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        region = self.get_object()
        data = validated(RegionInput, request, partial=True)
        return Response(RegionSerializer(services.region_save(user=request.user, data=data, region=region)).data)


class TeamViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Teams; created and edited by a director or an admin, or the regional manager of the team's
    region (`team_save`)."""

    serializer_class = TeamSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    filterset_fields = ["region", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Team.objects.visible_to(self.request.user).select_related("region")

    @extend_schema(request=TeamInput, responses={201: TeamSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = services.team_save(user=request.user, data=validated(TeamInput, request))
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamInput, responses=TeamSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = self.get_object()
        data = validated(TeamInput, request, partial=True)
        return Response(TeamSerializer(services.team_save(user=request.user, data=data, team=team)).data)


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People, their timeline and their employment changes (director and admin; a regional manager
    within their region: the authority rule "org.change")."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["employee_no", "name"]
    ordering_fields = ["employee_no", "name", "hire_date"]

    def get_queryset(self):
        return Person.objects.visible_to(self.request.user).select_related("team", "region", "manager")

    def _change(self, request: Request, input_class: type[serializers.Serializer], service: Callable[..., Any]):
        person = self.get_object()
        # Who may is asked before the body is read: a rep hears 403 naming who may, not a 400.
        authority.require(request.user, "org.change", person)
        service(person=person, recorded_by=request.user, **validated(input_class, request))
        return Response(PersonSerializer(self.get_queryset().get(pk=person.pk)).data)

    @extend_schema(request=TransferInput, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        return self._change(request, TransferInput, services.person_transfer)

    @extend_schema(request=PromoteInput, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def promote(self, request: Request, pk: str | None = None) -> Response:
        return self._change(request, PromoteInput, services.person_promote)

    @extend_schema(request=ChangeManagerInput, responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="change-manager")
    def change_manager(self, request: Request, pk: str | None = None) -> Response:
        return self._change(request, ChangeManagerInput, services.person_change_manager)

    @extend_schema(request=PassProbationInput, responses=PersonSerializer)
    @action(detail=True, methods=["post"], url_path="pass-probation")
    def pass_probation(self, request: Request, pk: str | None = None) -> Response:
        return self._change(request, PassProbationInput, services.person_pass_probation)

    @extend_schema(request=ReasonInput, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def warn(self, request: Request, pk: str | None = None) -> Response:
        return self._change(request, ReasonInput, services.person_warn)

    @extend_schema(request=ReasonInput, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        return self._change(request, ReasonInput, services.person_dismiss)

    @extend_schema(request=HandoverInput, responses=HandoverResult)
    @action(detail=True, methods=["post"])
    def handover(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        authority.require(request.user, "org.change", person)
        moved = services.person_handover(person=person, recorded_by=request.user, **validated(HandoverInput, request))
        return Response(moved)

    @extend_schema(responses=TimelineSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        person = self.get_object()
        timeline = {
            "events": selectors.person_events(person=person),
            "memberships": selectors.person_memberships(person=person),
        }
        return Response(TimelineSerializer(timeline).data)


def register(router: BaseRouter) -> None:
    router.register("people", PersonViewSet, basename="person")
    router.register("regions", RegionViewSet, basename="region")
    router.register("teams", TeamViewSet, basename="team")
    api_recruitment.register(router)
