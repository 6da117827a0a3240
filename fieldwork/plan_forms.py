"""Forms of the visit-plan pages (types only: the services check who may and what is valid)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from fieldwork.models import PlanStatus, VisitPlan
from salesorg.forms import BootstrapMixin, DateField, FilterForm
from staff.models import Person


class PlanProposeForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Rep"), queryset=Person.objects.none())
    week_start = DateField(label=_("Week of (Monday)"))
    start_latitude = forms.DecimalField(label=_("Start latitude"), max_digits=12, decimal_places=8, required=False)
    start_longitude = forms.DecimalField(label=_("Start longitude"), max_digits=12, decimal_places=8, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user).current()


class PlanItemForm(BootstrapMixin, forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    day = DateField(label=_("Day"))

    def __init__(self, *args: Any, plan: VisitPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rep's own customers: a visit is planned only to them.
        self.fields["customer"].queryset = Customer.objects.filter(owner_id=plan.person_id).order_by("name")
        self.fields["day"].initial = plan.week_start


class PlanDecideForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanFilterForm(FilterForm):
    person = forms.ModelChoiceField(label=_("Rep"), queryset=Person.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *PlanStatus.choices], required=False)
    week_start = DateField(label=_("Week of (Monday)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user).current()
