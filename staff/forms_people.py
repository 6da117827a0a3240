"""Forms of the org-change pages: a person's transfer, promotion, change of manager, passing
probation, warning and dismissal; regions and teams. Thin: the services validate and ask the
authority rule. Every choice is looked up through the data-scope rule, so a hidden team or person
is refused like one that does not exist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from salesorg.forms import ISO_DATE, BootstrapMixin, DateField
from staff import authority
from staff.models import Person, PersonQuerySet, Position, Region, Team
from staff.services.people import POSITION_ORDER


def _on(label: Any = None) -> DateField:
    # ISO only (DESIGN: dates in forms are YYYY-MM-DD in every language): 01/07/2026 is ambiguous.
    return DateField(label=label or _("Effective date"), input_formats=[ISO_DATE])


def _reason(*, required: bool = True) -> forms.CharField:
    return forms.CharField(label=_("Reason"), required=required, widget=forms.Textarea(attrs={"rows": 2}))


def _manager(*, required: bool, help_text: Any = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Manager (reports to)"), queryset=Person.objects.none(), required=required, help_text=help_text
    )


class PersonChangeForm(BootstrapMixin, forms.Form):
    """A change to `person` made by `user`: the team, region and manager choices are those the user
    sees (the person themself is never their own manager); the date defaults to today."""

    def __init__(self, *args: Any, person: Person, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.person = person
        if "team" in self.fields:
            self.fields["team"].queryset = (
                Team.objects.visible_to(user).filter(is_active=True).exclude(pk=person.team_id).select_related("region")
            )
        if "region" in self.fields:
            self.fields["region"].queryset = Region.objects.visible_to(user).filter(is_active=True)
        for name in ("manager", "successor"):
            if name in self.fields:
                people: PersonQuerySet = Person.objects.visible_to(user)
                self.fields[name].queryset = people.current().exclude(pk=person.pk).select_related("team")


class TransferForm(PersonChangeForm):
    team = forms.ModelChoiceField(label=_("Transfer to team"), queryset=Team.objects.none())
    manager = _manager(required=False, help_text=_("Leave empty for the new team's manager."))
    on = _on()
    reason = _reason()


class PromoteForm(PersonChangeForm):
    position = forms.ChoiceField(label=_("New position"))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, help_text=_("Leave empty to keep the team.")
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, help_text=_("For a regional manager.")
    )
    manager = _manager(required=False, help_text=_("Leave empty to keep the manager."))
    on = _on()
    reason = _reason()

    def __init__(self, *args: Any, person: Person, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, person=person, user=user, **kwargs)
        # Only positions above the current one: a promotion goes up.
        above = POSITION_ORDER[POSITION_ORDER.index(Position(person.position)) + 1 :]
        self.fields["position"].choices = [(position.value, position.label) for position in above]


class ChangeManagerForm(PersonChangeForm):
    manager = _manager(required=True)
    on = _on()
    reason = _reason()


class PassProbationForm(PersonChangeForm):
    on = _on()
    reason = _reason(required=False)


class WarnForm(PersonChangeForm):
    on = _on()
    reason = _reason()


class DismissForm(PersonChangeForm):
    on = _on(_("Leaving date"))
    reason = _reason()


class HandoverForm(PersonChangeForm):
    """All of the person's customers, open opportunities and open action items to one successor."""

    successor = forms.ModelChoiceField(label=_("Successor"), queryset=Person.objects.none())
    on = _on(_("Handover date"))


# A unit's labels are its model fields' ("name" is a unit's 名称, not a person's 姓名).
class RegionForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=capfirst(_("code")), max_length=20)
    name = forms.CharField(label=capfirst(_("name")), max_length=100)
    is_active = forms.BooleanField(label=capfirst(_("active")), required=False, initial=True)


class TeamForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=capfirst(_("code")), max_length=20)
    name = forms.CharField(label=capfirst(_("name")), max_length=100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    is_active = forms.BooleanField(label=capfirst(_("active")), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The regions the user sees and may organize ("org.change"): a handful, read once.
        visible = Region.objects.visible_to(user)
        ids = [pk for pk in visible.values_list("pk", flat=True) if authority.allowed(user, "org.change", region_id=pk)]
        self.fields["region"].queryset = visible.filter(pk__in=ids)
