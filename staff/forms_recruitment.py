"""Forms for the recruitment pages (thin: staff.recruitment validates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesorg.forms import DateField, DateInput
from staff import authority
from staff.models import Position, SelectionStepKind, Team

DATE = DateInput()


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                continue
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


class OpeningForm(_Styled):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    title = forms.CharField(label=_("Title"))
    position = forms.ChoiceField(
        label=_("Position"),
        choices=[(Position.REP, Position.REP.label), (Position.TEAM_MANAGER, Position.TEAM_MANAGER.label)],
    )
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, initial=1)
    opened_on = DateField(label=_("Opened on"), widget=DATE)
    requirements = forms.CharField(label=_("Requirements"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The teams the user sees and recruits for (rule "recruit"): a handful, read once.
        visible = Team.objects.visible_to(user).filter(is_active=True)
        recruits_for = [
            pk
            for pk, region_id in visible.values_list("pk", "region_id")
            if authority.allowed(user, "recruit", team_id=pk, region_id=region_id)
        ]
        self.fields["team"].queryset = visible.filter(pk__in=recruits_for)


class CandidateForm(_Styled):
    name = forms.CharField(label=pgettext_lazy("person", "Name"))
    phone = forms.CharField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    source = forms.CharField(label=_("Source"), required=False)
    applied_on = DateField(label=_("Applied on"), widget=DATE)


class StepForm(_Styled):
    kind = forms.ChoiceField(label=_("Selection step"), choices=SelectionStepKind.choices)
    date = DateField(label=_("Date"), widget=DATE)
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=2, required=False)
    passed = forms.NullBooleanField(label=_("Passed"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RejectForm(_Styled):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    date = DateField(label=_("Date"), widget=DATE)


class HireForm(_Styled):
    employee_no = forms.CharField(label=_("Employee number"))
    hire_date = DateField(label=_("Hire date"), widget=DATE)
    username = forms.CharField(label=_("Login name"), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
