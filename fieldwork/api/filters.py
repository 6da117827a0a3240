from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from customers.models import Classification
from fieldwork.models import FLAGGED_EVIDENCE, ExpenseClaim, ExpenseKind, ExpenseStatus, Visit, VisitEvidence, VisitKind
from fieldwork.services import visits as visit_services


class VisitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    classification = django_filters.ChoiceFilter(field_name="customer__classification", choices=Classification.choices)
    owner = django_filters.NumberFilter(field_name="customer__owner")
    far = django_filters.BooleanFilter(method="filter_far")
    flagged = django_filters.BooleanFilter(method="filter_flagged")
    evidence = django_filters.ChoiceFilter(choices=VisitEvidence.choices)

    class Meta:
        model = Visit
        fields = ["author", "team", "region", "customer", "kind"]

    def filter_far(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        threshold = visit_services.far_checkin_threshold_m()
        return queryset.filter(distance_m__gt=threshold) if value else queryset.exclude(distance_m__gt=threshold)

    def filter_flagged(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        """Visits whose evidence falls short of their kind's rule (far, no check-in, unconfirmed)."""
        flagged = {"evidence__in": FLAGGED_EVIDENCE}
        return queryset.filter(**flagged) if value else queryset.exclude(**flagged)


class ExpenseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExpenseStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ExpenseKind.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ExpenseClaim
        fields = ["person", "team", "region", "customer", "status", "kind"]
