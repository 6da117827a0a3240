"""Paged lists: every list page shows its rows a page at a time, with the total and links to the
other pages, in two queries (the count and the page) at any size.

A count stops at `LIST_COUNT_CAP` rows past the start (10,000 by default; at least one row past
the page asked for): counting a region's 117,000 orders exactly costs 200-400 ms on the
5,000,000-line data set, counting to 10,001 of them 23 ms (bench/README_lists.md). A longer list
says "10000+" and pages on with "Next"; the API answers `count_exact: false` beside the count."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_ROWS = 50
DEFAULT_COUNT_CAP = 10_000
# PostgreSQL's LIMIT is a bigint: a page number past this answers the last page (as any number
# out of range does), never an overflow.
_LIMIT_CEILING = 2**62


PREFETCHED = "prefetched_"


def prefetched(lookup: str, queryset: QuerySet) -> Prefetch:
    """A prefetch that leaves a plain list on each row (`prefetched_<lookup>`) instead of a queryset
    per row: Django clones and filters a queryset for every row of a `Prefetch` without `to_attr`
    (150 clones for a page of 50 orders with three nested lists). Read it with
    `salesorg.api.PrefetchedListSerializer`, or as `prefetched_<lookup>` in a template."""
    return Prefetch(lookup, queryset=queryset, to_attr=f"{PREFETCHED}{lookup}")


def counted_by(queryset: QuerySet, rows: QuerySet) -> QuerySet:
    """`queryset`, whose capped count is the count of `rows` as long as nothing filters it further.

    For a scope that reaches through another table: a unit's orders are the orders with a credit
    share of the unit, and their number is the number of distinct orders among those shares, read
    from the (team, order) index alone (a team's count to 10,001 on the 5,000,000-line data set:
    40-50 ms of primary-key probes of the orders, 4.5 ms from the shares). The caller vouches that
    both count the same rows (a share's order always exists). A filter added later (a status, a
    date, a search: any condition is one more child of the query's `WHERE`), a `DISTINCT`, a
    grouping or a combination turns the hint off: the list is then counted itself."""
    queryset = queryset.all()
    queryset.query.counted_by = (len(queryset.query.where.children), rows.order_by())  # type: ignore[attr-defined]
    return queryset


def _count_hint(query: Any) -> QuerySet | None:
    """The rows that count `query` (`counted_by`), if it is still the list that was hinted."""
    hint = getattr(query, "counted_by", None)
    if hint is None:
        return None
    conditions, rows = hint
    where = query.where
    unchanged = (
        len(where.children) == conditions
        and where.connector == "AND"
        and not where.negated
        and query.group_by is None
        and not query.distinct
        and not query.combinator
        and not query.is_sliced
    )
    return rows if unchanged else None


class CappedPaginator(Paginator):
    """A paginator whose count of a queryset stops one row past max(the cap, the page asked for).

    `exact` says whether `count` is the whole list; when it is not, `count` is a floor (there are
    at least that many rows), so the page math still offers a next page. Lists (not querysets)
    are counted whole."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wanted = 1
        self._limit: int | None = None

    @property
    def cap(self) -> int:
        return int(getattr(settings, "LIST_COUNT_CAP", DEFAULT_COUNT_CAP))

    def validate_number(self, number: Any) -> int:
        # The page asked for sets how far the count must reach (before the count is taken).
        if "count" not in self.__dict__:
            with contextlib.suppress(TypeError, ValueError, OverflowError):
                self._wanted = max(self._wanted, int(number))
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        limit = min(max(self.cap, self._wanted * self.per_page) + 1, _LIMIT_CEILING)
        rows = self.object_list.order_by()
        query = rows.query
        hinted = _count_hint(query)
        if hinted is not None:
            rows = hinted
        elif query.group_by is None and not query.distinct and not query.combinator:
            # Only the ids are counted: no annotation is computed for the count (a page's paid
            # amounts, say). A grouped or distinct list (a report by customer) counts its own
            # rows: its groups, not the ids under them.
            rows = rows.values("pk")
        counted = rows[:limit].count()
        if counted >= limit:
            self._limit = limit
        return counted

    def page(self, number: Any) -> Page:
        """The page's rows, from a queryset found by the ids of the page: the list's order and scope
        are walked once on the narrow rows of its index, and only the page's rows are read whole
        (a team's page of orders, found among 4,600 orders of the company's date index: 20 -> 13
        ms on the 5,000,000-line data set, bench/README_lists.md)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom: int, top: int) -> Any:
        rows = self.object_list
        if not isinstance(rows, QuerySet) or top <= bottom:
            return rows[bottom:top]
        query = rows.query
        if query.group_by is not None or query.distinct or query.combinator or query.is_sliced or not rows.ordered:
            # A grouped, distinct or combined list has no row id to find its rows by; an
            # unordered one no stable page of ids.
            return rows[bottom:top]
        return rows.filter(pk__in=rows.values("pk")[bottom:top])

    @property
    def exact(self) -> bool:
        """Whether `count` is the list's total (False: the list holds at least `count` rows)."""
        return self.count is not None and self._limit is None

    @property
    def total_label(self) -> str:
        """The total as a list's heading shows it: "10000+" when the count stopped at its cap."""
        count = self.count
        return str(count) if self.exact else f"{count - 1}+"


def page_of(request: HttpRequest, rows: Any, per_page: int = PAGE_ROWS) -> Page:
    """The page of `rows` the request asks for (`?page=N`); a page number out of range or not a
    number answers the nearest page, never an error."""
    return CappedPaginator(rows, per_page).get_page(request.GET.get("page"))
