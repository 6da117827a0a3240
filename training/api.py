"""API for training: courses, enrollments, coaching sessions, action items, work reports, suggestions.

Thin: parse input, call one service or selector, shape output. Every queryset is scoped; objects
outside the caller's scope answer 404.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from appraisal.models import Outcome, OutcomeKind
from fieldwork.models import Visit
from salesorg.api import PrefetchedListSerializer, ScopedPrimaryKeyRelatedField
from salesorg.money import to_money
from salesorg.paging import prefetched
from staff import authority
from staff.models import Person, Position, Region, Team
from training import selectors, services
from training.models import (
    ActionItem,
    ActionItemStatus,
    CoachingSession,
    Course,
    CourseMaterial,
    Enrollment,
    ReportComment,
    ReportKind,
    ReviewMeeting,
    SessionKind,
    TrainingSuggestion,
    WorkReport,
)


class ScopedPersonField(ScopedPrimaryKeyRelatedField):
    """A person the caller may see (others answer "invalid pk", revealing nothing)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Person.objects.select_related("team", "region"), **kwargs)


class ScopedVisitField(ScopedPrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Visit.objects.all(), **kwargs)


# --- Courses ---------------------------------------------------------------------------------


class CourseMaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseMaterial
        fields = ["id", "kind", "title", "body", "url", "file"]


class CourseSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    materials = CourseMaterialSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = ["id", "code", "title", "kind", "onboarding_topic", "topic", "description", "hours", "materials"]


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CourseSerializer
    filterset_fields = ["kind", "topic", "onboarding_topic"]
    search_fields = ["code", "title", "description"]
    ordering_fields = ["code", "kind"]

    def get_queryset(self):
        return Course.objects.filter(is_active=True).prefetch_related("materials")


# --- Enrollments -----------------------------------------------------------------------------


class EnrollmentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)
    course_title = serializers.CharField(source="course.display_title", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "person",
            "person_name",
            "course",
            "course_title",
            "team",
            "onboarding",
            "status",
            "enrolled_on",
            "due_on",
            "completed_on",
            "score",
            "trainer_comment",
        ]


class EnrollmentCreateSerializer(serializers.Serializer):
    person = ScopedPersonField()
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.filter(is_active=True))
    due_on = serializers.DateField(required=False, allow_null=True)


class EnrollmentResultSerializer(serializers.Serializer):
    passed = serializers.BooleanField(default=True)
    completed_on = serializers.DateField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    trainer_comment = serializers.CharField(required=False, allow_blank=True, default="")


class EnrollmentFilter(django_filters.FilterSet):
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Enrollment
        fields = ["person", "course", "status", "team", "onboarding"]


class EnrollmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter
    ordering_fields = ["enrolled_on", "due_on"]

    def get_queryset(self):
        return Enrollment.objects.visible_to(self.request.user).select_related("person", "course")

    def create(self, request, *args, **kwargs):
        data = EnrollmentCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_create(
            by=request.user,
            person=data.validated_data["person"],
            course=data.validated_data["course"],
            enrolled_on=timezone.localdate(),
            due_on=data.validated_data.get("due_on"),
        )
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        enrollment = self.get_object()
        data = EnrollmentResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.enrollment_record_result(
            by=request.user,
            enrollment=enrollment,
            on=data.validated_data["completed_on"],
            passed=data.validated_data["passed"],
            score=data.validated_data.get("score"),
            trainer_comment=data.validated_data["trainer_comment"],
        )
        return Response(EnrollmentSerializer(enrollment).data)


# --- Coaching sessions and action items ------------------------------------------------------


class ActionItemSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True, default=None, allow_null=True)
    coach_name = serializers.CharField(source="coach.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ActionItem
        list_serializer_class = PrefetchedListSerializer
        fields = [
            "id",
            "session",
            "review_meeting",
            "owner",
            "owner_name",
            "coach",
            "coach_name",
            "title",
            "due_on",
            "status",
            "done_on",
        ]


class CoachingSessionSerializer(serializers.ModelSerializer):
    coach_name = serializers.CharField(source="coach.name", read_only=True, default=None, allow_null=True)
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = CoachingSession
        fields = [
            "id",
            "kind",
            "date",
            "coach",
            "coach_name",
            "person",
            "person_name",
            "team",
            "visit",
            "topic",
            "strengths",
            "weaknesses",
            "discussed",
            "agreed_plan",
            "did_well",
            "to_improve",
            "action_items",
        ]


class NewActionItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    due_on = serializers.DateField()
    owner = ScopedPersonField(required=False, allow_null=True)


class CoachingSessionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SessionKind.choices)
    date = serializers.DateField()
    person = ScopedPersonField(required=False, allow_null=True)
    visit = ScopedVisitField(required=False, allow_null=True)
    topic = serializers.CharField(required=False, allow_blank=True, default="")
    strengths = serializers.CharField(required=False, allow_blank=True, default="")
    weaknesses = serializers.CharField(required=False, allow_blank=True, default="")
    discussed = serializers.CharField(required=False, allow_blank=True, default="")
    agreed_plan = serializers.CharField(required=False, allow_blank=True, default="")
    did_well = serializers.CharField(required=False, allow_blank=True, default="")
    to_improve = serializers.CharField(required=False, allow_blank=True, default="")
    action_items = NewActionItemSerializer(many=True, required=False, default=list)


class CoachingSessionFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = CoachingSession
        fields = ["kind", "person", "coach", "team", "visit"]


class CoachingSessionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CoachingSessionSerializer
    filterset_class = CoachingSessionFilter
    ordering_fields = ["date"]

    def get_queryset(self):
        return (
            CoachingSession.objects.visible_to(self.request.user)
            .select_related("coach", "person")
            .prefetch_related(prefetched("action_items", ActionItem.objects.select_related("owner", "coach")))
        )

    def create(self, request, *args, **kwargs):
        data = CoachingSessionCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        session = services.coaching_session_create(
            coach=authority.require_person(request.user),
            on=values.pop("date"),
            today=timezone.localdate(),
            **values,
        )
        return Response(CoachingSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class ActionItemCreateSerializer(serializers.Serializer):
    owner = ScopedPersonField()
    title = serializers.CharField()
    due_on = serializers.DateField()
    session = ScopedPrimaryKeyRelatedField(queryset=CoachingSession.objects.all(), required=False)


class FollowUpSerializer(serializers.Serializer):
    date = serializers.DateField()
    note = serializers.CharField()
    mark_done = serializers.BooleanField(default=False)


class CloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ActionItemStatus.DONE, ActionItemStatus.CANCELLED])
    date = serializers.DateField()


class ActionItemFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = ActionItem
        fields = ["owner", "coach", "status", "session"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.overdue(today) if value else queryset.exclude(pk__in=queryset.overdue(today).values("pk"))


class ActionItemViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    ordering_fields = ["due_on"]

    def get_queryset(self):
        return ActionItem.objects.visible_to(self.request.user).select_related("owner", "coach")

    def create(self, request, *args, **kwargs):
        data = ActionItemCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        item = services.action_item_create(
            coach=authority.require_person(request.user), today=timezone.localdate(), **data.validated_data
        )
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        item = self.get_object()
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_item_follow_up(
            item=item,
            author=authority.require_person(request.user),
            on=data.validated_data["date"],
            note=data.validated_data["note"],
            mark_done=data.validated_data["mark_done"],
        )
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        item = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.action_item_close(
            item=item, by=request.user, on=data.validated_data["date"], status=data.validated_data["status"]
        )
        return Response(ActionItemSerializer(item).data)


# --- Work reports ----------------------------------------------------------------------------


class ReportCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ReportComment
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "author", "author_name", "text", "created_at"]


class WorkReportSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)
    comments = ReportCommentSerializer(many=True, read_only=True)

    class Meta:
        model = WorkReport
        fields = [
            "id",
            "person",
            "person_name",
            "team",
            "kind",
            "period_start",
            "period_end",
            "numbers",
            "summary",
            "problems",
            "next_plan",
            "submitted_at",
            "is_late",
            "comments",
        ]


class WorkReportCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    day = serializers.DateField()
    summary = serializers.CharField()
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_plan = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField()


class WorkReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkReportSerializer
    filterset_fields = ["person", "kind", "team", "period_start", "is_late"]
    ordering_fields = ["period_start", "submitted_at"]

    def get_queryset(self):
        return (
            WorkReport.objects.visible_to(self.request.user)
            .select_related("person")
            .prefetch_related(prefetched("comments", ReportComment.objects.select_related("author")))
        )

    def create(self, request, *args, **kwargs):
        data = WorkReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.work_report_submit(
            person=authority.require_person(request.user), by=request.user, now=timezone.now(), **data.validated_data
        )
        return Response(WorkReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        report = self.get_object()
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.report_comment_add(
            report=report, author=authority.require_person(request.user), text=data.validated_data["text"]
        )
        return Response(ReportCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


# --- Training suggestions --------------------------------------------------------------------


class TrainingSuggestionSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)
    course_title = serializers.CharField(source="course.display_title", read_only=True, default=None, allow_null=True)
    kpi = serializers.CharField(source="kpi_display", read_only=True)
    coaching_topic = serializers.CharField(source="coaching_topic_display", read_only=True)

    class Meta:
        model = TrainingSuggestion
        fields = [
            "id",
            "person",
            "person_name",
            "period",
            "kpi_code",
            "kpi",
            "value",
            "target",
            "course",
            "course_title",
            "coaching_topic",
            "status",
            "decided_by",
            "decided_on",
            "decision_note",
        ]


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingSuggestionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingSuggestionSerializer
    filterset_fields = ["person", "status", "period", "kpi_code"]

    def get_queryset(self):
        return TrainingSuggestion.objects.visible_to(self.request.user).select_related("person", "course")

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        suggestion = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.suggestion_accept(
            suggestion=suggestion,
            decided_by=request.user,
            on=timezone.localdate(),
            **data.validated_data,
        )
        return Response(TrainingSuggestionSerializer(suggestion).data)

    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        suggestion = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.suggestion_dismiss(
            suggestion=suggestion,
            decided_by=request.user,
            on=timezone.localdate(),
            **data.validated_data,
        )
        return Response(TrainingSuggestionSerializer(suggestion).data)


# --- Review meetings (复盘) ---------------------------------------------------------------------


class ReviewOutcomeSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "person", "person_name", "kind", "kind_label", "amount", "reason", "date", "confirmed_at"]
        read_only_fields = fields


class ReviewMeetingSerializer(serializers.ModelSerializer):
    held_by_name = serializers.CharField(source="held_by.name", read_only=True, default=None, allow_null=True)
    unit = serializers.CharField(read_only=True)

    class Meta:
        model = ReviewMeeting
        fields = [
            "id",
            "period",
            "start",
            "end",
            "team",
            "region",
            "unit",
            "date",
            "held_by",
            "held_by_name",
            "stale_days",
            "notes",
            "answers",
        ]
        read_only_fields = fields


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _money(value: Decimal | None) -> str | None:
    """Money as a decimal string with 2 places (a database sum may come back unscaled)."""
    return None if value is None else str(to_money(value))


class ReviewMeetingDetailSerializer(ReviewMeetingSerializer):
    """The meeting with its agenda (read from the numbers) and its decisions."""

    agenda = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta(ReviewMeetingSerializer.Meta):
        fields = [*ReviewMeetingSerializer.Meta.fields, "agenda", "decisions"]
        read_only_fields = fields

    def get_agenda(self, meeting: ReviewMeeting) -> dict:
        agenda = self.context["agenda"]
        return {
            "as_of": agenda.as_of.isoformat(),
            "targets": [
                {
                    "owner": line.owner,
                    "owner_kind": line.owner_kind,
                    "metric": line.metric,
                    "target": _money(line.target),
                    "actual": _money(line.actual),
                    "rate": _text(line.rate),
                    "time_progress": _text(line.time_progress),
                    "is_behind": line.is_behind,
                }
                for line in agenda.targets
            ],
            "lost_deals": [
                {
                    "lost_reason": row["lost_reason"],
                    "competitor": row["competitor_id"],
                    "competitor_name": row["competitor_name"],
                    "count": row["count"],
                    "amount": _money(row["amount"]),
                }
                for row in agenda.lost_deals
            ],
            "stale_pipeline": [
                {
                    "id": opp.pk,
                    "name": opp.name,
                    "owner": opp.owner_id,
                    "expected_amount": _money(opp.expected_amount),
                    "expected_close_date": opp.expected_close_date.isoformat(),
                    "last_change": opp.last_change.isoformat() if opp.last_change else None,
                    "is_idle": opp.is_idle,
                    "is_past_close": opp.is_past_close,
                }
                for opp in agenda.stale_pipeline
            ],
            "scorecards": [
                {"id": card.pk, "person": card.person_id, "total_score": _text(card.total_score), "grade": card.grade}
                for card in agenda.scorecards
            ],
            "overdue_action_items": ActionItemSerializer(agenda.overdue_actions, many=True).data,
            "questions": agenda.questions,
            "previous_meeting": agenda.previous.pk if agenda.previous else None,
            "previous_action_items": ActionItemSerializer(agenda.previous_actions, many=True).data,
            "previous_outcomes": ReviewOutcomeSerializer(agenda.previous_outcomes, many=True).data,
        }

    def get_decisions(self, meeting: ReviewMeeting) -> dict:
        actions, outcomes = self.context["decisions"]
        return {
            "action_items": ActionItemSerializer(actions, many=True).data,
            "outcomes": ReviewOutcomeSerializer(outcomes, many=True).data,
        }


