"""Paged lists: every list page shows its rows a page at a time, with the total and links to the
other pages, in two queries (the count and the page) at any size."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_ROWS = 200


def page_of(request: HttpRequest, rows: Any, per_page: int = PAGE_ROWS) -> Page:
    """The page of `rows` the request asks for (`?page=N`); a page number out of range or not a
    number answers the nearest page, never an error."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))
