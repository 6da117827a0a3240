"""The customer picker of every form that names a customer (orders, opportunities, visits,
expenses, intelligence notes, "referred by").

A rep sees a few dozen customers: the picker is a plain select of them. A director sees the whole
company (100,000 customers at full size): a select of all of them would be megabytes of page, so
past `CUSTOMER_PICK_LIST_LIMIT` customers in scope the select holds only the chosen customer, and a
search box above it fills it from `customers:pick` (htmx), at most `PICK_ROWS` matches at a time.
Either way the field takes only a customer in the user's scope: the form's queryset is the scope,
and a posted id outside it is an invalid choice, whatever the page showed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from customers.models import Customer

# Matches listed by one search; past them the list says to type more.
PICK_ROWS = 50


def list_limit() -> int:
    """How many customers in scope a picker still lists whole (settings.CUSTOMER_PICK_LIST_LIMIT)."""
    return settings.CUSTOMER_PICK_LIST_LIMIT


class CustomerPickSelect(forms.Select):
    """A select of the customers in scope, or, past the list limit, of the chosen one beside a
    search box that fills it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset: QuerySet[Customer] = Customer.objects.none()
        self.kinds: tuple[str, ...] = ()
        self.searching = False

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        # One count, stopped one past the limit, decides the mode.
        limit = list_limit()
        self.searching = self.queryset.order_by()[: limit + 1].count() > limit
        select = super().render(name, value, attrs, renderer)
        if not self.searching:
            return select
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        url = reverse("customers:pick")
        if self.kinds:
            url = f"{url}?{urlencode({'kind': self.kinds}, doseq=True)}"
        search = format_html(
            '<input type="search" name="q" id="{0}_q" class="form-control mb-1" autocomplete="off" '
            'placeholder="{1}" aria-label="{2}" aria-controls="{0}" data-customer-search="{0}" '
            'hx-get="{3}" hx-trigger="input changed delay:300ms, search" hx-target="#{0}" hx-swap="innerHTML">',
            select_id,
            _("Type a name or code to find the customer"),
            _("Search customers"),
            url,
        )
        return search + select

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        if not self.searching:
            return super().optgroups(name, value, attrs)
        # Searching: the empty choice and the chosen customer (if any, and in scope) only.
        # (A posted id that is no number shows nothing; the field says it is no valid choice.)
        chosen = [v for v in value if str(v).isdigit()]
        choices: list[tuple[Any, str]] = [("", "---------")]
        if chosen:
            choices += list(self.queryset.filter(pk__in=chosen).values_list("pk", "name"))
        saved, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = saved


class CustomerPickField(forms.ModelChoiceField):
    """A customer in the user's scope (the form sets `queryset`), picked by `CustomerPickSelect`.
    `kinds` narrows the search to some kinds of customer (a distributor or an agent), as the
    form's queryset does."""

    widget = CustomerPickSelect

    def __init__(self, *args: Any, kinds: Iterable[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Customer.objects.none())
        super().__init__(*args, **kwargs)
        self.widget.kinds = tuple(kinds)

    def _set_queryset(self, queryset: QuerySet[Customer] | None) -> None:
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def label_from_instance(self, obj: Customer) -> str:
        return obj.name
