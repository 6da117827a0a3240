"""API for customers, the pool, stakeholders, visits, expenses, competitors, complaints (thin: services do the work)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from customers.models import (
    Classification,
    Competitor,
    Complaint,
    ComplaintStatus,
    Customer,
    CustomerEvaluation,
    CustomerKind,
    CustomerReward,
    CustomerStatus,
    ExpenseClaim,
    ExpenseKind,
    ExpenseStatus,
    FollowUp,
    IntelNote,
    Stakeholder,
    Visit,
    VisitKind,
)
from customers.selectors import accounts as account_selectors
from customers.selectors import visits as visit_selectors
from customers.services import accounts as account_services
from customers.services import pool as pool_services
from customers.services import visits as visit_services
from salesorg.exceptions import ApplicationError

# Output serializers


class CustomerSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True, default=None, allow_null=True)
    team_name = serializers.CharField(source="team.name", read_only=True, default=None, allow_null=True)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None, allow_null=True)
    referred_by_name = serializers.CharField(source="referred_by.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "industry",
            "owner",
            "owner_name",
            "owner_since",
            "team",
            "team_name",
            "region",
            "region_name",
            "classification",
            "classification_overridden",
            "potential_amount",
            "status",
            "credit_rating",
            "credit_limit",
            "address",
            "latitude",
            "longitude",
            "source",
            "referred_by",
            "referred_by_name",
            "contacts",
            "notes",
            "pool_due_date",
            "pool_warned_on",
        ]
        read_only_fields = fields


class PoolCustomerSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Customer
        fields = ["id", "code", "name", "kind", "industry", "classification", "region", "region_name", "address"]
        read_only_fields = fields


class StakeholderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "customer",
            "name",
            "title",
            "role",
            "needs",
            "attitude",
            "relationship",
            "phone",
            "email",
            "status",
        ]
        read_only_fields = ["id", "customer", "status"]


class VisitSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None, allow_null=True)
    author_name = serializers.CharField(source="author.name", read_only=True, default=None, allow_null=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "customer",
            "customer_name",
            "author",
            "author_name",
            "team",
            "region",
            "date",
            "kind",
            "accompanying_manager",
            "stakeholders",
            "purpose",
            "outcome",
            "next_step",
            "next_step_date",
            "latitude",
            "longitude",
            "checked_in_at",
            "distance_m",
            "photos",
            "created_at",
        ]
        read_only_fields = fields

    def get_photos(self, visit: Visit) -> list[str]:
        return [photo.image.url for photo in visit.photos.all()]


class ExpenseSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ExpenseClaim
        fields = [
            "id",
            "person",
            "person_name",
            "team",
            "region",
            "date",
            "kind",
            "amount",
            "description",
            "receipt",
            "customer",
            "visit",
            "status",
            "decided_by",
            "decided_on",
            "decision_note",
        ]
        read_only_fields = fields


class CompetitorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competitor
        fields = ["id", "name", "products", "prices", "channels", "strengths", "weaknesses"]


class IntelNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntelNote
        fields = ["id", "competitor", "customer", "visit", "author", "date", "note"]
        read_only_fields = fields


class ComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "customer",
            "received_on",
            "subject",
            "description",
            "status",
            "handled_by",
            "resolution",
            "closed_on",
        ]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerEvaluation
        fields = [
            "id",
            "customer",
            "period",
            "date",
            "credit_score",
            "payment_score",
            "volume_score",
            "cooperation_score",
            "satisfaction_score",
            "overall_score",
            "grade",
            "previous_grade",
            "reason",
            "response_plan",
        ]
        read_only_fields = fields
        # A first evaluation has no previous grade: the empty string is part of the schema.
        extra_kwargs = {"previous_grade": {"allow_blank": True}}


class RewardSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerReward
        fields = ["id", "customer", "kind", "date", "amount", "reason", "referral", "granted_by"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "person", "customer", "kind", "message", "due_date", "done", "created_on"]
        read_only_fields = fields


# Input serializers: types only; the services check the rules.


class CustomerInput(serializers.Serializer):
    code = serializers.CharField(max_length=30, required=False)
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    owner = serializers.IntegerField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=CustomerStatus.choices, required=False)
    credit_rating = serializers.CharField(required=False, allow_blank=True)
    credit_limit = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    potential_amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True)
    referred_by = serializers.IntegerField(required=False, allow_null=True)
    contacts = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class VisitInput(serializers.Serializer):
    date = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False)
    accompanying_manager = serializers.IntegerField(required=False, allow_null=True)
    purpose = serializers.CharField(max_length=300, required=False, allow_blank=True)
    outcome = serializers.CharField(required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=300, required=False, allow_blank=True)
    next_step_date = serializers.DateField(required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    stakeholders = serializers.ListField(child=serializers.IntegerField(), required=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    customer = serializers.IntegerField(required=False)


class ExpenseInput(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=ExpenseKind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    receipt = serializers.FileField(required=False)
    customer = serializers.IntegerField(required=False, allow_null=True)
    visit = serializers.IntegerField(required=False, allow_null=True)


def _data(request: Request) -> dict[str, Any]:
    """request.data as a plain dict, with repeated multipart keys as lists."""
    data = request.data
    if hasattr(data, "getlist"):
        plain = {key: data.get(key) for key in data}
        for key in ("stakeholders", "photos"):
            if key in data:
                plain[key] = [v for v in data.getlist(key) if v != ""]
        return plain
    return dict(data)


def _pk(value: Any, field: str) -> int | None:
    """An optional id from the request; anything but digits is a 400 naming the field."""
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ApplicationError("Not a valid id.", fields={field: ["Enter a valid id."]})
    return int(value)


def _validated(serializer_class: type[serializers.Serializer], request: Request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=_data(request), partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# Filters


class CustomerFilter(django_filters.FilterSet):
    classification = django_filters.ChoiceFilter(choices=Classification.choices)
    kind = django_filters.ChoiceFilter(choices=CustomerKind.choices)
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    pool_due_before = django_filters.DateFilter(field_name="pool_due_date", lookup_expr="lte")

    class Meta:
        model = Customer
        fields = ["owner", "region", "team", "classification", "kind", "status", "credit_rating", "industry"]


class VisitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    classification = django_filters.ChoiceFilter(field_name="customer__classification", choices=Classification.choices)
    owner = django_filters.NumberFilter(field_name="customer__owner")
    far = django_filters.BooleanFilter(method="filter_far")

    class Meta:
        model = Visit
        fields = ["author", "team", "region", "customer", "kind"]

    def filter_far(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        threshold = visit_services.far_checkin_threshold_m()
        return queryset.filter(distance_m__gt=threshold) if value else queryset.exclude(distance_m__gt=threshold)


class ExpenseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExpenseStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ExpenseKind.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ExpenseClaim
        fields = ["person", "team", "region", "customer", "status", "kind"]


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")
    region = django_filters.NumberFilter(field_name="customer__region")
    team = django_filters.NumberFilter(field_name="customer__team")
    owner = django_filters.NumberFilter(field_name="customer__owner")

    class Meta:
        model = Complaint
        fields = ["customer", "status"]


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
        data = _validated(CustomerInput, request)
        code, owner = data.pop("code", ""), data.pop("owner", None)
        customer = account_services.customer_create(user=request.user, code=code, owner=owner, data=data)
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = self.get_object()
        data = _validated(CustomerInput, request, partial=True)
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
        to_owner = request.data.get("to_owner")
        if to_owner in (None, "") or not str(to_owner).isdigit():
            raise ApplicationError("Choose the new owner.", fields={"to_owner": ["This field is required."]})
        customer = account_services.customer_transfer(
            user=request.user, customer=customer, to_owner=int(to_owner), reason=request.data.get("reason", "")
        )
        return Response(self.get_serializer(customer).data)

    @action(detail=True, methods=["post"])
    def classify(self, request: Request, pk: str | None = None) -> Response:
        customer = account_services.customer_classify(
            user=request.user,
            customer=self.get_object(),
            classification=request.data.get("classification", ""),
            reason=request.data.get("reason", ""),
        )
        return Response(self.get_serializer(customer).data)

    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        customer = pool_services.customer_release(
            user=request.user, customer=self.get_object(), reason=request.data.get("reason", "")
        )
        return Response(self.get_serializer(customer).data)

    @extend_schema(methods=["GET"], responses=EvaluationSerializer(many=True))
    @extend_schema(methods=["POST"], responses={201: EvaluationSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def evaluations(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        if request.method == "POST":
            evaluation = account_services.evaluation_create(
                user=request.user,
                customer=customer,
                period=str(request.data.get("period", "")),
                scores={field: request.data.get(field) for field in account_services.SCORE_FIELDS},
                reason=request.data.get("reason", ""),
                response_plan=request.data.get("response_plan", ""),
            )
            return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)
        return Response(EvaluationSerializer(customer.evaluations.all(), many=True).data)

    @action(detail=True, methods=["post"])
    def rewards(self, request: Request, pk: str | None = None) -> Response:
        customer = self.get_object()
        referral_id = _pk(request.data.get("referral"), "referral")
        customers = Customer.objects.visible_to(request.user)
        referral = get_object_or_404(customers, pk=referral_id) if referral_id else None
        reward = account_services.reward_create(
            user=request.user,
            customer=customer,
            kind=request.data.get("kind", ""),
            amount=request.data.get("amount"),
            reason=request.data.get("reason", ""),
            date_=request.data.get("date"),
            referral=referral,
        )
        return Response(RewardSerializer(reward).data, status=status.HTTP_201_CREATED)


class PoolViewSet(viewsets.ReadOnlyModelViewSet):
    """Customers in the pool (公海); `claim` takes one."""

    serializer_class = PoolCustomerSerializer
    search_fields = ["code", "name", "industry"]
    filterset_fields = ["classification", "kind", "region"]

    def get_queryset(self) -> QuerySet[Customer]:
        return account_selectors.pool_list(user=self.request.user)

    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        customer = pool_services.customer_claim(user=request.user, customer=self.get_object())
        return Response(CustomerSerializer(customer).data)


class StakeholderViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = StakeholderSerializer
    filterset_fields = ["customer", "role", "status", "attitude"]
    search_fields = ["name", "title"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Stakeholder]:
        return account_selectors.stakeholder_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer_id = request.data.get("customer")
        if not str(customer_id or "").isdigit():
            raise ApplicationError("Choose the customer.", fields={"customer": ["This field is required."]})
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
        stakeholder = account_services.stakeholder_create(user=request.user, customer=customer, data=_data(request))
        return Response(self.get_serializer(stakeholder).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        stakeholder = account_services.stakeholder_update(
            user=request.user, stakeholder=self.get_object(), data=_data(request)
        )
        return Response(self.get_serializer(stakeholder).data)

    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str | None = None) -> Response:
        """The stakeholder left (`kind=left`) or was replaced (`kind=replaced`, `replacement={...}`)."""
        replacement = request.data.get("replacement")
        change = account_services.stakeholder_change(
            user=request.user,
            stakeholder=self.get_object(),
            kind=request.data.get("kind", ""),
            date_=request.data.get("date"),
            note=request.data.get("note", ""),
            replacement=replacement if isinstance(replacement, dict) else None,
        )
        return Response(
            {"id": change.pk, "kind": change.kind, "replacement": change.replacement_id}, status=status.HTTP_201_CREATED
        )


class VisitViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    search_fields = ["customer__name", "purpose", "outcome"]
    ordering_fields = ["date", "distance_m", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Visit]:
        return visit_selectors.visit_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer_id = request.data.get("customer")
        if not str(customer_id or "").isdigit():
            raise ApplicationError("Choose the customer.", fields={"customer": ["This field is required."]})
        # A customer outside the rep's scope is not found: nothing is revealed, nothing written.
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
        data = _validated(VisitInput, request)
        data.pop("customer", None)
        visit = visit_services.visit_create(
            user=request.user,
            customer=customer,
            data={k: v for k, v in data.items() if k in visit_services.VISIT_FIELDS},
            stakeholder_ids=data.get("stakeholders", []),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photos=data.get("photos", []),
        )
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        visit = self.get_object()
        data = _validated(VisitInput, request, partial=True)
        for fixed in ("latitude", "longitude"):
            if fixed in data:
                raise ApplicationError("The check-in cannot be changed.", fields={fixed: ["The check-in is final."]})
        visit = visit_services.visit_update(
            user=request.user,
            visit=visit,
            data={k: v for k, v in data.items() if k in (*visit_services.VISIT_FIELDS, "customer")},
            stakeholder_ids=data.get("stakeholders"),
            photos=data.get("photos", []),
        )
        return Response(self.get_serializer(visit).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)


class ExpenseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ExpenseSerializer
    filterset_class = ExpenseFilter
    ordering_fields = ["date", "amount"]

    def get_queryset(self) -> QuerySet[ExpenseClaim]:
        return visit_selectors.expense_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _validated(ExpenseInput, request)
        customer = visit = None
        if data.get("customer"):
            customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=data["customer"])
        if data.get("visit"):
            visit = get_object_or_404(Visit.objects.visible_to(request.user), pk=data["visit"])
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
            user=request.user, claim=self.get_object(), approve=True, note=request.data.get("note", "")
        )
        return Response(self.get_serializer(claim).data)

    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        claim = visit_services.expense_decide(
            user=request.user, claim=self.get_object(), approve=False, note=request.data.get("note", "")
        )
        return Response(self.get_serializer(claim).data)


class CompetitorViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Competitors are reference data: everyone signed in reads and adds them."""

    serializer_class = CompetitorSerializer
    search_fields = ["name", "products", "channels"]
    queryset = Competitor.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        competitor = account_services.competitor_save(user=request.user, data=_data(request))
        return Response(self.get_serializer(competitor).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        competitor = account_services.competitor_save(
            user=request.user, data=_data(request), competitor=self.get_object()
        )
        return Response(self.get_serializer(competitor).data)


class IntelNoteViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = IntelNoteSerializer
    filterset_fields = ["competitor", "customer", "author"]

    def get_queryset(self) -> QuerySet[IntelNote]:
        return account_selectors.intel_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data
        ids = {field: _pk(data.get(field), field) for field in ("competitor", "customer", "visit")}
        competitor = get_object_or_404(Competitor, pk=ids["competitor"]) if ids["competitor"] else None
        customers = Customer.objects.visible_to(request.user)
        customer = get_object_or_404(customers, pk=ids["customer"]) if ids["customer"] else None
        visits = Visit.objects.visible_to(request.user)
        visit = get_object_or_404(visits, pk=ids["visit"]) if ids["visit"] else None
        note = account_services.intel_note_create(
            user=request.user,
            note=data.get("note", ""),
            competitor=competitor,
            customer=customer,
            visit=visit,
            date_=data.get("date"),
        )
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)


class ComplaintViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    ordering_fields = ["received_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Complaint]:
        return account_selectors.complaint_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer_id = request.data.get("customer")
        if not str(customer_id or "").isdigit():
            raise ApplicationError("Choose the customer.", fields={"customer": ["This field is required."]})
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
        complaint = account_services.complaint_create(user=request.user, customer=customer, data=_data(request))
        return Response(self.get_serializer(complaint).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        complaint = account_services.complaint_update(
            user=request.user, complaint=self.get_object(), data=_data(request)
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
    router.register("visits", VisitViewSet, basename="visit")
    router.register("expenses", ExpenseViewSet, basename="expense")
    router.register("competitors", CompetitorViewSet, basename="competitor")
    router.register("intel-notes", IntelNoteViewSet, basename="intel-note")
    router.register("complaints", ComplaintViewSet, basename="complaint")
    router.register("customer-evaluations", EvaluationViewSet, basename="customer-evaluation")
    router.register("customer-rewards", RewardViewSet, basename="customer-reward")
    router.register("follow-ups", FollowUpViewSet, basename="follow-up")