class ScopedTeamField(ScopedPrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Team.objects.select_related("region"), **kwargs)


class ScopedRegionField(ScopedPrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Region.objects.all(), **kwargs)


class ReviewMeetingCreateSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7)
    team = ScopedTeamField(required=False, allow_null=True, default=None)
    region = ScopedRegionField(required=False, allow_null=True, default=None)
    date = serializers.DateField()
    stale_days = serializers.IntegerField(min_value=1, max_value=365, default=30)


class ReviewMinutesSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True)
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    date = serializers.DateField(required=False)
    stale_days = serializers.IntegerField(min_value=1, max_value=365, required=False)


class ReviewOutcomeCreateSerializer(serializers.Serializer):
    person = ScopedPersonField()
    kind = serializers.ChoiceField(choices=OutcomeKind.choices)
    reason = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    to_position = serializers.ChoiceField(choices=Position.choices, required=False, allow_blank=True, default="")


class ReviewActionCreateSerializer(serializers.Serializer):
    owner = ScopedPersonField()
    title = serializers.CharField(max_length=300)
    due_on = serializers.DateField()


class ReviewMeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A unit's quarterly review meeting (复盘): the detail carries the agenda read from the numbers
    and the decisions; the unit's manager line opens it, keeps the minutes and records decisions."""

    serializer_class = ReviewMeetingSerializer
    filterset_fields = ["period", "team", "region"]
    ordering_fields = ["start", "date"]

    def get_queryset(self):
        return ReviewMeeting.objects.visible_to(self.request.user).select_related("team", "region", "held_by")

    @extend_schema(responses=ReviewMeetingDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        meeting = self.get_object()
        return Response(self._detail(meeting))

    def _detail(self, meeting: ReviewMeeting) -> dict:
        user = self.request.user
        context = {
            "request": self.request,
            "agenda": selectors.review_agenda(user=user, meeting=meeting, today=timezone.localdate()),
            "decisions": selectors.decisions_of(user=user, meeting=meeting),
        }
        return ReviewMeetingDetailSerializer(meeting, context=context).data

    @extend_schema(request=ReviewMeetingCreateSerializer, responses={201: ReviewMeetingSerializer})
    def create(self, request, *args, **kwargs):
        data = ReviewMeetingCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting = services.review_meeting_create(by=request.user, on=values.pop("date"), **values)
        return Response(ReviewMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewMinutesSerializer, responses=ReviewMeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        meeting = self.get_object()
        data = ReviewMinutesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        services.review_meeting_update(meeting=meeting, by=request.user, on=values.pop("date", None), **values)
        return Response(ReviewMeetingSerializer(meeting).data)

    @extend_schema(request=ReviewOutcomeCreateSerializer, responses={201: ReviewOutcomeSerializer})
    @action(detail=True, methods=["post"])
    def outcomes(self, request, pk=None):
        meeting = self.get_object()
        data = ReviewOutcomeCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        outcome = services.review_meeting_record_outcome(meeting=meeting, by=request.user, **data.validated_data)
        return Response(ReviewOutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewActionCreateSerializer, responses={201: ActionItemSerializer})
    @action(detail=True, methods=["post"], url_path="action-items")
    def action_items(self, request, pk=None):
        meeting = self.get_object()
        data = ReviewActionCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        item = services.review_meeting_add_action(
            meeting=meeting, by=request.user, today=timezone.localdate(), **data.validated_data
        )
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("courses", CourseViewSet, basename="course")
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("coaching-sessions", CoachingSessionViewSet, basename="coaching-session")
    router.register("action-items", ActionItemViewSet, basename="action-item")
    router.register("work-reports", WorkReportViewSet, basename="work-report")
    router.register("training-suggestions", TrainingSuggestionViewSet, basename="training-suggestion")
    router.register("review-meetings", ReviewMeetingViewSet, basename="review-meeting")
