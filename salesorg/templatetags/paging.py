"""`{% pager page %}`: links to a paged list's other pages, keeping the list's filters."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.inclusion_tag("_pager.html", takes_context=True)
def pager(context: dict[str, Any], page: Page) -> dict[str, Any]:
    query = context["request"].GET.copy()
    query.pop("page", None)

    def url(number: int) -> str:
        query["page"] = str(number)
        return "?" + query.urlencode()

    return {
        "page": page,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "first_url": url(1) if page.number > 2 else "",
        # A count that stopped at its cap does not know the last page.
        "last_url": url(page.paginator.num_pages)
        if getattr(page.paginator, "exact", True) and page.number < page.paginator.num_pages - 1
        else "",
    }
