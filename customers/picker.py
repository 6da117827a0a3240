"""The customer picker of every form that names a customer (orders, opportunities, visits,
expenses, intelligence notes, "referred by"): the customers in the user's scope, as a select up to
`PICK_LIST_LIMIT` of them and past that as a search (`salesorg.picking`, `customers:pick`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from salesorg.picking import SearchChoiceField


class CustomerPickField(SearchChoiceField):
    """A customer of the form's queryset (the user's scope). `kinds` narrows the search to some
    kinds of customer (a distributor or an agent), as the form's queryset does."""

    def __init__(self, *args: Any, kinds: Iterable[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Customer.objects.none())
        kinds = tuple(kinds)
        super().__init__(
            *args,
            search_url="customers:pick",
            search_params={"kind": kinds} if kinds else None,
            placeholder=_("Type a name or code to find the customer"),
            search_label=_("Search customers"),
            **kwargs,
        )
