"""Serializers of the accounts and visits API: output shapes, and one small input serializer per write.

Inputs carry types only (the services check the rules); every writable relation is a
`ScopedPrimaryKeyRelatedField`, so an id outside the user's scope answers word for word like an id
that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.settings import api_settings

from customers.models import (
    Competitor,
    Complaint,
    Customer,
    CustomerEvaluation,
    CustomerKind,
    CustomerReward,
    CustomerStatus,
    ExpenseClaim,
    ExpenseKind,
    FollowUp,
    IntelNote,
    Stakeholder,
    Visit,
    VisitKind,
)
from customers.selectors import visits as visit_selectors
from salesorg.api import ScopedPrimaryKeyRelatedField
from staff.models import Person

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
        """Where each photo opens: the visit's `photo` action (scoped), never a /media/ URL."""
        base = reverse("visit-photo", args=[visit.pk])
        return [self._absolute(f"{base}?{urlencode({'photo': photo.pk})}") for photo in visit.photos.all()]

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ExpenseSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, default=None, allow_null=True)
    receipt = serializers.SerializerMethodField()

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

    def get_receipt(self, claim: ExpenseClaim) -> str | None:
        """Where the receipt opens: the claim's `receipt` action (scoped), never a /media/ URL."""
        if not claim.receipt:
            return None
        url = reverse("expense-receipt", args=[claim.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


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


def _scoped(model_queryset: QuerySet, **kwargs: Any) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(queryset=model_queryset, **kwargs)


class CustomerInput(serializers.Serializer):
    code = serializers.CharField(max_length=30, required=False)
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    owner = _scoped(Person.objects.current(), required=False, allow_null=True)
    status = serializers.ChoiceField(choices=CustomerStatus.choices, required=False)
    credit_rating = serializers.CharField(required=False, allow_blank=True)
    credit_limit = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    potential_amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True)
    referred_by = _scoped(Customer.objects.all(), required=False, allow_null=True)
    contacts = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class TransferInput(serializers.Serializer):
    to_owner = _scoped(Person.objects.current())
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RewardInput(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    date = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    referral = _scoped(Customer.objects.all(), required=False, allow_null=True)


class CustomerRefInput(serializers.Serializer):
    """The customer a stakeholder or a complaint is recorded on."""

    customer = _scoped(Customer.objects.all())


class AccompanyingManagerField(ScopedPrimaryKeyRelatedField):
    """The people the requester may see, and their own manager line (which they know even when a
    rep's scope shows only themselves); anyone else answers like an id that does not exist. The
    service then requires a manager above the author (`authority.is_above`)."""

    def get_queryset(self) -> QuerySet[Person]:
        request = self.context.get("request")
        line = visit_selectors.accompanying_manager_choices(user=getattr(request, "user", None))
        visible = super().get_queryset()
        return Person.objects.current().filter(Q(pk__in=visible.values("pk")) | Q(pk__in=line.values("pk")))


class VisitInput(serializers.Serializer):
    date = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False)
    accompanying_manager = AccompanyingManagerField(queryset=Person.objects.all(), required=False, allow_null=True)
    purpose = serializers.CharField(max_length=300, required=False, allow_blank=True)
    outcome = serializers.CharField(required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=300, required=False, allow_blank=True)
    next_step_date = serializers.DateField(required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    stakeholders = _scoped(Stakeholder.objects.all(), many=True, required=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    customer = _scoped(Customer.objects.all(), required=False)


class ExpenseInput(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=ExpenseKind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    receipt = serializers.FileField(required=False)
    customer = _scoped(Customer.objects.all(), required=False, allow_null=True)
    visit = _scoped(Visit.objects.all(), required=False, allow_null=True)


class CompetitorInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    products = serializers.CharField(required=False, allow_blank=True)
    prices = serializers.CharField(required=False, allow_blank=True)
    channels = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    weaknesses = serializers.CharField(required=False, allow_blank=True)


class IntelNoteInput(serializers.Serializer):
    competitor = _scoped(Competitor.objects.all(), required=False, allow_null=True)
    customer = _scoped(Customer.objects.all(), required=False, allow_null=True)
    visit = _scoped(Visit.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    date = serializers.CharField(required=False, allow_blank=True, allow_null=True)


def request_data(request: Request) -> dict[str, Any]:
    """request.data as a plain dict, with repeated multipart keys as lists; a body that is not an
    object (a JSON array, a number) is a 400, never a 500."""
    data = request.data
    if hasattr(data, "getlist"):
        plain = {key: data.get(key) for key in data}
        for key in ("stakeholders", "photos"):
            if key in data:
                plain[key] = [v for v in data.getlist(key) if v != ""]
        return plain
    if not isinstance(data, Mapping):
        message = _("Invalid data. Expected a dictionary, but got %(datatype)s.") % {"datatype": type(data).__name__}
        raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")
    return dict(data)


def validated(
    serializer_class: type[serializers.Serializer], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    serializer = serializer_class(data=request_data(request), partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
