"""Import customers from CSV or Excel (all rows or none; the dry run and re-keying live in
customer_import.py) and export the scoped, filtered list.

The export is a `salesorg.exports.Table`: the one writer streams it as CSV (UTF-8 with a BOM) or
Excel, numbers as numeric cells with their formats, formulas defused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from customers.models import Customer
from customers.services import customer_import
from customers.services.customer_import import MAX_ROWS  # noqa: F401 (the cap, named here too)
from salesorg import exports
from salesorg.exports import Column, Kind


def customers_import(*, user: Any, upload: Any, today: date | None = None) -> list[Customer]:
    """Import a file at once, without a dry run shown (customers/services/customer_import.py):
    all rows or none; returns the customers added (the ones changed are updated in place)."""
    plan = customer_import.apply_import(
        user=user, name=getattr(upload, "name", "") or "", content=upload.read(), today=today
    )
    return [row.customer for row in plan.rows if row.status == "added" and row.customer is not None]


# The same names as the import's columns (a file exported can be edited and imported elsewhere);
# amounts are money, coordinates plain numbers (all their decimals), the pool date a date.
EXPORT_COLUMNS = [
    Column("code"),
    Column("name"),
    Column("tax_number"),
    Column("kind"),
    Column("industry"),
    Column("owner"),
    Column("owner_name"),
    Column("team"),
    Column("region"),
    Column("classification"),
    Column("status"),
    Column("credit_rating"),
    Column("credit_limit", Kind.MONEY),
    Column("potential_amount", Kind.MONEY),
    Column("address"),
    Column("latitude"),
    Column("longitude"),
    Column("source"),
    Column("referred_by"),
    Column("pool_due_date", Kind.DATE),
]


def _export_row(c: Customer) -> tuple[Any, ...]:
    return (
        c.code,
        c.name,
        c.tax_number,
        c.kind,
        c.industry,
        c.owner.employee_no if c.owner else "",
        c.owner.name if c.owner else "",
        c.team.name if c.team else "",
        c.region.name if c.region else "",
        c.classification,
        c.status,
        c.credit_rating,
        c.credit_limit,
        c.potential_amount,
        c.address,
        c.latitude,
        c.longitude,
        c.source,
        c.referred_by.code if c.referred_by else "",
        c.pool_due_date,
    )


def customers_export_table(customers: Iterable[Customer]) -> exports.Table:
    """The customers as an export table (`salesorg.exports`), its rows read lazily as written."""
    return exports.Table(columns=EXPORT_COLUMNS, rows=(_export_row(c) for c in customers), title="customers")
