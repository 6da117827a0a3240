"""Import customers from CSV or Excel (all rows or none) and export the scoped, filtered list.

The export is a `salesorg.exports.Table`: the one writer streams it as CSV (UTF-8 with a BOM) or
Excel, numbers as numeric cells with their formats, formulas defused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from customers.models import Customer, CustomerMove, MoveKind
from customers.services.accounts import clean_customer_fields
from salesorg import exports
from salesorg.exceptions import ApplicationError
from salesorg.exports import Column, Kind
from salesorg.imports import read_table
from staff import authority
from staff.models import Person

COLUMNS = [
    "code",
    "name",
    "kind",
    "industry",
    "owner",
    "classification",
    "status",
    "credit_rating",
    "credit_limit",
    "potential_amount",
    "address",
    "latitude",
    "longitude",
    "source",
    "referred_by",
    "contacts",
    "notes",
]
REQUIRED = ("code", "name")
MAX_ROWS = 10_000


def _capped_rows(upload: Any) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs, line 1 being the header; refused past MAX_ROWS without reading on."""
    table = read_table(
        name=getattr(upload, "name", "") or "", content=upload, normalise=lambda name: name.strip().lower()
    )
    rows: list[tuple[int, dict[str, str]]] = []
    for row in table:
        if len(rows) == MAX_ROWS:
            raise ApplicationError(_("Too many rows."), fields={"file": [_("At most %(n)s rows.") % {"n": MAX_ROWS}]})
        rows.append(row)
    return rows


@dataclass(frozen=True)
class _Lookups:
    """What the rows name, fetched once for the whole file: codes taken, owners, referrers."""

    existing_codes: set[str]
    owners: dict[str, Person]
    referrers: dict[str, Customer]


def _lookups(user: Any, rows: list[tuple[int, dict[str, str]]]) -> _Lookups:
    codes = [row.get("code", "") for _line, row in rows]
    owner_numbers = {row.get("owner") for _line, row in rows if row.get("owner")}
    referrer_codes = {row.get("referred_by") for _line, row in rows if row.get("referred_by")}
    return _Lookups(
        existing_codes=set(Customer.objects.filter(code__in=codes).values_list("code", flat=True)),
        owners={
            p.employee_no: p for p in Person.objects.visible_to(user).current().filter(employee_no__in=owner_numbers)
        },
        referrers={c.code: c for c in Customer.objects.visible_to(user).filter(code__in=referrer_codes)},
    )


def _row_customer(
    row: dict[str, str], *, lookups: _Lookups, seen: set[str], importer: Person | None, today: date
) -> tuple[Customer | None, list[str]]:
    """The customer a row describes (not saved), or None and what is wrong with the row."""
    problems: list[str] = []
    code = row.get("code", "")
    if not code or len(code) > 30:
        problems.append(_("code: enter a code of at most 30 characters"))
    elif code in lookups.existing_codes or code in seen:
        problems.append(_("code: %(code)s exists already") % {"code": code})
    seen.add(code)
    owner = None
    if row.get("owner"):
        owner = lookups.owners.get(row["owner"])
        if owner is None:
            problems.append(_("owner: no person %(no)s in your scope") % {"no": row["owner"]})
    data = {k: row[k] for k in COLUMNS if k in row and k not in ("code", "owner", "referred_by", "classification")}
    data = {k: v for k, v in data.items() if v != "" or k in ("name",)}
    try:
        cleaned = clean_customer_fields(data)
    except ApplicationError as exc:
        cleaned = {}
        problems += [f"{field}: {'; '.join(map(str, msgs))}" for field, msgs in exc.fields.items()]
    classification = row.get("classification") or "potential"
    if classification not in ("key", "general", "potential"):
        problems.append(_("classification: choose key, general or potential"))
    referrer = None
    if row.get("referred_by"):
        referrer = lookups.referrers.get(row["referred_by"])
        if referrer is None:
            problems.append(_("referred_by: no customer %(code)s") % {"code": row["referred_by"]})
    if problems:
        return None, problems
    cleaned.pop("referred_by", None)
    customer = Customer(code=code, classification=classification, referred_by=referrer, **cleaned)
    if owner is not None:
        customer.owner, customer.owner_since = owner, today
        customer.team_id, customer.region_id = owner.team_id, owner.region_id
    elif importer is not None:
        customer.team_id, customer.region_id = importer.team_id, importer.region_id
    return customer, []


@transaction.atomic
def customers_import(*, user: Any, upload: Any, today: date | None = None) -> list[Customer]:
    """Create customers from a file (`customers.import`: a manager, each row in their unit; an
    admin): every row valid, or nothing written and every bad row named."""
    today = today or timezone.localdate()
    actor = authority.require(user, "customers.import")
    importer = actor.person if actor.is_admin else authority.require_person(user)
    rows = _capped_rows(upload)
    if not rows:
        raise ApplicationError(_("The file has no rows."), fields={"file": [_("The file has no rows.")]})
    missing = [column for column in REQUIRED if column not in rows[0][1]]
    if missing:
        raise ApplicationError(
            _("Missing columns."), fields={"file": [_("Missing columns: %(c)s") % {"c": ", ".join(missing)}]}
        )
    lookups = _lookups(user, rows)
    errors: list[str] = []
    seen: set[str] = set()
    customers: list[Customer] = []
    for line, row in rows:
        customer, problems = _row_customer(row, lookups=lookups, seen=seen, importer=importer, today=today)
        # Each row lies in the importer's unit: its owner (or the importer) a person there.
        refusal = authority.check(user, "customers.manage", customer) if customer is not None else None
        if problems or refusal:
            errors.append(_("line %(line)s: %(problems)s") % {"line": line, "problems": refusal or "; ".join(problems)})
            continue
        customers.append(customer)
    if errors:
        raise ApplicationError(
            _("%(n)s rows have errors; nothing was imported.") % {"n": len(errors)}, fields={"rows": errors}
        )
    created = bulk_create_with_history(customers, Customer, batch_size=500, default_user=user)
    # bulk_create_with_history returns the objects; fetch their ids by code for the moves.
    ids = dict(Customer.objects.filter(code__in=[c.code for c in customers]).values_list("code", "id"))
    CustomerMove.objects.bulk_create(
        [
            CustomerMove(
                customer_id=ids[c.code],
                date=today,
                kind=MoveKind.CREATED,
                to_owner=c.owner,
                reason=_("Imported"),
                moved_by=importer,
            )
            for c in customers
        ]
    )
    return created


# The same names as the import's columns (a file exported can be edited and imported elsewhere);
# amounts are money, coordinates plain numbers (all their decimals), the pool date a date.
EXPORT_COLUMNS = [
    Column("code"),
    Column("name"),
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
