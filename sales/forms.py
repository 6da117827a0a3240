"""Forms for the sales pages (orders, payments, pipeline, imports). Validation rules live in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Competitor, Customer, CustomerKind
from customers.picker import CustomerPickField
from sales.models import (
    Channel,
    ForecastCategory,
    ImportKind,
    OrderStatus,
    PipelineStage,
    Product,
    QuotationStatus,
)
from sales.selectors import creditable_people
from salesorg.forms import DateField, DateInput
from salesorg.money import to_money
from staff.picker import PersonPickField


class OrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "---------"), *OrderStatus.choices], required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------"), *Channel.choices], required=False)
    date_from = DateField(label=_("From"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    date_to = DateField(label=_("To"), required=False, widget=DateInput(attrs={"class": "form-control"}))


class OrderForm(forms.Form):
    customer = CustomerPickField(label=_("Customer"))
    date = DateField(label=_("Order date"), widget=DateInput(attrs={"class": "form-control"}))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    # The distributor or agent the order went through (channel sales), among the customers in scope.
    distributor = CustomerPickField(
        label=_("Distributor"), required=False, kinds=(CustomerKind.DISTRIBUTOR, CustomerKind.AGENT)
    )
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0, initial=30)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    submit_now = forms.BooleanField(label=_("Submit now"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = Customer.objects.visible_to(user).only("id", "name").order_by("name")
        self.fields["customer"].queryset = visible
        self.fields["distributor"].queryset = visible.filter(kind__in=[CustomerKind.DISTRIBUTOR, CustomerKind.AGENT])


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True))
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"), decimal_places=2)
    # Either a unit price, or a discount off the list price (neither: the list price).
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=Decimal(0), decimal_places=2, required=False)
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        product, price, discount = data.get("product"), data.get("unit_price"), data.get("discount_percent")
        if price is not None and discount is not None:
            self.add_error("discount_percent", _("Give a unit price or a discount, not both."))
        elif product is not None and price is None:
            off = (discount or Decimal(0)) / Decimal(100)
            data["unit_price"] = to_money(product.list_price * (Decimal(1) - off))
        return data


class ShareForm(forms.Form):
    rep = PersonPickField(label=_("Rep"))
    percent = forms.DecimalField(
        label=_("Share (%)"), min_value=Decimal("0.01"), max_value=Decimal(100), decimal_places=2
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The people in the user's scope and team: anyone else is not a choice at all.
        self.fields["rep"].queryset = creditable_people(user=user)


class ShareTotalFormSet(forms.BaseFormSet):
    """Credit shares, any number of them: when any is given they add up to exactly 100 %."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        percents = [f.cleaned_data["percent"] for f in self.forms if f.cleaned_data.get("rep")]
        if percents and sum(percents) != Decimal(100):
            raise forms.ValidationError(
                _("The shares add up to %(total)s %%, not 100 %%.") % {"total": sum(percents)}, code="shares_total"
            )


class InstalmentForm(forms.Form):
    due_date = DateField(label=_("Due date"), widget=DateInput(attrs={"class": "form-control"}))
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), decimal_places=2)


LineFormSet = forms.formset_factory(LineForm, extra=3, min_num=1, validate_min=True)
ShareFormSet = forms.formset_factory(ShareForm, formset=ShareTotalFormSet, extra=2)
InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=2, min_num=1, validate_min=True)


class PaymentForm(forms.Form):
    date = DateField(label=_("Date"), widget=DateInput(attrs={"class": "form-control"}))
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), decimal_places=2)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class OpportunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    customer = CustomerPickField(label=_("Customer"))
    expected_amount = forms.DecimalField(label=_("Expected amount"), min_value=Decimal(0), decimal_places=2)
    expected_close_date = DateField(label=_("Expected close date"), widget=DateInput(attrs={"class": "form-control"}))
    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=PipelineStage.objects.filter(is_active=True, is_won=False, is_lost=False)
    )
    forecast_category = forms.ChoiceField(
        label=_("Forecast category"),
        required=False,
        choices=[("", _("From the stage"))] + list(ForecastCategory.choices),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user).only("id", "name").order_by("name")


class ForecastCategoryForm(forms.Form):
    """The forecast category of one opportunity, on its page ("" = the stage's default)."""

    forecast_category = forms.ChoiceField(
        label=_("Forecast category"),
        required=False,
        choices=[("", _("From the stage"))] + list(ForecastCategory.choices),
    )


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=PipelineStage.objects.filter(is_active=True))
    lost_reason = forms.CharField(label=_("Lost reason"), required=False, max_length=300)
    lost_to = forms.ModelChoiceField(label=_("Lost to (competitor)"), queryset=Competitor.objects.all(), required=False)


class ReportForm(forms.Form):
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("customer", _("Customer")), ("rep", _("Rep")), ("team", _("Team")), ("region", _("Region"))],
    )
    date_from = DateField(label=_("From"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    date_to = DateField(label=_("To"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    as_of = DateField(label=_("As of"), required=False, widget=DateInput(attrs={"class": "form-control"}))


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (CSV or Excel)"))
    dry_run = forms.BooleanField(label=_("Dry run (check only)"), required=False, initial=True)


class QuotationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "---------"), *QuotationStatus.choices], required=False)


class QuotationForm(forms.Form):
    valid_until = DateField(label=_("Valid until"), widget=DateInput(attrs={"class": "form-control"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QuotationLineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True))
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"), decimal_places=2)
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
        initial=Decimal(0),
    )


QuotationLineFormSet = forms.formset_factory(QuotationLineForm, extra=2, min_num=1, validate_min=True)
