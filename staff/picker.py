"""The people picker of filters and forms that name a person (a visit's author, an expense's
claimant, a customer's owner, a credit share's rep): the people in the user's scope, as a select up
to `PICK_LIST_LIMIT` of them (a team) and past that as a search (`salesorg.picking`,
`staff:person-pick`): a director's 2,111 people were 2,111 options on every list page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from salesorg.picking import SearchChoiceField
from staff.models import Person


class PersonPickField(SearchChoiceField):
    """A person of the form's queryset (the people in the user's scope who have not left)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Person.objects.none())
        super().__init__(
            *args,
            search_url="staff:person-pick",
            placeholder=_("Type a name or employee number"),
            search_label=_("Search people"),
            **kwargs,
        )
