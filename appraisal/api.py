"""API: /api/v1/kpis/, /appraisal-schemes/, /appraisal-periods/, /scorecards/, /contests/,
/commission-statements/. Thin: selectors read (scoped, 404 outside), services write (the authority
rule, 403 when not allowed)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal import selectors, services
from appraisal.models import (
    AppraisalPeriod,
    AppraisalScheme,
    CommissionDispute,
    CommissionPlan,
    CommissionStatement,
    CommissionStatementLine,
    Contest,
    Kpi,
    SchemeKpi,
    Scorecard,
    ScorecardLine,
    ScorecardStatus,
)
from salesorg import exports
from salesorg.api import PrefetchedListSerializer, ScopedPrimaryKeyRelatedField
from salesorg.formatting import money
from salesorg.periods import Period
from staff import authority
from staff.models import Person, Region, Team


class KpiSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Kpi
        fields = ["id", "code", "name", "unit", "source", "description", "is_active"]


class KpiViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = KpiSerializer
    queryset = Kpi.objects.all()
    filterset_fields = ["is_active", "source"]


class BandSerializer(serializers.Serializer):
    lower = serializers.DecimalField(max_digits=7, decimal_places=2, source="lower_percent")
    upper = serializers.DecimalField(max_digits=7, decimal_places=2, source="upper_percent", allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, source="score_percent")


class SchemeLineSerializer(serializers.ModelSerializer):
    kpi = serializers.CharField(source="kpi.code")
    cap = serializers.DecimalField(max_digits=6, decimal_places=2, source="cap_percent")
    bands = BandSerializer(many=True, read_only=True)

    class Meta:
        model = SchemeKpi
        fields = ["kpi", "weight", "target", "rule", "cap", "required", "bands"]


class SchemeSerializer(serializers.ModelSerializer):
    lines = SchemeLineSerializer(many=True, read_only=True)

    class Meta:
        model = AppraisalScheme
        fields = ["id", "name", "position", "version", "valid_from", "is_active", "focus_product_lines", "lines"]


class SchemeInputSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.CharField()
    valid_from = serializers.DateField()
    focus_product_lines = serializers.CharField(required=False, allow_blank=True, default="")
    lines = serializers.ListField(child=serializers.DictField(), allow_empty=True)


class SchemeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Schemes are read by everyone; a new one (or the next version) is created through the service."""

    serializer_class = SchemeSerializer
    filterset_fields = ["position", "is_active"]

    def get_queryset(self):
        return selectors.scheme_list()

    def create(self, request, *args, **kwargs):
        data = SchemeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scheme = services.scheme_create(
            by=request.user,
            name=data.validated_data["name"],
            position=data.validated_data["position"],
            valid_from=data.validated_data["valid_from"],
            focus_product_lines=data.validated_data["focus_product_lines"],
            lines=services.line_inputs(data.validated_data["lines"]),
        )
        return Response(
            SchemeSerializer(selectors.scheme_list().get(pk=scheme.pk)).data, status=status.HTTP_201_CREATED
        )


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalPeriod
        fields = [
            "id",
            "period",
            "period_kind",
            "start",
            "end",
            "region",
            "team",
            "status",
            "values_as_of",
            "meeting_date",
            "rankings_published",
            "opened_at",
        ]


class PeriodOpenSerializer(serializers.Serializer):
    period = serializers.CharField()
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)
    team = ScopedPrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)


class RefreshResultSerializer(serializers.Serializer):
    refreshed = serializers.IntegerField(help_text="Draft scorecards whose numbers were refreshed.")


class PeriodViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PeriodSerializer
    filterset_fields = ["period", "status", "region", "team"]

    def get_queryset(self):
        return selectors.period_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = PeriodOpenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        appraisal = services.appraisal_period_open(
            period=data.validated_data["period"],
            opened_by=request.user,
            region=data.validated_data.get("region"),
            team=data.validated_data.get("team"),
        )
        return Response(PeriodSerializer(appraisal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RefreshResultSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        appraisal = self.get_object()  # 404 outside scope before anything else
        refreshed = services.appraisal_period_refresh(appraisal=appraisal, by=request.user)
        return Response({"refreshed": refreshed})


class LineSerializer(serializers.ModelSerializer):
    kpi = serializers.CharField(source="kpi.code")
    kpi_name = serializers.CharField(source="kpi.name")
    required = serializers.BooleanField(source="scheme_kpi.required", read_only=True)

    class Meta:
        model = ScorecardLine
        list_serializer_class = PrefetchedListSerializer
        fields = ["kpi", "kpi_name", "weight", "effective_weight", "left_out", "required", "target", "value", "score"]


class ScorecardSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)
    period = serializers.CharField(source="appraisal_period.period", read_only=True, default=None, allow_null=True)
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "appraisal_period",
            "period",
            "person",
            "person_name",
            "team",
            "region",
            "position",
            "scheme",
            "status",
            "total_score",
            "grade",
            "rank_team",
            "rank_region",
            "rank_company",
            "values_as_of",
            "root_cause",
            "improvement_plan",
            "manager_comment",
            *Scorecard.QUESTION_FIELDS,
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledgement_comment",
            "lines",
        ]
        read_only_fields = fields


class ScorecardFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="appraisal_period__period")
    status = django_filters.ChoiceFilter(choices=ScorecardStatus.choices)

    class Meta:
        model = Scorecard
        fields = ["appraisal_period", "person", "team", "region", "status", "grade"]


class ReviewSerializer(serializers.Serializer):
    root_cause = serializers.CharField(required=False, allow_blank=True)
    improvement_plan = serializers.CharField(required=False, allow_blank=True)
    manager_comment = serializers.CharField(required=False, allow_blank=True)
    q_year_end_goal = serializers.CharField(required=False, allow_blank=True)
    q_obstacles = serializers.CharField(required=False, allow_blank=True)
    q_territory = serializers.CharField(required=False, allow_blank=True)
    q_missed_impact = serializers.CharField(required=False, allow_blank=True)
    q_progress = serializers.CharField(required=False, allow_blank=True)
    q_make_up = serializers.CharField(required=False, allow_blank=True)


class AcknowledgeSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ScorecardViewSet(viewsets.ReadOnlyModelViewSet):
    """Scorecards in the caller's scope; the workflow steps are actions (404 outside scope)."""

    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    ordering_fields = ["total_score", "rank_company", "person__name"]
    search_fields = ["person__name", "person__employee_no"]

    def get_queryset(self):
        return selectors.scorecard_api_queryset(user=self.request.user).order_by("appraisal_period", "id")

    def _done(self, card: Scorecard) -> Response:
        return Response(ScorecardSerializer(self.get_queryset().get(pk=card.pk)).data)

    @action(detail=True, methods=["patch"])
    def review(self, request, pk=None):
        data = ReviewSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        card = services.scorecard_review_update(
            scorecard=self.get_object(), by=request.user, data=dict(data.validated_data)
        )
        return self._done(card)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(services.scorecard_submit(scorecard=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._done(services.scorecard_approve(scorecard=self.get_object(), by=request.user))

    @extend_schema(request=AcknowledgeSerializer, responses=ScorecardSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The person appraised acknowledges their approved scorecard, once, with an optional comment."""
        card = self.get_object()  # 404 outside scope before anything else
        data = AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        card = services.scorecard_acknowledge(scorecard=card, by=request.user, comment=data.validated_data["comment"])
        return self._done(card)

    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        card = services.scorecard_return(
            scorecard=self.get_object(), by=request.user, reason=str(request.data.get("reason", ""))
        )
        return self._done(card)


class ContestSerializer(serializers.ModelSerializer):
    leaderboard = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = [
            "id",
            "name",
            "period",
            "metric",
            "team",
            "region",
            "participant_kind",
            "status",
            "published",
            "prize",
            "leaderboard",
        ]

    def get_leaderboard(self, contest: Contest) -> list[dict] | None:
        request = self.context.get("request")
        if not self.context.get("with_board") or not selectors.can_see_leaderboard(user=request.user, contest=contest):
            return None
        return [
            {
                "rank": r.rank,
                "name": r.name,
                "person": r.person_id,
                "team": r.team_id,
                "actual": str(r.actual),
                "rate": None if r.rate is None else str(r.rate),
            }
            for r in services.contest_leaderboard(contest=contest)
        ]


class ContestPublishSerializer(serializers.Serializer):
    published = serializers.BooleanField()


class ContestViewSet(viewsets.ReadOnlyModelViewSet):
    """Contests of the caller's participants and units (404 otherwise); the leaderboard is in the
    detail for the managers of the contest's unit, and for the participants once published."""

    serializer_class = ContestSerializer
    filterset_fields = ["period", "metric", "status"]

    def get_queryset(self):
        return selectors.contest_list(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["with_board"] = self.action in ("retrieve", "publish", "finish")
        return context

    @extend_schema(request=ContestPublishSerializer, responses=ContestSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        contest = self.get_object()
        data = ContestPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contest = services.contest_publish(contest=contest, by=request.user, published=data.validated_data["published"])
        return Response(self.get_serializer(contest).data)

    @extend_schema(request=None, responses=ContestSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        contest = services.contest_finish(contest=self.get_object(), by=request.user)
        return Response(self.get_serializer(contest).data)


class StatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommissionStatementLine
        fields = [
            "id",
            "kind",
            "order",
            "payment",
            "date",
            "description",
            "basis_amount",
            "amount",
            "clawback_of",
            "reason",
        ]
        read_only_fields = fields


class DisputeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommissionDispute
        fields = [
            "id",
            "statement",
            "line",
            "raised_by",
            "reason",
            "status",
            "resolution",
            "adjustment",
            "adjustment_line",
            "resolved_by",
            "created_at",
            "resolved_at",
        ]
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = CommissionStatement
        fields = [
            "id",
            "plan",
            "person",
            "person_name",
            "team",
            "region",
            "period",
            "actual",
            "target",
            "achievement_rate",
            "amount",
            "status",
            "computed_at",
            "computed_by",
            "version",
            "issued_by",
            "issued_at",
            "acknowledged_at",
            "acknowledge_comment",
            "approved_by",
            "approved_at",
            "exported_at",
        ]
        read_only_fields = fields


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)
    disputes = DisputeSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines", "disputes"]
        read_only_fields = fields


class StatementBuildSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=CommissionPlan.objects.filter(is_active=True))
    person = ScopedPrimaryKeyRelatedField(queryset=Person.objects.all())
    period = serializers.CharField()


class StatementDisputeSerializer(serializers.Serializer):
    line = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(allow_blank=True)


class DisputeResolveSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    resolution = serializers.CharField(allow_blank=True)
    adjustment = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class EstimateQuerySerializer(serializers.Serializer):
    amount = serializers.CharField()
    plan = serializers.PrimaryKeyRelatedField(queryset=CommissionPlan.objects.filter(is_active=True), required=False)
    period = serializers.CharField(required=False)


class EstimateSerializer(serializers.Serializer):
    period = serializers.CharField()
    plan = serializers.IntegerField(read_only=True)
    target = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    basis_so_far = serializers.DecimalField(max_digits=16, decimal_places=2)
    earned_so_far = serializers.DecimalField(max_digits=14, decimal_places=2)
    adds = serializers.DecimalField(max_digits=14, decimal_places=2)
    to_next_tier = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    next_tier_rate = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    message = serializers.CharField()


class HistoryEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    step = serializers.CharField()
    status = serializers.CharField()


class StatementComputeSerializer(serializers.Serializer):
    # The plans are the company's catalogue (not scoped): every manager may compute any plan.
    plan = serializers.PrimaryKeyRelatedField(queryset=CommissionPlan.objects.filter(is_active=True))
    period = serializers.CharField()
    team = ScopedPrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    region = ScopedPrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)


class StatementExportSerializer(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True, default="")


class ComputeResultSerializer(serializers.Serializer):
    computed = serializers.IntegerField(help_text="Draft statements written.")


class StatementViewSet(viewsets.ReadOnlyModelViewSet):
    """Commission statements in the caller's scope; compute, approve and the payroll export are
    POST actions (the export marks the approved statements exported)."""

    serializer_class = StatementSerializer
    filterset_fields = ["period", "status", "plan", "person", "team", "region"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.statement_list(user=self.request.user).order_by("-period", "person__name", "id")
        return selectors.statement_detail_queryset(user=self.request.user).order_by("-period", "person__name", "id")

    def get_serializer_class(self):
        return StatementSerializer if self.action == "list" else StatementDetailSerializer

    def _done(self, statement: CommissionStatement) -> Response:
        return Response(StatementDetailSerializer(self.get_queryset().get(pk=statement.pk)).data)

    @extend_schema(request=StatementBuildSerializer, responses=StatementDetailSerializer)
    @action(detail=False, methods=["post"])
    def build(self, request):
        """Build (or rebuild) a rep's draft statement from the plan version in force on the period."""
        data = StatementBuildSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        statement = services.commission_statement_build(by=request.user, **data.validated_data)
        return self._done(statement)

    @extend_schema(request=None, responses=StatementDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self._done(services.commission_statement_issue(statement=self.get_object(), by=request.user))

    @extend_schema(request=AcknowledgeSerializer, responses=StatementDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The rep acknowledges their issued statement, once, with an optional comment."""
        statement = self.get_object()
        data = AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.commission_statement_acknowledge(
            statement=statement, by=request.user, comment=data.validated_data["comment"]
        )
        return self._done(statement)

    @extend_schema(request=StatementDisputeSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        """The rep disputes one line of their issued statement, with a reason (to their manager)."""
        statement = self.get_object()
        data = StatementDisputeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = statement.lines.filter(pk=data.validated_data["line"]).first()
        if line is None:
            raise serializers.ValidationError({"line": [_("Choose a line of this statement.")]})
        dispute = services.commission_line_dispute(line=line, by=request.user, reason=data.validated_data["reason"])
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=HistoryEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        events = selectors.statement_history(self.get_object())
        for event in events:
            event["by"] = event["by"].get_username() if event["by"] is not None else None
        return Response(HistoryEventSerializer(events, many=True).data)

    @extend_schema(parameters=[EstimateQuerySerializer], responses=EstimateSerializer)
    @action(detail=False, methods=["get"])
    def estimate(self, request):
        """For the requesting rep: what an order of `amount` adds to the commission of the period
        (default: this month) on their plan, and how much more reaches the next tier."""
        data = EstimateQuerySerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        person = authority.require_person(request.user)
        plan = data.validated_data.get("plan") or (
            CommissionPlan.objects.filter(is_active=True, position=person.position, versions__isnull=False)
            .distinct()
            .order_by("name")
            .first()
        )
        if plan is None:
            raise serializers.ValidationError({"plan": [_("No commission plan with a version for your position.")]})
        period = data.validated_data.get("period") or str(Period.month_of(timezone.localdate()))
        estimate = services.commission_estimate(
            plan=plan, person=person, period=period, amount=data.validated_data["amount"]
        )
        answer = dict(estimate.__dict__, plan=plan.pk, message=estimate_message(estimate))
        return Response(EstimateSerializer(answer).data)

    @extend_schema(request=StatementComputeSerializer, responses=ComputeResultSerializer)
    @action(detail=False, methods=["post"])
    def compute(self, request):
        data = StatementComputeSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        computed = services.commission_statements_compute(
            plan=data.validated_data["plan"],
            period=data.validated_data["period"],
            by=request.user,
            team=data.validated_data.get("team"),
            region=data.validated_data.get("region"),
        )
        return Response({"computed": computed})

    @extend_schema(request=None, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        statement = services.commission_approve(statement=self.get_object(), by=request.user)
        return Response(StatementSerializer(statement).data)

    @extend_schema(
        request=StatementExportSerializer,
        responses={
            (200, exports.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The payroll sheet.")
        },
    )
    @action(detail=False, methods=["post"], url_path="payroll-export")
    def payroll_export(self, request):
        data = StatementExportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        statements = selectors.statement_list(user=request.user)
        if data.validated_data["period"]:
            statements = statements.filter(period=data.validated_data["period"])
        sheet = services.commission_export_payroll(statements=statements, by=request.user)
        return exports.xlsx_file_response(sheet, filename="commission-payroll")


def estimate_message(estimate) -> str:
    message = _("This order adds about %(adds)s.") % {"adds": money(estimate.adds)}
    if estimate.to_next_tier is not None:
        message += " " + _("%(gap)s more to the next tier.") % {"gap": money(estimate.to_next_tier)}
    return message


class DisputeViewSet(viewsets.ReadOnlyModelViewSet):
    """Disputes of the statements in the caller's scope (open first); the manager resolves one."""

    serializer_class = DisputeSerializer
    filterset_fields = ["status", "statement"]

    def get_queryset(self):
        return selectors.dispute_list(user=self.request.user)

    @extend_schema(request=DisputeResolveSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        dispute = self.get_object()
        data = DisputeResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = services.commission_dispute_resolve(dispute=dispute, by=request.user, **data.validated_data)
        return Response(DisputeSerializer(dispute).data)


def register(router: BaseRouter) -> None:
    router.register("kpis", KpiViewSet, basename="kpi")
    router.register("appraisal-schemes", SchemeViewSet, basename="appraisal-scheme")
    router.register("appraisal-periods", PeriodViewSet, basename="appraisal-period")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("contests", ContestViewSet, basename="contest")
    router.register("commission-statements", StatementViewSet, basename="commission-statement")
    router.register("commission-disputes", DisputeViewSet, basename="commission-dispute")
