"""API for the organization: people, regions, teams (read-only here; changes go through admin services)."""

from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from staff import api_recruitment
from staff.models import Person, PersonStatus, Position, Region, Team


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


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user)


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    filterset_fields = ["region", "is_active"]

    def get_queryset(self):
        return Team.objects.visible_to(self.request.user).select_related("region")


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["employee_no", "name"]
    ordering_fields = ["employee_no", "name", "hire_date"]

    def get_queryset(self):
        return Person.objects.visible_to(self.request.user).select_related("team", "region", "manager")


def register(router: BaseRouter) -> None:
    router.register("people", PersonViewSet, basename="person")
    router.register("regions", RegionViewSet, basename="region")
    router.register("teams", TeamViewSet, basename="team")
    api_recruitment.register(router)
