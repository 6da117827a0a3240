"""Pickers for choices that can run into the thousands: customers (a director sees 100,000) and
people (2,111). Used by the forms that name a customer (`customers.picker`) and the filters of
people (`staff.picker`).

Up to `PICK_LIST_LIMIT` choices in scope (a rep's customers, a team's people) the picker is a plain
select of all of them. Past that a select of all of them would be megabytes of page: the select
holds only the chosen one, and a search box above it fills it from the picker's search page (htmx),
at most `PICK_ROWS` matches at a time. Either way the field takes only a choice of its queryset
(the user's scope): a posted id outside it is an invalid choice, whatever the page showed.

The search box belongs to no form (`form=""`): it is never sent with the form it sits in, so it
cannot clash with a filter form's own search field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from salesorg.forms import NameChoiceField

# Matches listed by one search; past them the list says to type more.
PICK_ROWS = 50
# The longest search text taken.
MAX_QUERY = 100


def list_limit() -> int:
    """How many choices in scope a picker still lists whole (settings.PICK_LIST_LIMIT)."""
    return settings.PICK_LIST_LIMIT


class SearchSelect(forms.Select):
    """A select of the choices in scope, or, past the list limit, of the chosen one beside a
    search box that fills it. The field sets the queryset, the search page and the box's words."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset: QuerySet[Any] | None = None
        self.label_field = "name"
        self.search_url = ""
        self.search_params: Mapping[str, Iterable[str]] = {}
        self.placeholder = ""
        self.search_label = ""
        self.searching = False

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        # One count, stopped one past the limit, decides the mode.
        limit = list_limit()
        self.searching = self.queryset is not None and self.queryset.order_by()[: limit + 1].count() > limit
        select = super().render(name, value, attrs, renderer)
        if not self.searching:
            return select
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        url = reverse(self.search_url)
        if self.search_params:
            url = f"{url}?{urlencode(self.search_params, doseq=True)}"
        search = format_html(
            '<input type="search" name="q" form="" id="{0}_q" class="form-control mb-1" autocomplete="off" '
            'placeholder="{1}" aria-label="{2}" aria-controls="{0}" data-pick-search="{0}" '
            'hx-get="{3}" hx-trigger="input changed delay:300ms, search" hx-target="#{0}" hx-swap="innerHTML">',
            select_id,
            self.placeholder,
            self.search_label,
            url,
        )
        return search + select

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        if not self.searching or self.queryset is None:
            return super().optgroups(name, value, attrs)
        # Searching: the empty choice and the chosen one (if any, and in scope) only. A posted id
        # that is no number shows nothing; the field says it is no valid choice.
        chosen = [v for v in value if str(v).isdigit()]
        choices: list[tuple[Any, str]] = [("", "---------")]
        if chosen:
            choices += list(self.queryset.filter(pk__in=chosen).values_list("pk", self.label_field))
        saved, self.choices = self.choices, choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = saved


class SearchChoiceField(NameChoiceField):
    """A model choice of the form's queryset, picked by `SearchSelect` (options read as (id,
    label) pairs). `search_url` names the search page; `search_params` go with every search."""

    widget = SearchSelect

    def __init__(
        self,
        *args: Any,
        search_url: str,
        placeholder: str = "",
        search_label: str = "",
        search_params: Mapping[str, Iterable[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.widget.label_field = self.label_field
        self.widget.search_url = search_url
        self.widget.search_params = search_params or {}
        self.widget.placeholder = placeholder
        self.widget.search_label = search_label

    def _set_queryset(self, queryset: QuerySet[Any] | None) -> None:
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


def search_text(request: HttpRequest) -> str | HttpResponse:
    """The search page's `q`, or a 400 naming it."""
    q = request.GET.get("q", "")
    if len(q) > MAX_QUERY:
        return HttpResponseBadRequest(_("q: at most %(n)d characters.") % {"n": MAX_QUERY})
    return q.strip()


def options_response(rows: list[tuple[Any, str]], *, none_found: str) -> HttpResponse:
    """The search page's answer, for htmx to put into the select: the empty choice, the first
    `PICK_ROWS` of `rows` (id, label), and a disabled line when there is nothing or more."""
    options: SafeString = format_html('<option value="">{}</option>', "---------") + format_html_join(
        "", '<option value="{}">{}</option>', rows[:PICK_ROWS]
    )
    if not rows:
        options += format_html('<option value="" disabled>{}</option>', none_found)
    elif len(rows) > PICK_ROWS:
        options += format_html(
            '<option value="" disabled>{}</option>',
            _("The first %(n)d are shown: type more to narrow them.") % {"n": PICK_ROWS},
        )
    return HttpResponse(options)
