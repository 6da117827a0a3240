"""The project's form renderer writes selects in Python (salesorg.forms._select_html): the HTML
must be exactly what Django's own templates write, for every kind of select."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from salesorg.forms import FormRenderer, _select_html

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "---------"),
    ("a", "Alpha & <Omega>"),
    (1, '"Quoted" 张三'),
    ("Group <1>", [("g1", "In group"), ("g2", mark_safe("<b>safe</b>"))]),
    (2.5, "A number"),
]


@pytest.mark.parametrize(
    "widget, value",
    [
        (forms.Select(choices=CHOICES), "a"),
        (forms.Select(choices=CHOICES, attrs={"class": "form-select", "required": True, "disabled": False}), 1),
        (forms.Select(choices=CHOICES), None),
        (forms.SelectMultiple(choices=CHOICES, attrs={"aria-label": 'Owner "x"'}), ["a", "g2"]),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[]), ""),
    ],
)
def test_the_select_is_written_as_django_writes_it(widget, value):
    ours = widget.render("owner", value, attrs={"id": "id_owner"}, renderer=FormRenderer())
    django = widget.render("owner", value, attrs={"id": "id_owner"}, renderer=DjangoTemplates())
    assert ours == django
    # ... and it is the Python writer that wrote it, not a fallback to the templates.
    assert ours == _select_html(widget.get_context("owner", value, {"id": "id_owner"})["widget"])
    assert "<option" in ours or not widget.choices


def test_a_model_choice_field_renders_the_same_through_a_form(org):
    from staff.models import Person

    class F(forms.Form):
        owner = forms.ModelChoiceField(queryset=Person.objects.order_by("pk"), required=False)

    form = F(data={"owner": str(org.rep1a1.pk)})
    ours = form["owner"].as_widget()
    form.renderer = DjangoTemplates()
    assert ours == form["owner"].as_widget()
    assert f'value="{org.rep1a1.pk}" selected' in ours


def test_a_name_choice_field_offers_what_a_model_choice_field_offers_and_validates_the_same(org):
    from salesorg.forms import NameChoiceField
    from staff.models import Person

    people = Person.objects.order_by("name")

    class Plain(forms.Form):
        owner = forms.ModelChoiceField(queryset=people, required=False)

    class Named(forms.Form):
        owner = NameChoiceField(queryset=people, required=False)

    data = {"owner": str(org.rep1a2.pk)}
    assert str(Named(data=data)["owner"]) == str(Plain(data=data)["owner"])
    named = Named(data=data)
    assert named.is_valid() and named.cleaned_data["owner"] == org.rep1a2
    # An id outside the queryset is refused like any model choice.
    narrow = Named(data={"owner": str(org.rep2a1.pk)})
    narrow.fields["owner"].queryset = people.filter(team=org.t1a)
    assert not narrow.is_valid() and "owner" in narrow.errors
