"""The report framework: a report is a scoped, filtered queryset of rows (dicts), its typed
columns, and what is computed per row without a query (`finish`).

Each report reads only what the viewer may see (`visible_to`, the data-scope rule) and applies the
same filters (`Filters`) on the page and in the exports, so an export holds exactly the rows the
page pages through. Rows come from `.values()`, so a page is two queries (count, page) and an export
one, streamed with `.iterator(chunk_size=...)`, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from salesorg.exports import Column, Kind, read_in_transaction
from salesorg.formatting import grouped, money, percent

EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Col:
    """A column: the row key it shows, its header, its kind (the number format), and for a code
    column (a status, a kind) the labels its codes read as."""

    key: str
    label: Any
    kind: Kind = Kind.GENERAL
    labels: Any = None


@dataclass(frozen=True)
class Filters:
    """What the filter form gave: the period and a region, team or rep (all optional)."""

    date_from: date | None = None
    date_to: date | None = None
    region: Any = None
    team: Any = None
    rep: Any = None
    today: date = field(default_factory=timezone.localdate)

    @property
    def as_of(self) -> date:
        """The day a balance is aged on: the end of the period, or today."""
        return self.date_to or self.today


def ratio(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """part / whole, empty (not zero, not an error) when the whole is 0 or missing."""
    if part is None or not whole:
        return None
    return Decimal(part) / Decimal(whole)


class Report:
    """One report. Subclasses set the class attributes and `rows`; `finish` and `context` are
    optional (a computed column; one aggregate the rows need, e.g. a total)."""

    key: ClassVar[str]
    title: ClassVar[Any]
    description: ClassVar[Any] = ""
    columns: ClassVar[tuple[Col, ...]]
    # Lookups from the report's model to the rep, team and region a row is recorded on; None
    # where the filter reaches through the order's credit shares instead (`shares_q`).
    date_field: ClassVar[str] = "date"
    rep_field: ClassVar[str | None] = None
    team_field: ClassVar[str | None] = None
    region_field: ClassVar[str | None] = None
    # For rows that belong to an order: the lookup from the row to the order's id.
    order_ref: ClassVar[str | None] = None

    @property
    def url(self) -> str:
        return reverse(f"dashboard:report-{self.key}")

    @property
    def export_url(self) -> str:
        return reverse(f"dashboard:report-{self.key}-export")

    def rows(self, user: Any, f: Filters) -> QuerySet:
        raise NotImplementedError

    def context(self, user: Any, f: Filters) -> dict[str, Any]:
        return {}

    def finish(self, row: dict[str, Any], f: Filters, ctx: dict[str, Any]) -> dict[str, Any]:
        return row

    # --- shared filtering -----------------------------------------------------------------------

    def filtered(self, qs: QuerySet, f: Filters) -> QuerySet:
        """The period on `date_field`, then the region, team and rep."""
        if f.date_from:
            qs = qs.filter(**{f"{self.date_field}__gte": f.date_from})
        if f.date_to:
            qs = qs.filter(**{f"{self.date_field}__lte": f.date_to})
        if self.order_ref is not None:
            return qs.filter(shares_q(self.order_ref, f))
        for name, lookup in (("region", self.region_field), ("team", self.team_field), ("rep", self.rep_field)):
            if getattr(f, name) is not None and lookup:
                qs = qs.filter(**{lookup: getattr(f, name)})
        return qs

    # --- output ----------------------------------------------------------------------------------

    def export_columns(self) -> list[Column]:
        return [Column(str(c.label), c.kind) for c in self.columns]

    def _labels(self) -> list[dict[str, str] | None]:
        # Resolved now, in the request's language: a streamed file is written after the view.
        return [{k: str(v) for k, v in dict(c.labels).items()} if c.labels else None for c in self.columns]

    def export_rows(self, qs: QuerySet, f: Filters, ctx: dict[str, Any]) -> Iterator[list[Any]]:
        labels = self._labels()
        keys = [c.key for c in self.columns]
        for row in read_in_transaction(qs.iterator(chunk_size=EXPORT_CHUNK)):
            row = self.finish(row, f, ctx)
            yield [(labels[i].get(row[key], row[key]) if labels[i] else row[key]) for i, key in enumerate(keys)]

    def display_rows(self, rows: Any, f: Filters, ctx: dict[str, Any]) -> list[list[tuple[str, bool]]]:
        """Rows as the page shows them: (text, is a number) per cell."""
        labels = self._labels()
        out = []
        for row in rows:
            row = self.finish(row, f, ctx)
            cells = []
            for i, col in enumerate(self.columns):
                cells.append(display(row[col.key], col.kind, labels[i]))
            out.append(cells)
        return out


def display(value: Any, kind: Kind, labels: dict[str, str] | None = None) -> tuple[str, bool]:
    numeric = kind in (Kind.MONEY, Kind.DECIMAL, Kind.COUNT, Kind.RATIO)
    if value is None or value == "":
        return ("–" if numeric else "", numeric)
    if labels:
        return (labels.get(value, value), False)
    if kind in (Kind.MONEY, Kind.DECIMAL):
        return (money(value), True)
    if kind == Kind.RATIO:
        return (percent(value), True)
    if kind == Kind.COUNT:
        return (grouped(Decimal(value), 0), True)
    if isinstance(value, date):
        return (value.isoformat(), False)
    return (str(value), False)


def shares_q(order_ref: str, f: Filters) -> Q:
    """Rows whose order has a credit share recorded on the region, team and rep asked for
    (a semi-join: a split order is one row, never one per share)."""
    from sales.models import CreditShare

    q = Q()
    wanted = {name: getattr(f, name) for name in ("region", "team", "rep") if getattr(f, name) is not None}
    if wanted:
        q &= Q(Exists(CreditShare.objects.filter(order_id=OuterRef(order_ref), **wanted)))
    return q
