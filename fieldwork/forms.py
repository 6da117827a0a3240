from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import (
    Competitor,
    Stakeholder,
)
from customers.picker import CustomerPickField
from customers.selectors.accounts import customers_for_visit_form
from fieldwork.models import ActionKind, ExpenseKind, ExpenseStatus, VisitEvidence, VisitKind
from fieldwork.selectors import accompanying_manager_choices
from sales.models import Order, Payment, Product
from salesorg.forms import EMPTY, BootstrapMixin, DateField, FilterForm
from staff.models import Person, Region, Team
from staff.picker import PersonPickField


class VisitForm(BootstrapMixin, forms.Form):
    """The phone form: few fields, the rep's own customers only, check-in filled by the browser."""

    customer = CustomerPickField(label=_("Customer"))
    date = DateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices, initial=VisitKind.VISIT)
    accompanying_manager = forms.ModelChoiceField(
        label=_("Accompanying manager"), queryset=Person.objects.none(), required=False
    )
    stakeholders = forms.ModelMultipleChoiceField(
        label=_("Stakeholders met"), queryset=Stakeholder.objects.none(), required=False
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    next_step_date = DateField(label=_("Next step date"), required=False)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput())
    longitude = forms.CharField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args: Any, user: Any, customer_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_for_visit_form(user=user)
        # The managers above the author (a rep's own manager line, outside a rep's data scope).
        self.fields["accompanying_manager"].queryset = accompanying_manager_choices(user=user)
        picked = self.data.get("customer") or customer_id or self.initial.get("customer")
        stakeholders = Stakeholder.objects.none()
        if picked and str(getattr(picked, "pk", picked)).isdigit():
            stakeholders = Stakeholder.objects.visible_to(user).filter(
                customer_id=getattr(picked, "pk", picked), status="active"
            )
        self.fields["stakeholders"].queryset = stakeholders
        self.fields["stakeholders"].widget.attrs["size"] = 3


class EmptyForm(forms.Form):
    """A POST action with no fields (check out, confirm): the form only carries the CSRF token."""


class VisitCommentForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExpenseForm(BootstrapMixin, forms.Form):
    date = DateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ExpenseKind.choices)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    customer = CustomerPickField(label=_("Customer"), required=False)
    receipt = forms.FileField(label=_("Receipt"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_for_visit_form(user=user)


class ExpenseDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class VisitFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    author = PersonPickField(label=_("Rep"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=EMPTY + VisitKind.choices, required=False)
    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)
    far = forms.BooleanField(label=_("Far from the customer"), required=False)
    flagged = forms.BooleanField(label=_("Flagged evidence"), required=False)
    evidence = forms.ChoiceField(label=_("Evidence"), choices=EMPTY + VisitEvidence.choices, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = Person.objects.visible_to(user).current()
        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["team"].queryset = Team.objects.visible_to(user)


class ExpenseFilterForm(FilterForm):
    person = PersonPickField(label=_("Rep"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EMPTY + ExpenseStatus.choices, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=EMPTY + ExpenseKind.choices, required=False)
    date_from = DateField(label=_("From"), required=False)
    date_to = DateField(label=_("To"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user).current()


class IntelNoteForm(BootstrapMixin, forms.Form):
    competitor = forms.ModelChoiceField(label=_("Competitor"), queryset=Competitor.objects.none(), required=False)
    customer = CustomerPickField(label=_("Customer"), required=False)
    date = DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competitor"].queryset = Competitor.objects.visible_to(user)
        self.fields["customer"].queryset = customers_for_visit_form(user=user)


class VisitActionForm(BootstrapMixin, forms.Form):
    """One action on a visit (the phone form): the fields of the chosen action; the service says
    which are required for it. Every choice is looked up in the user's scope."""

    action = forms.ChoiceField(label=pgettext_lazy("visit action", "Action"), choices=())
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), required=False)
    item = forms.CharField(label=_("Item"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, required=False)
    competitor = forms.ModelChoiceField(label=_("Competitor"), queryset=Competitor.objects.none(), required=False)
    price = forms.DecimalField(label=_("Price"), max_digits=14, decimal_places=2, min_value=0, required=False)
    order = forms.ModelChoiceField(label=_("Order"), queryset=Order.objects.none(), required=False)
    payment = forms.ModelChoiceField(label=_("Payment"), queryset=Payment.objects.none(), required=False)
    image = forms.ImageField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, visit: Any, offered: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, label) for a, label in ActionKind.choices if a in offered]
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        self.fields["competitor"].queryset = Competitor.objects.visible_to(user)
        self.fields["order"].queryset = Order.objects.visible_to(user).filter(customer_id=visit.customer_id)
        self.fields["payment"].queryset = Payment.objects.visible_to(user).filter(order__customer_id=visit.customer_id)
