"""Filters of the accounts and visits API lists."""

from __future__ import annotations

import django_filters

from customers.models import Classification, Complaint, ComplaintStatus, Customer, CustomerKind, CustomerStatus


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
