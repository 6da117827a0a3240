"""Form helpers every app's pages share: Bootstrap classes, ISO date inputs, filter forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape

EMPTY = [("", "---------")]


class BootstrapMixin:
    """Give every widget Bootstrap's classes, so templates can render forms generically."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO (`2026-12-02`): the date input accepts nothing
    else, and the Chinese locale's first input format (`2026/12/02`) would leave it empty."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("format", None)
        super().__init__(format=ISO_DATE, **kwargs)


class DateField(forms.DateField):
    """A date read as ISO first (what the date input sends), then in the language's own formats
    (typed by hand where the browser has no date picker)."""

    widget = DateInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return super().strptime(value.strip(), ISO_DATE)
            except (TypeError, ValueError):
                pass
        return super().to_python(value)


def iso_date_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A ModelForm's `formfield_callback`: a model's date fields become ISO date pickers."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs["widget"] = DateInput()
        return db_field.formfield(form_class=DateField, **kwargs)
    return db_field.formfield(**kwargs)


class _NameChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in self.queryset.values_list("pk", self.field.label_field).iterator():
            yield (forms.models.ModelChoiceIteratorValue(pk, None), name)


class NameChoiceField(forms.ModelChoiceField):
    """A model choice whose options are read as (id, name) pairs, not model instances: a
    director's filter of people lists 2,111 of them, and building that many instances cost a
    list page about 40 ms. Validation is the ModelChoiceField's own (the queryset's row)."""

    iterator = _NameChoiceIterator

    def __init__(self, *args: Any, label_field: str = "name", **kwargs: Any) -> None:
        self.label_field = label_field
        super().__init__(*args, **kwargs)


class FilterForm(BootstrapMixin, forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        return {key: getattr(value, "pk", value) for key, value in data.items() if value not in (None, "", False)}


class NamedBoundField(BoundField):
    """A field whose control carries its label as its accessible name (`aria-label`), so a field
    rendered alone (a formset row, a filter bar) is still named for a screen reader. A group of
    radios or checkboxes keeps its per-option labels."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        grouped = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput)
        if self.label and not grouped and "aria-label" not in attrs and "aria-label" not in widget.attrs:
            attrs["aria-label"] = str(self.label)
        return attrs


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs_html(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html: False leaves the attribute out, True writes its bare name.
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select_html(widget: dict[str, Any]) -> str:
    """What Django's select.html and select_option.html write, character for character
    (tests/test_forms_select.py compares the two), written in Python: the templates include one
    template per option, which cost a director's filter bar (2,111 people in the owner select)
    about 150 ms a page."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs_html(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts).strip()


class FormRenderer(DjangoTemplates):
    """The project's form renderer (settings.FORM_RENDERER): every field is named; selects are
    written without a template per option (`_select_html`)."""

    bound_field_class = NamedBoundField

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is not None and all(
            option.get("template_name") == OPTION_TEMPLATE for _, group, _ in widget["optgroups"] for option in group
        ):
            return _select_html(widget)
        return super().render(template_name, context, request=request)
