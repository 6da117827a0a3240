"""The filters every report takes: a period, and a region, team or rep from the viewer's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salesorg.forms import DateField, DateInput
from staff.models import Person, Region, Team


class ReportFilterForm(forms.Form):
    """Period from/to, region, team, rep. The choices are what the viewer may see
    (`visible_to`), so an id outside their scope is refused exactly like one that does not exist."""

    date_from = DateField(label=_("From"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    date_to = DateField(label=_("To"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    rep = forms.ModelChoiceField(label=_("Rep"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user).order_by("name")
        self.fields["team"].queryset = Team.objects.visible_to(user).order_by("name")
        self.fields["rep"].queryset = Person.objects.visible_to(user).order_by("name")
        for field in ("region", "team", "rep"):
            self.fields[field].widget.attrs["class"] = "form-select"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
