from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesorg.forms import DateField, DateInput, iso_date_formfield
from targets.models import DistributionTemplate, Metric, OwnerKind, PlanActivity, SalesPlan
from targets.services.breakdown import EQUAL, LAST_YEAR, TEMPLATE, WEIGHTS


class GridFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)


class BulkApprovalForm(forms.Form):
    """Approve a year's drafts of a unit (and everyone in it) at once; units from the user's scope."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    metric = forms.ChoiceField(label=_("Metric"), choices=[("", _("All metrics")), *Metric.choices], required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from staff.models import Region, Team

        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["team"].queryset = Team.objects.visible_to(user)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class TargetCreateForm(forms.Form):
    owner_kind = forms.ChoiceField(label=_("Owner kind"), choices=OwnerKind.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    person = forms.ModelChoiceField(label=_("Rep"), queryset=None, required=False)
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    period = forms.CharField(label=_("Period"), max_length=7, help_text=_("2026, 2026-Q1 or 2026-03"))
    value = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2, min_value=0)
    stretch_value = forms.DecimalField(
        label=_("Stretch target"), max_digits=16, decimal_places=2, min_value=0, required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from staff.models import Person, Region, Team

        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["team"].queryset = Team.objects.visible_to(user)
        self.fields["person"].queryset = Person.objects.visible_to(user).current()
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class TargetEditForm(forms.Form):
    value = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2, min_value=0)
    stretch_value = forms.DecimalField(
        label=_("Stretch target"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    reason = forms.CharField(label=_("Revision reason"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class BreakdownForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(EQUAL, _("Equal")), (TEMPLATE, _("Distribution template")), (LAST_YEAR, _("Last year's shares"))],
    )
    template = forms.ModelChoiceField(label=_("Template"), queryset=DistributionTemplate.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Revision reason"),
        max_length=200,
        required=False,
        help_text=_("Needed when the target or its breakdown is approved."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = DistributionTemplate.objects.visible_to(user)


class AllocationForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(EQUAL, _("Equal")), (WEIGHTS, _("Weights")), (LAST_YEAR, _("Last year's share"))],
    )
    reason = forms.CharField(
        label=_("Revision reason"),
        max_length=200,
        required=False,
        help_text=_("Needed when the target or a member's target is approved."),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        for member in members:
            self.fields[f"weight_{member.pk}"] = forms.DecimalField(
                label=str(member), required=False, min_value=0, max_digits=12, decimal_places=2, initial=1
            )

    def weights(self) -> dict[int, object]:
        return {
            int(name.removeprefix("weight_")): value or 0
            for name, value in self.cleaned_data.items()
            if name.startswith("weight_")
        }


class DistributionTemplateForm(forms.ModelForm):
    class Meta:
        model = DistributionTemplate
        fields = ["name", *DistributionTemplate.WEIGHT_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new curve starts even: 12 percentages adding up to 100.
            for index, name in enumerate(DistributionTemplate.WEIGHT_FIELDS):
                self.fields[name].initial = Decimal("8.334") if index % 3 == 0 else Decimal("8.333")


class ProposalForm(forms.Form):
    year = forms.IntegerField(label=_("From the actuals of year"), min_value=2000, max_value=2100)
    growth = forms.DecimalField(
        label=_("Growth rate"),
        max_digits=6,
        decimal_places=4,
        min_value=-1,
        max_value=10,
        help_text=_("0.10 for +10 %"),
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)


class RecomputeForm(forms.Form):
    as_of = DateField(label=_("As of"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate() - timedelta(days=1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))


class SalesPlanForm(forms.ModelForm):
    class Meta:
        model = SalesPlan
        fields = ["title", "period", "target_market", "strategy", "channels", "resources"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in ("target_market", "strategy", "channels", "resources")
        }


class PlanActivityForm(forms.ModelForm):
    class Meta:
        model = PlanActivity
        fields = ["kind", "name", "start_date", "end_date", "planned_count", "done_count", "progress"]
        formfield_callback = iso_date_formfield
