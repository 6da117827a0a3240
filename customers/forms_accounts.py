"""Forms of the customer, visit and expense pages. They parse input; the services check the rules.

Every choice of a record is looked up in the user's scope (`visible_to(user)`), so a hidden id is
refused word for word as a missing one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import (
    Attitude,
    Classification,
    Competitor,
    ComplaintStatus,
    CreditRating,
    Customer,
    CustomerKind,
    CustomerSource,
    CustomerStatus,
    RewardKind,
    StakeholderChangeKind,
    StakeholderRole,
)
from customers.picker import CustomerPickField
from salesorg.forms import EMPTY, BootstrapMixin, DateField, FilterForm
from staff.models import Person, Region, Team
from staff.picker import PersonPickField


class CustomerFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    owner = PersonPickField(label=_("Owner"), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    classification = forms.ChoiceField(
        label=_("Classification"), choices=EMPTY + Classification.choices, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EMPTY + CustomerKind.choices, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=EMPTY + CustomerStatus.choices, required=False)
    created_from = DateField(label=_("Created from"), required=False)
    created_to = DateField(label=_("Created to"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.visible_to(user).current()
        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["team"].queryset = Team.objects.visible_to(user)


class CustomerForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=200)
    tax_number = forms.CharField(label=_("Tax number"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    owner = PersonPickField(label=_("Owning rep"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=CustomerStatus.choices, initial=CustomerStatus.ACTIVE)
    credit_rating = forms.ChoiceField(label=_("Credit rating"), choices=EMPTY + CreditRating.choices, required=False)
    credit_limit = forms.DecimalField(label=_("Credit limit"), max_digits=16, decimal_places=2, initial=0)
    potential_amount = forms.DecimalField(label=_("Yearly potential"), max_digits=16, decimal_places=2, initial=0)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=12, decimal_places=8, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=12, decimal_places=8, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=EMPTY + CustomerSource.choices, required=False)
    referred_by = CustomerPickField(label=_("Referred by"), required=False)
    contacts = forms.CharField(label=_("Contacts"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Shown (as a checkbox) only once the service flagged the new customer as a duplicate.
    confirm_duplicate = forms.BooleanField(
        label=_("Create anyway: it is not the same company"), required=False, widget=forms.HiddenInput
    )

    def __init__(
        self, *args: Any, user: Any, editing: bool = False, locked: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.visible_to(user).current()
        self.fields["referred_by"].queryset = Customer.objects.visible_to(user).only("id", "name").order_by("name")
        if editing:
            del self.fields["code"]
            del self.fields["owner"]
            del self.fields["confirm_duplicate"]
        # Fields the user may not change (credit, status, location for a rep): shown, not posted.
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True

    def offer_duplicate_confirm(self) -> None:
        """After a duplicate warning: let the user confirm the creation."""
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput(attrs={"class": "form-check-input"})


class TransferForm(BootstrapMixin, forms.Form):
    to_owner = forms.ModelChoiceField(label=_("New owner"), queryset=Person.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_owner"].queryset = Person.objects.visible_to(user).current()


class AssignForm(BootstrapMixin, forms.Form):
    to_owner = forms.ModelChoiceField(label=_("New owner"), queryset=Person.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_owner"].queryset = Person.objects.visible_to(user).current()


class ClassifyForm(BootstrapMixin, forms.Form):
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    reason = forms.CharField(label=_("Reason (required to override the rule)"), required=False, max_length=500)


class ReleaseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class EvaluationForm(BootstrapMixin, forms.Form):
    SCORES = [(i, str(i)) for i in range(1, 6)]
    period = forms.CharField(label=_("Period"), max_length=10, help_text=_("e.g. 2026-Q1"))
    credit_score = forms.TypedChoiceField(label=_("Credit"), choices=SCORES, coerce=int, initial=3)
    payment_score = forms.TypedChoiceField(label=_("Payment behaviour"), choices=SCORES, coerce=int, initial=3)
    volume_score = forms.TypedChoiceField(label=_("Volume"), choices=SCORES, coerce=int, initial=3)
    cooperation_score = forms.TypedChoiceField(label=_("Cooperation"), choices=SCORES, coerce=int, initial=3)
    satisfaction_score = forms.TypedChoiceField(label=_("Satisfaction"), choices=SCORES, coerce=int, initial=3)
    reason = forms.CharField(label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    response_plan = forms.CharField(label=_("Response plan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StakeholderForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=pgettext_lazy("job title", "Title"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role in the decision"), choices=StakeholderRole.choices)
    needs = forms.CharField(label=_("Needs"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attitude = forms.ChoiceField(label=_("Attitude"), choices=Attitude.choices, initial=Attitude.NEUTRAL)
    relationship = forms.IntegerField(label=_("Relationship strength (1-5)"), min_value=1, max_value=5, initial=3)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class StakeholderChangeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=StakeholderChangeKind.choices)
    date = DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    replacement_name = forms.CharField(label=_("Successor's name"), max_length=100, required=False)
    replacement_title = forms.CharField(label=_("Successor's title"), max_length=100, required=False)


class ComplaintForm(BootstrapMixin, forms.Form):
    received_on = DateField(label=_("Received on"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintUpdateForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComplaintStatus.choices)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RewardForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RewardKind.choices)
    date = DateField(label=_("Date"))
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    referral = forms.ModelChoiceField(label=_("Referred customer"), queryset=Customer.objects.none(), required=False)

    def __init__(self, *args: Any, customer: Customer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = customer.referrals.visible_to(user)


class CompetitorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Competitor
        fields = ["name", "products", "prices", "channels", "strengths", "weaknesses"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in fields[1:]}


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))
