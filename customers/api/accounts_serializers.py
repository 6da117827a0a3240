"""Serializers of the accounts and visits API: output shapes, and one small input serializer per write.

Inputs carry types only (the services check the rules); every writable relation is a
`ScopedPrimaryKeyRelatedField`, so an id outside the user's scope answers word for word like an id
that does not exist.
"""

from __future__ import annotations

from rest_framework import serializers

from customers.models import (
    Competitor,
    Complaint,
    Customer,
    CustomerEvaluation,
    CustomerKind,
    CustomerReward,
    CustomerStatus,
    FollowUp,
    Stakeholder,
)
from salesorg.api import scoped_field
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
            "tax_number",
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
            "protected_until",
            "in_company_pool",
        ]
        read_only_fields = fields


class PoolCustomerSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "industry",
            "classification",
            "region",
            "region_name",
            "in_company_pool",
            "address",
        ]
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


class CompetitorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competitor
        fields = ["id", "name", "products", "prices", "channels", "strengths", "weaknesses"]


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
    # A generated text in the reader's language (stored as a code and parameters); `text_code` and
    # `params` let a client word it itself.
    message = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "person",
            "customer",
            "kind",
            "message",
            "text_code",
            "params",
            "due_date",
            "done",
            "created_on",
        ]
        read_only_fields = fields


# Input serializers: types only; the services check the rules.


class CustomerInput(serializers.Serializer):
    code = serializers.CharField(max_length=30, required=False)
    name = serializers.CharField(max_length=200, required=False)
    tax_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=CustomerKind.choices, required=False)
    industry = serializers.CharField(max_length=100, required=False, allow_blank=True)
    owner = scoped_field(Person.objects.current(), required=False, allow_null=True)
    status = serializers.ChoiceField(choices=CustomerStatus.choices, required=False)
    credit_rating = serializers.CharField(required=False, allow_blank=True)
    credit_limit = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    potential_amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True)
    referred_by = scoped_field(Customer.objects.all(), required=False, allow_null=True)
    contacts = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    # A new customer with another's tax number or normalised name is refused (400 naming
    # `tax_number` / `name`) unless this says the caller checked it is another company.
    confirm_duplicate = serializers.BooleanField(required=False, default=False)


class TransferInput(serializers.Serializer):
    to_owner = scoped_field(Person.objects.current())
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class AssignInput(serializers.Serializer):
    to_owner = scoped_field(Person.objects.current())
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class RewardInput(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True)
    amount = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    date = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    referral = scoped_field(Customer.objects.all(), required=False, allow_null=True)


class CustomerRefInput(serializers.Serializer):
    """The customer a stakeholder or a complaint is recorded on."""

    customer = scoped_field(Customer.objects.all())


class CompetitorInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    products = serializers.CharField(required=False, allow_blank=True)
    prices = serializers.CharField(required=False, allow_blank=True)
    channels = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    weaknesses = serializers.CharField(required=False, allow_blank=True)
