"""Import customers from CSV or Excel (all rows or none) and export the scoped, filtered list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from simple_history.utils import bulk_create_with_history

from customers.models import Customer, CustomerMove, MoveKind
from customers.services.accounts import clean_customer_fields
from salesorg.exceptions import ApplicationError
from salesorg.exports import safe_cell
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
    codes = [row.get("code", "") for _line, row in rows]
    existing_codes = set(Customer.objects.filter(code__in=codes).values_list("code", flat=True))
    owner_numbers = {row.get("owner") for _line, row in rows if row.get("owner")}
    owners = {p.employee_no: p for p in Person.objects.visible_to(user).current().filter(employee_no__in=owner_numbers)}
    referrer_codes = {row.get("referred_by") for _line, row in rows if row.get("referred_by")}
    referrers = {c.code: c for c in Customer.objects.visible_to(user).filter(code__in=referrer_codes)}
    errors: list[str] = []
    seen: set[str] = set()
    customers: list[Customer] = []
    for line, row in rows:
        problems: list[str] = []
        code = row.get("code", "")
        if not code or len(code) > 30:
            problems.append(_("code: enter a code of at most 30 characters"))
        elif code in existing_codes or code in seen:
            problems.append(_("code: %(code)s exists already") % {"code": code})
        seen.add(code)
        owner = None
        if row.get("owner"):
            owner = owners.get(row["owner"])
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
            referrer = referrers.get(row["referred_by"])
            if referrer is None:
                problems.append(_("referred_by: no customer %(code)s") % {"code": row["referred_by"]})
        if problems:
            errors.append(_("line %(line)s: %(problems)s") % {"line": line, "problems": "; ".join(problems)})
            continue
        cleaned.pop("referred_by", None)
        customer = Customer(code=code, classification=classification, referred_by=referrer, **cleaned)
        if owner is not None:
            customer.owner, customer.owner_since = owner, today
            customer.team_id, customer.region_id = owner.team_id, owner.region_id
        elif importer is not None:
            customer.team_id, customer.region_id = importer.team_id, importer.region_id
        refusal = authority.check(user, "customers.manage", customer)
        if refusal:
            # Each row lies in the importer's unit: its owner (or the importer) a person there.
            errors.append(_("line %(line)s: %(problems)s") % {"line": line, "problems": refusal})
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


EXPORT_HEADER = [
    "code",
    "name",
    "kind",
    "industry",
    "owner",
    "owner_name",
    "team",
    "region",
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
    "pool_due_date",
]


def export_rows(customers: Iterable[Customer]) -> Iterator[list[Any]]:
    for c in customers:
        yield [
            safe_cell(value)
            for value in (
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
                str(c.credit_limit),
                str(c.potential_amount),
                c.address,
                "" if c.latitude is None else str(c.latitude),
                "" if c.longitude is None else str(c.longitude),
                c.source,
                c.referred_by.code if c.referred_by else "",
                c.pool_due_date.isoformat() if c.pool_due_date else "",
            )
        ]


def customers_export_csv(customers: Iterable[Customer]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(export_rows(customers))
    # A BOM so Excel opens Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def customers_export_xlsx(customers: Iterable[Customer]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("customers")
    sheet.append(EXPORT_HEADER)
    for row in export_rows(customers):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
