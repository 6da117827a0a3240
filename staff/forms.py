from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models import PersonStatus, Position, Region, Team


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    position = forms.ChoiceField(label=_("Position"), choices=[("", "---------"), *Position.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "---------"), *PersonStatus.choices], required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only units the user may see are offered as filters.
        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["team"].queryset = Team.objects.visible_to(user)
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        return {key: getattr(value, "pk", value) for key, value in data.items() if value}
