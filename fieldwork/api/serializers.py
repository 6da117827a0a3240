from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from rest_framework import serializers

from customers.models import (
    Competitor,
    Customer,
    Stakeholder,
)
from fieldwork import selectors as visit_selectors
from fieldwork.models import (
    ActionKind,
    ExpenseClaim,
    ExpenseKind,
    IntelNote,
    Visit,
    VisitActionRecord,
    VisitComment,
    VisitKind,
)
from salesorg.api import PrefetchedManyRelatedField, ScopedPrimaryKeyRelatedField, prefetched_or_all, scoped_field
from staff.models import Person

_STAKEHOLDERS_MET = capfirst(Visit._meta.get_field("stakeholders").verbose_name)


class VisitSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None, allow_null=True)
    author_name = serializers.CharField(source="author.name", read_only=True, default=None, allow_null=True)
    stakeholders = PrefetchedManyRelatedField(
        child_relation=serializers.PrimaryKeyRelatedField(read_only=True, label=_STAKEHOLDERS_MET),
        label=_STAKEHOLDERS_MET,
    )
    photos = serializers.SerializerMethodField()
    flagged = serializers.BooleanField(source="is_flagged", read_only=True)

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
            "checked_out_at",
            "duration_minutes",
            "evidence",
            "flagged",
            "radius_m",
            "confirmed_by",
            "confirmed_at",
            "photos",
            "created_at",
        ]
        read_only_fields = fields

    def get_photos(self, visit: Visit) -> list[str]:
        """Where each photo opens: the visit's `photo` action (scoped), never a /media/ URL."""
        base = reverse("visit-photo", args=[visit.pk])
        photos = prefetched_or_all(visit, "photos")
        return [self._absolute(f"{base}?{urlencode({'photo': photo.pk})}") for photo in photos]

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
            "duplicate_of",
        ]
        read_only_fields = fields

    def get_receipt(self, claim: ExpenseClaim) -> str | None:
        """Where the receipt opens: the claim's `receipt` action (scoped), never a /media/ URL."""
        if not claim.receipt:
            return None
        url = reverse("expense-receipt", args=[claim.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class IntelNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntelNote
        fields = ["id", "competitor", "customer", "visit", "author", "date", "note"]
        read_only_fields = fields


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
    stakeholders = scoped_field(Stakeholder.objects.all(), many=True, required=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    customer = scoped_field(Customer.objects.all(), required=False)


class ExpenseInput(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=ExpenseKind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    receipt = serializers.FileField(required=False)
    customer = scoped_field(Customer.objects.all(), required=False, allow_null=True)
    visit = scoped_field(Visit.objects.all(), required=False, allow_null=True)


class IntelNoteInput(serializers.Serializer):
    competitor = scoped_field(Competitor.objects.all(), required=False, allow_null=True)
    customer = scoped_field(Customer.objects.all(), required=False, allow_null=True)
    visit = scoped_field(Visit.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    date = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class VisitCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = VisitComment
        fields = ["id", "visit", "author", "author_name", "text", "created_at"]
        read_only_fields = fields


class VisitCommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000, allow_blank=True)


class EvidencePreviewQuery(serializers.Serializer):
    customer = serializers.CharField()
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False, default=VisitKind.VISIT)
    latitude = serializers.CharField(required=False, allow_blank=True, default="")
    longitude = serializers.CharField(required=False, allow_blank=True, default="")


class EvidencePreviewSerializer(serializers.Serializer):
    kind = serializers.CharField()
    distance_m = serializers.IntegerField(allow_null=True)
    radius_m = serializers.IntegerField(allow_null=True)
    evidence = serializers.CharField()
    label = serializers.CharField()
    flagged = serializers.BooleanField()


class VisitActionSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)
    image = serializers.SerializerMethodField()

    class Meta:
        model = VisitActionRecord
        fields = [
            "id",
            "visit",
            "action",
            "author",
            "author_name",
            "product",
            "item",
            "quantity",
            "competitor",
            "price",
            "intel_note",
            "image",
            "order",
            "payment",
            "note",
            "created_at",
        ]
        read_only_fields = fields

    def get_image(self, record: VisitActionRecord) -> str | None:
        """Where the photo opens: the scoped file view, never a /media/ URL."""
        if not record.image:
            return None
        url = reverse("fieldwork:visit-action-photo", args=[record.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class VisitActionInput(serializers.Serializer):
    """Ids are looked up by the service among what the user sees (a hidden id answers as a missing one)."""

    action = serializers.ChoiceField(choices=ActionKind.choices)
    product = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    item = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quantity = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    competitor = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    price = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    order = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    payment = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    image = serializers.ImageField(required=False)
