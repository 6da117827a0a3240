"""API for recruitment: openings and candidates (scoped), selection steps, the hire or reject decision."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from salesorg.api import ScopedPrimaryKeyRelatedField
from staff import recruitment
from staff.models import Candidate, CandidateStatus, Opening, Position, SelectionStep, SelectionStepKind, Team


class SelectionStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = SelectionStep
        fields = ["id", "kind", "date", "assessor", "score", "passed", "notes"]


class CandidateSerializer(serializers.ModelSerializer):
    steps = SelectionStepSerializer(many=True, read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "opening",
            "team",
            "name",
            "phone",
            "email",
            "source",
            "applied_on",
            "status",
            "decided_on",
            "decision_reason",
            "hired_person",
            "steps",
        ]
        read_only_fields = ["team", "status", "decided_on", "decision_reason", "hired_person"]


class OpeningSerializer(serializers.ModelSerializer):
    candidate_count = serializers.IntegerField(read_only=True)
    hired_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Opening
        fields = [
            "id",
            "title",
            "position",
            "team",
            "region",
            "hiring_manager",
            "headcount",
            "requirements",
            "opened_on",
            "status",
            "candidate_count",
            "hired_count",
        ]
        read_only_fields = ["region", "hiring_manager", "status"]


class OpeningCreateSerializer(serializers.Serializer):
    team = ScopedPrimaryKeyRelatedField(queryset=Team.objects.select_related("region"))
    title = serializers.CharField()
    position = serializers.ChoiceField(choices=[Position.REP, Position.TEAM_MANAGER], default=Position.REP)
    headcount = serializers.IntegerField(min_value=1, default=1)
    opened_on = serializers.DateField()
    requirements = serializers.CharField(required=False, allow_blank=True, default="")


class OpeningViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = OpeningSerializer
    filterset_fields = ["team", "region", "status", "position"]
    ordering_fields = ["opened_on"]

    def get_queryset(self):
        return (
            Opening.objects.visible_to(self.request.user)
            .annotate(
                candidate_count=Count("candidates"),
                hired_count=Count("candidates", filter=Q(candidates__status=CandidateStatus.HIRED)),
            )
            .order_by("-opened_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = OpeningCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        opening = recruitment.opening_create(by=request.user, **data.validated_data)
        return Response(OpeningSerializer(self.get_queryset().get(pk=opening.pk)).data, status=status.HTTP_201_CREATED)


class CandidateCreateSerializer(serializers.Serializer):
    opening = ScopedPrimaryKeyRelatedField(queryset=Opening.objects.all())
    name = serializers.CharField()
    applied_on = serializers.DateField()
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    source = serializers.CharField(required=False, allow_blank=True, default="")


class StepCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SelectionStepKind.choices)
    date = serializers.DateField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class HireSerializer(serializers.Serializer):
    employee_no = serializers.CharField()
    hire_date = serializers.DateField()
    reason = serializers.CharField()
    username = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField()


class CandidateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CandidateSerializer
    filterset_fields = ["opening", "team", "status"]
    search_fields = ["name", "phone", "email"]
    ordering_fields = ["applied_on"]

    def get_queryset(self):
        return Candidate.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("steps", SelectionStep.objects.order_by("date", "id"))
        )

    def create(self, request, *args, **kwargs):
        data = CandidateCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        candidate = recruitment.candidate_add(by=request.user, **data.validated_data)
        return Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        candidate = self.get_object()
        data = StepCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        step = recruitment.candidate_assess(by=request.user, candidate=candidate, on=values.pop("date"), **values)
        return Response(SelectionStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        candidate = self.get_object()
        data = HireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["username"] = values["username"] or None
        recruitment.candidate_hire(by=request.user, candidate=candidate, **values)
        return Response(CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        candidate = self.get_object()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recruitment.candidate_reject(
            by=request.user, candidate=candidate, on=data.validated_data["date"], reason=data.validated_data["reason"]
        )
        return Response(CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)


def register(router: BaseRouter) -> None:
    router.register("openings", OpeningViewSet, basename="opening")
    router.register("candidates", CandidateViewSet, basename="candidate")
