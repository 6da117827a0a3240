"""Form helpers every app's pages share: Bootstrap classes, ISO date inputs, filter forms."""

from __future__ import annotations

from typing import Any

from django import forms

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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FilterForm(BootstrapMixin, forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        return {key: getattr(value, "pk", value) for key, value in data.items() if value not in (None, "", False)}
