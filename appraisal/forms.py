"""Forms of the appraisal pages (thin: services validate and write)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appraisal.models import CommissionPlan, Outcome, OutcomeKind, Scorecard
from salesorg.forms import DateField, DateInput, iso_date_formfield
from staff.models import Person, Region, Team


class BootstrapMixin:
    """Bootstrap classes on every widget (selects get form-select)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class PeriodOpenForm(BootstrapMixin, forms.Form):
    period = forms.CharField(label=_("Period"), max_length=7, help_text=_("2026, 2026-Q1 or 2026-03"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["team"].queryset = Team.objects.visible_to(user)


class ReviewForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Scorecard
        fields = ["root_cause", "improvement_plan", "manager_comment", *Scorecard.QUESTION_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}


class ActionForm(BootstrapMixin, forms.Form):
    description = forms.CharField(label=pgettext_lazy("action item", "Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none())
    due_date = DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.visible_to(user).current()


class OutcomeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "amount", "course", "to_position", "reason", "date"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        formfield_callback = iso_date_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OutcomeKind.choices
        # The course catalogue is open to everyone (not scoped): only active courses are offered.
        self.fields["course"].queryset = self.fields["course"].queryset.filter(is_active=True)
        # The service decides which fields each kind needs.
        self.fields["reason"].required = False


class MeetingForm(BootstrapMixin, forms.Form):
    meeting_date = DateField(label=_("Review meeting date"), required=False, widget=DateInput())
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=Person.objects.none(), required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.visible_to(user).current()


class StatementComputeForm(BootstrapMixin, forms.Form):
    """Compute a plan's draft statements for one unit (neither team nor region: the company)."""

    # The plans are the company's catalogue (not scoped): any active plan.
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=CommissionPlan.objects.filter(is_active=True))
    period = forms.CharField(label=_("Period"), max_length=7, help_text=_("2026, 2026-Q1 or 2026-03"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user)
        self.fields["region"].queryset = Region.objects.visible_to(user)
